"""The progress report's content, read from the database as of the period's data cut-off.

What owners reported and the secretariat decided — period statuses, approved updates, their
activities and evidence, confirmed owners — is read from its history (django-simple-history) as
it stood at the cut-off, so that a report generated later for the same cut-off says the same
thing. The plan itself (its pillars, areas and lines, with their texts), the organisations'
names and the status vocabulary are read as they are now: they are names and wording, and a
corrected translation should show in every report generated after it. A line counts if it was
in the source document at the cut-off. A finalised edition keeps its own copy of all of it.

Everything is fetched in a fixed number of queries and grouped here, so the query count does not
grow with the number of lines, updates or activities.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from ..models import (
    ActionLine,
    Activity,
    Evidence,
    Ownership,
    PeriodStatus,
    Plan,
    ReportEdition,
    ReportingPeriod,
    Status,
    StatusUpdate,
)
from .content import (
    ActivityInfo,
    AreaInfo,
    LineInfo,
    OwnerInfo,
    PillarInfo,
    ReportContent,
    StatusInfo,
    Tally,
    Text,
    UpdateInfo,
)

LANGUAGES = {"en": "en", "zh": "zh-hans"}  # report language → interface language of its labels


def build_report(
    plan: Plan,
    period: ReportingPeriod,
    language: str,
    *,
    as_of: datetime.datetime | None = None,
    meeting: str = "",
    is_final: bool = False,
) -> ReportContent:
    """The report for ``plan`` and ``period`` in ``language`` ("en" or "zh"), as of ``as_of``
    (by default the period's data cut-off), compared with the previous period's report.

    A draft (not ``is_final``) of a period that has a final edition lists what changed since it.
    """
    if language not in LANGUAGES:
        raise ValueError(f"Unknown report language {language!r}")
    with translation.override(LANGUAGES[language]):
        content = read_content(plan, period, language, as_of or period.cutoff(), meeting, is_final)
        compare_with_previous(content, plan, period)
        if not is_final:
            content.changes_since_final = changes_since_final(content, period)
    return content


def read_content(
    plan: Plan, period: ReportingPeriod, language: str, as_of: datetime.datetime, meeting: str, is_final: bool
) -> ReportContent:
    """The report without comparison, in nine queries. Call it with the report's language active."""
    statuses = list(Status.objects.all())
    codes = [status.code for status in statuses]
    data = Snapshot(plan, period, as_of)
    pillars = []
    for part, sections in outline(plan, as_of):
        areas = []
        for area, lines in sections:
            infos = [line_info(line, data, language) for line in lines]
            title = local(area, "title", language) if area else Text(gettext("Outside any area"), language)
            areas.append(AreaInfo(area.code if area else "", title, tally(infos, codes), infos))
        infos = [line for area in areas for line in area.lines]
        pillars.append(PillarInfo(part.code, local(part, "title", language), tally(infos, codes), areas))
    return ReportContent(
        language=language,
        plan_code=plan.code,
        plan_title=str(plan.localized("title", language)),
        period_label=period.label,
        period_starts=period.starts_on,
        period_ends=period.ends_on,
        as_of=as_of,
        generated_at=timezone.now(),
        meeting=meeting,
        is_final=is_final,
        statuses=[
            StatusInfo(s.code, str(s.localized("label", language)), s.colour, s.counts_as_implemented)
            for s in statuses
        ],
        overall=tally([line for pillar in pillars for area in pillar.areas for line in area.lines], codes),
        pillars=pillars,
    )


def outline(plan: Plan, as_of: datetime.datetime) -> list[tuple[Any, list[tuple[Any, list[ActionLine]]]]]:
    """The plan's pillars with their areas and lines in code order, in three queries.

    A pillar's lines outside any area form one section with no area, where its first line stands.
    """
    parts = {part.pk: (part, {}) for part in plan.parts.order_by("number")}
    areas = {area.pk: area for area in plan.areas.all()}
    in_source = Q(missing_from_source_since__isnull=True) | Q(missing_from_source_since__gt=as_of)
    for line in ActionLine.objects.for_plan(plan).filter(in_source).order_by("sort_key"):
        parts[line.part_id][1].setdefault(line.area_id, []).append(line)
    return [
        (part, [(areas.get(area_id), lines) for area_id, lines in sections.items()])
        for part, sections in parts.values()
    ]


class Snapshot:
    """What was confirmed and approved for the period at ``as_of``, grouped by line, in five queries."""

    def __init__(self, plan: Plan, period: ReportingPeriod, as_of: datetime.datetime):
        in_plan = {"line__plan": plan}
        confirmed = PeriodStatus.history.as_of(as_of).filter(
            period_id=period.pk, confirmed_at__isnull=False, status__isnull=False, **in_plan
        )
        self.statuses = {
            row["line_id"]: row["status__code"] for row in latest(confirmed, "line_id", "status__code")
        }

        owners = Ownership.history.as_of(as_of).filter(state=Ownership.State.CONFIRMED, **in_plan)
        fields = (
            "line_id",
            "role",
            "organisation__acronym",
            "organisation__name_en",
            "organisation__name_zh",
        )
        self.owners = grouped(latest(owners, *fields), "line_id")

        updates = StatusUpdate.history.as_of(as_of).filter(
            period_id=period.pk, state=StatusUpdate.State.APPROVED, **in_plan
        )
        fields = ("line_id", "organisation__acronym", "narrative_en", "narrative_zh")
        approved = latest(updates, *fields)
        self.updates = grouped(approved, "line_id")

        # Activities and evidence of updates not approved at the cut-off are dropped here.
        ids = {update["id"] for update in approved}
        of_period = {"update__period_id": period.pk, "update__line__plan": plan}
        activities = latest(
            Activity.history.as_of(as_of).filter(**of_period), "update_id", "date", "title", "place"
        )
        self.activities = grouped((a for a in activities if a["update_id"] in ids), "update_id")
        evidence = Evidence.history.as_of(as_of).filter(withdrawn_at__isnull=True, **of_period)
        self.evidence = grouped(
            (e for e in latest(evidence, "update_id", "date", "title") if e["update_id"] in ids), "update_id"
        )


def latest(records, *fields: str) -> list[dict[str, Any]]:
    """The rows of a ``history.as_of()`` query, one per object.

    ``as_of`` keeps each object's record with the latest ``history_date`` up to the cut-off; two
    records saved in the same microsecond would both be kept, so the later one wins here.
    """
    rows: dict[int, dict[str, Any]] = {}
    for row in records.values("id", "history_id", *fields).order_by("history_id"):
        rows[row["id"]] = row
    return sorted(rows.values(), key=lambda row: row["id"])


def grouped(rows: Iterable[dict[str, Any]], key: str) -> dict[int, list[dict[str, Any]]]:
    groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return groups


def line_info(line: ActionLine, data: Snapshot, language: str) -> LineInfo:
    text = local(line, "text", language)
    if not text.text:  # a line printed as a heading only
        text = local(line, "heading", language)
    owners = sorted(
        data.owners.get(line.pk, []), key=lambda o: (o["role"] != "lead", o["organisation__acronym"])
    )
    updates = [
        update_info(update, data, language)
        for update in sorted(data.updates.get(line.pk, []), key=lambda u: u["organisation__acronym"])
    ]
    dates = [activity.date for update in updates for activity in update.activities]
    return LineInfo(
        code=line.code,
        text=text,
        abridged=abridged(text.text),
        owners=[
            OwnerInfo(
                acronym=owner["organisation__acronym"],
                name=bilingual(owner["organisation__name_en"], owner["organisation__name_zh"], language).text,
                role=owner["role"],
                role_label=str(Ownership.Role(owner["role"]).label),
            )
            for owner in owners
        ],
        status=data.statuses.get(line.pk),
        updates=updates,
        last_activity=max(dates, default=None),
    )


def update_info(update: dict[str, Any], data: Snapshot, language: str) -> UpdateInfo:
    activities = sorted(data.activities.get(update["id"], []), key=lambda a: (a["date"], a["id"]))
    evidence = sorted(
        data.evidence.get(update["id"], []), key=lambda e: (e["date"] or datetime.date.min, e["id"])
    )
    return UpdateInfo(
        organisation=update["organisation__acronym"],
        narrative=bilingual(update["narrative_en"], update["narrative_zh"], language),
        activities=[ActivityInfo(a["date"], a["title"], a["place"]) for a in activities],
        evidence=[e["title"] for e in evidence],
    )


def local(obj, field: str, language: str) -> Text:
    text = obj.localized(field, language)
    return Text(str(text), text.language, text.is_fallback)


def bilingual(en: str, zh: str, language: str) -> Text:
    """The text in ``language``, or in the other one, marked as a fallback, when it has none."""
    wanted, other = (en, zh) if language == "en" else (zh, en)
    if wanted or not other:
        return Text(wanted, language)
    return Text(other, "zh" if language == "en" else "en", is_fallback=True)


def abridged(text: str) -> str:
    limit = ReportContent.ABRIDGED
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def tally(lines: list[LineInfo], codes: list[str]) -> Tally:
    counts = dict.fromkeys(codes, 0)
    for line in lines:
        if line.status is not None:
            counts[line.status] = counts.get(line.status, 0) + 1
    return Tally(counts=counts, not_confirmed=sum(line.status is None for line in lines), total=len(lines))


def compare_with_previous(content: ReportContent, plan: Plan, period: ReportingPeriod) -> None:
    """Set the previous counts of every tally and ``compared_with``.

    The comparison is the last final edition (not withdrawn) of the previous period in the same
    language; without one, that period's figures as of its own cut-off; without a previous period,
    nothing.
    """
    previous = period.previous()
    if previous is None:
        return
    edition = (
        ReportEdition.objects.current()
        .for_period(previous)
        .in_language(content.language)
        .latest_first()
        .first()
    )
    if edition is not None:
        earlier = edition.report
        content.compared_with = gettext("%(period)s, final edition of %(date)s") % {
            "period": previous.label,
            "date": timezone.localdate(edition.finalised_at).isoformat(),
        }
    else:
        earlier = read_content(plan, previous, content.language, previous.cutoff(), "", False)
        content.compared_with = gettext("%(period)s, as of %(date)s") % {
            "period": previous.label,
            "date": timezone.localdate(earlier.as_of).isoformat(),
        }
    remember(content.overall, earlier.overall)
    before = {pillar.code: pillar for pillar in earlier.pillars}
    for pillar in content.pillars:
        if pillar.code not in before:
            continue
        remember(pillar.tally, before[pillar.code].tally)
        areas = {area.code: area for area in before[pillar.code].areas}
        for area in pillar.areas:
            if area.code in areas:
                remember(area.tally, areas[area.code].tally)


def remember(tally: Tally, earlier: Tally) -> None:
    tally.previous_counts = dict(earlier.counts)
    tally.previous_not_confirmed = earlier.not_confirmed


def changes_since_final(content: ReportContent, period: ReportingPeriod) -> list[str]:
    """What changed in the lines' statuses since the period's current final edition, one line each."""
    final = (
        ReportEdition.objects.current()
        .for_period(period)
        .in_language(content.language)
        .latest_first()
        .first()
    )
    if final is None:
        return []
    earlier = final.report
    labels = {s.code: s.label for s in earlier.statuses} | {s.code: s.label for s in content.statuses}
    before = {line.code: line.status for line in earlier.lines()}
    changes = []
    for line in content.lines():
        old, new = before.get(line.code), line.status
        if line.code not in before or old == new:
            continue
        values = {"code": line.code, "old": labels.get(old, old), "new": labels.get(new, new)}
        if old and new:
            changes.append(gettext("%(code)s: %(old)s → %(new)s") % values)
        elif new:
            changes.append(gettext("%(code)s: newly confirmed as %(new)s") % values)
        else:
            changes.append(gettext("%(code)s: no longer confirmed (was %(old)s)") % values)
    return changes
