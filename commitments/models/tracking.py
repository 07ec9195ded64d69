"""Tracking: who owns a line, reporting periods, statuses and the updates owners report."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from ..colours import validate_white_text_readable
from ..storage import evidence_storage
from .continuity import TargetValue
from .plans import NO_STATUS, ActionLine, Localizable, Localized, Plan


class OrganisationQuerySet(models.QuerySet):
    def of_kind(self, kind: str) -> OrganisationQuerySet:
        return self.filter(kind=kind)

    def with_acronym(self, acronym: str) -> OrganisationQuerySet:
        """The organisation with this acronym, whatever its case."""
        return self.filter(acronym__iexact=acronym.strip())

    def find(self, text: str) -> Organisation | None:
        """The organisation ``text`` names, as an owner picker sends it: its acronym, its acronym and
        name ("ACCC — ASEAN Committee on …", the picker's own suggestion), or its name in either
        language; any case, spaces trimmed. None when it names none, or more than one."""
        text = " ".join(str(text).split())
        if not text:
            return None
        acronym = text.split(" — ", 1)[0].strip()
        for query in (
            models.Q(acronym__iexact=text),
            models.Q(acronym__iexact=acronym) if acronym != text else None,
            models.Q(name_en__iexact=text) | models.Q(name_zh=text),
        ):
            if query is not None and len(found := list(self.filter(query)[:2])) == 1:
                return found[0]
        return None

    def with_suggestions(self) -> OrganisationQuerySet:
        """Organisations suggested as owner of a line, the secretariat still to decide."""
        suggested = Ownership.objects.suggested().filter(organisation=models.OuterRef("pk"))
        return self.filter(models.Exists(suggested))


class Organisation(Localizable, models.Model):
    """A body that owns action lines and reports on them through its focal points."""

    class Kind(models.TextChoices):
        ASEAN_BODY = "asean-body", _("ASEAN sectoral body")
        CHINESE_AGENCY = "chinese-agency", _("Chinese ministry or agency")
        MECHANISM = "mechanism", _("ASEAN–China mechanism")
        MEMBER_STATE = "member-state", _("ASEAN Member State")
        SECRETARIAT = "secretariat", _("ASEAN Secretariat")

    acronym = models.CharField(_("acronym"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_zh = models.CharField(_("name (Chinese)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    focal_points = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("focal points"),
        blank=True,
        related_name="organisations",
    )
    history = HistoricalRecords(excluded_fields=["focal_points"])

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.acronym

    @property
    def localized_name(self) -> Localized:
        return self.localized("name")

    @property
    def choice_label(self) -> str:
        """How an owner picker names it: "ACCC — ASEAN Committee on …", in the interface language."""
        name = self.localized_name
        return f"{self.acronym} — {name}" if name and name != self.acronym else self.acronym

    def assignment_of(self, lines, *, role: str) -> list[tuple[ActionLine, Ownership | None, str]]:
        """What making this organisation a confirmed ``role`` owner of ``lines`` does to each line:
        (line, its ownership by this organisation or None, "create", "change" or "keep")."""
        existing = {o.line_id: o for o in Ownership.objects.filter(organisation=self, line__in=lines)}
        plan = []
        for line in lines:
            ownership = existing.get(line.pk)
            if ownership is None:
                plan.append((line, None, "create"))
            elif ownership.state == Ownership.State.CONFIRMED and ownership.role == role:
                plan.append((line, ownership, "keep"))
            else:
                plan.append((line, ownership, "change"))
        return plan

    def take_ownership_of(self, lines, *, role: str, by) -> AssignmentCounts:
        """Make this organisation a confirmed owner, as ``role``, of each of ``lines``.

        In one transaction, each change saved (and so in the history) as an owner added on a line
        page is: a new ownership is created, a suggestion or a rejection confirmed, a confirmed
        ownership given the role; one already confirmed with that role is left as it is.
        """
        counts = AssignmentCounts()
        with transaction.atomic():
            # Locked: another officer deciding one of these at the same moment waits, then is seen.
            list(Ownership.objects.select_for_update().filter(organisation=self, line__in=lines))
            for line, ownership, action in self.assignment_of(lines, role=role):
                counts.add(action)
                if action == "create":
                    try:
                        with transaction.atomic():
                            Ownership.objects.create(
                                line=line, organisation=self, role=role, decided_by=by,
                                decided_at=timezone.now(),
                            )  # fmt: skip
                        continue
                    except IntegrityError:  # created by another officer since the lock was taken
                        ownership = Ownership.objects.get(line=line, organisation=self)
                if action != "keep":
                    ownership.confirm(by=by, role=role)
        return counts


@dataclass
class AssignmentCounts:
    created: int = 0
    changed: int = 0  # a suggestion or rejection confirmed, or a confirmed owner's role changed
    unchanged: int = 0

    def add(self, action: str) -> None:
        field = {"create": "created", "change": "changed", "keep": "unchanged"}[action]
        setattr(self, field, getattr(self, field) + 1)


class OwnershipQuerySet(models.QuerySet):
    def confirmed(self) -> OwnershipQuerySet:
        return self.filter(state=Ownership.State.CONFIRMED)

    def suggested(self) -> OwnershipQuerySet:
        return self.filter(state=Ownership.State.SUGGESTED)

    def for_plan(self, plan: Plan) -> OwnershipQuerySet:
        return self.filter(line__plan=plan)

    def with_update_state_in(self, period: ReportingPeriod) -> OwnershipQuerySet:
        """Ownerships with ``update_state``: the state of the owner's update of the line for
        ``period`` (there is at most one), or None before it starts one."""
        update = StatusUpdate.objects.in_period(period).filter(
            line=models.OuterRef("line"), organisation=models.OuterRef("organisation")
        )
        return self.annotate(update_state=models.Subquery(update.order_by().values("state")[:1]))

    def yet_to_report_in(self, period: ReportingPeriod) -> OwnershipQuerySet:
        """Owners yet to report on their line for ``period``: no submitted or approved update.

        The one definition of it, for reminders, overdue lines, the dashboard's owners and a focal
        point's lines: a draft or a returned update still needs the owner's action.
        """
        return self.filter(~self.reported_in(period))

    @staticmethod
    def reported_in(period: ReportingPeriod) -> models.Exists:
        """Whether the ownership's organisation has a submitted or approved update of the line for
        ``period``: an expression to filter or count ownerships by."""
        reported = StatusUpdate.objects.in_period(period).reported()
        return models.Exists(
            reported.filter(line=models.OuterRef("line"), organisation=models.OuterRef("organisation"))
        )

    def in_part(self, part) -> OwnershipQuerySet:
        return self.filter(line__part=part)

    def in_area(self, area) -> OwnershipQuerySet:
        return self.filter(line__area=area)

    def decide(self, decision: str, *, by, roles: dict[int, str] | None = None) -> int:
        """Confirm (each with its role from ``roles``, by pk; else the suggested one) or reject the
        suggestions among these ownerships, in one transaction; each is saved, and so in the history.

        Returns how many were decided: a suggestion another officer decided meanwhile is left as
        that officer decided it.
        """
        roles = roles or {}
        with transaction.atomic():
            suggestions = list(self.suggested().select_for_update().order_by("pk"))
            for ownership in suggestions:
                if decision == "confirm":
                    ownership.confirm(by=by, role=roles.get(ownership.pk))
                else:
                    ownership.reject(by=by)
        return len(suggestions)

    def lead_first(self) -> OwnershipQuerySet:
        # Spelled out: the role codes sort by accident of the alphabet ("-role" put supporting first).
        lead = models.Case(models.When(role=Ownership.Role.LEAD, then=0), default=1)
        return self.order_by(lead, "organisation__acronym")


class Ownership(models.Model):
    """An organisation owning an action line, as lead or supporting owner."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        SUPPORTING = "supporting", _("Supporting")

    class State(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    line = models.ForeignKey(ActionLine, on_delete=models.CASCADE, related_name="ownerships")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="ownerships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SUPPORTING)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.CONFIRMED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Why a suggestion was made, when it came from a line this one continues (LineLink.propose_owners):
    # the earlier line the organisation owns. Set by that rule only, never by hand.
    proposed_from = models.ForeignKey(
        ActionLine, verbose_name=_("proposed from"), on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+",
    )  # fmt: skip
    history = HistoricalRecords()

    objects = OwnershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["line", "organisation"], name="one_ownership_per_organisation"),
        ]
        verbose_name = _("owner")
        verbose_name_plural = _("owners")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()}) – {self.line.code}"

    def confirm(self, *, by, role: str | None = None) -> None:
        self.state, self.decided_by, self.decided_at = self.State.CONFIRMED, by, timezone.now()
        self.role = role or self.role
        self.save(update_fields=["state", "role", "decided_by", "decided_at"])

    def display_order(self) -> tuple:
        """Confirmed owners first, the lead first among them, then by acronym."""
        return (self.state != self.State.CONFIRMED, self.role != self.Role.LEAD, self.organisation.acronym)

    def reject(self, *, by) -> None:
        self.state, self.decided_by, self.decided_at = self.State.REJECTED, by, timezone.now()
        self.save(update_fields=["state", "decided_by", "decided_at"])


class ReportingPeriodQuerySet(models.QuerySet):
    def open(self) -> ReportingPeriodQuerySet:
        return self.filter(is_open=True)

    def for_plan(self, plan: Plan) -> ReportingPeriodQuerySet:
        return self.filter(plan=plan)

    def current(self) -> ReportingPeriod | None:
        """The current period, which a page opens on: the open one, else the one that ends last.

        The only ``current()`` of the app: editions and evidence are ``not_withdrawn()``, a line's
        status is ``ActionLine.current_status``.
        """
        return ReportingPeriod.current_among(self)

    def overlapping(self, starts_on, ends_on) -> ReportingPeriodQuerySet:
        """Periods that share a day with ``starts_on``–``ends_on``; one may start the day another ends."""
        return self.filter(starts_on__lt=ends_on, ends_on__gt=starts_on)


class ReportingPeriod(Localizable, models.Model):
    """An annual reporting period of a plan; at most one per plan is open for updates."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="periods")
    label = models.CharField(
        _("label"), max_length=40, help_text=_("For example 2026–2027."),
        # The label goes into e-mail subjects and file names, which must be one line.
        validators=[RegexValidator(
            r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", inverse_match=True,
            message=_("A label is one line of text, without line breaks, tabs or other control characters."),
        )],
    )  # fmt: skip
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    deadline = models.DateField(_("submission deadline"))
    is_open = models.BooleanField(_("open for updates"), default=False)
    cutoff_on = models.DateField(
        _("data cut-off"),
        null=True,
        blank=True,
        help_text=_(
            "The progress report shows what was approved and confirmed by the end of this day. "
            "Empty: the end of the period once it has ended."
        ),
    )
    meeting_en = models.CharField(
        _("Summit (English)"), max_length=200, blank=True,
        help_text=_(
            "The Summit the progress report goes to, e.g. the 30th ASEAN–China Summit, October 2027."
        ),
    )  # fmt: skip
    meeting_zh = models.CharField(
        _("Summit (Chinese)"), max_length=200, blank=True,
        help_text=_("The same in Chinese, e.g. 第30次中国—东盟领导人会议."),
    )  # fmt: skip
    # Its dates and cut-off decide what the progress report shows: who changed them, and when, is kept.
    history = HistoricalRecords()

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "label"], name="period_label_unique_in_plan"),
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(is_open=True),
                name="one_open_period_per_plan",
                violation_error_message=_("Another period of this plan is open; close it first."),
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="period_ends_after_start",
                violation_error_message=_("A period must end after it starts."),
            ),
        ]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")

    def __str__(self) -> str:
        return f"{self.plan.code} {self.label}"

    @property
    def is_past_deadline(self) -> bool:
        return timezone.localdate() > self.deadline

    @property
    def days_to_deadline(self) -> int:
        return (self.deadline - timezone.localdate()).days

    @property
    def localized_meeting(self) -> Localized:
        return self.localized("meeting")

    def clean(self) -> None:
        """The rules among the plan's periods: each has its own label, and none shares a day with
        another, since the report compares each period with the one before it. ``save_checked``
        applies them with the plan locked; the period form and the admin through ``full_clean``."""
        others = ReportingPeriod.objects.for_plan(self.plan_id).exclude(pk=self.pk)
        errors = {}
        if self.label and others.filter(label=self.label).exists():
            errors["label"] = _("This plan already has a period called %(label)s.") % {"label": self.label}
        if self.starts_on and self.ends_on and self.ends_on > self.starts_on:
            clash = others.overlapping(self.starts_on, self.ends_on).first()
            if clash:
                errors["starts_on"] = _("This overlaps the period %(label)s.") % {"label": clash.label}
        if errors:
            raise ValidationError(errors)

    def save_checked(self) -> None:
        """Save the period if it keeps to ``clean``'s rules; raises ValidationError if not.

        The plan is locked while checking, so that of two officers saving clashing periods at once
        the second sees the first's. What gets past that (a save that did not lock) the database
        refuses: a repeated label, and on PostgreSQL an overlap (migration 0015); said the same way.
        """
        with transaction.atomic():
            # No KEY: lines and editions of the plan may still be written meanwhile.
            Plan.objects.select_for_update(no_key=True).only("pk").get(pk=self.plan_id)
            self.clean()
            try:
                with transaction.atomic():
                    self.save()
            except IntegrityError:
                self.clean()  # the other period is committed by now: say which rule it breaks
                raise ValidationError(
                    _("Another period of this plan was saved meanwhile; check the periods and try again.")
                ) from None

    @staticmethod
    def current_among(periods) -> ReportingPeriod | None:
        """The current one of ``periods`` (one plan's), which a page opens on: the open one, else the
        one that ends last. The rule of ``ReportingPeriodQuerySet.current``, for periods already read."""
        periods = list(periods)
        open_periods = [period for period in periods if period.is_open]
        return (open_periods or sorted(periods, key=lambda period: period.ends_on, reverse=True) or [None])[0]

    def open_for_updates(self) -> None:
        """Open this period; refused while another period of the plan is open."""
        others = ReportingPeriod.objects.for_plan(self.plan_id).open().exclude(pk=self.pk)
        if others.exists():
            raise ValidationError(
                _("Close %(period)s before opening another period.") % {"period": others.get().label}
            )
        self.is_open = True
        self.save(update_fields=["is_open"])

    def close_for_updates(self) -> None:
        self.is_open = False
        self.save(update_fields=["is_open"])

    def cutoff(self) -> datetime.datetime:
        """The moment the progress report reads the data as of.

        The end of ``cutoff_on`` (in settings.TIME_ZONE) when it is set, else the end of
        ``ends_on`` once the period has ended; never later than now, so that a report does not
        claim to show data as of a moment that has not come yet.
        """
        day = self.cutoff_on or (self.ends_on if self.ends_on < timezone.localdate() else None)
        now = timezone.now()
        if day is None:
            return now
        # The last millisecond: JSON (DjangoJSONEncoder) keeps milliseconds, so a stored report
        # names its cut-off exactly.
        last = datetime.time(23, 59, 59, 999000)
        end = datetime.datetime.combine(day, last, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
        return min(end, now)

    def lines_without_confirmed_status(self):
        """The plan's lines (those still in its source document) whose status for this period the
        secretariat has not confirmed: the progress report shows them as not reported."""
        lines = ActionLine.objects.for_plan(self.plan_id).in_source()
        return lines.with_period_status(self, NO_STATUS)

    def finalising_gaps(self) -> str:
        """What a final report of this period would be missing, in words: that the period is still
        open for updates, and how many of the plan's lines have no confirmed status for it; "" when
        neither. Finalising asks for a confirmation when there is something to say."""
        gaps = [_("The period is still open for updates.")] if self.is_open else []
        missing = self.lines_without_confirmed_status().count()
        if missing:
            total = ActionLine.objects.for_plan(self.plan_id).in_source().count()
            gaps.append(
                ngettext(
                    "%(missing)d of %(total)d lines has no confirmed status.",
                    "%(missing)d of %(total)d lines have no confirmed status.",
                    missing,
                )
                % {"missing": missing, "total": total}
            )
        return " ".join(str(gap) for gap in gaps)

    def previous(self) -> ReportingPeriod | None:
        """The plan's period that ends last before this one starts; None for its first period."""
        return self.previous_among(ReportingPeriod.objects.for_plan(self.plan_id))

    def previous_among(self, periods) -> ReportingPeriod | None:
        """The rule of ``previous``, among ``periods`` (the plan's) already read."""
        earlier = [period for period in periods if period.ends_on <= self.starts_on]
        return max(earlier, key=lambda period: (period.ends_on, period.starts_on), default=None)


class Status(Localizable, models.Model):
    """A status in the vocabulary (not started, ongoing, completed …), editable by administrators."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    label_en = models.CharField(_("label (English)"), max_length=80)
    label_zh = models.CharField(_("label (Chinese)"), max_length=80)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#6c757d",
        help_text=_("#rrggbb"),
        # Written into a style attribute, so nothing but a colour may get in.
        validators=[
            RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Give a colour as # and six hex digits.")),
            validate_white_text_readable,  # its label is written in white on it
        ],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    counts_as_implemented = models.BooleanField(_("counts as implemented"), default=False)
    counts_as_completed = models.BooleanField(
        _("counts as completed"), default=False,
        help_text=_("A line that reaches it in a period is among the progress report's key achievements."),
    )  # fmt: skip
    needs_reason = models.BooleanField(
        _("needs a reason"), default=False,
        help_text=_("Owners say why (delayed, discontinued); the progress report lists them as challenges."),
    )  # fmt: skip

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("status")
        verbose_name_plural = _("statuses")

    def __str__(self) -> str:
        return self.localized("label")


# Who approves and returns status updates (migration 0003: secretariat officers and administrators).
REVIEW_UPDATES = "commitments.review_statusupdate"


class IllegalTransition(Exception):
    """A status update asked to move where its life cycle does not allow."""


class OwnWork(IllegalTransition):
    """Someone asked to approve, return or confirm what they wrote or submitted themselves."""


class PeriodClosed(IllegalTransition):
    """Someone asked to change or submit an update of a period that is not open for updates."""


class EditConflict(Exception):
    """Someone else saved the status update since this edit began."""


class StatusUpdateQuerySet(models.QuerySet):
    def approved(self) -> StatusUpdateQuerySet:
        return self.filter(state=StatusUpdate.State.APPROVED)

    def submitted(self) -> StatusUpdateQuerySet:
        return self.filter(state=StatusUpdate.State.SUBMITTED)

    def reported(self) -> StatusUpdateQuerySet:
        """Submitted or approved: what counts as reported for a deadline."""
        return self.filter(state__in=StatusUpdate.REPORTED)

    def in_period(self, period: ReportingPeriod) -> StatusUpdateQuerySet:
        return self.filter(period=period)

    def for_organisations(self, organisations) -> StatusUpdateQuerySet:
        return self.filter(organisation__in=organisations)

    def with_context(self) -> StatusUpdateQuerySet:
        return self.select_related("line__plan", "period", "organisation", "status", "author")

    def with_details(self) -> StatusUpdateQuerySet:
        """With activities, evidence (withdrawn too), target values and transitions, in five queries whatever
        the count."""
        return (
            self.with_context()
            .with_activities_and_evidence()
            .with_target_values()
            .prefetch_related(
                models.Prefetch("transitions", UpdateTransition.objects.select_related("by")),
            )
        )

    def with_activities_and_evidence(self) -> StatusUpdateQuerySet:
        """What a line's page shows of its updates: not their line (the page's own, with its plan's
        source JSON for each update), author or transitions."""
        return self.select_related("period", "organisation", "status").prefetch_related(
            models.Prefetch("activities", Activity.objects.select_related("fund")), "evidence"
        )

    def with_target_values(self) -> StatusUpdateQuerySet:
        """With the values reported towards the targets of their line: one query more."""
        return self.prefetch_related(
            models.Prefetch("target_values", TargetValue.objects.select_related("target"))
        )

    def review_queue(self) -> StatusUpdateQuerySet:
        # A submitted update cannot be edited, so its last change is its submission.
        return self.submitted().order_by("updated_at", "pk")

    def by_lead_owner(self) -> StatusUpdateQuerySet:
        lead = Ownership.objects.confirmed().filter(
            line=models.OuterRef("line"),
            organisation=models.OuterRef("organisation"),
            role=Ownership.Role.LEAD,
        )
        return self.filter(models.Exists(lead))

    def proposals(self) -> StatusUpdateQuerySet:
        """The lead owner's approved updates: the status of each is the proposal for its line's
        period status (``PeriodStatus.proposal_for``, the review queue)."""
        return self.approved().by_lead_owner()

    def awaiting_confirmation(self) -> StatusUpdateQuerySet:
        """Approved updates of lines whose updates for the period are all approved, but whose
        period status the secretariat has not confirmed yet."""
        same_line = {"line": models.OuterRef("line"), "period": models.OuterRef("period")}
        pending = StatusUpdate.objects.exclude(state=StatusUpdate.State.APPROVED).filter(**same_line)
        confirmed = PeriodStatus.objects.confirmed().filter(**same_line)
        return self.approved().filter(~models.Exists(pending), ~models.Exists(confirmed))

    def latest_approved_before(self, updates) -> dict[tuple[int, int], StatusUpdate]:
        """For each (line, organisation) of ``updates``, its last approved update of an earlier period."""
        latest = {}
        earlier = self.approved().filter(
            line__in={u.line_id for u in updates}, organisation__in={u.organisation_id for u in updates}
        )
        for update in earlier.select_related("status", "period").order_by("period__ends_on"):
            latest[update.line_id, update.organisation_id] = update
        starts = {(u.line_id, u.organisation_id): u.period.starts_on for u in updates}
        return {
            key: update
            for key, update in latest.items()
            if key in starts and update.period.ends_on <= starts[key]
        }


class StatusUpdate(models.Model):
    """What one owning organisation reports on one line for one period.

    Life cycle: draft → submitted → approved, or submitted → returned (with a comment) →
    edited → submitted again. Only approved updates count anywhere else.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    EDITABLE = {State.DRAFT, State.RETURNED}
    # What counts as reported for a deadline: an owner with neither for a period is yet to report.
    REPORTED = {State.SUBMITTED, State.APPROVED}
    MOVES = {
        "submit": ({State.DRAFT, State.RETURNED}, State.SUBMITTED),
        "approve": ({State.SUBMITTED}, State.APPROVED),
        "return": ({State.SUBMITTED}, State.RETURNED),
    }

    line = models.ForeignKey(ActionLine, on_delete=models.PROTECT, related_name="updates")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="updates")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="updates"
    )
    status = models.ForeignKey(
        Status, verbose_name=_("status"), on_delete=models.PROTECT, null=True, blank=True
    )
    narrative_en = models.TextField(_("progress (English)"), blank=True)
    narrative_zh = models.TextField(_("progress (Chinese)"), blank=True)
    reason_en = models.TextField(
        _("reason (English)"), blank=True,
        help_text=_("Why the line is delayed or discontinued: the Summit report quotes it."),
    )  # fmt: skip
    reason_zh = models.TextField(_("reason (Chinese)"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    # Raised by every save: an edit based on an older version is refused, never merged.
    version = models.PositiveIntegerField(default=1, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = StatusUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["period", "line__sort_key", "organisation__acronym"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "period", "organisation"], name="one_update_per_owner_and_period"
            ),
        ]
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        permissions = [("review_statusupdate", _("Can approve or return status updates"))]

    def __str__(self) -> str:
        return f"{self.line.code} {self.organisation} {self.period.label}"

    def get_absolute_url(self) -> str:
        return reverse("commitments:update-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE

    @property
    def is_open_for_editing(self) -> bool:
        """Whether its author may change it now: a draft or returned update of an open period."""
        return self.is_editable and self.period.is_open

    @property
    def is_reported(self) -> bool:
        return self.state in self.REPORTED

    def save_edit(self, fields: list[str], *, expected_version: int) -> None:
        """Save an edit made on ``expected_version``; refuse it if another save came first, or if
        the period is not open for updates."""
        if not self.is_editable:
            raise IllegalTransition(_("Only a draft or a returned update can be edited."))
        self._refuse_unless_period_open()
        with transaction.atomic():
            # Compare-and-set on the version: of two edits of the same version, one wins.
            claimed = StatusUpdate.objects.filter(
                pk=self.pk, version=expected_version, state__in=self.EDITABLE
            ).update(version=expected_version + 1)
            if not claimed:
                raise EditConflict(_("Someone else saved this update while you were editing it."))
            self.version = expected_version + 1
            self.save(update_fields=[*fields, "version", "updated_at"])  # recorded in the history

    def submission_errors(self) -> dict[str, str]:
        """What keeps this update from being submitted, by field: the one rule that the update form,
        the spreadsheet upload and ``submit`` apply."""
        errors = {}
        if self.status_id is None:
            errors["status"] = _("Choose a status before submitting.")
        if not (self.narrative_en.strip() or self.narrative_zh.strip()):
            errors["narrative_en"] = _("Describe the progress in English or Chinese before submitting.")
        if (
            self.status_id
            and self.status.needs_reason
            and not (self.reason_en.strip() or self.reason_zh.strip())
        ):
            errors["reason_en"] = _(
                "Say why the line is %(status)s, in English or Chinese, before submitting."
            ) % {"status": str(self.status).lower()}
        return errors

    def is_own(self, user) -> bool:
        """Whether ``user`` wrote this update or submitted it, at any time: separation of duties
        keeps them from approving or returning it, and from confirming its line's period status,
        whatever their groups."""
        # Reads the prefetched transitions when there are (``with_details``).
        submitters = {step.by_id for step in self.transitions.all() if step.to_state == self.State.SUBMITTED}
        return user.pk is not None and (user.pk == self.author_id or user.pk in submitters)

    def may_review(self, user) -> bool:
        """Whether ``user`` may approve or return this update now: what the update page offers."""
        return self.state == self.State.SUBMITTED and user.has_perm(REVIEW_UPDATES) and not self.is_own(user)

    def submit(self, *, by) -> None:
        """Submit for review, while the period is open and once ``submission_errors`` has nothing."""
        self._refuse_unless_period_open()
        errors = self.submission_errors()
        if errors:
            raise IllegalTransition(" ".join(str(message) for message in errors.values()))
        self._move("submit", by=by)

    def approve(self, *, by, comment: str = "") -> None:
        self._refuse_own(by)
        with transaction.atomic():
            self._move("approve", by=by, comment=comment)
            PeriodStatus.propose(self.line, self.period)

    @staticmethod
    def return_errors(comment: str) -> dict[str, str]:
        """What keeps an update from being returned with ``comment``, by field: the one rule that the
        review forms and ``return_for_changes`` apply."""
        if not comment.strip():
            return {"comment": _("Say what needs to change when returning an update.")}
        return {}

    def return_for_changes(self, *, by, comment: str) -> None:
        self._refuse_own(by)
        errors = self.return_errors(comment)
        if errors:
            raise IllegalTransition(" ".join(str(message) for message in errors.values()))
        self._move("return", by=by, comment=comment)

    def _refuse_unless_period_open(self) -> None:
        # Read now, not from the period loaded with the update: closing a period takes effect at once.
        if not ReportingPeriod.objects.filter(pk=self.period_id, is_open=True).exists():
            raise PeriodClosed(
                _("The period %(period)s is closed: its updates can no longer be changed or submitted.")
                % {"period": self.period.label}
            )

    def _refuse_own(self, user) -> None:
        if self.is_own(user):
            raise OwnWork(_("You wrote or submitted this update: another officer reviews it."))

    def _move(self, action: str, *, by, comment: str = "") -> None:
        sources, target = self.MOVES[action]
        if self.state not in sources:
            raise IllegalTransition(
                _("A %(state)s update cannot be %(action)s.")
                % {"state": self.get_state_display().lower(), "action": ACTION_NAMES[action]}
            )
        with transaction.atomic():
            moved = StatusUpdate.objects.filter(pk=self.pk, state=self.state, version=self.version).update(
                state=target, version=self.version + 1, updated_at=timezone.now()
            )
            if not moved:
                raise EditConflict(_("This update changed since you opened it; reload and try again."))
            UpdateTransition.objects.create(
                update=self, from_state=self.state, to_state=target, by=by, comment=comment
            )
            # Steps prefetched before this one would hide its author from ``is_own``.
            getattr(self, "_prefetched_objects_cache", {}).pop("transitions", None)
            self.state, self.version = target, self.version + 1
            # The conditional update above is the guard; this save writes the same values so
            # that django-simple-history records the move.
            self.save(update_fields=["state", "version"])


ACTION_NAMES = {"submit": _("submitted"), "approve": _("approved"), "return": _("returned")}


class UpdateTransition(models.Model):
    """One step in a status update's life cycle: who, when, from where to where, and why."""

    # PROTECT: the approval trail outlives any attempt to delete its update.
    update = models.ForeignKey(StatusUpdate, on_delete=models.PROTECT, related_name="transitions")
    from_state = models.CharField(max_length=20, choices=StatusUpdate.State.choices)
    to_state = models.CharField(max_length=20, choices=StatusUpdate.State.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["update", "at", "pk"]
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class Fund(Localizable, models.Model):
    """A fund that finances activities (section 6.1 of the plan): the ASEAN–China Cooperation Fund
    and the other funds the plan names. A vocabulary kept by administrators."""

    acronym = models.CharField(_("acronym"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_zh = models.CharField(_("name (Chinese)"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "acronym"]
        verbose_name = _("fund")
        verbose_name_plural = _("funds")

    def __str__(self) -> str:
        return str(self.localized("name"))


# Who writes the progress report's texts and chooses its highlights (migration 0010: secretariat
# officers and administrators).
EDIT_REPORT_TEXTS = "commitments.change_reporttext"


class ActivityQuerySet(models.QuerySet):
    def highlighted(self) -> ActivityQuerySet:
        return self.filter(highlighted_at__isnull=False)

    def approved_in(self, period: ReportingPeriod) -> ActivityQuerySet:
        """Activities of the period's approved updates."""
        return self.filter(update__period=period, update__state=StatusUpdate.State.APPROVED)

    def in_part(self, part) -> ActivityQuerySet:
        return self.filter(update__line__part=part)

    def choose_highlights(self, chosen: set[int], *, by) -> int:
        """Make the activities of ``chosen`` (ids) the highlights among these, and no other; returns
        how many changed. Each change is kept in the activity's history."""
        if not by.has_perm(EDIT_REPORT_TEXTS):
            raise PermissionDenied(_("Only secretariat officers can choose the report's highlights."))
        changed = 0
        with transaction.atomic():
            for activity in self.select_for_update():
                wanted = activity.pk in chosen
                if wanted != activity.is_highlight:
                    activity.highlighted_at = timezone.now() if wanted else None
                    activity.save(update_fields=["highlighted_at"])
                    changed += 1
        return changed


class Activity(Localizable, models.Model):
    """Something an owner did for a line in a period: a meeting, project, training or event.

    Its title and place are in English, Chinese or both; a project may name the fund that
    finances it and the amount in US dollars. The secretariat marks the activities the progress
    report shows as highlights.
    """

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        PROJECT = "project", _("Project")
        TRAINING = "training", _("Training")
        EVENT = "event", _("Event")
        OTHER = "other", _("Other")

    update = models.ForeignKey(StatusUpdate, on_delete=models.CASCADE, related_name="activities")
    date = models.DateField(_("date"))
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MEETING)
    place_en = models.CharField(_("place (English)"), max_length=200, blank=True)
    place_zh = models.CharField(_("place (Chinese)"), max_length=200, blank=True)
    organisers = models.CharField(_("organisers"), max_length=300, blank=True)
    fund = models.ForeignKey(
        Fund, verbose_name=_("funded by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="activities",
    )  # fmt: skip
    amount_usd = models.DecimalField(
        _("amount (USD)"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    # Set by the secretariat on the report page; read as it is now, like the report's edited texts.
    highlighted_at = models.DateTimeField(
        _("highlighted in the report"), null=True, blank=True, editable=False
    )
    history = HistoricalRecords()

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["update", "date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(title_en="", title_zh=""),
                name="activity_has_a_title",
                violation_error_message=_("Give the activity a title in English or Chinese."),
            ),
            models.CheckConstraint(
                condition=models.Q(amount_usd__isnull=True) | models.Q(fund__isnull=False),
                name="activity_amount_has_a_fund",
                violation_error_message=_("Name the fund that provides the amount."),
            ),
        ]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return str(self.localized("title"))

    @property
    def localized_title(self) -> Localized:
        return self.localized("title")

    @property
    def localized_place(self) -> Localized:
        return self.localized("place")

    @property
    def is_highlight(self) -> bool:
        return self.highlighted_at is not None


class EvidenceQuerySet(models.QuerySet):
    def not_withdrawn(self) -> EvidenceQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class Evidence(Localizable, models.Model):
    """A file or a link that shows what an update reports. Withdrawn, never deleted."""

    update = models.ForeignKey(StatusUpdate, on_delete=models.PROTECT, related_name="evidence")
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    # Stored under a random name in private storage; served only through a checked view.
    file = models.FileField(_("file"), max_length=200, blank=True, storage=evidence_storage)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["update", "date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(link=""), name="evidence_has_file_or_link"
            ),
            models.CheckConstraint(
                condition=~models.Q(title_en="", title_zh=""),
                name="evidence_has_a_title",
                violation_error_message=_("Give the evidence a title in English or Chinese."),
            ),
        ]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return str(self.localized("title"))

    @property
    def localized_title(self) -> Localized:
        return self.localized("title")

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def withdraw(self, *, by) -> None:
        self.withdrawn_at, self.withdrawn_by = timezone.now(), by
        self.save(update_fields=["withdrawn_at", "withdrawn_by"])


class PeriodStatusQuerySet(models.QuerySet):
    def confirmed(self) -> PeriodStatusQuerySet:
        return self.filter(confirmed_at__isnull=False)

    def latest_first(self) -> PeriodStatusQuerySet:
        return self.order_by("-period__ends_on", "-period__starts_on", "-pk")

    def latest_confirmed(self) -> PeriodStatusQuerySet:
        """Confirmed, the period that ends last first: a line's first one is its current status.

        The one definition of a line's current status, read by ``ActionLine.current_period_status``
        and ``ActionLine.objects.with_current_status()`` (the register, the line page, the exports).
        """
        return self.confirmed().latest_first()


class PeriodStatus(models.Model):
    """The secretariat's consolidated status of a line for a period.

    Proposed from the lead owner's approved update, then confirmed or changed by a
    secretariat officer, with a reason when it differs from the proposal.
    """

    line = models.ForeignKey(ActionLine, on_delete=models.PROTECT, related_name="period_statuses")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="line_statuses")
    proposed = models.ForeignKey(
        Status, verbose_name=_("proposed status"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    status = models.ForeignKey(
        Status, verbose_name=_("status"), on_delete=models.PROTECT, null=True, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = PeriodStatusQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["line", "period"], name="one_status_per_line_and_period"),
        ]
        verbose_name = _("period status")
        verbose_name_plural = _("period statuses")

    def __str__(self) -> str:
        return f"{self.line.code} {self.period.label}"

    @staticmethod
    def proposal_for(line: ActionLine, period: ReportingPeriod) -> Status | None:
        """The status of the lead owner's approved update for the period, if there is one."""
        proposals = StatusUpdate.objects.proposals().in_period(period).filter(line=line)
        lead_update = proposals.select_related("status").first()
        return lead_update.status if lead_update else None

    @classmethod
    def propose(cls, line: ActionLine, period: ReportingPeriod) -> PeriodStatus:
        """Record the lead owner's status as the proposal; a confirmed status keeps its proposal."""
        proposed = cls.proposal_for(line, period)
        period_status, _ = cls.objects.get_or_create(line=line, period=period)
        if period_status.confirmed_at is None and period_status.proposed != proposed:
            period_status.proposed = proposed
            period_status.save(update_fields=["proposed"])
        return period_status

    @property
    def differs_from_proposal(self) -> bool:
        return self.proposed_id is not None and self.status_id != self.proposed_id

    def is_own(self, user) -> bool:
        """Whether ``user`` wrote or submitted an approved update of this line for this period."""
        updates = StatusUpdate.objects.approved().in_period(self.period_id).filter(line=self.line_id)
        return any(update.is_own(user) for update in updates.prefetch_related("transitions"))

    def confirmation_errors(self, status: Status | None, reason: str) -> dict[str, str]:
        """What keeps ``status`` (None: the proposal) from being confirmed with ``reason``, by field:
        the one rule that the confirmation form and ``confirm`` apply."""
        chosen = status or self.proposed
        if chosen is None:
            return {"status": _("There is no proposed status to confirm; choose one.")}
        if self.proposed and chosen != self.proposed and not reason.strip():
            return {"reason": _("Give a reason when the status differs from the lead owner's.")}
        return {}

    def confirm(self, *, by, status: Status | None = None, reason: str = "") -> None:
        if self.is_own(by):
            raise OwnWork(
                _("You wrote or submitted an update of this line: another officer confirms its status.")
            )
        errors = self.confirmation_errors(status, reason)
        if errors:
            raise IllegalTransition(" ".join(str(message) for message in errors.values()))
        chosen = status or self.proposed
        self.status, self.reason = chosen, reason
        self.confirmed_by, self.confirmed_at = by, timezone.now()
        self.save()
