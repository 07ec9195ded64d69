"""Closing out an ended plan: each line's final status, carried from its last confirmed period status
or set by the secretariat several lines at once, on the real 2021–2025 plan."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from commitments.models import ActionLine, FinalStatus, LineLink, PeriodStatus, Plan, Status

from .conftest import line, make_period, make_user

pytestmark = pytest.mark.django_db

OLD, ANNEX, STATEMENT, NEW = "poa-2021-2025", "csp-poa-2022-2025", "js-sd-2022", "poa-2026-2030"


def status(code: str) -> Status:
    return Status.objects.get(code=code)


def confirmed(plan_code: str, code: str, status_code: str, period, by) -> PeriodStatus:
    return PeriodStatus.objects.create(
        line=line(plan_code, code), period=period, status=status(status_code), confirmed_by=by,
        confirmed_at=timezone.now(),
    )  # fmt: skip


@pytest.fixture
def old_periods(db):
    plan = Plan.objects.get(code=OLD)
    first = make_period(
        plan,
        label="2023–2024",
        starts_on=datetime.date(2023, 1, 1),
        ends_on=datetime.date(2024, 6, 30),
        deadline=datetime.date(2024, 5, 31),
        is_open=False,
    )
    last = make_period(
        plan,
        label="2024–2025",
        starts_on=datetime.date(2024, 7, 1),
        ends_on=datetime.date(2025, 12, 31),
        deadline=datetime.date(2025, 11, 30),
        is_open=False,
    )
    return first, last  # fmt: skip


def seen(*lines) -> dict[int, int]:
    return {found.pk: getattr(getattr(found, "final_status", None), "version", 0) for found in lines}


def test_plans_that_ended_before_this_year_have_ended_and_the_new_plan_has_not():
    today = datetime.date(2026, 11, 29)
    ended = {plan.code: plan.has_ended(today) for plan in Plan.objects.all()}
    assert ended == {OLD: True, ANNEX: True, STATEMENT: True, NEW: False}


def test_carrying_gives_each_line_the_status_of_its_last_confirmed_period(old_periods, secretariat):
    first, last = old_periods
    confirmed(OLD, "1.1.1", "ongoing", first, secretariat)
    confirmed(OLD, "1.1.1", "completed", last, secretariat)  # the later period's status is carried
    confirmed(OLD, "1.1.2", "delayed", first, secretariat)
    outcome = FinalStatus.carry(Plan.objects.get(code=OLD), by=secretariat)
    assert [found.code for found in outcome.carried] == ["1.1.1", "1.1.2"]
    assert len(outcome.unconfirmed) == line(OLD, "1.1.1").plan.lines.in_source().count() - 2
    final = FinalStatus.objects.get(line=line(OLD, "1.1.1"))
    assert (final.status.code, final.how, final.carried_from.period, final.set_by) == (
        "completed",
        "carried",
        last,
        secretariat,
    )
    assert FinalStatus.objects.get(line=line(OLD, "1.1.2")).status.code == "delayed"
    assert final.history.count() == 1


def test_carrying_leaves_a_final_status_already_set_as_it_is(old_periods, secretariat):
    confirmed(OLD, "1.1.1", "ongoing", old_periods[1], secretariat)
    FinalStatus.set_several(
        seen(line(OLD, "1.1.1")), status("completed"), by=secretariat, note="Report of 2025"
    )
    outcome = FinalStatus.carry(Plan.objects.get(code=OLD), by=secretariat)
    assert outcome.carried == []
    assert FinalStatus.objects.get(line=line(OLD, "1.1.1")).status.code == "completed"


def test_several_lines_get_one_status_at_once_with_a_note(secretariat):
    chosen = [line(OLD, "1.1.1"), line(OLD, "1.1.3"), line(ANNEX, "3.6"), line(STATEMENT, "3")]
    outcome = FinalStatus.set_several(seen(*chosen), status("completed"), by=secretariat, note="Per SOC 2026")
    assert set(outcome.set) == set(chosen) and outcome.changed_meanwhile == []
    finals = FinalStatus.objects.filter(line__in=chosen).order_by("line__plan", "line__sort_key")
    assert {(final.status.code, final.how, final.note, final.version) for final in finals} == {
        ("completed", "set", "Per SOC 2026", 1)
    }


def test_setting_a_status_over_one_changed_meanwhile_leaves_that_line_as_the_other_officer_made_it(
    secretariat,
):
    other = make_user("other-officer", "Secretariat officer")
    first, second = line(OLD, "1.1.1"), line(OLD, "1.1.2")
    seen_before = seen(first, second)  # both without a final status when the page was read
    FinalStatus.set_several(seen(first), status("delayed"), by=other)
    outcome = FinalStatus.set_several(seen_before, status("completed"), by=secretariat)
    assert (outcome.set, outcome.changed_meanwhile) == ([second], [first])
    assert FinalStatus.objects.get(line=first).status.code == "delayed"
    again = FinalStatus.set_several(seen(line(OLD, "1.1.1")), status("completed"), by=secretariat)
    assert again.set == [first]
    assert FinalStatus.objects.get(line=first).version == 2
    assert [h.status.code for h in FinalStatus.objects.get(line=first).history.all()] == [
        "completed",
        "delayed",
    ]


def test_the_lines_of_a_plan_that_has_not_ended_get_no_final_status(secretariat, old_periods):
    with pytest.raises(ValidationError, match="has not ended"):
        FinalStatus.set_several(
            seen(line(OLD, "1.1.1"), line(NEW, "2.8.1")), status("completed"), by=secretariat
        )
    with pytest.raises(ValidationError, match="has not ended"):
        FinalStatus.carry(Plan.objects.get(code=NEW), by=secretariat)
    assert not FinalStatus.objects.exists()


def test_a_line_no_longer_in_its_plans_text_gets_no_final_status(secretariat):
    gone = line(OLD, "1.1.2")
    ActionLine.objects.filter(pk=gone.pk).update(missing_from_source_since=timezone.now())
    with pytest.raises(ValidationError, match="no longer in its plan's text"):
        FinalStatus.set_several(seen(line(OLD, "1.1.1"), gone), status("completed"), by=secretariat)
    assert not FinalStatus.objects.exists()


def test_only_who_may_close_out_a_plan_sets_or_carries_final_statuses(reader, focal_point):
    for user in (reader, focal_point):
        with pytest.raises(PermissionDenied):
            FinalStatus.set_several(seen(line(OLD, "1.1.1")), status("completed"), by=user)
        with pytest.raises(PermissionDenied):
            FinalStatus.carry(Plan.objects.get(code=OLD), by=user)
    assert not FinalStatus.objects.exists()


def test_the_secretariat_and_administrators_may_close_out_and_reviewers_may_not(secretariat, reader):
    assert secretariat.has_perm("commitments.close_out_plan")
    assert make_user("admin-role", "Administrator").has_perm("commitments.close_out_plan")
    assert not reader.has_perm("commitments.close_out_plan")


@pytest.fixture
def links(db):
    call_command("suggest_links", stdout=StringIO())
    LineLink.objects.suggested().filter(predecessor__plan__code=OLD).update(state="rejected")
    return LineLink
