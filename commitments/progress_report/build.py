"""The progress report's content, read from the database as of the period's data cut-off.

What owners reported and the secretariat decided — period statuses, reviewed (approved) updates and
their activities, confirmed owners — is read from its history (django-simple-history) as it stood
at the cut-off, so that a report generated later for the same cut-off says the same thing. The plan
itself (its pillars, areas and lines, with their texts), the names of bodies and funds, the status
vocabulary, and the secretariat's editorial choices (its texts for the report and the activities it
marks as highlights) are read as they are now: they are names and wording, and a corrected
translation or an edited summary should show in every report generated after it. A line counts if
it was in the source document at the cut-off. A finalised edition keeps its own copy of all of it.

Everything is fetched in a fixed number of queries and grouped here, so the query count does not
grow with the number of lines, updates or activities.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from ..models import (
    ActionLine,
    Activity,
    Fund,
    Ownership,
    PeriodStatus,
    Plan,
    ReportEdition,
    ReportingPeriod,
    ReportText,
    Status,
    StatusUpdate,
)
from ..models.plans import Localized, in_language
from . import drafting, targets, wording
from .content import (
    SCHEMA,
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
    is_final: bool = False,
) -> ReportContent:
    """The report for ``plan`` and ``period`` in ``language`` ("en" or "zh"), as of ``as_of``
    (by default the period's data cut-off), compared with the previous period's report.

    A draft (not ``is_final``) of a period that has a final edition lists what changed since it.
    """
    if language not in LANGUAGES:
        raise ValueError(f"Unknown report language {language!r}")
    with translation.override(LANGUAGES[language]):
        content = read_content(plan, period, language, as_of or period.cutoff(), is_final)
        content.targets = targets.read_targets(plan, content.as_of, language)
        compare_with_previous(content, plan, period)
        write_texts(content, period)
        if not is_final:
            content.changes_since_final = changes_since_final(content, period)
    return content


def read_content(
    plan: Plan, period: ReportingPeriod, language: str, as_of: datetime.datetime, is_final: bool
) -> ReportContent:
    """The report's facts without comparison or texts. Call it with the report's language active."""
    statuses = list(Status.objects.all())
    codes = [status.code for status in statuses]
    data = Snapshot(plan, period, as_of, language)
    pillars = []
    for part, sections in outline(plan, as_of):
        areas = []
        for area, lines in sections:
            infos = [line_info(line, data, language) for line in lines]
            title = local(area, "title", language) if area else Text(gettext("Other action lines"), language)
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
        meeting=str(period.localized("meeting", language)) if period.meeting_en or period.meeting_zh else "",
        prepared_by=prepared_by(language),
        is_final=is_final,
        statuses=[
            StatusInfo(
                s.code,
                str(s.localized("label", language)),
                s.colour,
                s.counts_as_implemented,
                s.counts_as_completed,
                s.needs_reason,
            )
            for s in statuses
        ],
        overall=tally([line for pillar in pillars for line in pillar.lines()], codes),
        pillars=pillars,
        bodies_reporting=len(data.bodies),
    )


def prepared_by(language: str) -> str:
    """Who prepares the report (settings.REPORT_PREPARED_BY, one name per language)."""
    names = settings.REPORT_PREPARED_BY
    return names.get(language) or names["en"]


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
    """What was confirmed and reviewed for the period at ``as_of``, grouped by line, in six queries."""

    def __init__(self, plan: Plan, period: ReportingPeriod, as_of: datetime.datetime, language: str):
        in_plan = {"line__plan": plan}
        confirmed = PeriodStatus.history.as_of(as_of).filter(
            period_id=period.pk, confirmed_at__isnull=False, status__isnull=False, **in_plan
        )
        self.statuses = {
            row["line_id"]: row["status__code"] for row in latest(confirmed, "line_id", "status__code")
        }

        owners = Ownership.history.as_of(as_of).filter(state=Ownership.State.CONFIRMED, **in_plan)
        body = ("organisation_id", "organisation__acronym", "organisation__name_en", "organisation__name_zh")
        self.owners = grouped(latest(owners, "line_id", "role", *body), "line_id")

        updates = StatusUpdate.history.as_of(as_of).filter(
            period_id=period.pk, state=StatusUpdate.State.APPROVED, **in_plan
        )
        approved = latest(
            updates,
            "line_id",
            "status__code",
            "narrative_en",
            "narrative_zh",
            "reason_en",
            "reason_zh",
            *body,
        )
        self.updates = grouped(approved, "line_id")
        self.bodies = {update["organisation_id"] for update in approved}

        # Activities of updates not approved at the cut-off are dropped here.
        ids = {update["id"] for update in approved}
        activities = latest(
            Activity.history.as_of(as_of).filter(update__period_id=period.pk, update__line__plan=plan),
            "update_id", "date", "kind", "title_en", "title_zh", "place_en", "place_zh", "fund_id",
            "amount_usd",
        )  # fmt: skip
        self.activities = grouped((a for a in activities if a["update_id"] in ids), "update_id")
        self.highlights = set(
            Activity.objects.highlighted().filter(update__period=period).values_list("id", flat=True)
        )
        self.funds = {fund.pk: str(fund.localized("name", language)) for fund in Fund.objects.all()}


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
    leads = {owner["organisation_id"] for owner in owners if owner["role"] == "lead"}
    updates = sorted(
        data.updates.get(line.pk, []),
        key=lambda u: (u["organisation_id"] not in leads, u["organisation__acronym"]),
    )
    # The secretariat's status for the period; until it confirms one, the one the owners reported
    # (the lead's first) in their reviewed updates.
    status = data.statuses.get(line.pk) or next(
        (u["status__code"] for u in updates if u["status__code"]), None
    )
    return LineInfo(
        code=line.code,
        text=text,
        abridged=wording.abridged(text.text, ReportContent.ABRIDGED),
        owners=[OwnerInfo(o["organisation__acronym"], body_name(o, language), o["role"]) for o in owners],
        status=status,
        updates=[update_info(update, line, data, language) for update in updates],
    )


def update_info(update: dict[str, Any], line: ActionLine, data: Snapshot, language: str) -> UpdateInfo:
    body = body_name(update, language)
    activities = sorted(data.activities.get(update["id"], []), key=lambda a: (a["date"], a["id"]))
    return UpdateInfo(
        body=body,
        narrative=bilingual(update["narrative_en"], update["narrative_zh"], language),
        reason=bilingual(update["reason_en"], update["reason_zh"], language)
        if update["reason_en"] or update["reason_zh"]
        else None,
        activities=[
            ActivityInfo(
                date=a["date"],
                title=bilingual(a["title_en"], a["title_zh"], language),
                place=bilingual(a["place_en"], a["place_zh"], language),
                kind=a["kind"],
                body=body,
                line=line.code,
                fund=data.funds.get(a["fund_id"], ""),
                amount=a["amount_usd"],
                is_highlight=a["id"] in data.highlights,
            )
            for a in activities
        ],  # fmt: skip
    )


def body_name(row: dict[str, Any], language: str) -> str:
    """A body by its name in the report's language; by its other name or acronym when it has none."""
    name = bilingual(row["organisation__name_en"], row["organisation__name_zh"], language).text
    return name or row["organisation__acronym"]


def local(obj, field: str, language: str) -> Text:
    return typeset(obj.localized(field, language))


def bilingual(en: str, zh: str, language: str) -> Text:
    """The text in ``language``, or in the other one, marked as a fallback, when it has none."""
    return typeset(in_language(en, zh, language))


def typeset(text: Localized) -> Text:
    """The report's copy of a text, set as Chinese is printed when it is Chinese."""
    chinese = text.language == "zh"
    return Text(wording.chinese_typography(text) if chinese else str(text), text.language, text.is_fallback)


def tally(lines: list[LineInfo], codes: list[str]) -> Tally:
    counts = dict.fromkeys(codes, 0)
    for line in lines:
        if line.status is not None:
            counts[line.status] = counts.get(line.status, 0) + 1
    return Tally(counts=counts, no_report=sum(line.status is None for line in lines), total=len(lines))


def write_texts(content: ReportContent, period: ReportingPeriod) -> None:
    """Each pillar's summary and the way forward: the secretariat's text for the period where it
    wrote one in the report's language, else the app's draft from the data."""
    edited = {text.key: text for text in ReportText.objects.for_period(period).select_related("part")}
    field = f"text_{content.language}"
    for pillar in content.pillars:
        text = getattr(edited.get(f"pillar-{pillar.code}"), field, "")
        pillar.draft = drafting.pillar_summary(content, pillar)
        pillar.summary = ReportText.paragraphs(text) or pillar.draft
        pillar.summary_edited = bool(text.strip())
    text = getattr(edited.get(ReportText.Section.WAY_FORWARD), field, "")
    content.way_forward_draft = drafting.way_forward(content)
    content.way_forward = ReportText.paragraphs(text) or content.way_forward_draft
    content.way_forward_edited = bool(text.strip())


def compare_with_previous(content: ReportContent, plan: Plan, period: ReportingPeriod) -> None:
    """Set the previous counts of every tally, ``compared_with`` and each line's ``completed_in_period``.

    The comparison is the last final edition (not withdrawn) of the previous period in the same
    language; without one, that period's figures as of its own cut-off; without a previous period,
    nothing, and every completed line counts as completed in this period.
    """
    previous = period.previous()
    earlier = None
    if previous is not None:
        edition = final_edition(previous, content.language)
        if edition is not None:
            earlier = edition.report
            content.compared_with = gettext("the final report for %(period)s of %(date)s") % {
                "period": wording.period(content, previous.label),
                "date": wording.day(content, edition.finalised_at),
            }
        else:
            earlier = read_content(plan, previous, content.language, previous.cutoff(), False)
            content.compared_with = gettext("the figures for %(period)s as of %(date)s") % {
                "period": wording.period(content, previous.label),
                "date": wording.day(content, earlier.as_of),
            }
    before = {line.code: line.status for line in earlier.lines()} if earlier else {}
    completed = content.completed_codes()
    for line in content.lines():
        line.completed_in_period = line.status in completed and before.get(line.code) not in completed
    if earlier is None:
        return
    remember(content.overall, earlier.overall)
    pillars = {pillar.code: pillar for pillar in earlier.pillars}
    for pillar in content.pillars:
        if pillar.code not in pillars:
            continue
        remember(pillar.tally, pillars[pillar.code].tally)
        areas = {area.code: area for area in pillars[pillar.code].areas}
        for area in pillar.areas:
            if area.code in areas:
                remember(area.tally, areas[area.code].tally)


def final_edition(period: ReportingPeriod, language: str) -> ReportEdition | None:
    """The period's last final edition not withdrawn, in ``language`` if there is one, else in the
    other: its figures are the same in both. Editions written before the report's current content
    (another ``schema``) are not read."""
    editions = [
        edition for edition in ReportEdition.objects.not_withdrawn().for_period(period).latest_first()
        if edition.content.get("schema") == SCHEMA
    ]  # fmt: skip
    return next((e for e in editions if e.language == language), None) or next(iter(editions), None)


def remember(tally: Tally, earlier: Tally) -> None:
    tally.previous_counts = dict(earlier.counts)
    tally.previous_no_report = earlier.no_report


def changes_since_final(content: ReportContent, period: ReportingPeriod) -> list[str]:
    """What changed in the lines' statuses since the period's current final edition, one line each."""
    final = final_edition(period, content.language)
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
        values = {
            "code": line.code,
            "old": labels.get(old, old) if old else gettext("no report received"),
            "new": labels.get(new, new) if new else gettext("no report received"),
        }
        changes.append(gettext("%(code)s: %(old)s → %(new)s") % values)
    return changes
