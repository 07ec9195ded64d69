"""The secretariat's review: the queue of submitted updates, decisions, and period statuses."""

from collections import defaultdict

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .. import notifications, permissions
from ..diffing import text_diff
from ..filters import ReviewFilter
from ..forms import BulkReviewForm, PeriodStatusForm, ReviewForm
from ..models import ActionLine, PeriodStatus, ReportingPeriod, StatusUpdate
from ..models.tracking import EditConflict, IllegalTransition
from ..permissions import reviewer_of_updates_required
from . import back_to

# A card shows an update's texts, their changes and its decision: a few dozen fit a page.
UPDATES_PER_PAGE = 20


@reviewer_of_updates_required
def review_queue(request, bulk_form: BulkReviewForm | None = None):
    """The submitted updates, oldest first, or those of another state, by pillar and owner."""
    chosen = ReviewFilter(request.GET, queryset=StatusUpdate.objects.all())
    page = Paginator(chosen.qs.with_details(), UPDATES_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    prepare_cards(page.object_list, request.user)
    context = {
        "filter": chosen,
        "page": page,
        "queue": page.object_list,
        "decidable": any(update.decidable for update in page.object_list),
        "bulk_form": bulk_form or BulkReviewForm(),
        "to_confirm": lines_to_confirm(request.user),
    }
    return render(request, "commitments/review_queue.html", context)


def prepare_cards(updates, user) -> None:
    """Give each update what its card shows: whether ``user`` may decide on it, the owner's last
    approved update before it, and the changes of its texts since."""
    previous = StatusUpdate.objects.latest_approved_before(updates)
    for update in updates:
        update.own = update.is_own(user)
        update.decidable = update.may_review(user)
        update.previous = previous.get((update.line_id, update.organisation_id))
        update.changes = {
            language: text_diff(
                getattr(update.previous, f"narrative_{language}", ""),
                getattr(update, f"narrative_{language}"),
            )
            for language in ("en", "zh")
        }


def lines_to_confirm(user) -> list[dict]:
    """Lines and periods whose updates are all approved, with the lead owner's status as proposal;
    ``own`` when ``user`` wrote or submitted one of those updates, and so may not confirm."""
    rows = defaultdict(lambda: {"updates": [], "proposed": None, "own": False})
    updates = (
        StatusUpdate.objects.awaiting_confirmation().with_context().prefetch_related("transitions")
        .order_by("period", "line__sort_key")
    )  # fmt: skip
    proposals = set(updates.proposals().values_list("pk", flat=True))
    for update in updates:
        row = rows[update.line, update.period]
        row["updates"].append(update)
        row["own"] = row["own"] or update.is_own(user)
        if update.pk in proposals:
            row["proposed"] = update.status
    return [
        {"line": line, "period": period, **row, "form": PeriodStatusForm(proposed=row["proposed"])}
        for (line, period), row in rows.items()
    ]


@require_POST
@reviewer_of_updates_required
def update_review(request, pk: int):
    update = permissions.update_to_review(request.user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        if decide(request, update, request.POST.get("decision"), form.cleaned_data["comment"],
                  version=form.cleaned_data["version"]):  # fmt: skip
            return back_to(request, "commitments:review-queue")
        return redirect("commitments:update-detail", update.pk)
    update = get_object_or_404(StatusUpdate.objects.with_details(), pk=pk)
    context = {"update": update, "review_form": form, **decision_context(request.user, update)}
    return render(request, "commitments/update_detail.html", context)


def decision_context(user, update: StatusUpdate) -> dict:
    """What the update page offers ``user``: the decision, or word that another officer reviews
    their own update."""
    waiting = update.state == StatusUpdate.State.SUBMITTED and user.has_perm(permissions.REVIEW)
    return {"can_review": update.may_review(user), "own_to_review": waiting and update.is_own(user)}


@require_POST
@reviewer_of_updates_required
def review_bulk(request):
    form = BulkReviewForm(request.POST)
    if not form.is_valid():
        return review_queue(request, bulk_form=form)
    decided = sum(
        decide(request, update, form.cleaned_data["decision"], form.cleaned_data["comment"], quiet=True)
        # The steps too, in one query: each decision asks who submitted the update (is_own).
        for update in form.cleaned_data["updates"]
        .select_related("line__plan", "period", "organisation", "author")
        .prefetch_related("transitions")
    )
    messages.success(
        request,
        ngettext("%(count)d update decided.", "%(count)d updates decided.", decided) % {"count": decided},
    )
    return redirect("commitments:review-queue")


def decide(
    request, update: StatusUpdate, decision: str, comment: str, *, version: int | None = None, quiet=False
) -> bool:
    """Approve or return one update and tell its author; say so, or say why not."""
    try:
        if version is not None and version != update.version:
            raise EditConflict(_("This update changed since you opened it; reload and try again."))
        if decision == "approve":
            update.approve(by=request.user, comment=comment)
            notifications.update_approved(update, comment)
        elif decision == "return":
            update.return_for_changes(by=request.user, comment=comment)
            notifications.update_returned(update, comment)
        else:
            raise IllegalTransition(_("Choose to approve or to return the update."))
    except (EditConflict, IllegalTransition) as refusal:
        messages.error(request, f"{update.line.code} {update.organisation}: {refusal}")
        return False
    if not quiet:
        messages.success(
            request,
            _("%(line)s %(organisation)s: %(state)s.")
            % {
                "line": update.line.code,
                "organisation": update.organisation,
                "state": update.get_state_display(),
            },
        )
    return True


@reviewer_of_updates_required
def period_status_confirm(request, line: int, period: int):
    line = get_object_or_404(ActionLine.objects.with_structure(), pk=line)
    period = get_object_or_404(ReportingPeriod, pk=period, plan=line.plan)
    proposed = PeriodStatus.proposal_for(line, period)
    form = PeriodStatusForm(request.POST or None, proposed=proposed)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.confirm(PeriodStatus.propose(line, period), by=request.user)
        except IllegalTransition as refusal:
            messages.error(request, f"{line.code}: {refusal}")
            return redirect("commitments:review-queue")
        messages.success(
            request,
            _("%(line)s: status for %(period)s confirmed.") % {"line": line.code, "period": period.label},
        )
        return redirect("commitments:review-queue")
    updates = StatusUpdate.objects.filter(line=line, period=period).with_context()
    context = {"line": line, "period": period, "proposed": proposed, "form": form, "updates": updates}
    # Unsaved when nothing proposed it yet: it only names the line and period whose updates count.
    context["own"] = PeriodStatus(line=line, period=period).is_own(request.user)
    return render(request, "commitments/period_status_form.html", context)
