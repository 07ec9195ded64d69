"""The continuity page: the secretariat confirms or rejects suggested links between the lines of a
plan and those of the plans before it, several at once and in place, or links two lines itself."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ..diffing import text_diff
from ..filters import LinkFilter
from ..forms import LineLinkForm, LinkDecisionForm
from ..models import ActionLine, LineLink
from ..permissions import link_decider_required

LINES_PER_PAGE = 20


def suggested_links(query: QueryDict):
    """The later lines with suggested links matching the filters of ``query``, each with them as
    ``link_suggestions``."""
    filters = LinkFilter(query or None, queryset=LineLink.objects.suggested())
    return filters, ActionLine.objects.with_link_suggestions(filters.qs).with_structure().in_code_order()


def mark_differences(lines) -> None:
    """Give each suggested link the two Chinese texts in pieces: the earlier one with what the later
    one dropped marked, and the later one with what it added marked."""
    for line in lines:
        for link in line.link_suggestions:
            pieces = text_diff(link.predecessor.text_zh, line.text_zh)
            link.earlier_pieces = [piece for piece in pieces if piece[0] != "insert"]
            link.later_pieces = [piece for piece in pieces if piece[0] != "delete"]


@link_decider_required
def continuity_links(request):
    filters, lines = suggested_links(request.GET)
    page = Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("page"))
    mark_differences(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters, "count": filters.qs.count(), "query": query.urlencode(), "page": page,
        "link_form": LineLinkForm(),
    }  # fmt: skip
    return render(request, "commitments/continuity_links.html", context)


def back_to_links(request, anchor: str = "links"):
    """The continuity page as the officer left it: the same filters and page, at ``anchor``."""
    query = QueryDict(request.POST.get("query", "")).urlencode()
    return redirect(f"{reverse('commitments:continuity-links')}{'?' if query else ''}{query}#{anchor}")


@require_POST
@link_decider_required
def links_decide(request):
    form = LinkDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return back_to_links(request)
    decided = form.decide(by=request.user)
    message = (
        ngettext("%(count)d link confirmed.", "%(count)d links confirmed.", decided)
        if form.cleaned_data["decision"] == "confirm"
        else ngettext("%(count)d link rejected.", "%(count)d links rejected.", decided)
    )
    messages.success(request, message % {"count": decided})
    # Back where the officer was: the first group at or after the first line decided.
    first = min((link.successor for link in form.cleaned_data["links"]), key=lambda line: line.sort_key)
    _filters, lines = suggested_links(QueryDict(request.POST.get("query", "")))
    following = lines.filter(plan=first.plan_id, sort_key__gte=first.sort_key).first()
    return back_to_links(request, f"line-{following.pk}" if following else "links")


@require_POST
@link_decider_required
def link_make(request):
    form = LineLinkForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return back_to_links(request, "link")
    link = form.save(by=request.user)
    messages.success(
        request,
        _("%(later)s now continues %(earlier)s.")
        % {"later": link.successor.address, "earlier": link.predecessor.address},
    )
    return back_to_links(request, "link")
