"""How far a plan has come in a reporting period, as the dashboard shows it: today's data. (The
progress report reads the same figures as of the period's cut-off: progress_report/build.py.)

A line's status for a period is its period status once the secretariat has confirmed it;
until then the line counts as "not confirmed", never left out. Every figure comes from a
fixed number of grouped queries, whatever the number of lines, owners or updates.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import quote_plus, urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import (
    ActionLine,
    Area,
    Organisation,
    Ownership,
    Part,
    Plan,
    ReportingPeriod,
    Status,
    StatusUpdate,
)
from .models.plans import NO_STATUS, NO_UPDATE, REPORTED, ActionLineQuerySet

# The grouping keys of the tallies: (part pk, area pk or None).
Key = tuple[int, int | None]


def register_base_url(plan: Plan, period: ReportingPeriod) -> str:
    """The register showing the plan's lines in the period, to which ``with_filters`` adds."""
    return reverse("commitments:register") + "?" + urlencode({"plan": plan.code, "period": period.pk})


def with_filters(base_url: str, filters: dict[str, object]) -> str:
    """``base_url`` (which has a query string) with ``filters`` added, None left out, as ``urlencode`` would:
    the dashboard writes some 600 links a page, too many for a ``reverse()`` and ``urlencode()`` each."""
    return base_url + "".join(
        f"&{name}={quote_plus(str(value))}" for name, value in filters.items() if value is not None
    )


def signed(delta: int | None) -> str:
    """A change as it reads in a table: "+3", "−1" (a minus sign, not a hyphen), "±0"; "" for none."""
    if delta is None:
        return ""
    if delta == 0:
        return "±0"
    return f"+{delta}" if delta > 0 else f"−{-delta}"


@dataclass(frozen=True)
class Cell:
    """The number of lines of a row in one status (``status`` None: not confirmed)."""

    status: Status | None
    count: int
    delta: int | None  # since the previous period; None when there is none
    url: str | None  # None when the register cannot show exactly these lines

    @property
    def delta_text(self) -> str:
        return signed(self.delta)


@dataclass
class ProgressRow:
    """The lines of a plan, a pillar or an area, counted by their status for the period."""

    label: str
    counts: dict[int | None, int]  # status pk, or None for not confirmed → lines
    implemented: int
    without_update: int
    previous_total: int | None = None  # None when there is no previous period
    previous_implemented: int | None = None
    part: Part | None = None
    area: Area | None = None
    cells: list[Cell] = field(default_factory=list)
    total_url: str | None = None
    without_update_url: str | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def not_confirmed(self) -> int:
        return self.counts.get(None, 0)

    @property
    def share_percent(self) -> int | None:
        """The share of the lines implemented, in whole percent; None for no lines."""
        return round(100 * self.implemented / self.total) if self.total else None

    @property
    def share_delta(self) -> int | None:
        """The change of the share since the previous period, in percentage points."""
        if not self.previous_total or self.share_percent is None:
            return None
        return self.share_percent - round(100 * self.previous_implemented / self.previous_total)

    @property
    def share_delta_text(self) -> str:
        return signed(self.share_delta)


@dataclass
class OwnerRow:
    """One organisation's confirmed lines of the plan and how far it has reported on them."""

    organisation: Organisation
    owned: int
    approved: int
    pending: int  # submitted, waiting for review
    overdue: int
    urls: dict[str, str]  # "owned", "approved", "pending", "overdue" → the register

    @property
    def reported(self) -> int:
        return self.approved + self.pending

    @property
    def reported_percent(self) -> int:
        return round(100 * self.reported / self.owned) if self.owned else 0


class PlanProgress:
    """The progress of ``plan`` in ``period``: by status overall, per pillar, per area and per owner.

    Independent of the request: ``PlanProgress(plan, period)`` anywhere, in the interface
    language that is active. Each property queries once, on first use.
    """

    def __init__(
        self, plan: Plan, period: ReportingPeriod, periods: list[ReportingPeriod] | None = None
    ) -> None:
        """``periods``: the plan's periods if already read, to find the previous one among them."""
        self.plan, self.period, self._periods = plan, period, periods

    @cached_property
    def statuses(self) -> list[Status]:
        return list(Status.objects.all())

    @cached_property
    def previous_period(self) -> ReportingPeriod | None:
        if self._periods is None:
            return self.period.previous()
        return self.period.previous_among(self._periods)

    @cached_property
    def _register_url(self) -> str:
        return register_base_url(self.plan, self.period)

    @property
    def lines(self) -> ActionLineQuerySet:
        """The lines in scope: the plan's lines still in its source document."""
        return ActionLine.objects.for_plan(self.plan).in_source()

    @cached_property
    def overall(self) -> ProgressRow:
        return self._row(_("All lines"), set(self._tally), {})

    @cached_property
    def by_part(self) -> list[ProgressRow]:
        rows = []
        for part in self.plan.parts.all():
            keys = {key for key in self._tally if key[0] == part.pk}
            if keys:
                rows.append(self._row(str(part), keys, {"part": part.pk}, part))
        return rows

    @cached_property
    def by_area(self) -> list[ProgressRow]:
        """The areas in code order, pillar by pillar; a pillar's lines outside any area come last."""
        parts = {row.part.pk: row.part for row in self.by_part}
        areas = defaultdict(list)
        for area in self.plan.areas.all():
            if (area.part_id, area.pk) in self._tally:
                areas[area.part_id].append(area)
        rows = []
        for part in parts.values():
            for area in areas[part.pk]:
                filters = {"part": part.pk, "area": area.pk}
                rows.append(self._row(str(area), {(part.pk, area.pk)}, filters, part, area))
            if (part.pk, None) in self._tally:
                # The register has no filter for "no area"; it can show them only when they are the pillar.
                filters = None if areas[part.pk] else {"part": part.pk}
                rows.append(self._row(_("Outside any area"), {(part.pk, None)}, filters, part))
        return rows

    @cached_property
    def by_owner(self) -> list[OwnerRow]:
        """Organisations owning confirmed lines, those with the most lines still to report first."""
        # Grouped by the organisation's fields too, so that the counts bring the organisation along.
        names = [field.attname for field in Organisation._meta.concrete_fields]
        fields = [f"organisation__{name}" for name in names]
        counts = (
            Ownership.objects.confirmed().filter(line__in=self.lines).with_update_state_in(self.period)
            .values(*fields).order_by()
            .annotate(
                owned=Count("pk"),
                approved=Count("pk", filter=Q(update_state=StatusUpdate.State.APPROVED)),
                pending=Count("pk", filter=Q(update_state=StatusUpdate.State.SUBMITTED)),
                yet_to_report=Count("pk", filter=~Ownership.objects.reported_in(self.period)),
            )
        )  # fmt: skip
        rows = [
            self._owner_row(Organisation.from_db(counts.db, names, [row[field] for field in fields]), row)
            for row in counts
        ]
        return sorted(rows, key=lambda row: (row.reported - row.owned, row.organisation.acronym))

    def _owner_row(self, organisation: Organisation, counts: dict[str, int]) -> OwnerRow:
        owner = {"owner": organisation.acronym}
        return OwnerRow(
            organisation=organisation,
            owned=counts["owned"],
            approved=counts["approved"],
            pending=counts["pending"],
            overdue=counts["yet_to_report"] if self.period.is_past_deadline else 0,
            urls={
                "owned": self._url(owner),
                "approved": self._url(owner, state=StatusUpdate.State.APPROVED),
                "pending": self._url(owner, state=StatusUpdate.State.SUBMITTED),
                "reported": self._url(owner, state=REPORTED),
                "overdue": self._url(owner, overdue="yes"),
            },
        )

    # The tallies: one grouped query for the period, one for the previous period.

    @cached_property
    def _tally(self) -> dict[Key, tuple[Counter, int]]:
        """(part, area) → (lines per status pk or None, lines without any update)."""
        grouped = (
            self.lines.with_status_in(self.period).with_update_flag(self.period)
            .values("part", "area", "status_in_period", "has_update").order_by()
            .annotate(lines=Count("pk"))
        )  # fmt: skip
        tally: dict[Key, tuple[Counter, int]] = {}
        for group in grouped:
            statuses, without_update = tally.get((group["part"], group["area"]), (Counter(), 0))
            statuses[group["status_in_period"]] += group["lines"]
            without_update += 0 if group["has_update"] else group["lines"]
            tally[group["part"], group["area"]] = (statuses, without_update)
        return tally

    @cached_property
    def _previous_tally(self) -> dict[Key, Counter] | None:
        if self.previous_period is None:
            return None
        grouped = (
            self.lines.with_status_in(self.previous_period)
            .values("part", "area", "status_in_period").order_by()
            .annotate(lines=Count("pk"))
        )  # fmt: skip
        tally: dict[Key, Counter] = defaultdict(Counter)
        for group in grouped:
            tally[group["part"], group["area"]][group["status_in_period"]] += group["lines"]
        return tally

    def _row(self, label: str, keys: set[Key], filters: dict | None, part=None, area=None) -> ProgressRow:
        """The row adding up the tallies of ``keys``; ``filters`` show its lines in the register."""
        counts: Counter = Counter()
        without_update = 0
        for key in keys:
            statuses, silent = self._tally[key]
            counts.update(statuses)
            without_update += silent
        previous = None
        if self._previous_tally is not None:
            previous = Counter()
            for key in keys:
                previous.update(self._previous_tally[key])
        implemented = {status.pk for status in self.statuses if status.counts_as_implemented}
        row = ProgressRow(
            label=label,
            counts={status.pk: counts[status.pk] for status in self.statuses} | {None: counts[None]},
            implemented=sum(n for pk, n in counts.items() if pk in implemented),
            without_update=without_update,
            part=part,
            area=area,
        )
        if previous is not None:
            row.previous_total = sum(previous.values())
            row.previous_implemented = sum(n for pk, n in previous.items() if pk in implemented)
        for status in [*self.statuses, None]:
            pk = status.pk if status else None
            row.cells.append(
                Cell(
                    status=status,
                    count=row.counts[pk],
                    delta=None if previous is None else row.counts[pk] - previous[pk],
                    url=self._url(filters, period_status=status.code if status else NO_STATUS),
                )
            )
        row.total_url = self._url(filters)
        row.without_update_url = self._url(filters, state=NO_UPDATE)
        return row

    def _url(self, filters: dict | None = None, /, **more) -> str | None:
        if filters is None:
            return None
        return with_filters(self._register_url, filters | more)
