"""What a progress report says, as plain data in one language: built once from the database
(``build.py``), rendered to each format (``docx.py``, ``html.py``, ``xlsx.py``, ``pdf.py``), and
stored as JSON with a finalised edition so that the edition never changes and the next report can
compare with it.

The report is written for Leaders: a line's status is what the secretariat confirmed for the
period or, until it does, what the line's owners reported in their reviewed updates; a line with
neither is "no report received". No other workflow state reaches the report.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

SCHEMA = 2  # the content's shape; editions of an older shape are not compared with


@dataclass
class StatusInfo:
    code: str
    label: str  # in the report's language
    colour: str  # "#rrggbb"
    counts_as_implemented: bool
    counts_as_completed: bool = False  # a line reaching it in the period is a key achievement
    needs_reason: bool = False  # delayed, discontinued: listed among the challenges


@dataclass
class Tally:
    """Lines by status for the period, for the whole plan or one pillar or area."""

    counts: dict[str, int]  # status code → lines; every status of ``ReportContent.statuses``, zeros too
    no_report: int  # lines with no status and no report for the period
    total: int
    # The same counts in the report compared with (None when there is none to compare with).
    previous_counts: dict[str, int] | None = None
    previous_no_report: int | None = None

    def delta(self, code: str) -> int | None:
        if self.previous_counts is None:
            return None
        return self.counts.get(code, 0) - self.previous_counts.get(code, 0)

    @property
    def reported(self) -> int:
        return self.total - self.no_report


@dataclass
class Text:
    """A text in the report's language, or in the other one (``is_fallback``) when it has none."""

    text: str
    language: str  # "en" or "zh"
    is_fallback: bool = False


@dataclass
class ActivityInfo:
    date: datetime.date
    title: Text
    place: Text
    kind: str  # Activity.Kind
    body: str  # the reporting body's name in the report's language
    line: str  # the code of the line it was reported for
    fund: str = ""  # the fund's name in the report's language, "" when none was given
    amount: Decimal | None = None  # USD
    is_highlight: bool = False


@dataclass
class UpdateInfo:
    """What one owning body reported for the period, as reviewed by the secretariat."""

    body: str  # the body's name in the report's language
    narrative: Text
    activities: list[ActivityInfo] = field(default_factory=list)
    reason: Text | None = None  # why the line is delayed or discontinued, when the body said


@dataclass
class OwnerInfo:
    acronym: str
    name: str  # in the report's language
    role: str  # "lead" / "supporting"


@dataclass
class LineInfo:
    code: str
    text: Text  # the full text
    abridged: str  # at most ABRIDGED characters, cut at a word boundary with "…"
    owners: list[OwnerInfo]  # lead first
    status: str | None  # status code for the period; None: no report received
    updates: list[UpdateInfo]  # the owners' reviewed updates of the period, lead first
    completed_in_period: bool = False  # completed now, and not in the report compared with

    @property
    def lead(self) -> OwnerInfo | None:
        return next((owner for owner in self.owners if owner.role == "lead"), None)

    def activities(self) -> list[ActivityInfo]:
        return sorted((a for u in self.updates for a in u.activities), key=lambda a: a.date)


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
    # The pillar's summary, in paragraphs: the officer's text for the period, else the app's draft.
    summary: list[str] = field(default_factory=list)
    summary_edited: bool = False
    draft: list[str] = field(default_factory=list)  # the app's draft, whether printed or not

    def lines(self) -> list[LineInfo]:
        return [line for area in self.areas for line in area.lines]

    def activities(self) -> list[ActivityInfo]:
        return distinct(activity for line in self.lines() for activity in line.activities())


@dataclass
class TargetInfo:
    """A quantified target of a line and its progress as of the cut-off (``targets.py``)."""

    line: str  # the line's code
    measure: Text  # what is counted
    unit: str  # as stored ("USD", "doses")
    unit_label: str  # in the report's language
    value: int
    baseline: int
    starts_on: datetime.date
    ends_on: datetime.date
    reported: int  # to date: the baseline and the values approved by the cut-off
    expected: int  # on the straight line at the cut-off
    share_percent: float
    is_behind: bool


@dataclass
class ReportContent:
    language: str  # "en" or "zh"
    plan_code: str
    plan_title: str
    period_label: str
    period_starts: datetime.date
    period_ends: datetime.date
    as_of: datetime.datetime  # the data cut-off: only what was reviewed and confirmed by then
    generated_at: datetime.datetime  # kept with an edition, never printed
    meeting: str  # the Summit it goes to, e.g. "the 29th ASEAN–China Summit"; "" when not set
    prepared_by: str  # e.g. "ASEAN Secretariat"
    is_final: bool
    statuses: list[StatusInfo]  # the vocabulary, in its order
    overall: Tally
    pillars: list[PillarInfo]
    bodies_reporting: int = 0  # bodies with at least one reviewed update in the period
    way_forward: list[str] = field(default_factory=list)  # paragraphs, the officer's or the draft
    way_forward_edited: bool = False
    way_forward_draft: list[str] = field(default_factory=list)
    compared_with: str | None = None  # e.g. "2025–2026 (final edition of 1 July 2026)", None if nothing
    # For a draft generated after a final edition of the same period: what changed since it,
    # one sentence per line, e.g. "2.6.6: Ongoing → Completed".
    changes_since_final: list[str] = field(default_factory=list)
    targets: list[TargetInfo] = field(default_factory=list)  # the plan's quantified targets
    schema: int = SCHEMA

    ABRIDGED = 220  # characters of a line's text in the body and the annex

    def lines(self) -> list[LineInfo]:
        return [line for pillar in self.pillars for line in pillar.lines()]

    def activities(self) -> list[ActivityInfo]:
        return distinct(activity for pillar in self.pillars for activity in pillar.activities())

    def meetings(self) -> list[ActivityInfo]:
        return [activity for activity in self.activities() if activity.kind == "meeting"]

    def funded(self) -> list[ActivityInfo]:
        return [activity for activity in self.activities() if activity.fund]

    def unreported(self) -> list[LineInfo]:
        return [line for line in self.lines() if line.status is None]

    def completed_codes(self) -> set[str]:
        return {status.code for status in self.statuses if status.counts_as_completed}

    def troubled(self) -> list[LineInfo]:
        """Lines whose status needs a reason (delayed, discontinued): the report's challenges."""
        codes = {status.code for status in self.statuses if status.needs_reason}
        return [line for line in self.lines() if line.status in codes]

    def status(self, code: str | None) -> StatusInfo | None:
        return next((s for s in self.statuses if s.code == code), None)

    def implemented(self, tally: Tally) -> int:
        """Lines "implemented or being implemented": those whose status counts as implemented."""
        return sum(tally.counts.get(s.code, 0) for s in self.statuses if s.counts_as_implemented)

    def previously_implemented(self, tally: Tally) -> int | None:
        if tally.previous_counts is None:
            return None
        return sum(tally.previous_counts.get(s.code, 0) for s in self.statuses if s.counts_as_implemented)

    def share(self, tally: Tally) -> float:
        return self.implemented(tally) / tally.total if tally.total else 0.0

    def to_json(self) -> dict[str, Any]:
        """Plain data for a JSONField with DjangoJSONEncoder (dates become ISO strings)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportContent:
        """The inverse of ``to_json``, from the dicts or from their JSON (ISO dates)."""

        def activity(d):
            return ActivityInfo(**{
                **d, "date": day(d["date"]), "title": Text(**d["title"]), "place": Text(**d["place"]),
                "amount": Decimal(str(d["amount"])) if d["amount"] is not None else None,
            })  # fmt: skip

        def line(d):
            updates = [
                UpdateInfo(
                    u["body"],
                    Text(**u["narrative"]),
                    [activity(a) for a in u["activities"]],
                    Text(**u["reason"]) if u.get("reason") else None,
                )
                for u in d["updates"]
            ]
            return LineInfo(**{
                **d, "text": Text(**d["text"]), "owners": [OwnerInfo(**o) for o in d["owners"]],
                "updates": updates,
            })  # fmt: skip

        def area(d):
            return AreaInfo(d["code"], Text(**d["title"]), Tally(**d["tally"]), [line(x) for x in d["lines"]])

        def pillar(d):
            return PillarInfo(**{
                **d, "title": Text(**d["title"]), "tally": Tally(**d["tally"]),
                "areas": [area(x) for x in d["areas"]],
            })  # fmt: skip

        values = dict(data)
        values.update(
            period_starts=day(values["period_starts"]), period_ends=day(values["period_ends"]),
            as_of=moment(values["as_of"]), generated_at=moment(values["generated_at"]),
            statuses=[StatusInfo(**s) for s in values["statuses"]], overall=Tally(**values["overall"]),
            pillars=[pillar(p) for p in values["pillars"]],
            targets=[TargetInfo(**{
                **t, "measure": Text(**t["measure"]), "starts_on": day(t["starts_on"]),
                "ends_on": day(t["ends_on"]),
            }) for t in values.get("targets", [])],  # editions made before targets have none
        )  # fmt: skip
        return cls(**values)


def distinct(activities) -> list[ActivityInfo]:
    """Each activity once: a meeting or project reported for several lines, or by several owners, is
    one event (the same title, date, place, kind and funding); its first report is kept."""
    seen, kept = set(), []
    for activity in activities:
        key = (
            activity.date,
            activity.title.text,
            activity.place.text,
            activity.kind,
            activity.fund,
            activity.amount,
        )
        if key not in seen:
            seen.add(key)
            kept.append(activity)
    return kept


def day(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def moment(value) -> datetime.datetime:
    return value if isinstance(value, datetime.datetime) else datetime.datetime.fromisoformat(value)
