"""The continuity page: the secretariat confirms or rejects suggested links between the lines of a
plan and those of the plans before it, several at once and in place, or links two lines itself."""

from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ..diffing import side_by_side
from ..filters import LinkFilter
from ..forms import LineLinkForm, LinkDecisionForm
from ..models import ActionLine, LineLink
from ..permissions import link_decider_required
from .decisions import back_to_page, decision_context, next_group, posted_query

LINES_PER_PAGE = 20


def suggested_links(query):
    """The later lines with suggested links matching the filters of ``query``, each with them as
    ``link_suggestions``."""
    filters = LinkFilter(query or None, queryset=LineLink.objects.suggested())
    return filters, ActionLine.objects.with_link_suggestions(filters.qs).with_structure().in_code_order()


def mark_differences(lines) -> None:
    """Give each suggested link the two Chinese texts in pieces: the earlier one with what the later
    one dropped marked, and the later one with what it added marked."""
    for line in lines:
        for link in line.link_suggestions:
            link.earlier_pieces, link.later_pieces = side_by_side(link.predecessor.text_zh, line.text_zh)


@link_decider_required
def continuity_links(request):
    filters, lines = suggested_links(request.GET)
    context = decision_context(request, filters, lines, LINES_PER_PAGE) | {"link_form": LineLinkForm()}
    mark_differences(context["page"].object_list)
    return render(request, "commitments/continuity_links.html", context)


def back_to_links(request, anchor: str = "links"):
    return back_to_page(request, "commitments:continuity-links", anchor)


@require_POST
@link_decider_required
def links_decide(request):
    form = LinkDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return back_to_links(request)
    decided = form.decide(by=request.user)
    if form.cleaned_data["decision"] == "confirm":
        message = ngettext("%(count)d link confirmed.", "%(count)d links confirmed.", decided.links)
    else:
        message = ngettext("%(count)d link rejected.", "%(count)d links rejected.", decided.links)
    messages.success(request, message % {"count": decided.links})
    say_owners_proposed(request, decided.owners_proposed)
    _filters, lines = suggested_links(posted_query(request))
    decided_lines = ActionLine.objects.filter(predecessor_links__in=form.cleaned_data["links"])
    return back_to_links(request, next_group(lines, decided_lines, "links"))


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
    earlier, later = link.predecessor, link.successor
    messages.success(
        request,
        _("%(later)s now continues %(earlier)s.")
        % {
            "later": f"{later.plan.short_name} {later.code}",
            "earlier": f"{earlier.plan.short_name} {earlier.code}",
        },
    )
    say_owners_proposed(request, link.owners_proposed)
    return back_to_links(request, "link")


def say_owners_proposed(request, owners: int) -> None:
    if owners:
        messages.info(request, ngettext(
            "%(owners)d owner of the earlier lines proposed for the later ones: see Owner suggestions.",
            "%(owners)d owners of the earlier lines proposed for the later ones: see Owner suggestions.",
            owners,
        ) % {"owners": owners})  # fmt: skip
