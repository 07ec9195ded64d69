"""load_report_sample: the realistic year of reporting the Summit progress report is made from.

The sample is loaded once for the module, in a transaction rolled back before any test runs; those
tests read the figures taken from it. Tests that need a database without the sample load their own.
"""

from __future__ import annotations

import datetime
import io
import re
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from commitments.models import (
    ActionLine,
    Activity,
    Evidence,
    Ownership,
    PeriodStatus,
    ReportingPeriod,
    StatusUpdate,
)

from .conftest import line, make_period, make_update

PLAN = "poa-2026-2030"
CHINESE = "\u3400-\u9fff"
HALF_WIDTH_NEXT_TO_CHINESE = re.compile(rf"[{CHINESE}][,:;()!?]|[,:;()!?][{CHINESE}]")
SPACE_BETWEEN_CHINESE_AND_DIGIT = re.compile(rf"[{CHINESE}] \d|\d [{CHINESE}]")
STATUSES = {"not-started", "planned", "ongoing", "completed", "delayed", "discontinued"}


def load_sample(*options: str) -> str:
    output = io.StringIO()
    call_command("load_report_sample", *options, stdout=output)
    return output.getvalue()


def sample_period() -> ReportingPeriod:
    return ReportingPeriod.objects.filter(updates__author__username="sample-focal").distinct().get()


@dataclass
class Figures:
    """What the sample holds, counted from the tables."""

    output: str = ""
    second_output: str = ""  # of a second run on top of the first
    rows_before_second_run: dict[str, int] = field(default_factory=dict)
    rows_after_second_run: dict[str, int] = field(default_factory=dict)
    period: ReportingPeriod | None = None
    lines_by_pillar: Counter = field(default_factory=Counter)
    reported_by_pillar: Counter = field(default_factory=Counter)
    confirmed_statuses: Counter = field(default_factory=Counter)
    approved_not_confirmed: int = 0
    narratives_only_en: int = 0
    narratives_only_zh: int = 0
    delayed_or_discontinued: int = 0  # approved updates
    without_a_reason: list[str] = field(default_factory=list)  # lines of those with no reason
    reasons_only_en: int = 0
    reasons_only_zh: int = 0
    reasons_elsewhere: int = 0  # reasons given with another status
    activities: int = 0
    meetings: int = 0
    funded: list[tuple[str, str, int]] = field(default_factory=list)  # fund, kind, amount
    highlights_by_pillar: Counter = field(default_factory=Counter)
    activity_dates: list[datetime.date] = field(default_factory=list)
    chinese_texts: list[str] = field(default_factory=list)
    lines_without_lead: list[str] = field(default_factory=list)
    lines_with_supporting_owner: int = 0
    lines_with_two_updates: int = 0
    pending: list[tuple[str, str]] = field(default_factory=list)  # state, line code
    reported_lines: set[str] = field(default_factory=set)
    confirmed_lines: set[str] = field(default_factory=set)
    authors: dict[str, tuple[bool, list[str]]] = field(default_factory=dict)  # usable password, groups
    snapshots: list[list] = field(default_factory=list)


def take_figures(figures: Figures) -> None:
    period = figures.period = sample_period()
    lines = ActionLine.objects.for_plan(period.plan).in_source()
    approved = StatusUpdate.objects.approved().in_period(period).filter(author__username="sample-focal")
    activities = Activity.objects.filter(update__in=approved)
    line_statuses = PeriodStatus.objects.filter(period=period, line__in=approved.values("line"))
    figures.lines_by_pillar = Counter(lines.values_list("part__number", flat=True))
    figures.reported_lines = set(approved.values_list("line__code", flat=True))
    figures.reported_by_pillar = Counter(
        lines.filter(code__in=figures.reported_lines).values_list("part__number", flat=True)
    )
    figures.confirmed_statuses = Counter(line_statuses.confirmed().values_list("status__code", flat=True))
    figures.confirmed_lines = set(line_statuses.confirmed().values_list("line__code", flat=True))
    figures.approved_not_confirmed = line_statuses.filter(confirmed_at__isnull=True).count()
    figures.narratives_only_en = approved.filter(narrative_zh="").exclude(narrative_en="").count()
    figures.narratives_only_zh = approved.filter(narrative_en="").exclude(narrative_zh="").count()
    troubled = approved.filter(status__code__in=["delayed", "discontinued"])
    figures.delayed_or_discontinued = troubled.count()
    figures.without_a_reason = list(
        troubled.filter(reason_en="", reason_zh="").values_list("line__code", flat=True)
    )
    figures.reasons_only_en = troubled.filter(reason_zh="").exclude(reason_en="").count()
    figures.reasons_only_zh = troubled.filter(reason_en="").exclude(reason_zh="").count()
    figures.reasons_elsewhere = approved.exclude(pk__in=troubled).exclude(reason_en="", reason_zh="").count()
    figures.activities = activities.count()
    figures.meetings = activities.filter(kind="meeting").count()
    figures.funded = [
        (fund, kind, int(amount))
        for fund, kind, amount in activities.exclude(fund=None).values_list(
            "fund__acronym", "kind", "amount_usd"
        )
    ]
    figures.highlights_by_pillar = Counter(
        activities.highlighted().values_list("update__line__part__number", flat=True)
    )
    figures.activity_dates = list(activities.values_list("date", flat=True))
    everything = StatusUpdate.objects.in_period(period).filter(author__username="sample-focal")
    titles_and_places = Activity.objects.filter(update__in=everything).values_list("title_zh", "place_zh")
    figures.chinese_texts = (
        list(everything.values_list("narrative_zh", flat=True))
        + list(everything.values_list("reason_zh", flat=True))
        + [text for pair in titles_and_places for text in pair]
        + list(Evidence.objects.filter(update__in=everything).values_list("title_zh", flat=True))
    )
    confirmed = Ownership.objects.confirmed().filter(
        line__code__in=figures.reported_lines, line__plan=period.plan
    )
    leads = set(confirmed.filter(role="lead").values_list("line__code", flat=True))
    figures.lines_without_lead = sorted(figures.reported_lines - leads)
    figures.lines_with_supporting_owner = (
        confirmed.filter(role="supporting").values("line").distinct().count()
    )
    figures.lines_with_two_updates = sum(
        count > 1 for count in Counter(approved.values_list("line", flat=True)).values()
    )
    figures.pending = sorted(everything.exclude(state="approved").values_list("state", "line__code"))
    for user in get_user_model().objects.filter(username__in=["sample-focal", "sample-secretariat"]):
        figures.authors[user.username] = (
            user.has_usable_password(),
            list(user.groups.values_list("name", flat=True)),
        )


def snapshot() -> list:
    """The sample without primary keys or times, to compare two runs."""
    updates = StatusUpdate.objects.filter(author__username="sample-focal")
    activities = Activity.objects.filter(update__in=updates).values_list(
        "update__line__code", "date", "kind", "title_en", "title_zh", "place_en", "place_zh", "fund__acronym",
        "amount_usd", "highlighted_at",
    )  # fmt: skip
    line_statuses = (
        PeriodStatus.objects.filter(line__updates__in=updates)
        .distinct()
        .values_list("line__code", "proposed__code", "status__code", "confirmed_at")
    )
    return [
        sorted(updates.values_list("line__code", "organisation__acronym", "state", "status__code",
                                   "narrative_en", "narrative_zh", "reason_en", "reason_zh")),
        sorted((*row[:-1], row[-1] is not None) for row in activities),
        sorted(Evidence.objects.filter(update__in=updates).values_list("update__line__code", "title_en",
                                                                        "title_zh", "link")),
        sorted((*row[:-1], row[-1] is not None) for row in line_statuses),
        sorted(Ownership.objects.confirmed().values_list("line__code", "organisation__acronym", "role")),
    ]  # fmt: skip


def row_counts() -> dict[str, int]:
    models = [StatusUpdate, Activity, Evidence, Ownership, PeriodStatus, ReportingPeriod]
    counts = {model.__name__: model.objects.count() for model in models}
    counts |= {f"history of {model.__name__}": model.history.count() for model in models}
    return counts


@pytest.fixture(scope="module")
def sample(django_db_setup, django_db_blocker) -> Figures:
    figures = Figures()
    with django_db_blocker.unblock():
        with transaction.atomic():
            figures.output = load_sample()
            take_figures(figures)
            figures.snapshots.append(snapshot())
            figures.rows_before_second_run = row_counts()
            figures.second_output = load_sample()
            figures.rows_after_second_run = row_counts()
            transaction.set_rollback(True)
        with transaction.atomic():
            load_sample()
            figures.snapshots.append(snapshot())
            transaction.set_rollback(True)
    return figures


# --- the default sample ------------------------------------------------------------------------


def test_most_lines_have_an_approved_update_and_every_pillar_has_unreported_ones_too(sample):
    assert len(sample.reported_lines) == 125
    assert sum(sample.lines_by_pillar.values()) == 199
    for pillar, count in sample.lines_by_pillar.items():
        assert sample.reported_by_pillar[pillar] >= 1, pillar
        if count > 1:
            assert sample.reported_by_pillar[pillar] < count, pillar
    assert "lines reported: 125 of 199" in sample.output


def test_every_status_appears_at_least_three_times_among_the_confirmed_line_statuses(sample):
    assert set(sample.confirmed_statuses) == STATUSES
    assert min(sample.confirmed_statuses.values()) >= 3
    assert sample.confirmed_statuses.most_common(1)[0][0] == "ongoing"


def test_nine_lines_are_approved_but_not_confirmed(sample):
    assert sample.approved_not_confirmed == 9
    assert len(sample.reported_lines - sample.confirmed_lines) == 9
    assert "approved but not confirmed: 9 lines" in sample.output


def test_some_narratives_are_only_in_english_and_some_only_in_chinese(sample):
    assert sample.narratives_only_en == 8
    assert sample.narratives_only_zh == 6


def test_every_delayed_or_discontinued_update_gives_a_reason_some_in_one_language_only(sample):
    assert sample.delayed_or_discontinued >= 6
    assert sample.without_a_reason == []
    assert sample.reasons_only_en >= 2 and sample.reasons_only_zh >= 2
    assert sample.reasons_elsewhere == 0


def test_there_are_enough_activities_meetings_funded_activities_and_highlights(sample):
    assert sample.activities >= 150
    assert 0.35 <= sample.meetings / sample.activities <= 0.55
    assert len(sample.funded) == 30
    assert all(50_000 <= amount <= 3_000_000 and amount % 1000 == 0 for _fund, _kind, amount in sample.funded)
    assert Counter(fund for fund, _kind, _amount in sample.funded).most_common(1)[0][0] == "ACCF"
    assert {fund for fund, _kind, _amount in sample.funded} >= {"ACMCF", "LMC-SF", "OTHER"}
    assert sum(kind in ("project", "training") for _fund, kind, _amount in sample.funded) > 20


def test_the_ten_highlights_are_spread_over_every_pillar(sample):
    assert sum(sample.highlights_by_pillar.values()) == 10
    assert set(sample.highlights_by_pillar) == set(sample.lines_by_pillar)


def test_activities_fall_within_the_period_and_not_after_today(sample):
    assert all(sample.period.starts_on <= day <= timezone.localdate() for day in sample.activity_dates)


def test_chinese_texts_have_no_half_width_punctuation_next_to_a_chinese_character(sample):
    texts = [text for text in sample.chinese_texts if text]
    assert len(texts) > 400
    assert [text for text in texts if HALF_WIDTH_NEXT_TO_CHINESE.search(text)] == []


def test_chinese_texts_have_no_space_between_a_chinese_character_and_a_digit(sample):
    assert [text for text in sample.chinese_texts if SPACE_BETWEEN_CHINESE_AND_DIGIT.search(text)] == []
    assert any(re.search(r"\d{4}年\d{1,2}月\d{1,2}日", text) for text in sample.chinese_texts)


def test_every_reported_line_has_a_confirmed_lead_and_some_have_a_reporting_supporting_owner(sample):
    assert sample.lines_without_lead == []
    assert 20 <= sample.lines_with_supporting_owner <= 45
    assert sample.lines_with_two_updates >= 5


def test_the_period_is_still_running_closed_and_names_the_summit(sample):
    period, today = sample.period, timezone.localdate()
    assert period.starts_on.day == 1 and period.starts_on < today < period.ends_on
    assert period.ends_on + datetime.timedelta(days=1) == period.starts_on.replace(
        year=period.starts_on.year + 1
    )
    assert period.deadline < period.ends_on
    assert period.label == f"{period.starts_on.year}–{period.ends_on.year}"
    assert not period.is_open
    assert period.cutoff_on is None
    number = 29 + period.ends_on.year - 2026  # the 29th Summit met in 2026
    assert re.fullmatch(rf"the {number}(st|nd|rd|th) ASEAN–China Summit", period.meeting_en)
    assert period.meeting_zh == f"第{number}次中国—东盟领导人会议"


def test_drafts_submitted_and_returned_updates_are_on_otherwise_unreported_lines(sample):
    states = Counter(state for state, _code in sample.pending)
    assert states == {"draft": 3, "submitted": 3, "returned": 1}
    pending_lines = {code for _state, code in sample.pending}
    assert not pending_lines & sample.reported_lines
    assert not pending_lines & sample.confirmed_lines


def test_the_authors_are_a_focal_point_and_a_secretariat_officer_who_cannot_log_in(sample):
    assert sample.authors == {
        "sample-focal": (False, ["Focal point"]),
        "sample-secretariat": (False, ["Secretariat officer"]),
    }


def test_the_same_seed_gives_the_same_sample(sample):
    first, second = sample.snapshots
    assert first == second


def test_a_second_run_changes_nothing_and_says_so(sample):
    assert sample.rows_after_second_run == sample.rows_before_second_run
    assert "already loaded" in sample.second_output
    assert "lines reported: 125 of 199" in sample.second_output


# --- runs of their own -------------------------------------------------------------------------


def test_all_reports_every_line(db):
    output = load_sample("--all")
    period = sample_period()
    lines = ActionLine.objects.for_plan(period.plan).in_source()
    reported = lines.filter(updates__period=period, updates__state="approved").distinct()
    assert reported.count() == lines.count() == 199
    assert "lines reported: 199 of 199" in output
    assert not StatusUpdate.objects.in_period(period).exclude(state="approved").exists()


def test_it_reuses_an_overlapping_period_and_leaves_its_reported_lines_alone(plan_2026, owner, focal_point):
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    period = make_period(
        plan_2026,
        label="current",
        starts_on=today - 60 * day,
        ends_on=today + 300 * day,
        deadline=today + 30 * day,
    )
    reported = line(PLAN, "2.8.1")
    update = make_update(reported, period, owner, focal_point)

    output = load_sample()

    assert list(ReportingPeriod.objects.for_plan(plan_2026)) == [period]
    assert "existing period current" in output
    period.refresh_from_db()
    assert period.is_open and period.meeting_en and period.meeting_zh
    assert list(StatusUpdate.objects.filter(line=reported)) == [update]
    assert StatusUpdate.objects.in_period(period).filter(author__username="sample-focal").count() > 125


def test_it_refuses_an_overlapping_period_that_has_been_cut_off(plan_2026):
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    period = make_period(
        plan_2026,
        starts_on=today - 300 * day,
        ends_on=today + 60 * day,
        deadline=today,
        cutoff_on=today - day,
    )
    with pytest.raises(CommandError, match="not running today"):
        load_sample()
    assert not StatusUpdate.objects.exists()
    assert list(ReportingPeriod.objects.for_plan(plan_2026)) == [period]
    period.refresh_from_db()
    assert period.meeting_en == ""
