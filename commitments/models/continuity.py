"""Continuity: which lines of a later plan carry forward which lines of an earlier one.

A link joins a predecessor line (of an earlier plan, an annex or a joint statement) to a
successor line, many to many: a new line may merge old ones, an old one may split. The tracker
suggests links by the similarity of the Chinese texts (``commitments.continuity``), with a
score; the secretariat confirms or rejects them, or links two lines itself.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

from .plans import ActionLine, Localizable, Localized, Part, Plan, interface_language

DECIDE_LINKS = "commitments.decide_linelink"
# The change reason of an ownership proposed from a line that the owned line continues, with that
# line's address: "proposed from poa-2021-2025:3.1.1".
PROPOSED = "proposed from"


class OwnerProposals(NamedTuple):
    new: int = 0
    existing: int = 0  # the later line has an ownership for the body already, in any state


class LinkDecisions(NamedTuple):
    links: int  # the suggestions decided: one another officer decided meanwhile is left as it is
    owners_proposed: int = 0


class LineLinkQuerySet(models.QuerySet):
    def suggested(self) -> LineLinkQuerySet:
        return self.filter(state=LineLink.State.SUGGESTED)

    def confirmed(self) -> LineLinkQuerySet:
        return self.filter(state=LineLink.State.CONFIRMED)

    def into_plan(self, plan: Plan) -> LineLinkQuerySet:
        """Links whose successor is a line of ``plan``."""
        return self.filter(successor__plan=plan)

    def from_plan(self, plan: Plan) -> LineLinkQuerySet:
        """Links whose predecessor is a line of ``plan``."""
        return self.filter(predecessor__plan=plan)

    def in_part(self, part: Part) -> LineLinkQuerySet:
        """Links whose successor is in ``part`` (a pillar of the later plan)."""
        return self.filter(successor__part=part)

    def best_first(self) -> LineLinkQuerySet:
        return self.order_by(
            models.F("score").desc(nulls_last=True), "predecessor__plan", "predecessor__sort_key"
        )

    def decide(self, decision: str, *, by) -> LinkDecisions:
        """Confirm or reject the suggestions among these links, in one transaction; confirming
        proposes the owners of the earlier lines for the later ones (``propose_owners``).

        Counts what was decided: a suggestion another officer decided meanwhile is left as that
        officer decided it. A fixed few queries, whatever the number of links.
        """
        states = {"confirm": LineLink.State.CONFIRMED, "reject": LineLink.State.REJECTED}
        if decision not in states:
            raise ValueError(f"A decision on links is 'confirm' or 'reject', not {decision!r}.")
        state = states[decision]
        with transaction.atomic():
            suggestions = list(self.suggested().select_for_update().order_by("pk"))
            now = timezone.now()
            for link in suggestions:
                link.state, link.decided_by, link.decided_at = state, by, now
            LineLink.objects.filter(pk__in=[link.pk for link in suggestions]).update(
                state=state, decided_by=by, decided_at=now
            )
            LineLink.history.bulk_history_create(suggestions, update=True, default_user=by, default_date=now)
            proposed = OwnerProposals()
            if state == LineLink.State.CONFIRMED and suggestions:
                proposed = LineLink.objects.filter(pk__in=[link.pk for link in suggestions]).propose_owners()
        return LinkDecisions(len(suggestions), proposed.new)

    def propose_owners(self) -> OwnerProposals:
        """Propose the confirmed owners of the earlier line of each confirmed link among these as
        suggested owners of its later line, in one transaction; safe to repeat.

        Only confirmed owners: a suggestion nobody has checked is not carried into another plan
        (a line's own text is matched against the bodies' names when its plan is seeded). A later
        line that has an ownership for the body already, in any state, keeps it as it is: the
        secretariat's decisions, a rejection above all, are never undone. A body owning several
        earlier lines of one later line is proposed once, as lead if it leads one of them and the
        later line has no confirmed lead yet. The history record of each says where it came from.
        A fixed few queries, whatever the number of links.
        """
        from .tracking import Ownership

        with transaction.atomic():
            pairs = list(
                self.confirmed()
                .order_by("successor", "predecessor__plan__first_year", "predecessor__sort_key")
                .values_list("predecessor_id", "successor_id")
            )
            successors = {successor for _predecessor, successor in pairs}
            # Two officers confirming links into one line propose its owners one after the other.
            list(ActionLine.objects.filter(pk__in=successors).select_for_update().values_list("pk"))
            owners: dict[int, list[Ownership]] = {}
            earlier = Ownership.objects.confirmed().filter(line__in={old for old, _new in pairs})
            for ownership in earlier.select_related("line__plan").order_by("organisation", "pk"):
                owners.setdefault(ownership.line_id, []).append(ownership)
            sources: dict[tuple[int, int], list[Ownership]] = {}
            for predecessor, successor in pairs:
                for owner in owners.get(predecessor, []):
                    sources.setdefault((successor, owner.organisation_id), []).append(owner)
            taken = Ownership.objects.filter(line__in=successors)
            led = set(taken.confirmed().filter(role=Ownership.Role.LEAD).values_list("line", flat=True))
            taken = set(taken.values_list("line", "organisation"))
            proposals = [
                self.owner_proposal(line, organisation, earlier, may_lead=line not in led)
                for (line, organisation), earlier in sources.items()
                if (line, organisation) not in taken
            ]
            bulk_create_with_history(proposals, Ownership)
        return OwnerProposals(new=len(proposals), existing=len(sources.keys() & taken))

    @staticmethod
    def owner_proposal(line_id: int, organisation_id: int, earlier: list, *, may_lead: bool):
        """The suggestion that the owner of ``earlier`` ownerships (of the lines ``line_id`` continues)
        own it too: as lead if it leads one of them and the line may have a lead, else supporting."""
        from .tracking import Ownership

        leading = [ownership for ownership in earlier if ownership.role == Ownership.Role.LEAD]
        source = (leading or earlier)[0]
        proposal = Ownership(
            line_id=line_id, organisation_id=organisation_id, state=Ownership.State.SUGGESTED,
            role=Ownership.Role.LEAD if leading and may_lead else Ownership.Role.SUPPORTING,
            proposed_from=source.line,
        )  # fmt: skip
        more = f" (+{len(earlier) - 1} more)" if len(earlier) > 1 else ""
        proposal._change_reason = f"{PROPOSED} {source.line.address}{more}"  # at most 100 characters
        return proposal


class LineLink(models.Model):
    """A line of a later plan continuing a line of an earlier one."""

    class State(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    predecessor = models.ForeignKey(
        ActionLine, verbose_name=_("earlier line"), on_delete=models.CASCADE, related_name="successor_links"
    )
    successor = models.ForeignKey(
        ActionLine, verbose_name=_("later line"), on_delete=models.CASCADE, related_name="predecessor_links"
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SUGGESTED)
    # The similarity of the two Chinese texts, 0 to 1, when the tracker suggested the link.
    score = models.FloatField(_("similarity"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = LineLinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="one_link_per_pair"),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")), name="link_joins_two_lines"
            ),
        ]
        permissions = [("decide_linelink", _("Can confirm, reject and make links between lines of plans"))]
        verbose_name = _("continuity link")
        verbose_name_plural = _("continuity links")

    def __str__(self) -> str:
        return f"{self.predecessor.address} → {self.successor.address}"

    def confirm(self, *, by) -> OwnerProposals:
        """Confirm the link and propose the earlier line's owners for the later one, in one transaction."""
        with transaction.atomic():
            self.state, self.decided_by, self.decided_at = self.State.CONFIRMED, by, timezone.now()
            self.save(update_fields=["state", "decided_by", "decided_at"])
            return LineLink.objects.filter(pk=self.pk).propose_owners()

    def reject(self, *, by) -> None:
        self.state, self.decided_by, self.decided_at = self.State.REJECTED, by, timezone.now()
        self.save(update_fields=["state", "decided_by", "decided_at"])

    @staticmethod
    def check_pair(predecessor: ActionLine, successor: ActionLine) -> None:
        """Refuse a link unless the earlier line's plan ends before the later line's plan starts."""
        if not predecessor.plan.precedes(successor.plan):
            raise ValidationError(
                _("%(earlier)s does not end before %(later)s starts: its lines cannot be continued there.")
                % {"earlier": predecessor.plan.short_name, "later": successor.plan.short_name},
                code="plan_not_earlier",
            )

    @classmethod
    def link(cls, predecessor: ActionLine, successor: ActionLine, *, by) -> LineLink:
        """Link two lines as the secretariat decides, where the tracker suggested nothing or
        a link was rejected: the link is created, or the existing one confirmed, in one transaction.
        ``owners_proposed`` on the link returned counts the owners it proposed (``confirm``).

        Raises ValidationError (``check_pair``) when the earlier line's plan does not end before
        the later one's starts.
        """
        cls.check_pair(predecessor, successor)
        with transaction.atomic():
            link = (
                cls.objects.select_for_update().filter(predecessor=predecessor, successor=successor).first()
            )
            if link is None:
                try:
                    with transaction.atomic():
                        link = cls.objects.create(predecessor=predecessor, successor=successor)
                except IntegrityError:  # made by another officer since the look-up
                    link = cls.objects.get(predecessor=predecessor, successor=successor)
            proposed = link.confirm(by=by) if link.state != cls.State.CONFIRMED else OwnerProposals()
        link.owners_proposed = proposed.new  # for the officer's message
        return link


def amount_in(number: int, unit_label: str, language: str) -> str:
    """``number`` of a unit as ``language`` ("en" or "zh") writes it: "1,000 technologies", "1,000项"
    (Chinese puts no space before a measure word)."""
    return f"{number:,}{'' if language == 'zh' else ' '}{unit_label}"


class TargetQuerySet(models.QuerySet):
    def for_plan(self, plan) -> TargetQuerySet:
        return self.filter(line__plan=plan)

    def with_reported(self) -> TargetQuerySet:
        """With ``reported_values``: the sum of the values reported in approved updates, in the same
        query (a subquery), so that any number of targets is one query."""
        approved = TargetValue.objects.approved().filter(target=models.OuterRef("pk")).order_by()
        total = approved.values("target").annotate(total=models.Sum("value")).values("total")
        return self.annotate(
            reported_values=Coalesce(
                models.Subquery(total), models.Value(0), output_field=models.BigIntegerField()
            )
        )

    def progress_on(self, day: datetime.date) -> list[TargetProgress]:
        """Each target's progress on ``day``, from the values approved so far, in one query."""
        targets = self.with_reported().select_related("line__plan")
        return [target.progress(target.reported_values, on=day) for target in targets]

    def lines_behind_on(self, day: datetime.date) -> set[int]:
        """The lines (ids) with a target behind its straight line on ``day``: the register's filter."""
        return {progress.target.line_id for progress in self.progress_on(day) if progress.is_behind}


@dataclass(frozen=True)
class TargetProgress:
    """How far a target has come on a day: the one computation the line page, the dashboard, the
    register's filter and the progress report show."""

    target: Target
    reported: int  # to date: the baseline and every approved value
    expected: int  # where the straight line from the baseline at the start to the value at the end is
    on: datetime.date

    @property
    def share_percent(self) -> float:
        """The share of the target value reached, in per cent, to one decimal (not capped at 100)."""
        return round(self.reported * 100 / self.target.value, 1) if self.target.value else 100.0

    @property
    def expected_percent(self) -> float:
        return round(self.expected * 100 / self.target.value, 1) if self.target.value else 100.0

    @property
    def is_behind(self) -> bool:
        return self.reported < self.expected


# The units of seeds/targets.toml, for the interface and the reports; any other is shown as it is.
UNIT_NAMES = {
    "doses": _("doses"), "USD": _("USD"), "technologies": _("technologies"), "scientists": _("scientists"),
}  # fmt: skip


class Target(Localizable, models.Model):
    """A quantified target of a line: what is counted, in which unit, how many by when.

    Seeded from ``seeds/targets.toml``, which quotes the words of the line each target comes from
    (``commitments.targets``). Values are whole numbers: every target of the plans so far counts
    doses, dollars, technologies or people.
    """

    line = models.ForeignKey(ActionLine, on_delete=models.CASCADE, related_name="targets")
    key = models.SlugField(_("key"), max_length=60, help_text=_("Names the target in the seeds file."))
    measure_en = models.CharField(_("what is counted (English)"), max_length=200)
    measure_zh = models.CharField(_("what is counted (Chinese)"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20)
    value = models.PositiveBigIntegerField(_("target value"))
    baseline = models.PositiveBigIntegerField(_("baseline"), default=0)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    quote = models.TextField(_("words of the line it comes from"))
    history = HistoricalRecords()

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["line", "key"]
        constraints = [
            models.UniqueConstraint(fields=["line", "key"], name="target_key_unique_in_line"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="target_ends_after_start"
            ),
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.line.address} {self.key}: {self.value} {self.unit}"

    @property
    def localized_measure(self) -> Localized:
        return self.localized("measure")

    @property
    def localized_unit(self) -> str:
        """The unit in the interface language, where it is one of the seeds' units."""
        return str(UNIT_NAMES.get(self.unit, self.unit))

    def amount(self, number: int) -> str:
        """``number`` of this target's unit as the interface language writes it (``amount_in``)."""
        return amount_in(number, self.localized_unit, interface_language())

    def expected_on(self, day: datetime.date) -> int:
        """Where a straight line from ``baseline`` on ``starts_on`` to ``value`` on ``ends_on`` is on
        ``day`` (the baseline before the start, the value from the end on), rounded down."""
        elapsed = min(max((day - self.starts_on).days, 0), (self.ends_on - self.starts_on).days)
        return self.baseline + (self.value - self.baseline) * elapsed // (self.ends_on - self.starts_on).days

    def progress(self, reported_values: int, *, on: datetime.date) -> TargetProgress:
        """Progress on ``on`` given the sum of the approved values (``with_reported``)."""
        return TargetProgress(self, self.baseline + reported_values, self.expected_on(on), on)

    def export_record(self) -> dict:
        return {
            "key": self.key, "measure_en": self.measure_en, "measure_zh": self.measure_zh, "unit": self.unit,
            "value": self.value, "baseline": self.baseline, "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(), "quote": self.quote,
        }  # fmt: skip


class TargetValueQuerySet(models.QuerySet):
    def approved(self) -> TargetValueQuerySet:
        """Values of approved updates: the only ones that count towards a target."""
        from .tracking import StatusUpdate

        return self.filter(update__state=StatusUpdate.State.APPROVED)


class TargetValue(models.Model):
    """What an owner reports towards a target of its line in an update: the amount achieved IN the
    update's period (not a running total), and where the figure comes from.

    Owners report what they did in the period (doses delivered, dollars imported this year); several
    owners of a line each report their own share. A target's progress to date is its baseline plus
    the values of approved updates. The value is approved with its update and, like it, kept in the
    history.
    """

    update = models.ForeignKey(
        "commitments.StatusUpdate", on_delete=models.CASCADE, related_name="target_values"
    )
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="target_values")
    value = models.PositiveBigIntegerField(_("achieved in the period"))
    source = models.TextField(_("source of the figure"), blank=True)  # required: ``entry_errors``
    history = HistoricalRecords()

    objects = TargetValueQuerySet.as_manager()

    class Meta:
        ordering = ["update", "target"]
        constraints = [
            models.UniqueConstraint(
                fields=["update", "target"], name="one_value_per_target_and_update",
                violation_error_message=_("This update already reports a value for this target."),
            ),
        ]  # fmt: skip
        verbose_name = _("reported target value")
        verbose_name_plural = _("reported target values")

    def __str__(self) -> str:
        return f"{self.target.key}: {self.value}"

    @staticmethod
    def without_separators(figure: str) -> str:
        """A figure as owners write it ("150,000,000", "150 000 000") as the digits the field reads:
        the update form and the spreadsheet upload read figures alike."""
        return "".join(figure.split()).replace(",", "").replace("_", "")

    def entry_errors(self) -> dict[str, str]:
        """What keeps this value from being saved, by field: the one rule that the update form, the
        spreadsheet upload and ``save_for`` apply (a source needs its figure and a figure its source;
        the target must be of the update's line)."""
        errors = {}
        if self.target.line_id != self.update.line_id:
            errors["value"] = _("This target is not one of the line's: report it on its own line.")
        if self.value is None:
            if self.source.strip():
                errors["value"] = _("Give the figure this source is for, or clear the source.")
        elif not self.source.strip():
            errors["source"] = _("Say where the figure comes from.")
        return errors

    def clean(self) -> None:
        if errors := self.entry_errors():
            raise ValidationError(errors)

    @classmethod
    def save_for(cls, update, entries: dict[Target, tuple[int | None, str]], *, by=None, reason=None) -> None:
        """Set the update's values, one per target: ``entries`` maps a target to (value, source); a
        value of None removes the target's value (its history keeps it). Only while the update can be
        edited; each value checked by ``full_clean`` (``entry_errors``, the unique pair, value ≥ 0).
        ``by`` and ``reason`` go into the history where there is no request (a spreadsheet upload)."""
        if not update.is_editable:
            from .tracking import IllegalTransition

            raise IllegalTransition(_("Only a draft or a returned update can be edited."))
        existing = {value.target_id: value for value in update.target_values.all()}
        with transaction.atomic():
            for target, (value, source) in entries.items():
                kept = existing.get(target.pk)
                if value is None:
                    if kept is not None:
                        if by is not None:
                            kept._history_user, kept._change_reason = by, reason
                        kept.delete()
                    continue
                kept = kept or cls(update=update, target=target)
                if kept.pk and (kept.value, kept.source) == (value, source):
                    continue
                kept.value, kept.source = value, source
                if by is not None:
                    kept._history_user, kept._change_reason = by, reason
                kept.full_clean()
                kept.save()
