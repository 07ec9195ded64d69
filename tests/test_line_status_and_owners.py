"""A line's current status (its latest confirmed period status) and its confirmed owners."""

import datetime

import pytest

from commitments.models import ActionLine, Ownership, PeriodStatus, Status

from .conftest import line, make_organisation, make_period, own

pytestmark = pytest.mark.django_db


def status(code: str) -> Status:
    return Status.objects.get(code=code)


@pytest.fixture
def periods(plan_2026):
    """Two periods of the 2026 plan; the later one is created first so that pk order misleads."""
    later = make_period(plan_2026, label="2027", starts_on=datetime.date(2027, 1, 1),
                        ends_on=datetime.date(2027, 12, 31), deadline=datetime.date(2027, 11, 30),
                        is_open=False)  # fmt: skip
    earlier = make_period(plan_2026, label="2026")
    return earlier, later


def confirm_status(line_, period, code: str, by) -> PeriodStatus:
    period_status = PeriodStatus.objects.create(line=line_, period=period)
    period_status.confirm(by=by, status=status(code))
    return period_status


@pytest.fixture
def unowned_line():
    """Line 2.8.1 with no owners, whatever the seeds say, so that each test names its own."""
    transport = line("poa-2026-2030", "2.8.1")
    Ownership.objects.filter(line=transport).delete()
    return transport


def organisation(acronym: str):
    return make_organisation(acronym=acronym, name_en=f"Organisation {acronym}")


def test_a_line_without_a_confirmed_period_status_has_no_current_status(periods):
    draft = PeriodStatus.objects.create(line=line("poa-2026-2030", "2.8.1"), period=periods[0])
    draft.proposed = status("ongoing")
    draft.save()
    found = ActionLine.objects.with_current_status().get(pk=draft.line_id)
    assert found.current_status is None and found.current_status_code is None
    assert line("poa-2026-2030", "2.8.1").current_status is None


def test_the_current_status_is_the_confirmed_status_of_the_period_that_ends_last(periods, administrator):
    earlier, later = periods
    transport = line("poa-2026-2030", "2.8.1")
    confirm_status(transport, later, "completed", administrator)
    confirm_status(transport, earlier, "ongoing", administrator)
    found = ActionLine.objects.with_current_status().get(pk=transport.pk)
    assert found.current_status == status("completed") and found.current_status_code == "completed"
    assert [ps.period.label for ps in found.confirmed_period_statuses] == ["2027"]  # the latest alone
    assert transport.current_status == status("completed")  # without the queryset, by one query


def test_an_unconfirmed_later_status_does_not_replace_the_confirmed_one(periods, administrator):
    earlier, later = periods
    transport = line("poa-2026-2030", "2.8.1")
    confirm_status(transport, earlier, "ongoing", administrator)
    PeriodStatus.objects.create(line=transport, period=later, proposed=status("completed"))
    assert ActionLine.objects.with_current_status().get(pk=transport.pk).current_status_code == "ongoing"


def test_the_register_can_filter_and_sort_lines_on_their_current_status_code(periods, administrator):
    earlier, _ = periods
    confirm_status(line("poa-2026-2030", "2.8.1"), earlier, "ongoing", administrator)
    confirm_status(line("poa-2026-2030", "1.1.1"), earlier, "completed", administrator)
    lines = ActionLine.objects.with_current_status()
    assert [found.code for found in lines.filter(current_status_code="ongoing")] == ["2.8.1"]
    ordered = lines.filter(current_status_code__isnull=False).order_by("current_status_code")
    assert [found.code for found in ordered] == ["1.1.1", "2.8.1"]


def test_current_statuses_and_owners_of_a_whole_plan_take_three_queries(
    plan_2026, periods, administrator, django_assert_num_queries
):
    earlier, later = periods
    Ownership.objects.filter(line__plan=plan_2026).delete()  # whatever the seeds say
    for code in ["1.1.1", "2.8.1", "5.1"]:
        confirm_status(line("poa-2026-2030", code), earlier, "ongoing", administrator)
        confirm_status(line("poa-2026-2030", code), later, "delayed", administrator)
        own(line("poa-2026-2030", code), organisation(f"TEST-{code}"))
    with django_assert_num_queries(3):
        lines = list(ActionLine.objects.for_plan(plan_2026).with_current_status().with_owners())
        statuses = {found.code: found.current_status for found in lines}
        owners = {found.code: found.owners_text for found in lines}
    assert len(lines) == 199 and statuses["5.1"] == status("delayed") and statuses["6.1"] is None
    assert owners["2.8.1"] == "TEST-2.8.1 (lead)"


def test_owners_are_the_confirmed_ones_lead_first_then_by_acronym(unowned_line):
    own(unowned_line, organisation("TEST-B"), role="supporting")
    own(unowned_line, organisation("TEST-Z"), role="lead")
    own(unowned_line, organisation("TEST-A"), role="supporting")
    for acronym, state in [("TEST-C", "suggested"), ("TEST-D", "rejected")]:
        Ownership.objects.create(line=unowned_line, organisation=organisation(acronym), state=state)
    found = ActionLine.objects.with_owners().get(pk=unowned_line.pk)
    assert [(o.organisation.acronym, o.role) for o in found.owners] == [
        ("TEST-Z", "lead"), ("TEST-A", "supporting"), ("TEST-B", "supporting"),
    ]  # fmt: skip
    assert found.owners_text == "TEST-Z (lead); TEST-A (supporting); TEST-B (supporting)"
    assert unowned_line.owners_text == found.owners_text  # without the queryset, by one query


def test_a_line_nobody_owns_has_no_owners_text(unowned_line):
    assert ActionLine.objects.with_owners().get(pk=unowned_line.pk).owners_text == ""
