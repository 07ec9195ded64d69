"""The progress report's content: built from approved and confirmed data as of the cut-off."""

import datetime
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone

from commitments.forms import PeriodForm
from commitments.models import ActionLine, Activity, Evidence, Ownership, Part, PeriodStatus, Status
from commitments.progress_report.build import build_report
from commitments.progress_report.content import ReportContent

from .conftest import line, make_organisation, make_period, make_update, own

pytestmark = pytest.mark.django_db

PLAN = "poa-2026-2030"


def status(code: str) -> Status:
    return Status.objects.get(code=code)


def confirm(action_line, period, code: str, by) -> PeriodStatus:
    period_status, _ = PeriodStatus.objects.get_or_create(line=action_line, period=period)
    period_status.proposed = status(code)
    period_status.save()
    period_status.confirm(by=by)
    return period_status


def report_on(action_line, period, owner, author, code: str, **overrides):
    """An approved update of ``owner`` with ``code``, one activity and one piece of evidence."""
    values = {
        "status": status(code), "state": "approved",
        "narrative_en": f"Progress on {action_line.code}.", "narrative_zh": f"{action_line.code} 的进展。",
    } | overrides  # fmt: skip
    update = make_update(action_line, period, owner, author, **values)
    Activity.objects.create(update=update, date=datetime.date(2026, 5, 4), title="Workshop", place="Jakarta")
    Evidence.objects.create(update=update, title="Minutes", link="https://example.org/minutes")
    return update


def reported(period, owner, author, secretariat, statuses: dict[str, str]) -> None:
    """Lines of the 2026–2030 plan owned by ``owner``, reported on and confirmed with ``statuses``."""
    for code, status_code in statuses.items():
        action_line = line(PLAN, code)
        own(action_line, owner)
        report_on(action_line, period, owner, author, status_code)
        confirm(action_line, period, status_code, secretariat)


def line_info(content: ReportContent, code: str):
    return next(info for info in content.lines() if info.code == code)


def milliseconds(moment: datetime.datetime) -> datetime.datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def comparable(content: ReportContent) -> str:
    data = content.to_json()
    data.pop("generated_at")
    return json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True)


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
    assert content.overall.not_confirmed == len(lines) - 5 == len(content.unconfirmed())
    for code in content.overall.counts:
        by_line = sum(info.status == code for info in lines)
        assert content.overall.counts[code] == by_line
        assert sum(pillar.tally.counts[code] for pillar in content.pillars) == by_line
        assert sum(area.tally.counts[code] for pillar in content.pillars for area in pillar.areas) == by_line
    for pillar in content.pillars:
        assert pillar.tally.total == sum(area.tally.total for area in pillar.areas)
        assert pillar.tally.not_confirmed == sum(area.tally.not_confirmed for area in pillar.areas)


def test_headline_counts_the_lines_implemented_or_ongoing(plan_2026, period, statuses_reported):
    content = build_report(plan_2026, period, "en")

    assert content.implemented(content.overall) == 3  # two ongoing and one completed
    assert content.share(content.overall) == pytest.approx(3 / content.overall.total)
    first = next(pillar for pillar in content.pillars if pillar.code == "1")
    assert content.implemented(first.tally) == 2


def test_lines_follow_the_plan_pillar_by_pillar_and_area_by_area(plan_2026, period):
    content = build_report(plan_2026, period, "en")

    assert [pillar.code for pillar in content.pillars] == list(
        Part.objects.filter(plan=plan_2026).order_by("number").values_list("code", flat=True)
    )
    in_order = list(ActionLine.objects.for_plan(plan_2026).in_source().order_by("sort_key"))
    assert [info.code for info in content.lines()] == [action_line.code for action_line in in_order]
    first_area = content.pillars[0].areas[0]
    assert first_area.code == "1.1" and [info.code for info in first_area.lines][:2] == ["1.1.1", "1.1.2"]


def test_lines_outside_any_area_form_one_section_titled_outside_any_area(plan_2026, period):
    outside = ActionLine.objects.for_plan(plan_2026).filter(area=None).select_related("part").first()
    if outside is None:  # the plan has none: take one out of its area for the test
        outside = line(PLAN, "2.1.1")
        ActionLine.objects.filter(pk=outside.pk).update(area=None)

    content = build_report(plan_2026, period, "en")

    pillar = next(pillar for pillar in content.pillars if pillar.code == outside.part.code)
    sections = [area for area in pillar.areas if area.code == ""]
    assert len(sections) == 1
    assert sections[0].title.text == "Outside any area"
    assert outside.code in [info.code for info in sections[0].lines]


def test_a_long_line_text_is_abridged_and_kept_in_full(plan_2026, period):
    long_line = line(PLAN, "1.1.1")
    long_line.text_en = "word " * 200
    long_line.save()

    info = line_info(build_report(plan_2026, period, "en"), "1.1.1")

    assert info.text.text == "word " * 200
    assert len(info.abridged) == ReportContent.ABRIDGED and info.abridged.endswith("…")


def test_a_line_shows_its_owners_lead_first_its_status_and_its_approved_update(
    plan_2026, period, owner, other_owner, focal_point, secretariat, statuses_reported
):
    own(line(PLAN, "1.1.1"), make_organisation(acronym="AAA-SUPPORT", name_en="A supporter"), "supporting")

    info = line_info(build_report(plan_2026, period, "en"), "1.1.1")

    assert [(owner.acronym, owner.role, owner.role_label) for owner in info.owners] == [
        ("TEST-OWNER", "lead", "Lead"), ("AAA-SUPPORT", "supporting", "Supporting"),
    ]  # fmt: skip
    assert info.status == "ongoing"
    [update] = info.updates
    assert update.organisation == "TEST-OWNER"
    assert update.narrative.text == "Progress on 1.1.1." and not update.narrative.is_fallback
    assert [(a.date, a.title, a.place) for a in update.activities] == [
        (datetime.date(2026, 5, 4), "Workshop", "Jakarta")
    ]
    assert update.evidence == ["Minutes"]
    assert info.last_activity == datetime.date(2026, 5, 4)


def test_lines_without_a_confirmed_status_are_listed_and_counted(plan_2026, period, statuses_reported):
    content = build_report(plan_2026, period, "en")

    unconfirmed = content.unconfirmed()
    assert "1.2.1" in [info.code for info in unconfirmed]
    assert "1.1.1" not in [info.code for info in unconfirmed]
    assert content.overall.not_confirmed == len(unconfirmed)


# Only approved and confirmed data


def test_a_submitted_update_does_not_appear(plan_2026, period, owner, focal_point):
    action_line = line(PLAN, "1.1.1")
    own(action_line, owner)
    make_update(action_line, period, owner, focal_point, status=status("ongoing"), state="submitted")

    assert line_info(build_report(plan_2026, period, "en"), "1.1.1").updates == []


def test_an_unconfirmed_proposed_status_does_not_count(plan_2026, period, owner, focal_point):
    action_line = line(PLAN, "1.1.1")
    own(action_line, owner)
    report_on(action_line, period, owner, focal_point, "ongoing")
    PeriodStatus.propose(action_line, period)

    content = build_report(plan_2026, period, "en")

    assert line_info(content, "1.1.1").status is None
    assert content.overall.counts["ongoing"] == 0


def test_withdrawn_evidence_does_not_appear(plan_2026, period, owner, focal_point):
    action_line = line(PLAN, "1.1.1")
    own(action_line, owner)
    update = report_on(action_line, period, owner, focal_point, "ongoing")
    Evidence.objects.create(update=update, title="Withdrawn draft", link="https://example.org/draft")
    update.evidence.get(title="Withdrawn draft").withdraw(by=focal_point)

    [info] = line_info(build_report(plan_2026, period, "en"), "1.1.1").updates
    assert info.evidence == ["Minutes"]


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


def test_the_numbers_agree_with_the_register_filters_for_the_period(
    client, reader, plan_2026, period, statuses_reported
):
    content = build_report(plan_2026, period, "en")
    client.force_login(reader)

    def register_count(**filters) -> int:
        response = client.get(reverse("commitments:register"), {"plan": PLAN, "period": period.pk, **filters})
        return response.context["filter"].qs.count()

    for code, count in content.overall.counts.items():
        assert register_count(period_status=code) == count
    assert register_count(period_status="none") == content.overall.not_confirmed
    for pillar in content.pillars[:3]:
        part = Part.objects.get(plan=plan_2026, code=pillar.code)
        for code in ("ongoing", "none"):
            expected = pillar.tally.counts[code] if code != "none" else pillar.tally.not_confirmed
            assert register_count(period_status=code, part=part.pk) == expected


# The cut-off and reproducibility


def test_a_report_built_again_for_the_same_cutoff_is_identical_after_later_changes(
    plan_2026, period, owner, other_owner, focal_point, secretariat, statuses_reported
):
    cutoff = timezone.now()
    first = build_report(plan_2026, period, "en", as_of=cutoff)

    # After the cut-off: a status changes, a new line is reported and confirmed, evidence is
    # withdrawn, an activity is added, a narrative is edited, an owner is added.
    confirmed = PeriodStatus.objects.get(line=line(PLAN, "1.1.1"), period=period)
    confirmed.confirm(by=secretariat, status=status("completed"), reason="Finished early")
    reported(period, owner, focal_point, secretariat, {"1.2.1": "completed"})
    update = line(PLAN, "1.1.2").updates.get()
    update.evidence.get().withdraw(by=focal_point)
    Activity.objects.create(
        update=update, date=datetime.date(2026, 9, 1), title="Late visit", place="Beijing"
    )
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

    assert (update.narrative.text, update.narrative.language, update.narrative.is_fallback) == (
        "仅有中文。", "zh", True,
    )  # fmt: skip


def test_a_chinese_report_has_chinese_labels_and_texts(plan_2026, period, statuses_reported):
    content = build_report(plan_2026, period, "zh")

    assert content.status("ongoing").label == "正在实施"
    assert content.plan_title == plan_2026.title_zh
    info = line_info(content, "1.1.1")
    assert info.text.text == line(PLAN, "1.1.1").text_zh and info.text.language == "zh"
    assert info.owners[0].role_label != "Lead" and info.owners[0].name == "测试牵头机构"
    assert info.updates[0].narrative.text == "1.1.1 的进展。"


def test_a_report_in_chinese_leaves_the_interface_language_alone(plan_2026, period):
    from django.utils.translation import get_language

    build_report(plan_2026, period, "zh")

    assert get_language() == "en"


def test_content_survives_its_json(plan_2026, period, statuses_reported):
    content = build_report(plan_2026, period, "en")

    stored = json.loads(json.dumps(content.to_json(), cls=DjangoJSONEncoder))

    # DjangoJSONEncoder keeps milliseconds; everything else comes back as it was.
    content.as_of, content.generated_at = milliseconds(content.as_of), milliseconds(content.generated_at)
    assert ReportContent.from_json(stored) == content


def test_a_cutoff_date_is_kept_exactly_in_the_stored_content(plan_2026):
    past = make_period(
        plan_2026, label="2024–2025", starts_on=datetime.date(2024, 7, 1), ends_on=datetime.date(2025, 6, 30),
        deadline=datetime.date(2025, 6, 1), is_open=False,
    )  # fmt: skip
    content = build_report(plan_2026, past, "en")

    stored = json.loads(json.dumps(content.to_json(), cls=DjangoJSONEncoder))

    assert ReportContent.from_json(stored).as_of == content.as_of == past.cutoff()


# Comparison with the previous period


def test_a_first_period_compares_with_nothing(plan_2026, period):
    content = build_report(plan_2026, period, "en")

    assert content.compared_with is None
    assert content.overall.previous_counts is None and content.overall.delta("ongoing") is None


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

    assert content.compared_with.startswith("2026–2027, as of ")
    assert content.overall.previous_counts["ongoing"] == 1
    assert content.overall.delta("ongoing") == 0 and content.overall.delta("planned") == -1
    first = next(pillar for pillar in content.pillars if pillar.code == "1")
    assert first.tally.previous_counts["planned"] == 1
    assert first.areas[0].tally.previous_counts["ongoing"] == 1


# Queries


def test_the_query_count_does_not_grow_with_the_lines_reported(
    plan_2026, period, owner, focal_point, secretariat, django_assert_max_num_queries
):
    codes = list(ActionLine.objects.for_plan(plan_2026).order_by("sort_key").values_list("code", flat=True))
    reported(period, owner, focal_point, secretariat, dict.fromkeys(codes[:3], "ongoing"))
    with django_assert_max_num_queries(11):
        few = build_report(plan_2026, period, "en")

    reported(period, owner, focal_point, secretariat, dict.fromkeys(codes[3:30], "completed"))
    with django_assert_max_num_queries(11):
        many = build_report(plan_2026, period, "zh")

    assert sum(bool(info.updates) for info in few.lines()) == 3
    assert sum(bool(info.updates) for info in many.lines()) == 30
