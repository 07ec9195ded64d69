"""Who may do what. Every view, form and download asks here; the templates only mirror the answers.

Roles are groups with permissions (migration 0003): reviewers and everyone else with a role
read everything; focal points report for the lines their organisations own; secretariat
officers review, assign owners and run the reporting periods; administrators do all of it
through the admin.
"""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Evidence, Organisation, Ownership, ReportEdition, StatusUpdate
from .models.logins import UNLOCK_ACCOUNTS
from .models.reports import FINALISE, WITHDRAW
from .models.tracking import EDIT_REPORT_TEXTS, REVIEW_UPDATES

READ = "commitments.view_actionline"
REPORT = "commitments.change_statusupdate"
REVIEW = REVIEW_UPDATES
ASSIGN_OWNERS = "commitments.change_ownership"
RUN_PERIODS = "commitments.change_reportingperiod"

FINALISE_REPORTS = FINALISE
WITHDRAW_EDITIONS = WITHDRAW

reader_required = permission_required(READ, raise_exception=True)
report_finaliser_required = permission_required(FINALISE_REPORTS, raise_exception=True)
reviewer_of_updates_required = permission_required(REVIEW, raise_exception=True)
owner_assigner_required = permission_required(ASSIGN_OWNERS, raise_exception=True)
period_runner_required = permission_required(RUN_PERIODS, raise_exception=True)
report_editor_required = permission_required(EDIT_REPORT_TEXTS, raise_exception=True)
account_unlocker_required = permission_required(UNLOCK_ACCOUNTS, raise_exception=True)


def reporting_organisations(user) -> QuerySet[Organisation]:
    """The organisations a user reports for: those they are a focal point of, if they may report."""
    if not user.has_perm(REPORT):
        return Organisation.objects.none()
    return user.organisations.all()


def can_report_on(user, ownership: Ownership) -> bool:
    return (
        ownership.state == Ownership.State.CONFIRMED
        and user.has_perm(REPORT)
        and ownership.organisation.focal_points.filter(pk=user.pk).exists()
    )


def can_edit(user, update: StatusUpdate) -> bool:
    """A focal point of the update's organisation, while that organisation owns the line."""
    ownership = Ownership.objects.filter(line=update.line_id, organisation=update.organisation_id).first()
    return ownership is not None and can_report_on(user, ownership)


def ownership_to_report_on(user, pk: int) -> Ownership:
    ownership = get_object_or_404(Ownership.objects.select_related("line__plan", "organisation"), pk=pk)
    if not can_report_on(user, ownership):
        raise PermissionDenied
    return ownership


def update_to_edit(user, pk: int) -> StatusUpdate:
    update = get_object_or_404(StatusUpdate.objects.with_context(), pk=pk)
    if not can_edit(user, update):
        raise PermissionDenied
    return update


def update_to_review(user, pk: int) -> StatusUpdate:
    if not user.has_perm(REVIEW):
        raise PermissionDenied
    return get_object_or_404(StatusUpdate.objects.with_context(), pk=pk)


def evidence_to_download(user, pk: int) -> Evidence:
    """Everyone who reads the line reads its evidence; a withdrawn file only the secretariat."""
    if not user.has_perm(READ):
        raise PermissionDenied
    evidence = get_object_or_404(Evidence.objects.exclude(file=""), pk=pk)
    if evidence.is_withdrawn and not user.has_perm(REVIEW):
        raise PermissionDenied
    return evidence


def edition_to_withdraw(user, pk: int) -> ReportEdition:
    """An edition an administrator may withdraw; 403 for anyone else, whatever they post."""
    edition = get_object_or_404(ReportEdition.objects.select_related("plan", "period"), pk=pk)
    if not ReportEdition.may_withdraw(user):
        raise PermissionDenied
    return edition


# Reminders are part of running the reporting periods.
reminder_sender_required = period_runner_required
