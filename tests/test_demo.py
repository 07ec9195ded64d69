"""The demo accounts and the demo tracking data that `make run` loads for a newcomer."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from commitments.management.commands.create_demo_accounts import DEMO_ACCOUNTS
from commitments.models import (
    Activity,
    Evidence,
    Organisation,
    Ownership,
    PeriodStatus,
    Plan,
    ReportingPeriod,
    StatusUpdate,
)

from .conftest import line, make_period

pytestmark = pytest.mark.django_db


def create_demo_accounts(*args: str) -> str:
    output = StringIO()
    call_command("create_demo_accounts", *args, stdout=output, stderr=StringIO())
    return output.getvalue()


@pytest.fixture(autouse=True)
def demo_settings(settings):
    settings.DEBUG = True  # as on a developer's machine; with DEBUG off nothing is created without --demo
    settings.TRACKER_DEMO_DATA = True
    # Each run hashes five passwords; the default hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo() -> str:
    return create_demo_accounts()


def test_every_role_has_a_demo_account_that_logs_in_with_the_printed_password(
    demo, client, django_user_model
):
    for account in DEMO_ACCOUNTS:
        user = django_user_model.objects.get(username=account.username)
        assert list(user.groups.values_list("name", flat=True)) == [account.role]
        assert user.email == f"{account.username}@example.org"
        credentials = {"username": account.username, "password": account.password}
        assert client.post(reverse("login"), credentials).status_code == 302, account.username
    assert {account.role for account in DEMO_ACCOUNTS} == {
        "Administrator", "Secretariat officer", "Focal point", "Reviewer",
    }  # fmt: skip


def test_the_administrator_is_a_superuser_and_the_secretariat_officer_is_staff(demo, django_user_model):
    staff = django_user_model.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS], is_staff=True)
    assert set(staff.values_list("username", flat=True)) == {"admin", "secretariat"}
    superusers = django_user_model.objects.filter(is_superuser=True).values_list("username", flat=True)
    assert list(superusers) == ["admin"]


def test_the_demo_focal_point_is_a_focal_point_of_atm_china_and_the_other_one_of_other_bodies(demo):
    def acronyms(username: str) -> set[str]:
        return set(
            Organisation.objects.filter(focal_points__username=username).values_list("acronym", flat=True)
        )

    assert acronyms("focal") == {"ATM+China", "ACCC"}
    assert acronyms("focal-other") == {"SOM-DOC", "JWG-DOC"}
    assert list(
        Organisation.objects.get(acronym="ATM+China").focal_points.values_list("username", flat=True)
    ) == ["focal"]


def test_the_output_lists_every_username_with_its_password_and_role(demo):
    for account in DEMO_ACCOUNTS:
        row = next(row for row in demo.splitlines() if row.split()[:1] == [account.username])
        assert account.password in row and account.role in row


def test_demo_updates_exist_in_each_of_the_four_states_with_their_transitions(demo):
    updates = StatusUpdate.objects.filter(period__label="2026–2027")
    steps = {
        update.line.code: (update.state, [t.to_state for t in update.transitions.all()])
        for update in updates.filter(organisation__acronym="ATM+China")
    }
    assert steps == {
        "2.8.1": ("approved", ["submitted", "approved"]),
        "2.8.2": ("submitted", ["submitted", "returned", "submitted"]),
        "2.8.3": ("submitted", ["submitted"]),
        "2.8.5": ("returned", ["submitted", "returned"]),
        "2.8.6": ("draft", []),
    }
    assert set(updates.values_list("state", flat=True)) == {"draft", "submitted", "returned", "approved"}


def test_a_returned_demo_update_says_what_the_secretariat_wants_changed(demo):
    returned = StatusUpdate.objects.get(state="returned")
    transition = returned.transitions.get(to_state="returned")
    assert transition.by.username == "secretariat" and "Protocol 3" in transition.comment


def test_demo_narratives_come_in_english_only_chinese_only_and_both(demo):
    narratives = StatusUpdate.objects.values_list("narrative_en", "narrative_zh")
    assert {(bool(en), bool(zh)) for en, zh in narratives} == {(True, False), (False, True), (True, True)}


def test_the_delayed_demo_update_says_why_in_both_languages(demo):
    delayed = StatusUpdate.objects.get(status__code="delayed")
    assert (delayed.line.code, delayed.state) == ("2.8.3", "submitted")
    assert "green port standards" in delayed.reason_en and "绿色港口标准" in delayed.reason_zh


def test_demo_updates_have_activities_and_link_evidence(demo):
    approved = StatusUpdate.objects.get(
        line=line("poa-2026-2030", "2.8.1"), organisation__acronym="ATM+China"
    )
    assert approved.activities.get().place_en == "Manila"
    assert approved.evidence.get().link.startswith("https://example.org/")


def test_demo_activities_are_in_both_languages_or_chinese_only_and_one_names_its_fund(demo):
    activities = Activity.objects.filter(update__period__label="2026–2027")
    assert {(bool(a.title_en), bool(a.title_zh)) for a in activities} == {(True, True), (False, True)}
    (funded,) = activities.filter(fund__isnull=False)
    assert (funded.fund.acronym, funded.amount_usd) == ("ACCF", Decimal("120000.00"))
    assert all(e.title_en and e.title_zh for e in Evidence.objects.all())


def test_the_demo_period_names_its_summit_in_both_languages(demo):
    period = ReportingPeriod.objects.get(label="2026–2027")
    assert period.meeting_en.startswith("the 30th ASEAN–China Summit") and period.meeting_zh.startswith(
        "第30次"
    )


def test_the_demo_period_is_open_with_a_deadline_after_it_starts(demo):
    period = ReportingPeriod.objects.open().get(plan__code="poa-2026-2030")
    assert period.label == "2026–2027" and period.starts_on < period.deadline < period.ends_on


def test_one_demo_line_waits_for_its_status_to_be_confirmed_and_two_have_a_current_status(demo):
    waiting = PeriodStatus.objects.get(confirmed_at__isnull=True)
    assert waiting.line.code == "1.4.5" and waiting.proposed.code == "ongoing"
    assert not waiting.line.updates.exclude(state="approved").exists()
    confirmed = PeriodStatus.objects.confirmed()
    assert sorted(confirmed.values_list("line__code", flat=True)) == ["2.8.1", "2.8.7"]
    assert {status.confirmed_by.username for status in confirmed} == {"secretariat"}


def test_demo_owners_are_confirmed_by_the_secretariat_and_a_few_are_left_as_suggestions(demo):
    confirmed = Ownership.objects.confirmed().filter(line=line("poa-2026-2030", "2.8.1"))
    assert {(o.organisation.acronym, o.role, o.decided_by.username) for o in confirmed} == {
        ("ATM+China", "lead", "secretariat"), ("ASEC", "supporting", "secretariat"),
    }  # fmt: skip
    suggested = Ownership.objects.suggested().filter(line__plan__code="poa-2026-2030")
    assert {("2.8.4", "ATM+China"), ("4.2.1", "ACCC"), ("6.1", "ASEC")} <= set(
        suggested.values_list("line__code", "organisation__acronym")
    )


def test_a_suggested_owner_already_there_is_confirmed_rather_than_duplicated(django_user_model):
    atm_china = Organisation.objects.get_or_create(
        acronym="ATM+China", defaults={"name_en": "ATM+China", "kind": Organisation.Kind.MECHANISM}
    )[0]
    transport = line("poa-2026-2030", "2.8.1")
    Ownership.objects.update_or_create(
        line=transport, organisation=atm_china, defaults={"state": Ownership.State.SUGGESTED}
    )
    create_demo_accounts()
    ownership = Ownership.objects.get(line=transport, organisation=atm_china)
    assert (ownership.state, ownership.role, ownership.decided_by.username) == (
        "confirmed",
        "lead",
        "secretariat",
    )


def test_a_second_run_creates_nothing_and_keeps_a_changed_password(demo, django_user_model, client):
    focal = django_user_model.objects.get(username="focal")
    focal.set_password("my-own-secret-2026")
    focal.save()
    counts = [model.objects.count() for model in (django_user_model, Ownership, StatusUpdate, PeriodStatus)]
    output = create_demo_accounts()
    assert [
        model.objects.count() for model in (django_user_model, Ownership, StatusUpdate, PeriodStatus)
    ] == (counts)
    assert "0 created; 5 existed already" in output and "Demo data already present" in output
    credentials = {"username": "focal", "password": "my-own-secret-2026"}
    assert client.post(reverse("login"), credentials).status_code == 302


def test_no_demo_creates_the_accounts_but_no_tracking_data(django_user_model):
    output = create_demo_accounts("--no-demo")
    assert django_user_model.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).count() == 5
    assert not StatusUpdate.objects.exists() and not ReportingPeriod.objects.exists()
    assert "left out (--no-demo)" in output


def test_the_tracker_demo_data_setting_turned_off_leaves_the_tracking_data_out(settings):
    settings.TRACKER_DEMO_DATA = False
    output = create_demo_accounts()
    assert not StatusUpdate.objects.exists()
    assert "left out (TRACKER_DEMO_DATA)" in output


def test_demo_data_is_left_out_with_a_message_when_the_plan_is_not_imported():
    Plan.objects.filter(code="poa-2026-2030").update(code="poa-elsewhere")
    output = create_demo_accounts()
    assert "poa-2026-2030 is not imported" in output and not StatusUpdate.objects.exists()


def test_a_plan_with_its_own_reporting_periods_gets_no_demo_data(plan_2026):
    make_period(plan_2026, label="2027–2028")
    output = create_demo_accounts()
    assert "already has reporting periods" in output and not StatusUpdate.objects.exists()


def test_the_demo_data_needs_the_demo_accounts():
    with pytest.raises(CommandError, match="create_demo_accounts"):
        call_command("load_demo_data", stdout=StringIO())
