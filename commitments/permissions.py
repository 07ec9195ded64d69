"""Who may do what. Every view, form and download asks here; the templates only mirror the answers.

Roles are groups with permissions (migration 0003): reviewers and everyone else with a role
read everything; focal points report for the lines their organisations own; secretariat
officers review, assign owners and run the reporting periods; administrators do all of it
through the admin.
"""

from __future__ import annotations

import functools
import operator

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from .models import (
    Evidence,
    Organisation,
    Ownership,
    Person,
    ReportBuild,
    ReportEdition,
    ReportingPeriod,
    StatusUpdate,
)
from .models.closeout import CLOSE_OUT
from .models.continuity import DECIDE_LINKS
from .models.logins import UNLOCK_ACCOUNTS
from .models.people import MANAGE_PEOPLE
from .models.reports import FINALISE, WITHDRAW
from .models.tracking import EDIT_REPORT_TEXTS, REVIEW_UPDATES


class PermissionBackend(ModelBackend):
    """Django's ModelBackend, reading a user's own and their groups' permissions in one query
    rather than two: every page asks, for its menu."""

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            names = permissions.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in names}
        return user_obj._perm_cache


READ = "commitments.view_actionline"
REPORT = "commitments.change_statusupdate"
REVIEW = REVIEW_UPDATES
ASSIGN_OWNERS = "commitments.change_ownership"
RUN_PERIODS = "commitments.change_reportingperiod"
ADD_ORGANISATIONS = "commitments.add_organisation"
EDIT_ORGANISATIONS = "commitments.change_organisation"

FINALISE_REPORTS = FINALISE
WITHDRAW_EDITIONS = WITHDRAW

reader_required = permission_required(READ, raise_exception=True)
report_finaliser_required = permission_required(FINALISE_REPORTS, raise_exception=True)
reviewer_of_updates_required = permission_required(REVIEW, raise_exception=True)
owner_assigner_required = permission_required(ASSIGN_OWNERS, raise_exception=True)
period_runner_required = permission_required(RUN_PERIODS, raise_exception=True)
report_editor_required = permission_required(EDIT_REPORT_TEXTS, raise_exception=True)
account_unlocker_required = permission_required(UNLOCK_ACCOUNTS, raise_exception=True)
people_manager_required = permission_required(MANAGE_PEOPLE, raise_exception=True)
organisation_adder_required = permission_required(ADD_ORGANISATIONS, raise_exception=True)
organisation_editor_required = permission_required(EDIT_ORGANISATIONS, raise_exception=True)
link_decider_required = permission_required(DECIDE_LINKS, raise_exception=True)
closer_required = permission_required(CLOSE_OUT, raise_exception=True)


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


def report_build_to_see(user, pk: int) -> ReportBuild:
    """A report build: whoever may generate a report sees their own; the secretariat shares all
    builds (ReportBuild.objects.visible_to). Someone else's is a 404, as if it did not exist."""
    if not user.has_perm(READ):
        raise PermissionDenied
    return get_object_or_404(ReportBuild.objects.with_context().visible_to(user), pk=pk)


def edition_to_withdraw(user, pk: int) -> ReportEdition:
    """An edition an administrator may withdraw; 403 for anyone else, whatever they post."""
    edition = get_object_or_404(ReportEdition.objects.select_related("plan", "period"), pk=pk)
    if not ReportEdition.may_withdraw(user):
        raise PermissionDenied
    return edition


def person_to_manage(user, pk: int) -> Person:
    """A person ``user`` may change (models/people.py says who); 403 for anyone else."""
    if not user.has_perm(MANAGE_PEOPLE):
        raise PermissionDenied
    person = get_object_or_404(Person.objects.for_list(), pk=pk)
    if not person.may_be_managed_by(user):
        raise PermissionDenied(person.why_not_managed_by(user))
    return person


class Roles:
    """What a signed-in user's roles give them to do: the page they start on after log-in, and the
    work waiting for them that the menu counts.

    The counts are read once, when first asked for (the menu asks on every page): a secretariat
    officer's in one query, a focal point's in two.
    """

    def __init__(self, user):
        self.user = user

    @property
    def reviews_updates(self) -> bool:
        return self.user.has_perm(REVIEW)

    @property
    def reports(self) -> bool:
        return self.user.has_perm(REPORT)

    def home(self) -> str:
        """Where the user lands after log-in: a secretariat officer on the review queue when
        something waits there, else on the dashboard; a focal point on their lines; anyone else
        on the register."""
        if self.reviews_updates:
            return reverse("commitments:review-queue" if self.reviews_waiting else "commitments:dashboard")
        if self.reports:
            return reverse("commitments:my-lines")
        return reverse("commitments:register")

    @functools.cached_property
    def reviews_waiting(self) -> int | None:
        """How many updates wait in the review queue; None for who does not review."""
        if not self.reviews_updates:
            return None
        return StatusUpdate.objects.review_queue().count()

    @functools.cached_property
    def updates_due(self) -> int | None:
        """How many lines of the user's organisations are yet to be reported on in their plan's
        open period (``OwnershipQuerySet.yet_to_report_in``); None for who does not report, or
        while the secretariat's count takes the menu's place."""
        if not self.reports or self.reviews_updates:
            return None
        owned = Ownership.objects.confirmed().filter(organisation__in=reporting_organisations(self.user))
        periods = ReportingPeriod.objects.open()
        due = [owned.for_plan(period.plan_id).yet_to_report_in(period) for period in periods]
        return functools.reduce(operator.or_, due).count() if due else 0


# Reminders are part of running the reporting periods.
reminder_sender_required = period_runner_required
