"""The progress report's content: built from reviewed and confirmed data as of the cut-off."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone

from commitments.forms import PeriodForm
from commitments.models import (
    ActionLine,
    Activity,
    Fund,
    Ownership,
    Part,
    PeriodStatus,
    ReportText,
    Status,
)
from commitments.progress_report.build import build_report
from commitments.progress_report.content import ReportContent, Text

from .conftest import line, make_organisation, make_period, make_update, own

pytestmark = pytest.mark.django_db

PLAN = "poa-2026-2030"


def status(code: str) -> Status:
    return Status.objects.get(code=code)


def confirm(action_line, period, code: str, by, reason: str = "") -> PeriodStatus:
    period_status, _ = PeriodStatus.objects.get_or_create(line=action_line, period=period)
    period_status.proposed = status(code)
    period_status.save()
    period_status.confirm(by=by, reason=reason)
    return period_status


def report_on(action_line, period, owner, author, code: str, **overrides):
    """An approved update of ``owner`` with ``code`` and one activity, a workshop in Jakarta."""
    values = {
        "status": status(code), "state": "approved",
        "narrative_en": f"Progress on {action_line.code}.", "narrative_zh": f"{action_line.code}的进展。",
    } | overrides  # fmt: skip
    update = make_update(action_line, period, owner, author, **values)
    add_activity(update)
    return update


def add_activity(update, **overrides) -> Activity:
    values = {"date": datetime.date(2026, 5, 4), "title_en": "Workshop", "place_en": "Jakarta"} | overrides
    return Activity.objects.create(update=update, **values)


def reported(period, owner, author, secretariat, statuses: dict[str, str]) -> None:
    """Lines of the 2026–2030 plan owned by ``owner``, reported on and confirmed with ``statuses``."""
    for code, status_code in statuses.items():
        action_line = line(PLAN, code)
        own(action_line, owner)
        report_on(action_line, period, owner, author, status_code)
        confirm(action_line, period, status_code, secretariat)


def line_info(content: ReportContent, code: str):
    return next(info for info in content.lines() if info.code == code)


def pillar_info(content: ReportContent, code: str):
    return next(pillar for pillar in content.pillars if pillar.code == code)


def milliseconds(moment: datetime.datetime) -> datetime.datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def british(moment: datetime.datetime) -> str:
    """A cut-off as the report writes it in English, e.g. 29 November 2026."""
    day = timezone.localtime(moment).date()
    return f"{day.day} {day:%B} {day.year}"


def chinese(moment: datetime.datetime) -> str:
    """A cut-off as the report writes it in Chinese, e.g. 2026年11月29日."""
    day = timezone.localtime(moment).date()
    return f"{day.year}年{day.month}月{day.day}日"


def comparable(content: ReportContent) -> str:
    data = content.to_json()
    data.pop("generated_at")
    return json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True)


def write_text(period, part, by, *, text_en: str = "", text_zh: str = "") -> ReportText:
    """The officer's first text for a pillar (``part``) or, with no part, the way forward."""
    section = ReportText.Section.PILLAR if part else ReportText.Section.WAY_FORWARD
    return ReportText.save_edit(
        period, section, part, text_en=text_en, text_zh=text_zh, by=by, expected_version=None
    )


@pytest.fixture
def statuses_reported(plan_2026, period, owner, focal_point, secretariat):
    reported(
        period, owner, focal_point, secretariat,
        {"1.1.1": "ongoing", "1.1.2": "completed", "2.1.1": "delayed", "2.1.2": "ongoing",
         "3.1.1": "planned"},
    )  # fmt: skip


# Counts and structure


def test_counts_overall_equal_the_sum_of_pillars_and_of_areas_and_the_lines_by_status(
    plan_2026, period, statuses_reported
):
    content = build_report(plan_2026, period, "en")

    lines = content.lines()
    assert content.overall.total == len(lines) == ActionLine.objects.for_plan(plan_2026).in_source().count()
    assert content.overall.counts == {
        "not-started": 0, "planned": 1, "ongoing": 2, "completed": 1, "delayed": 1, "discontinued": 0,
    }  # fmt: skip
    assert content.overall.no_report == len(lines) - 5 == len(content.unreported())
    assert content.overall.reported == 5
    for code in content.overall.counts:
        by_line = sum(info.status == code for info in lines)
        assert content.overall.counts[code] == by_line
        assert sum(pillar.tally.counts[code] for pillar in content.pillars) == by_line
        assert sum(area.tally.counts[code] for pillar in content.pillars for area in pillar.areas) == by_line
    for pillar in content.pillars:
        assert pillar.tally.total == sum(area.tally.total for area in pillar.areas)
        assert pillar.tally.no_report == sum(area.tally.no_report for area in pillar.areas)


def test_headline_counts_the_lines_implemented_or_ongoing(plan_2026, period, statuses_reported):
    content = build_report(plan_2026, period, "en")

    assert content.implemented(content.overall) == 3  # two ongoing and one completed
    assert content.share(content.overall) == pytest.approx(3 / content.overall.total)
    assert content.implemented(pillar_info(content, "1").tally) == 2


def test_lines_follow_the_plan_pillar_by_pillar_and_area_by_area(plan_2026, period):
    content = build_report(plan_2026, period, "en")

    assert [pillar.code for pillar in content.pillars] == list(
        Part.objects.filter(plan=plan_2026).order_by("number").values_list("code", flat=True)
    )
    in_order = list(ActionLine.objects.for_plan(plan_2026).in_source().order_by("sort_key"))
    assert [info.code for info in content.lines()] == [action_line.code for action_line in in_order]
    first_area = content.pillars[0].areas[0]
    assert first_area.code == "1.1" and [info.code for info in first_area.lines][:2] == ["1.1.1", "1.1.2"]


def test_lines_outside_any_area_form_one_section_titled_other_action_lines(plan_2026, period):
    outside = ActionLine.objects.for_plan(plan_2026).filter(area=None).select_related("part").first()

    english = build_report(plan_2026, period, "en")
    chinese = build_report(plan_2026, period, "zh")

    sections = [area for area in pillar_info(english, outside.part.code).areas if area.code == ""]
    assert len(sections) == 1
    assert sections[0].title == Text("Other action lines", "en")
    assert outside.code in [info.code for info in sections[0].lines]
    [chinese_section] = [area for area in pillar_info(chinese, outside.part.code).areas if area.code == ""]
    assert chinese_section.title == Text("其他行动措施", "zh")


def test_a_long_line_text_is_abridged_at_a_word_boundary_and_kept_in_full(plan_2026, period):
    long_line = line(PLAN, "1.1.1")
    long_line.text_en = "cooperation " * 40
    long_line.save()

    info = line_info(build_report(plan_2026, period, "en"), "1.1.1")

    assert info.text.text == "cooperation " * 40
    assert len(info.abridged) <= ReportContent.ABRIDGED and info.abridged.endswith("…")
    assert set(info.abridged.removesuffix("…").split(" ")) == {"cooperation"}  # no word cut in two
    assert len(info.abridged) > ReportContent.ABRIDGED - len("cooperation ") - 1


def test_a_line_shows_its_owners_lead_first_its_status_and_its_reviewed_update(
    plan_2026, period, owner, focal_point, secretariat, statuses_reported
):
    own(line(PLAN, "1.1.1"), make_organisation(acronym="AAA-SUPPORT", name_en="A supporter"), "supporting")

    info = line_info(build_report(plan_2026, period, "en"), "1.1.1")

    assert [(owner.acronym, owner.name, owner.role) for owner in info.owners] == [
        ("TEST-OWNER", "Test owning body", "lead"), ("AAA-SUPPORT", "A supporter", "supporting"),
    ]  # fmt: skip
    assert info.lead.acronym == "TEST-OWNER"
    assert info.status == "ongoing"
    [update] = info.updates
    assert update.body == "Test owning body"
    assert update.narrative == Text("Progress on 1.1.1.", "en")
    [activity] = update.activities
    assert (activity.date, activity.title, activity.place) == (
        datetime.date(2026, 5, 4), Text("Workshop", "en"), Text("Jakarta", "en"),
    )  # fmt: skip
    assert (activity.kind, activity.body, activity.line) == ("meeting", "Test owning body", "1.1.1")
    assert (activity.fund, activity.amount, activity.is_highlight) == ("", None, False)
    assert info.activities() == [activity]


def test_lines_with_no_report_received_are_listed_and_counted(
    plan_2026, period, owner, focal_point, statuses_reported
):
    # Reported and reviewed, not yet confirmed: a report was received.
    report_on(line(PLAN, "1.2.1"), period, owner, focal_point, "ongoing")

    content = build_report(plan_2026, period, "en")

    unreported = [info.code for info in content.unreported()]
    assert "1.1.3" in unreported
    assert "1.1.1" not in unreported and "1.2.1" not in unreported
    assert content.overall.no_report == len(unreported) == content.overall.total - 6


# A line's status: the secretariat's, else the owners', else no report


def test_a_confirmed_status_is_the_lines_status_whatever_the_owners_reported(
    plan_2026, period, owner, focal_point, secretariat
):
    action_line = line(PLAN, "1.1.1")
    own(action_line, owner)
    report_on(action_line, period, owner, focal_point, "ongoing")
    PeriodStatus.propose(action_line, period).confirm(
        by=secretariat, status=status("completed"), reason="The final meeting took place."
    )

    content = build_report(plan_2026, period, "en")

    assert line_info(content, "1.1.1").status == "completed"
    assert content.overall.counts["completed"] == 1 and content.overall.counts["ongoing"] == 0


def test_until_the_secretariat_confirms_a_line_shows_the_lead_owners_reviewed_status(
    plan_2026, period, owner, focal_point, other_owner, other_focal_point
):
    action_line = line(PLAN, "1.1.1")
    own(action_line, owner, "lead")
    own(action_line, other_owner, "supporting")
    report_on(action_line, period, other_owner, other_focal_point, "delayed")
    report_on(action_line, period, owner, focal_point, "ongoing")

    content = build_report(plan_2026, period, "en")

    info = line_info(content, "1.1.1")
    assert info.status == "ongoing"
    assert [update.body for update in info.updates] == ["Test owning body", "Test other body"]
    assert content.overall.counts["ongoing"] == 1 and content.overall.counts["delayed"] == 0


def test_a_supporting_owners_reviewed_status_shows_when_the_lead_has_not_reported(
    plan_2026, period, owner, other_owner, other_focal_point
):
    action_line = line(PLAN, "1.1.1")
    own(action_line, owner, "lead")
    own(action_line, other_owner, "supporting")
    report_on(action_line, period, other_owner, other_focal_point, "delayed")

    assert line_info(build_report(plan_2026, period, "en"), "1.1.1").status == "delayed"


def test_a_proposed_status_not_confirmed_is_not_the_lines_status(plan_2026, period, owner, focal_point):
    action_line = line(PLAN, "1.1.1")
    own(action_line, owner)
    report_on(action_line, period, owner, focal_point, "ongoing")
    PeriodStatus.objects.create(line=action_line, period=period, proposed=status("completed"))

    content = build_report(plan_2026, period, "en")

    assert line_info(content, "1.1.1").status == "ongoing"
    assert content.overall.counts["completed"] == 0


def test_a_line_with_neither_a_confirmed_status_nor_a_reviewed_update_has_no_report(plan_2026, period, owner):
    own(line(PLAN, "1.1.1"), owner)

    content = build_report(plan_2026, period, "en")

    info = line_info(content, "1.1.1")
    assert info.status is None and info.updates == []
    assert info in content.unreported()
    assert content.overall.no_report == content.overall.total


# Only reviewed updates and confirmed statuses


@pytest.mark.parametrize("state", ["draft", "submitted", "returned"])
def test_an_update_not_yet_approved_and_its_activities_never_reach_the_report(
    plan_2026, period, owner, focal_point, state
):
    action_line = line(PLAN, "1.1.1")
    own(action_line, owner)
    report_on(action_line, period, owner, focal_point, "completed", state=state)

    content = build_report(plan_2026, period, "en")

    info = line_info(content, "1.1.1")
    assert info.status is None and info.updates == []
    assert content.activities() == [] and content.overall.counts["completed"] == 0
    assert content.bodies_reporting == 0


def test_a_suggested_owner_does_not_appear(plan_2026, period, owner, other_owner):
    action_line = line(PLAN, "1.1.1")
    own(action_line, owner)
    Ownership.objects.create(line=action_line, organisation=other_owner, state=Ownership.State.SUGGESTED)

    info = line_info(build_report(plan_2026, period, "en"), "1.1.1")

    assert [owner.acronym for owner in info.owners] == ["TEST-OWNER"]


def test_an_update_of_another_period_does_not_appear(plan_2026, period, owner, focal_point):
    action_line = line(PLAN, "1.1.1")
    own(action_line, owner)
    earlier = make_period(
        plan_2026, label="2025", starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 12, 31),
        deadline=datetime.date(2025, 11, 30), is_open=False,
    )  # fmt: skip
    report_on(action_line, earlier, owner, focal_point, "ongoing")

    assert line_info(build_report(plan_2026, period, "en"), "1.1.1").updates == []


def test_the_numbers_agree_with_the_register_filters_when_every_report_is_confirmed(
    client, reader, plan_2026, period, statuses_reported
):
    content = build_report(plan_2026, period, "en")
    client.force_login(reader)

    def register_count(**filters) -> int:
        response = client.get(reverse("commitments:register"), {"plan": PLAN, "period": period.pk, **filters})
        return response.context["filter"].qs.count()

    for code, count in content.overall.counts.items():
        assert register_count(period_status=code) == count
    assert register_count(period_status="none") == content.overall.no_report
    for pillar in content.pillars[:3]:
        part = Part.objects.get(plan=plan_2026, code=pillar.code)
        for code in ("ongoing", "none"):
            expected = pillar.tally.counts[code] if code != "none" else pillar.tally.no_report
            assert register_count(period_status=code, part=part.pk) == expected


# Activities: highlights, funds and meetings


def test_a_highlight_marked_after_the_cutoff_shows_while_an_activity_added_after_it_does_not(
    plan_2026, period, owner, focal_point, secretariat
):
    reported(period, owner, focal_point, secretariat, {"1.1.1": "ongoing"})
    update = line(PLAN, "1.1.1").updates.get()
    cutoff = timezone.now()

    Activity.objects.approved_in(period).choose_highlights({update.activities.get().pk}, by=secretariat)
    add_activity(update, date=datetime.date(2026, 9, 1), title_en="Late visit")

    [activity] = build_report(plan_2026, period, "en", as_of=cutoff).activities()
    assert activity.title.text == "Workshop" and activity.is_highlight
    later = build_report(plan_2026, period, "en").activities()
    assert [(a.title.text, a.is_highlight) for a in later] == [("Workshop", True), ("Late visit", False)]


def test_an_activity_names_its_fund_in_the_reports_language_with_its_amount(
    plan_2026, period, owner, focal_point, secretariat
):
    reported(period, owner, focal_point, secretariat, {"1.1.1": "ongoing"})
    update = line(PLAN, "1.1.1").updates.get()
    accf = Fund.objects.get(acronym="ACCF")
    english_only = Fund.objects.create(acronym="TEST-FUND", name_en="Test fund")
    add_activity(update, kind="project", title_en="Training centre", fund=accf, amount_usd=Decimal("125000"))
    add_activity(update, kind="project", title_en="Study", fund=english_only)

    english = build_report(plan_2026, period, "en")
    chinese = build_report(plan_2026, period, "zh")

    assert [(a.title.text, a.fund, a.amount) for a in english.funded()] == [
        ("Training centre", "ASEAN–China Cooperation Fund", Decimal("125000.00")),
        ("Study", "Test fund", None),
    ]
    assert [(a.fund, a.amount) for a in chinese.funded()] == [
        ("中国—东盟合作基金", Decimal("125000.00")), ("Test fund", None),
    ]  # fmt: skip
    assert "Workshop" not in [a.title.text for a in english.funded()]


def test_the_meetings_are_the_activities_of_kind_meeting(plan_2026, period, owner, focal_point, secretariat):
    reported(period, owner, focal_point, secretariat, {"1.1.1": "ongoing"})
    add_activity(line(PLAN, "1.1.1").updates.get(), kind="training", title_en="Course")

    content = build_report(plan_2026, period, "en")

    assert [a.title.text for a in content.meetings()] == ["Workshop"]
    assert sorted(a.title.text for a in content.activities()) == ["Course", "Workshop"]


def test_an_activity_title_only_in_the_other_language_is_shown_and_marked(
    plan_2026, period, owner, focal_point, secretariat
):
    reported(period, owner, focal_point, secretariat, {"1.1.1": "ongoing"})
    add_activity(
        line(PLAN, "1.1.1").updates.get(), title_en="", title_zh="研讨会", place_en="", place_zh="北京"
    )

    titles = [activity.title for activity in build_report(plan_2026, period, "en").activities()]

    assert Text("研讨会", "zh", is_fallback=True) in titles


def test_bodies_reporting_counts_each_body_with_a_reviewed_update_once(
    plan_2026, period, owner, focal_point, other_owner, other_focal_point, secretariat
):
    reported(period, owner, focal_point, secretariat, {"1.1.1": "ongoing", "1.1.2": "completed"})
    own(line(PLAN, "2.1.1"), other_owner)
    report_on(line(PLAN, "2.1.1"), period, other_owner, other_focal_point, "ongoing")
    late = make_organisation(acronym="TEST-LATE", name_en="Late body")
    own(line(PLAN, "3.1.1"), late)
    report_on(line(PLAN, "3.1.1"), period, late, focal_point, "ongoing", state="submitted")

    assert build_report(plan_2026, period, "en").bodies_reporting == 2


# The meeting, the preparer and the officer's texts


def test_the_meeting_is_the_periods_summit_in_the_reports_language(plan_2026, period):
    assert build_report(plan_2026, period, "en").meeting == ""

    period.meeting_en = "the 29th ASEAN–China Summit, October 2026"
    period.meeting_zh = "第29次中国—东盟领导人会议，2026年10月"
    period.save()

    assert build_report(plan_2026, period, "en").meeting == "the 29th ASEAN–China Summit, October 2026"
    assert build_report(plan_2026, period, "zh").meeting == "第29次中国—东盟领导人会议，2026年10月"


def test_the_report_is_prepared_by_the_body_the_settings_name_in_its_language(plan_2026, period, settings):
    settings.REPORT_PREPARED_BY = {"en": "ASEAN Secretariat, Jakarta", "zh": "东盟秘书处（雅加达）"}

    assert build_report(plan_2026, period, "en").prepared_by == "ASEAN Secretariat, Jakarta"
    assert build_report(plan_2026, period, "zh").prepared_by == "东盟秘书处（雅加达）"


def test_the_report_prints_the_officers_text_in_its_language_paragraph_by_paragraph(
    plan_2026, period, secretariat, statuses_reported
):
    part = Part.objects.get(plan=plan_2026, code="1")
    write_text(period, part, secretariat, text_en="Dialogue deepened.\n\nTwo meetings\nwere held.",
               text_zh="对话不断深化。")  # fmt: skip
    write_text(period, None, secretariat, text_en="We will continue.", text_zh="我们将继续。")

    english = build_report(plan_2026, period, "en")
    chinese = build_report(plan_2026, period, "zh")

    first = pillar_info(english, "1")
    assert first.summary == ["Dialogue deepened.", "Two meetings were held."] and first.summary_edited
    assert first.draft and first.draft != first.summary
    assert pillar_info(chinese, "1").summary == ["对话不断深化。"]
    second = pillar_info(english, "2")
    assert second.summary == second.draft and not second.summary_edited
    assert english.way_forward == ["We will continue."] and english.way_forward_edited
    assert english.way_forward_draft and english.way_forward_draft != english.way_forward
    assert chinese.way_forward == ["我们将继续。"]


def test_an_empty_officers_text_prints_the_draft(plan_2026, period, secretariat, statuses_reported):
    write_text(period, Part.objects.get(plan=plan_2026, code="1"), secretariat, text_zh="只有中文。")
    write_text(period, None, secretariat, text_en="   ", text_zh="只有中文。")

    content = build_report(plan_2026, period, "en")

    first = pillar_info(content, "1")
    assert first.summary == first.draft and not first.summary_edited
    assert content.way_forward == content.way_forward_draft and not content.way_forward_edited


def test_the_draft_follows_the_data_while_the_officers_text_stays(
    plan_2026, period, owner, focal_point, secretariat, statuses_reported
):
    write_text(period, Part.objects.get(plan=plan_2026, code="1"), secretariat, text_en="As written.")
    before = pillar_info(build_report(plan_2026, period, "en"), "1")

    reported(period, owner, focal_point, secretariat, {"1.1.3": "completed", "1.1.4": "completed"})
    after = pillar_info(build_report(plan_2026, period, "en"), "1")

    assert before.summary == after.summary == ["As written."]
    assert after.draft != before.draft
    assert ReportText.objects.get().text_en == "As written."


# The cut-off and reproducibility


def test_a_report_built_again_for_the_same_cutoff_is_identical_after_later_changes(
    plan_2026, period, owner, other_owner, focal_point, secretariat, statuses_reported
):
    cutoff = timezone.now()
    first = build_report(plan_2026, period, "en", as_of=cutoff)

    # After the cut-off: a status changes, a new line is reported and confirmed, an activity is
    # added, a narrative is edited, an owner is added.
    confirmed = PeriodStatus.objects.get(line=line(PLAN, "1.1.1"), period=period)
    confirmed.confirm(by=secretariat, status=status("completed"), reason="Finished early")
    reported(period, owner, focal_point, secretariat, {"1.2.1": "completed"})
    update = line(PLAN, "1.1.2").updates.get()
    add_activity(update, date=datetime.date(2026, 9, 1), title_en="Late visit", place_en="Beijing")
    update.narrative_en = "Rewritten later."
    update.save()
    own(line(PLAN, "2.1.1"), other_owner, "supporting")

    again = build_report(plan_2026, period, "en", as_of=cutoff)
    now = build_report(plan_2026, period, "en")

    assert comparable(again) == comparable(first)
    assert comparable(now) != comparable(first)
    assert line_info(now, "1.1.1").status == "completed"
    assert line_info(again, "1.1.1").status == "ongoing"


def test_a_report_as_of_before_an_approval_does_not_show_it(
    plan_2026, period, owner, focal_point, secretariat
):
    before = timezone.now()
    reported(period, owner, focal_point, secretariat, {"1.1.1": "ongoing"})

    info = line_info(build_report(plan_2026, period, "en", as_of=before), "1.1.1")

    assert info.status is None and info.updates == [] and info.owners == []


def test_a_past_period_defaults_to_the_end_of_its_last_day(plan_2026):
    past = make_period(
        plan_2026, label="2024–2025", starts_on=datetime.date(2024, 7, 1), ends_on=datetime.date(2025, 6, 30),
        deadline=datetime.date(2025, 6, 1), is_open=False,
    )  # fmt: skip

    as_of = build_report(plan_2026, past, "en").as_of

    assert timezone.localtime(as_of).date() == datetime.date(2025, 6, 30)
    assert (timezone.localtime(as_of).hour, timezone.localtime(as_of).minute) == (23, 59)


def test_a_cutoff_date_sets_the_end_of_that_day(plan_2026):
    past = make_period(
        plan_2026, label="2024–2025", starts_on=datetime.date(2024, 7, 1), ends_on=datetime.date(2025, 6, 30),
        deadline=datetime.date(2025, 6, 1), is_open=False, cutoff_on=datetime.date(2025, 7, 15),
    )  # fmt: skip

    cutoff = past.cutoff()

    assert timezone.localtime(cutoff).date() == datetime.date(2025, 7, 15)
    assert cutoff > timezone.make_aware(datetime.datetime(2025, 7, 15, 23, 59))


def test_the_cutoff_of_a_period_not_ended_is_now(plan_2026):
    running = make_period(
        plan_2026, label="running", starts_on=timezone.localdate() - datetime.timedelta(days=30),
        ends_on=timezone.localdate() + datetime.timedelta(days=30), deadline=timezone.localdate(),
    )  # fmt: skip
    before = timezone.now()

    assert before <= running.cutoff() <= timezone.now()


def test_a_cutoff_in_the_future_is_now(plan_2026):
    running = make_period(
        plan_2026, label="running", starts_on=timezone.localdate() - datetime.timedelta(days=30),
        ends_on=timezone.localdate() + datetime.timedelta(days=30), deadline=timezone.localdate(),
        cutoff_on=timezone.localdate() + datetime.timedelta(days=60),
    )  # fmt: skip

    assert running.cutoff() <= timezone.now()


def test_the_period_form_takes_a_cutoff_and_refuses_one_before_the_start(plan_2026):
    from commitments.models import ReportingPeriod

    values = {"label": "2030", "starts_on": "2030-01-01", "ends_on": "2030-12-31", "deadline": "2030-11-30"}
    form = PeriodForm(values | {"cutoff_on": "2029-12-01"}, instance=ReportingPeriod(plan=plan_2026))
    assert not form.is_valid() and "cutoff_on" in form.errors

    form = PeriodForm(values | {"cutoff_on": "2031-01-15"}, instance=ReportingPeriod(plan=plan_2026))
    assert form.is_valid(), form.errors
    assert form.save().cutoff_on == datetime.date(2031, 1, 15)


def test_the_periods_page_shows_the_cutoff_field(client, secretariat, plan_2026, period):
    client.force_login(secretariat)

    response = client.get(reverse("commitments:period-list", args=[PLAN]))

    assert response.status_code == 200
    assert 'name="cutoff_on"' in response.content.decode()


# Languages


def test_a_narrative_only_in_the_other_language_is_shown_and_marked(plan_2026, period, owner, focal_point):
    action_line = line(PLAN, "1.1.1")
    own(action_line, owner)
    report_on(action_line, period, owner, focal_point, "ongoing", narrative_en="", narrative_zh="仅有中文。")

    [update] = line_info(build_report(plan_2026, period, "en"), "1.1.1").updates

    assert update.narrative == Text("仅有中文。", "zh", is_fallback=True)


def test_a_chinese_report_has_chinese_labels_and_texts(plan_2026, period, statuses_reported):
    content = build_report(plan_2026, period, "zh")

    assert content.status("ongoing").label == "正在实施"
    assert content.plan_title == plan_2026.title_zh
    info = line_info(content, "1.1.1")
    assert info.text.text == line(PLAN, "1.1.1").text_zh and info.text.language == "zh"
    assert info.owners[0].name == "测试牵头机构" and info.updates[0].body == "测试牵头机构"
    assert info.updates[0].narrative.text == "1.1.1的进展。"


def test_a_report_in_chinese_leaves_the_interface_language_alone(plan_2026, period):
    from django.utils.translation import get_language

    build_report(plan_2026, period, "zh")

    assert get_language() == "en"


def test_content_survives_its_json(plan_2026, period, secretariat, statuses_reported):
    update = line(PLAN, "1.1.1").updates.get()
    funded = add_activity(update, fund=Fund.objects.get(acronym="ACCF"), amount_usd=Decimal("1250.50"))
    Activity.objects.filter(pk=funded.pk).choose_highlights({funded.pk}, by=secretariat)
    content = build_report(plan_2026, period, "en")

    stored = json.loads(json.dumps(content.to_json(), cls=DjangoJSONEncoder))

    # DjangoJSONEncoder keeps milliseconds; everything else comes back as it was.
    content.as_of, content.generated_at = milliseconds(content.as_of), milliseconds(content.generated_at)
    assert ReportContent.from_json(stored) == content
    assert Decimal("1250.50") in [activity.amount for activity in ReportContent.from_json(stored).funded()]


def test_a_cutoff_date_is_kept_exactly_in_the_stored_content(plan_2026):
    past = make_period(
        plan_2026, label="2024–2025", starts_on=datetime.date(2024, 7, 1), ends_on=datetime.date(2025, 6, 30),
        deadline=datetime.date(2025, 6, 1), is_open=False,
    )  # fmt: skip
    content = build_report(plan_2026, past, "en")

    stored = json.loads(json.dumps(content.to_json(), cls=DjangoJSONEncoder))

    assert ReportContent.from_json(stored).as_of == content.as_of == past.cutoff()


# Comparison with the previous period


def test_a_first_period_compares_with_nothing_and_its_completed_lines_are_completed_in_it(
    plan_2026, period, statuses_reported
):
    content = build_report(plan_2026, period, "en")

    assert content.compared_with is None
    assert content.overall.previous_counts is None and content.overall.delta("ongoing") is None
    assert [info.code for info in content.lines() if info.completed_in_period] == ["1.1.2"]


def test_without_a_final_edition_the_previous_periods_figures_are_compared(
    plan_2026, period, owner, focal_point, secretariat
):
    reported(period, owner, focal_point, secretariat, {"1.1.1": "ongoing", "1.1.2": "planned"})
    period.close_for_updates()
    following = make_period(
        plan_2026, label="2027–2028", starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31), deadline=datetime.date(2027, 11, 30),
    )  # fmt: skip
    confirm(line(PLAN, "1.1.2"), following, "ongoing", secretariat)

    content = build_report(plan_2026, following, "en")

    assert content.compared_with == f"the figures for 2026–2027 as of {british(period.cutoff())}"
    assert (
        build_report(plan_2026, following, "zh").compared_with
        == f"截至{chinese(period.cutoff())}的2026—2027数据"
    )
    assert content.overall.previous_counts["ongoing"] == 1
    assert content.overall.delta("ongoing") == 0 and content.overall.delta("planned") == -1
    first = pillar_info(content, "1")
    assert first.tally.previous_counts["planned"] == 1
    assert first.areas[0].tally.previous_counts["ongoing"] == 1
    assert content.overall.previous_no_report == content.overall.total - 2


def test_a_line_is_completed_in_the_period_only_if_it_was_not_completed_before(
    plan_2026, period, owner, focal_point, secretariat
):
    reported(period, owner, focal_point, secretariat, {"1.1.1": "completed", "1.1.2": "ongoing"})
    period.close_for_updates()
    following = make_period(
        plan_2026, label="2027–2028", starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31), deadline=datetime.date(2027, 11, 30),
    )  # fmt: skip
    confirm(line(PLAN, "1.1.1"), following, "completed", secretariat)
    confirm(line(PLAN, "1.1.2"), following, "completed", secretariat)

    content = build_report(plan_2026, following, "en")

    assert [info.code for info in content.lines() if info.completed_in_period] == ["1.1.2"]


def test_the_statuses_that_count_as_completed_or_need_a_reason_are_the_vocabularys_not_fixed_codes(
    plan_2026, period, owner, focal_point, secretariat
):
    reported(
        period,
        owner,
        focal_point,
        secretariat,
        {"1.1.1": "completed", "1.1.2": "planned", "1.1.3": "delayed"},
    )
    Status.objects.filter(code="completed").update(counts_as_completed=False)
    Status.objects.filter(code="planned").update(counts_as_completed=True)
    Status.objects.filter(code="delayed").update(needs_reason=False)
    Status.objects.filter(code="not-started").update(needs_reason=True)

    content = build_report(plan_2026, period, "en")

    assert [info.code for info in content.lines() if info.completed_in_period] == ["1.1.2"]
    assert content.troubled() == []


def test_a_delayed_line_carries_its_owners_reason_in_the_reports_language_or_the_other(
    plan_2026, period, owner, focal_point, secretariat
):
    action_line = line(PLAN, "2.1.1")
    own(action_line, owner)
    report_on(action_line, period, owner, focal_point, "delayed", reason_zh="资金尚未到位。")
    confirm(action_line, period, "delayed", secretariat)

    english, chinese = (build_report(plan_2026, period, language) for language in ("en", "zh"))

    [troubled] = english.troubled()
    assert troubled.code == "2.1.1"
    assert troubled.updates[0].reason == Text("资金尚未到位。", "zh", is_fallback=True)
    assert chinese.troubled()[0].updates[0].reason == Text("资金尚未到位。", "zh")


# Queries


def test_the_query_count_does_not_grow_with_the_lines_reported(
    plan_2026, period, owner, focal_point, secretariat, django_assert_max_num_queries
):
    codes = list(ActionLine.objects.for_plan(plan_2026).order_by("sort_key").values_list("code", flat=True))
    reported(period, owner, focal_point, secretariat, dict.fromkeys(codes[:3], "ongoing"))
    with django_assert_max_num_queries(14):  # 13, and the plan's quantified targets (it has none)
        few = build_report(plan_2026, period, "en")

    reported(period, owner, focal_point, secretariat, dict.fromkeys(codes[3:30], "completed"))
    for update in line(PLAN, codes[3]).updates.all():
        add_activity(update, title_en="Second", fund=Fund.objects.get(acronym="ACCF"), amount_usd=1)
    Activity.objects.all().choose_highlights(
        set(Activity.objects.values_list("pk", flat=True)), by=secretariat
    )
    write_text(period, Part.objects.get(plan=plan_2026, code="1"), secretariat, text_zh="第一支柱。")
    with django_assert_max_num_queries(14):
        many = build_report(plan_2026, period, "zh")

    assert sum(bool(info.updates) for info in few.lines()) == 3
    assert sum(bool(info.updates) for info in many.lines()) == 30
