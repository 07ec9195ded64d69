"""Closing out a plan that has ended: each of its lines gets a final status as of the plan's end.

The final status is carried from the line's last confirmed period status, or set by the secretariat,
several lines at once. The close-out report (``commitments.progress_report.closeout``) counts them and
lists which lines later plans carry forward.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .plans import NO_STATUS, ActionLine, Plan
from .tracking import PeriodStatus, Status

CLOSE_OUT = "commitments.close_out_plan"


class FinalStatus(models.Model):
    """A line's status as of the end of its plan, which has ended."""

    class How(models.TextChoices):
        CARRIED = "carried", _("Carried from its last confirmed status")
        SET = "set", _("Set by the secretariat")

    line = models.OneToOneField(ActionLine, on_delete=models.PROTECT, related_name="final_status")
    status = models.ForeignKey(
        Status, verbose_name=_("final status"), on_delete=models.PROTECT, related_name="+"
    )
    how = models.CharField(_("how it was set"), max_length=10, choices=How.choices)
    carried_from = models.ForeignKey(
        PeriodStatus, verbose_name=_("carried from"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    note = models.TextField(_("note"), blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("set at"))
    # Raised by every change: an officer's change applies only to the version they saw.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        permissions = [("close_out_plan", _("Can set the final statuses of the lines of an ended plan"))]
        verbose_name = _("final status")
        verbose_name_plural = _("final statuses")

    def __str__(self) -> str:
        return f"{self.line.address}: {self.status.code}"

    @staticmethod
    def refuse_unless_closer(user) -> None:
        if not user.has_perm(CLOSE_OUT):
            raise PermissionDenied(_("Only secretariat officers can close out a plan."))

    @staticmethod
    def refuse_unless_ended(plans) -> None:
        """Refuse unless every plan of ``plans`` has ended (``Plan.has_ended``)."""
        running = [plan for plan in plans if not plan.has_ended()]
        if running:
            raise ValidationError(
                _("%(plan)s has not ended: its lines get their final status once it has.")
                % {"plan": running[0].short_name},
                code="plan_not_ended",
            )

    @staticmethod
    def lock(plans) -> None:
        """Lock the plans' rows: one close-out of a plan at a time, so that two officers never both
        create a line's final status."""
        chosen = Plan.objects.select_for_update(no_key=True).filter(pk__in=[plan.pk for plan in plans])
        list(chosen.order_by("pk").values_list("pk", flat=True))

    @classmethod
    def carry(cls, plan: Plan, *, by) -> CarryOutcome:
        """Give every line of ``plan`` (still in its source) without a final status the status of its
        last confirmed period status, in one transaction. Lines never confirmed are left without one."""
        cls.refuse_unless_closer(by)
        cls.refuse_unless_ended([plan])
        outcome = CarryOutcome()
        with transaction.atomic():
            cls.lock([plan])
            lines = ActionLine.objects.for_plan(plan).in_source().filter(final_status__isnull=True)
            for line in lines.with_current_status().in_code_order():
                latest = line.current_period_status
                if latest is None:
                    outcome.unconfirmed.append(line)
                    continue
                cls.objects.create(
                    line=line, status=latest.status, how=cls.How.CARRIED, carried_from=latest, set_by=by,
                    set_at=timezone.now(),
                )  # fmt: skip
                outcome.carried.append(line)
        return outcome

    @classmethod
    def set_several(cls, seen: dict[int, int], status: Status, *, by, note: str = "") -> SetOutcome:
        """Set ``status`` as the final status of the lines of ``seen`` (line pk → the version of its
        final status the officer saw, 0 for none), in one transaction. A line whose final status
        changed since the officer saw it is left as the other change made it, and named."""
        cls.refuse_unless_closer(by)
        chosen = ActionLine.objects.filter(pk__in=seen).in_source().select_related("plan")
        lines = list(chosen.in_code_order())
        if len(lines) != len(seen):
            raise ValidationError(
                _("A line no longer in its plan's text gets no final status: tick lines of the list only."),
                code="not_in_source",
            )
        plans = list({line.plan_id: line.plan for line in lines}.values())
        cls.refuse_unless_ended(plans)
        outcome = SetOutcome()
        with transaction.atomic():
            cls.lock(plans)
            current = {final.line_id: final for final in cls.objects.filter(line__in=lines)}
            for line in lines:
                final = current.get(line.pk)
                if (final.version if final else 0) != seen[line.pk]:
                    outcome.changed_meanwhile.append(line)
                    continue
                final = final or cls(line=line, version=0)
                final.status, final.how, final.carried_from, final.note = status, cls.How.SET, None, note
                final.set_by, final.set_at, final.version = by, timezone.now(), final.version + 1
                final.save()
                outcome.set.append(line)
        return outcome


@dataclass
class CarryOutcome:
    carried: list[ActionLine] = field(default_factory=list)
    unconfirmed: list[ActionLine] = field(default_factory=list)  # no confirmed period status to carry


@dataclass
class SetOutcome:
    set: list[ActionLine] = field(default_factory=list)
    changed_meanwhile: list[ActionLine] = field(default_factory=list)


def lines_to_close(plan: Plan, *, part=None, final: str = ""):
    """The lines of ``plan`` still in its source, with their final status and last confirmed status
    code, in code order: of ``part`` if given, and with the final status of code ``final`` ("none":
    without one) if given."""
    lines = ActionLine.objects.for_plan(plan).in_source()
    if part is not None:
        lines = lines.in_part(part)
    if final == NO_STATUS:
        lines = lines.filter(final_status__isnull=True)
    elif final:
        lines = lines.filter(final_status__status__code=final)
    return (
        lines.select_related("plan", "part", "final_status__status")
        .with_current_status_code()
        .in_code_order()
    )
