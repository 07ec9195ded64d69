"""Reading pages: the plans, a line with its owners, status, timeline and history, and evidence files."""

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .. import permissions
from ..forms import OwnerForm, OwnershipDecisionForm
from ..history import line_history
from ..models import ActionLine, FinalStatus, LineLink, Ownership, Plan, ReportingPeriod, StatusUpdate, Target
from ..models.plans import ActionLineQuerySet
from ..permissions import reader_required


@reader_required
def plan_list(request):
    plans = Plan.objects.with_line_counts().select_related("parent")
    return render(request, "commitments/plan_list.html", {"plans": plans})


@reader_required
def plan_detail(request, code: str):
    plan = get_object_or_404(Plan.objects.select_related("parent"), code=code)
    return render(request, "commitments/plan_detail.html", {"plan": plan, "outline": plan.outline()})


@reader_required
def line_detail(request, plan: str, code: str):
    lines = ActionLine.objects.with_structure().with_target_flag()
    line = get_object_or_404(lines, plan__code=plan, code=code)
    updates = StatusUpdate.objects.filter(line=line).with_activities_and_evidence()
    if line.has_targets:
        updates = updates.with_target_values()
    updates = list(updates.order_by("-period__ends_on", "organisation"))
    ownerships = line.ownerships.exclude(state=Ownership.State.REJECTED).select_related("organisation")
    open_period = ReportingPeriod.objects.for_plan(line.plan).open().first()
    context = {
        "line": line,
        "plan": line.plan,
        "ownerships": sorted(ownerships, key=Ownership.display_order),
        "current": line.current_period_status,
        "final": line.final if line.plan.has_ended() else None,  # a query, for the lines of ended plans only
        "open_period": open_period,
        "approved": [u for u in updates if u.state == StatusUpdate.State.APPROVED],
        "in_progress": [u for u in updates if u.state != StatusUpdate.State.APPROVED],
        "reports": reports_of(request.user, ownerships, open_period, updates),
        "history": line_history(line, updates, organisations=[o.organisation for o in ownerships]),
        "target_progress": target_progress(line),
        "today": timezone.localdate(),
        **linked(line),
        "owner_form": OwnerForm(),
        "decision_form": OwnershipDecisionForm(),
    }
    return render(request, "commitments/line_detail.html", context)


def target_progress(line: ActionLine) -> list:
    """The progress of the line's targets today; no query for a line without targets."""
    return Target.objects.filter(line=line).progress_on(timezone.localdate()) if line.has_targets else []


def linked(line: ActionLine) -> dict[str, list[ActionLine]]:
    """The lines of other plans that ``line`` continues (with their final or last confirmed status) and those
    that continue it, with their plans, from its confirmed links: one query, and two more for the
    statuses when it continues any."""
    links = LineLink.objects.confirmed().filter(Q(successor=line) | Q(predecessor=line))
    links = list(links.select_related("predecessor__plan", "successor__plan"))
    earlier = in_plan_order(link.predecessor for link in links if link.successor_id == line.pk)
    finals = Prefetch("final_status", FinalStatus.objects.select_related("status"))
    prefetch_related_objects(earlier, ActionLineQuerySet.current_status_prefetch(), finals)
    return {
        "continues": earlier,
        "continued_by": in_plan_order(link.successor for link in links if link.predecessor_id == line.pk),
    }


def in_plan_order(lines) -> list[ActionLine]:
    return sorted(lines, key=lambda line: (line.plan.first_year, line.plan.code, line.sort_key))


def reports_of(user, ownerships, period, updates) -> list[tuple[Ownership, StatusUpdate | None]]:
    """The user's organisations that own the line, with their update for the open period, if any."""
    if period is None:
        return []
    mine = set(permissions.reporting_organisations(user).values_list("pk", flat=True))
    by_owner = {u.organisation_id: u for u in updates if u.period_id == period.pk}
    return [
        (o, by_owner.get(o.organisation_id))
        for o in ownerships
        if o.organisation_id in mine and o.state == Ownership.State.CONFIRMED
    ]


def evidence_download(request, pk: int):
    evidence = permissions.evidence_to_download(request.user, pk)
    response = FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name,
        content_type=evidence.content_type or "application/octet-stream",
    )  # fmt: skip
    return response  # not cached: tracker.middleware.SecurityHeadersMiddleware, for every signed-in user
