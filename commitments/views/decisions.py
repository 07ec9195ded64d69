"""What the pages on which the secretariat decides the tracker's suggestions share (owners, continuity
links): the suggestions grouped by line and filtered, a page of them, several decided at once, and
the officer back where they were, with the same filters and page, at the next group."""

from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse


def decision_context(request, filters, lines, per_page: int) -> dict:
    """The context of the page: the filters, the count of suggestions, a page of lines, the query
    without the page (for the pages' links)."""
    return {"filters": filters, "count": filters.qs.count(), **paged(request, lines, per_page)}


def paged(request, lines, per_page: int) -> dict:
    """A page of ``lines`` as the request asks, and the request's query without the page."""
    query = request.GET.copy()
    query.pop("page", None)
    return {"query": query.urlencode(), "page": Paginator(lines, per_page).get_page(request.GET.get("page"))}


def posted_query(request) -> QueryDict:
    """The filters and page the officer was looking at, which the decision form carries along."""
    return QueryDict(request.POST.get("query", ""))


def back_to_page(request, url_name: str, anchor: str, args=()):
    """The page as the officer left it: the same filters and page, at ``anchor``."""
    query = posted_query(request).urlencode()
    return redirect(f"{reverse(url_name, args=args)}{'?' if query else ''}{query}#{anchor}")


def next_group(lines, decided, default: str) -> str:
    """The anchor of the first group of ``lines`` at or after the first of the ``decided`` lines:
    where the officer goes on once those are decided and gone from the page."""
    first = min(decided, key=lambda line: line.sort_key)
    # Without the suggestions the lines come with: only the line is wanted.
    following = lines.prefetch_related(None).filter(plan=first.plan_id, sort_key__gte=first.sort_key).first()
    return f"line-{following.pk}" if following else default
