"""Focal points' pages: their lines, and the update form with its activities and evidence."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import notifications, permissions
from ..forms import ReviewForm, UpdateEditor
from ..models import Ownership, ReportingPeriod, StatusUpdate
from ..models.tracking import EditConflict, IllegalTransition
from ..permissions import reader_required
from ..sessions import keeps_post, take_kept_post
from .review import decision_context


@reader_required
def my_lines(request):
    organisations = permissions.reporting_organisations(request.user)
    ownerships = list(
        Ownership.objects.confirmed().filter(organisation__in=organisations)
        .select_related("line__plan", "organisation").order_by("line__plan", "line__sort_key", "organisation")
    )  # fmt: skip
    periods = {
        p.plan_id: p
        for p in ReportingPeriod.objects.open().filter(plan__in={o.line.plan_id for o in ownerships})
    }
    updates = {
        (u.line_id, u.organisation_id): u
        for u in StatusUpdate.objects.filter(period__in=periods.values(), organisation__in=organisations)
    }
    rows = [(o, periods.get(o.line.plan_id), updates.get((o.line_id, o.organisation_id))) for o in ownerships]
    # Owners yet to report (``OwnershipQuerySet.yet_to_report_in``), read from the rows.
    due = [row for row in rows if row[1] and not (row[2] and row[2].is_reported)]
    return render(
        request, "commitments/my_lines.html", {"rows": rows, "due": due, "organisations": organisations}
    )


@require_POST
@reader_required
def update_start(request, ownership: int):
    ownership = permissions.ownership_to_report_on(request.user, ownership)
    period = ReportingPeriod.objects.for_plan(ownership.line.plan).open().first()
    if period is None:
        messages.error(request, _("No reporting period of this plan is open for updates."))
        return redirect(ownership.line.get_absolute_url())
    update, _created = StatusUpdate.objects.get_or_create(
        line=ownership.line, period=period, organisation=ownership.organisation,
        defaults={"author": request.user},
    )  # fmt: skip
    return redirect("commitments:update-edit", update.pk)


@keeps_post
@reader_required
def update_edit(request, pk: int):
    update = permissions.update_to_edit(request.user, pk)
    if not update.is_open_for_editing:
        messages.info(request, _("This update can no longer be edited."))
        return redirect("commitments:update-detail", update.pk)
    # What was being saved when the session ended, back after log-in: bound as it was sent, with
    # the version it was based on, so that saving it still notices someone else's save meanwhile.
    kept = take_kept_post(request)
    if kept and request.method == "GET":
        messages.info(request, _("Your text was kept; check it and save again (files must be chosen again)."))
    editor = UpdateEditor(update, request.POST or kept or None, request.FILES or None)
    if request.method == "POST" and not editor.adding_row and editor.is_valid():
        try:
            editor.save(by=request.user)
        except (EditConflict, IllegalTransition) as refusal:
            editor.show_conflict()
            messages.error(request, str(refusal))
        else:
            if not editor.submitting:
                messages.success(request, _("Draft saved."))
                return redirect("commitments:update-edit", update.pk)
            notifications.update_submitted(update)
            messages.success(request, _("Update submitted for review."))
            return redirect("commitments:update-detail", update.pk)
    return render(request, "commitments/update_form.html", {"editor": editor, "update": update})


@reader_required
def update_detail(request, pk: int):
    update = get_object_or_404(StatusUpdate.objects.with_details(), pk=pk)
    context = {
        "update": update,
        "can_edit": update.is_open_for_editing and permissions.can_edit(request.user, update),
        "review_form": ReviewForm(initial={"version": update.version}),
        **decision_context(request.user, update),
    }
    return render(request, "commitments/update_detail.html", context)
