"""The owner suggestions page: decide many at once, in place, and give an area's lines an owner."""

from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ..filters import SuggestionFilter
from ..forms import AreaOwnerForm, SuggestionDecisionForm
from ..models import ActionLine, Ownership
from ..permissions import owner_assigner_required
from .decisions import back_to_page, decision_context, next_group, posted_query

LINES_PER_PAGE = 25


def suggested_lines(query):
    """The lines with suggestions matching the filters of ``query``, each with them as ``suggestions``
    (with the earlier line each was proposed from, if it was)."""
    filters = SuggestionFilter(query or None, queryset=Ownership.objects.suggested())
    suggestions = filters.qs.select_related("proposed_from__plan")
    return filters, ActionLine.objects.with_suggestions(suggestions).with_structure().in_code_order()


@owner_assigner_required
def owner_suggestions(request):
    filters, lines = suggested_lines(request.GET)
    context = decision_context(request, filters, lines, LINES_PER_PAGE) | {
        "roles": Ownership.Role.choices, "area_form": AreaOwnerForm(),
    }  # fmt: skip
    return render(request, "commitments/owner_suggestions.html", context)


def back_to_suggestions(request, anchor: str = "suggestions"):
    return back_to_page(request, "commitments:owner-suggestions", anchor)


@require_POST
@owner_assigner_required
def suggestions_decide(request):
    form = SuggestionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return back_to_suggestions(request)
    decided = form.decide(by=request.user)
    message = (
        ngettext("%(count)d suggestion confirmed.", "%(count)d suggestions confirmed.", decided)
        if form.cleaned_data["decision"] == "confirm"
        else ngettext("%(count)d suggestion rejected.", "%(count)d suggestions rejected.", decided)
    )
    messages.success(request, message % {"count": decided})
    _filters, lines = suggested_lines(posted_query(request))
    decided_lines = ActionLine.objects.filter(ownerships__in=form.cleaned_data["suggestions"])
    return back_to_suggestions(request, next_group(lines, decided_lines, "suggestions"))


@require_POST
@owner_assigner_required
def area_assign(request):
    """Shows what giving the area's lines the owner does, then does it once the officer confirms."""
    form = AreaOwnerForm(request.POST)
    if not form.is_valid() or "confirmed" not in request.POST:
        plan = form.cleaned_data["organisation"].assignment_of(
            form.lines(), role=form.cleaned_data["role"]
        ) if form.is_valid() else []  # fmt: skip
        role = dict(Ownership.Role.choices).get(form.cleaned_data.get("role"), "")
        context = {"form": form, "plan": plan, "role": role}
        return render(request, "commitments/area_owner_confirm.html", context)
    organisation, role = form.cleaned_data["organisation"], form.cleaned_data["role"]
    counts = organisation.take_ownership_of(form.lines(), role=role, by=request.user)
    messages.success(
        request,
        _(
            "%(organisation)s owns the lines of area %(area)s: %(created)d added, %(changed)d confirmed "
            "or given the role, %(unchanged)d already so."
        ) % {
            "organisation": organisation, "area": form.cleaned_data["area"].code,
            "created": counts.created, "changed": counts.changed, "unchanged": counts.unchanged,
        },
    )  # fmt: skip
    return back_to_suggestions(request, "assign")
