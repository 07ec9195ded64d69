"""generate_load: a synthetic workload for the benchmarks, deterministic and replaceable."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from commitments.models import (
    ActionLine,
    Activity,
    Evidence,
    Organisation,
    Ownership,
    PeriodStatus,
    Plan,
    ReportingPeriod,
    StatusUpdate,
)
from commitments.progress_report.build import build_report

from .conftest import line, make_update, make_user

pytestmark = pytest.mark.django_db

SMALL = ["--plans", "1", "--years", "2", "--lines", "30"]


def generate_load(*args: str) -> str:
    output = StringIO()
    call_command("generate_load", *SMALL, *args, stdout=output)
    return output.getvalue()


@pytest.fixture
def generated() -> str:
    return generate_load()


@pytest.fixture
def load_plan(generated) -> Plan:
    return Plan.objects.get(code="load-01")


def snapshot() -> dict:
    """What the load plans hold, without primary keys, to compare two runs."""
    lines = ActionLine.objects.filter(plan__code__startswith="load-")
    updates = StatusUpdate.objects.filter(line__in=lines)
    return {
        "lines": list(
            lines.order_by("plan__code", "sort_key").values_list("code", "area__code", "text_en", "text_zh")
        ),
        "owners": sorted(
            Ownership.objects.filter(line__in=lines).values_list(
                "line__code", "organisation__acronym", "role"
            )
        ),
        "updates": sorted(
            updates.values_list(
                "line__code",
                "period__label",
                "organisation__acronym",
                "state",
                "status__code",
                "narrative_en",
                "reason_en",
            )
        ),
        "activities": sorted(
            Activity.objects.filter(update__in=updates).values_list(
                "title_en", "title_zh", "date", "place_en"
            )
        ),
        "evidence": sorted(
            Evidence.objects.filter(update__in=updates).values_list("link", "title_en", "title_zh")
        ),
        "line_statuses": sorted(
            PeriodStatus.objects.filter(line__in=lines).values_list(
                "line__code", "period__label", "proposed__code", "status__code"
            )
        ),
    }


def test_it_creates_the_plans_with_six_parts_and_the_lines_asked_for(generated, load_plan):
    assert list(Plan.objects.filter(code__startswith="load-").values_list("code", "kind")) == [
        ("load-01", "plan")
    ]
    assert load_plan.title_en and load_plan.title_zh
    assert load_plan.parts.count() == 6
    assert load_plan.lines.count() == 30
    assert load_plan.areas.count() >= 5 and not load_plan.lines.filter(part__number=6, area__isnull=False)


def test_lines_sort_by_their_zero_padded_code_in_document_order(load_plan):
    in_code_order = list(
        ActionLine.objects.for_plan(load_plan).in_code_order().values_list("code", "position")
    )
    assert [position for _code, position in in_code_order] == list(range(1, 31))
    assert ActionLine.objects.get(plan=load_plan, code="1.1.1").sort_key == "0001.0001.0001"


def test_line_texts_are_taken_from_the_seeded_plans_in_both_languages(load_plan):
    seeded = set(ActionLine.objects.filter(plan__code="poa-2026-2030").values_list("text_en", flat=True))
    texts = list(load_plan.lines.values_list("text_en", "text_zh"))
    assert all(en for en, _zh in texts) and sum(1 for _en, zh in texts if zh) >= 25
    assert any(en in seeded for en, _zh in texts)


def test_texts_are_recorded_as_their_source_as_an_import_does(load_plan):
    line = load_plan.lines.first()
    assert line.source == {
        "text_en": line.text_en,
        "text_zh": line.text_zh,
        "heading_en": "",
        "heading_zh": "",
    }
    assert load_plan.source["title_zh"] == load_plan.title_zh and load_plan.parts.first().source


def test_every_line_has_one_to_four_confirmed_owners_of_which_exactly_one_is_lead(load_plan):
    lines = load_plan.lines.annotate(
        owner_count=Count("ownerships", filter=Q(ownerships__state="confirmed")),
        leads=Count("ownerships", filter=Q(ownerships__role="lead", ownerships__state="confirmed")),
    )
    assert {line.leads for line in lines} == {1}
    assert {line.owner_count for line in lines} <= {1, 2, 3, 4}
    assert max(line.owner_count for line in lines) > 1


def test_the_plan_has_a_period_per_year_and_only_the_last_is_open(load_plan):
    periods = list(ReportingPeriod.objects.for_plan(load_plan).order_by("starts_on"))
    assert [period.label for period in periods] == ["2025", "2026"]
    assert [period.is_open for period in periods] == [False, True]


def test_every_confirmed_owner_has_exactly_one_update_per_period(load_plan):
    expected = {
        (owner.line_id, owner.organisation_id, period.pk)
        for owner in Ownership.objects.for_plan(load_plan).confirmed()
        for period in load_plan.periods.all()
    }
    updates = list(
        StatusUpdate.objects.filter(line__plan=load_plan).values_list("line", "organisation", "period")
    )
    assert len(updates) == len(expected) and set(updates) == expected


def test_past_periods_are_all_approved_and_the_open_one_has_updates_in_several_states(load_plan):
    updates = StatusUpdate.objects.filter(line__plan=load_plan)
    assert set(updates.filter(period__is_open=False).values_list("state", flat=True)) == {"approved"}
    open_states = Counter(updates.filter(period__is_open=True).values_list("state", flat=True))
    assert len(open_states) >= 3 and open_states.most_common(1)[0][0] == "approved"


def test_every_update_has_a_narrative_and_the_delayed_or_discontinued_ones_a_reason(load_plan):
    updates = StatusUpdate.objects.filter(line__plan=load_plan)
    assert not updates.filter(narrative_en="", narrative_zh="").exists()
    troubled = updates.filter(status__needs_reason=True)
    assert troubled.exists() and not troubled.filter(reason_en="", reason_zh="").exists()
    assert not updates.filter(status__needs_reason=False).exclude(reason_en="", reason_zh="").exists()


def test_updates_carry_their_transitions_up_to_their_state(load_plan):
    for update in StatusUpdate.objects.filter(line__plan=load_plan).prefetch_related("transitions"):
        steps = [transition.to_state for transition in update.transitions.all()]
        assert steps == {"draft": [], "submitted": ["submitted"], "returned": ["submitted", "returned"],
                         "approved": ["submitted", "approved"]}[update.state]  # fmt: skip


def test_updates_have_zero_to_three_activities_and_zero_to_two_evidence_links(load_plan):
    updates = StatusUpdate.objects.filter(line__plan=load_plan).annotate(
        activity_count=Count("activities", distinct=True), evidence_count=Count("evidence", distinct=True)
    )
    assert {update.activity_count for update in updates} <= {0, 1, 2, 3}
    assert {update.evidence_count for update in updates} <= {0, 1, 2}
    assert sum(update.activity_count for update in updates) > 0
    evidence = Evidence.objects.filter(update__line__plan=load_plan)
    assert evidence.exists() and not evidence.exclude(file="").exists()
    assert all(
        link.startswith("https://example.org/load/") for link in evidence.values_list("link", flat=True)
    )


def test_most_lines_have_a_confirmed_status_for_the_past_period_that_their_lead_proposed(load_plan):
    past = load_plan.periods.get(is_open=False)
    confirmed = PeriodStatus.objects.confirmed().filter(period=past, line__plan=load_plan)
    assert confirmed.count() >= 24
    for line_status in confirmed:
        lead = StatusUpdate.objects.in_period(past).by_lead_owner().get(line=line_status.line)
        assert line_status.proposed_id == lead.status_id
        assert line_status.status_id == lead.status_id or line_status.reason


def test_a_status_is_confirmed_only_when_all_the_updates_of_the_line_are_approved(load_plan):
    for line_status in PeriodStatus.objects.confirmed().filter(line__plan=load_plan):
        pending = StatusUpdate.objects.in_period(line_status.period).filter(line=line_status.line)
        assert not pending.exclude(state="approved").exists()


def test_nobody_reviews_an_update_or_confirms_a_status_of_their_own(load_plan):
    """The load is written in bulk, past the model's verbs: it keeps their separation of duties."""
    updates = StatusUpdate.objects.filter(line__plan=load_plan).prefetch_related("transitions__by")
    decisions = [
        (update, step.by)
        for update in updates
        for step in update.transitions.all()
        if step.to_state in ("approved", "returned")
    ]
    assert decisions and not [(update.pk, by) for update, by in decisions if update.is_own(by)]
    confirmed = PeriodStatus.objects.confirmed().filter(line__plan=load_plan).select_related("confirmed_by")
    assert confirmed and not [s.pk for s in confirmed if s.is_own(s.confirmed_by)]


def test_the_output_gives_the_counts(generated):
    assert "1 plans, 30 action lines" in generated
    assert f"{StatusUpdate.objects.filter(line__plan__code='load-01').count()} status updates" in generated


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(generated):
    first = snapshot()
    generate_load("--replace")
    assert snapshot() == first
    generate_load("--replace", "--seed", "7")
    assert snapshot()["owners"] != first["owners"]


def test_a_second_run_without_replace_is_refused_and_changes_nothing(generated):
    before = snapshot()
    with pytest.raises(CommandError, match="--replace"):
        generate_load()
    assert snapshot() == before


def test_replace_leaves_the_seeded_plans_and_their_tracking_data_alone(generated, plan_2026, period, owner):
    focal = make_user("focal-real", "Focal point")
    real_line = line("poa-2026-2030", "2.8.1")
    update = make_update(real_line, period, owner, focal)
    seeded = list(
        ActionLine.objects.exclude(plan__code__startswith="load-").values_list(
            "plan__code", "code", "text_en"
        )
    )
    output = generate_load("--replace", "--plans", "2")
    assert "1 old load plans removed" in output
    assert list(Plan.objects.filter(code__startswith="load-").values_list("code", flat=True)) == [
        "load-01",
        "load-02",
    ]
    assert (
        list(
            ActionLine.objects.exclude(plan__code__startswith="load-").values_list(
                "plan__code", "code", "text_en"
            )
        )
        == seeded
    )
    assert StatusUpdate.objects.filter(pk=update.pk).exists() and plan_2026.periods.get() == period


def test_organisations_and_users_of_the_load_are_reused_on_replace(generated, django_user_model):
    counts = (django_user_model.objects.count(), Organisation.objects.count())
    generate_load("--replace")
    assert (django_user_model.objects.count(), Organisation.objects.count()) == counts
    assert Organisation.objects.filter(acronym__startswith="LOAD-").count() == 60
    focal = django_user_model.objects.get(username="load-focal-agr-wg")
    assert not focal.has_usable_password() and focal.organisations.get().acronym == "LOAD-AGR-WG"


def test_too_small_a_size_is_refused():
    with pytest.raises(CommandError, match="8 lines"):
        call_command("generate_load", "--lines", "5", stdout=StringIO())


def test_the_report_of_a_past_period_reads_the_history_the_load_wrote(load_plan):
    """The report reads statuses, updates, activities and owners from their history at the cut-off."""
    past = load_plan.periods.get(is_open=False)
    report = build_report(load_plan, past, "en")
    confirmed = PeriodStatus.objects.confirmed().filter(period=past, line__plan=load_plan)
    reported = [line for line in report.lines() if line.status]
    assert len(reported) == 30 and report.overall.no_report == 0
    statuses = {line.code: line.status for line in reported}
    assert confirmed.count() >= 24
    assert all(statuses[s.line.code] == s.status.code for s in confirmed.select_related("line", "status"))
    assert sum(len(line.updates) for line in report.lines()) == past.updates.count()
    assert (
        sum(len(line.activities()) for line in report.lines())
        == Activity.objects.filter(update__period=past).count()
    )
    assert all(line.owners for line in report.lines()) and report.bodies_reporting > 0


def test_the_open_period_reports_only_what_was_approved(load_plan):
    current = load_plan.periods.get(is_open=True)
    report = build_report(load_plan, current, "en")
    approved = StatusUpdate.objects.in_period(current).filter(state="approved").count()
    assert 0 < sum(len(line.updates) for line in report.lines()) == approved


def test_each_history_record_is_dated_inside_its_period_before_its_cut_off(load_plan):
    for period in load_plan.periods.all():
        dates = [
            *StatusUpdate.history.filter(period=period).values_list("history_date", flat=True),
            *PeriodStatus.history.filter(period=period).values_list("history_date", flat=True),
            *Activity.history.filter(update__period=period).values_list("history_date", flat=True),
        ]
        assert dates and all(period.starts_on <= date.date() <= period.ends_on for date in dates)
        assert max(dates) <= period.cutoff()
    owners = Ownership.history.filter(line__plan=load_plan).values_list("history_date", flat=True)
    assert max(owners).year == load_plan.first_year


def test_replace_writes_the_history_again_without_keeping_the_old(load_plan):
    edited = load_plan.lines.first()
    edited.text_en += " Edited."
    edited.save()
    generate_load("--replace")
    for model in (Ownership, StatusUpdate, Activity, PeriodStatus):
        assert model.history.count() == model.objects.count(), model
    assert not ActionLine.history.filter(id=edited.pk).exists()
