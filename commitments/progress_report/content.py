"""What a progress report says, as plain data in one language: built once from the database
(``build.py``), rendered to each format (``docx.py``, ``html.py``, ``xlsx.py``), and stored as JSON
with a finalised edition so that the edition never changes and the next report can compare with it.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from typing import Any


@dataclass
class StatusInfo:
    code: str
    label: str  # in the report's language
    colour: str  # "#rrggbb"
    counts_as_implemented: bool


@dataclass
class Tally:
    """Lines by confirmed status for the period, for the whole plan or one pillar or area."""

    counts: dict[str, int]  # status code → lines; every status of ``ReportContent.statuses``, zeros too
    not_confirmed: int  # lines without a confirmed status for the period
    total: int
    # The same counts in the report compared with (None when there is none to compare with).
    previous_counts: dict[str, int] | None = None
    previous_not_confirmed: int | None = None

    def delta(self, code: str) -> int | None:
        if self.previous_counts is None:
            return None
        return self.counts.get(code, 0) - self.previous_counts.get(code, 0)


@dataclass
class Text:
    """A text in the report's language, or in the other one (``is_fallback``) when it has none."""

    text: str
    language: str  # "en" or "zh"
    is_fallback: bool = False


@dataclass
class ActivityInfo:
    date: datetime.date
    title: str
    place: str


@dataclass
class UpdateInfo:
    """An owner's approved update for the period."""

    organisation: str  # acronym
    narrative: Text
    activities: list[ActivityInfo] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # titles of evidence not withdrawn


@dataclass
class OwnerInfo:
    acronym: str
    name: str  # in the report's language
    role: str  # "lead" / "supporting"
    role_label: str  # in the report's language


@dataclass
class LineInfo:
    code: str
    text: Text  # the full text
    abridged: str  # at most ABRIDGED characters, ending in "…" when cut
    owners: list[OwnerInfo]  # lead first
    status: str | None  # status code confirmed for the period, None when not confirmed
    updates: list[UpdateInfo]  # approved updates of the period, by acronym
    last_activity: datetime.date | None  # latest activity date of those updates


@dataclass
class AreaInfo:
    code: str  # "" for the lines of a pillar outside any area
    title: Text
    tally: Tally
    lines: list[LineInfo]


@dataclass
class PillarInfo:
    code: str
    title: Text
    tally: Tally
    areas: list[AreaInfo]


@dataclass
class ReportContent:
    language: str  # "en" or "zh"
    plan_code: str
    plan_title: str
    period_label: str
    period_starts: datetime.date
    period_ends: datetime.date
    as_of: datetime.datetime  # the data cut-off: only what was approved and confirmed by then
    generated_at: datetime.datetime
    meeting: str  # the meeting it is prepared for, e.g. "PMC 10+1 Session, July 2027"
    is_final: bool
    statuses: list[StatusInfo]  # the vocabulary, in its order
    overall: Tally
    pillars: list[PillarInfo]
    compared_with: str | None = None  # e.g. "2025–2026 (final edition of 2026-07-01)", None if nothing
    # For a draft generated after a final edition of the same period: what changed since it,
    # one sentence per line, e.g. "2.6.6: Ongoing → Completed".
    changes_since_final: list[str] = field(default_factory=list)

    ABRIDGED = 300  # characters of a line's text in the body; the annex has it in full

    def lines(self) -> list[LineInfo]:
        return [line for pillar in self.pillars for area in pillar.areas for line in area.lines]

    def unconfirmed(self) -> list[LineInfo]:
        """Lines without a confirmed status for the period: listed and counted, never omitted."""
        return [line for line in self.lines() if line.status is None]

    def status(self, code: str | None) -> StatusInfo | None:
        return next((s for s in self.statuses if s.code == code), None)

    def implemented(self, tally: Tally) -> int:
        """Lines "implemented or ongoing": those whose status counts as implemented."""
        return sum(tally.counts.get(s.code, 0) for s in self.statuses if s.counts_as_implemented)

    def share(self, tally: Tally) -> float:
        return self.implemented(tally) / tally.total if tally.total else 0.0

    def to_json(self) -> dict[str, Any]:
        """Plain data for a JSONField with DjangoJSONEncoder (dates become ISO strings)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportContent:
        """The inverse of ``to_json``, from the dicts or from their JSON (ISO dates)."""

        def tally(d):
            return Tally(**d)

        def activity(d):
            return ActivityInfo(day(d["date"]), d["title"], d["place"])

        def line(d):
            updates = [
                UpdateInfo(
                    organisation=u["organisation"], narrative=Text(**u["narrative"]),
                    activities=[activity(a) for a in u["activities"]],
                    evidence=list(u["evidence"]),
                )
                for u in d["updates"]
            ]  # fmt: skip
            return LineInfo(
                code=d["code"], text=Text(**d["text"]), abridged=d["abridged"],
                owners=[OwnerInfo(**o) for o in d["owners"]], status=d["status"], updates=updates,
                last_activity=day(d["last_activity"]) if d["last_activity"] else None,
            )  # fmt: skip

        def area(d):
            return AreaInfo(d["code"], Text(**d["title"]), tally(d["tally"]), [line(x) for x in d["lines"]])

        def pillar(d):
            return PillarInfo(d["code"], Text(**d["title"]), tally(d["tally"]), [area(x) for x in d["areas"]])

        values = dict(data)
        values.update(
            period_starts=day(values["period_starts"]), period_ends=day(values["period_ends"]),
            as_of=moment(values["as_of"]), generated_at=moment(values["generated_at"]),
            statuses=[StatusInfo(**s) for s in values["statuses"]], overall=tally(values["overall"]),
            pillars=[pillar(p) for p in values["pillars"]],
        )  # fmt: skip
        return cls(**values)


def day(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def moment(value) -> datetime.datetime:
    return value if isinstance(value, datetime.datetime) else datetime.datetime.fromisoformat(value)
