"""The reminders page: the bodies with lines due, their focal points, and sending them reminders."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from commitments.models import Organisation, ReminderSending, ReportingPeriod, StatusUpdate

from .conftest import line, make_update, own

pytestmark = pytest.mark.django_db

PAGE = "/reminders/"
SEND = "/reminders/send/"


@pytest.fixture
def due(period, owner, other_owner, focal_point, other_focal_point):
    """The owner has two lines due, the other owner one; a third body has no focal point at all."""
    own(line("poa-2026-2030", "2.8.1"), owner)
    own(line("poa-2026-2030", "2.8.2"), owner)
    own(line("poa-2026-2030", "1.1.1"), other_owner)
    own(line("poa-2026-2030", "1.1.2"), Organisation.objects.get(acronym="ACCC"))
    return period


def signed_in(client, user):
    if user is not None:
        client.force_login(user)
    return client


def test_the_page_lists_the_bodies_with_lines_due_and_their_focal_points(client, secretariat, due):
    page = signed_in(client, secretariat).get(PAGE).content.decode()
    assert "TEST-OWNER" in page and "TEST-OTHER" in page and "ACCC" in page
    assert "focal@example.org" in page and "focal-other@example.org" in page
    assert "No focal point with an e-mail address" in page  # ACCC's
    bodies = {body.organisation.acronym: len(body.due) for body in client.get(PAGE).context["bodies"]}
    assert bodies == {"ACCC": 1, "TEST-OTHER": 1, "TEST-OWNER": 2}


def test_each_count_says_what_it_counts_where_a_phone_shows_the_rows_as_cards(client, secretariat, due):
    page = signed_in(client, secretariat).get(PAGE).content.decode()

    assert '<td data-label="Lines due">2</td>' in page
    assert '<td data-label="Of them overdue">0</td>' in page


def test_a_body_that_has_reported_is_not_listed(client, secretariat, due, owner, focal_point):
    for code in ("2.8.1", "2.8.2"):
        make_update(line("poa-2026-2030", code), due, owner, focal_point, state=StatusUpdate.State.SUBMITTED)
    bodies = signed_in(client, secretariat).get(PAGE).context["bodies"]
    assert "TEST-OWNER" not in {body.organisation.acronym for body in bodies}


def test_lines_past_the_deadline_are_counted_as_overdue(client, secretariat, due):
    ReportingPeriod.objects.filter(pk=due.pk).update(deadline=datetime.date(2000, 1, 1))
    bodies = {
        b.organisation.acronym: b.overdue for b in signed_in(client, secretariat).get(PAGE).context["bodies"]
    }
    assert bodies["TEST-OWNER"] == 2


def test_the_page_says_so_when_no_period_is_open(client, secretariat):
    ReportingPeriod.objects.update(is_open=False)
    page = signed_in(client, secretariat).get(PAGE).content.decode()
    assert "No reporting period is open" in page
    assert "No reminder has been sent yet." in page


def test_the_page_reads_in_chinese(client, secretariat, due):
    page = signed_in(client, secretariat).get(PAGE, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'lang="zh-hans"' in page
    assert "测试牵头机构" in page  # the body's Chinese name
    assert "（截止日期：" in page  # full-width brackets around the deadline, as Chinese writes them


def test_sending_first_states_how_many_e_mails_go_to_whom_and_sends_nothing(
    client, secretariat, due, owner, other_owner, mailoutbox
):
    response = signed_in(client, secretariat).post(SEND, {"organisations": [owner.pk, other_owner.pk]})
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 e-mails will go" in page
    assert "focal@example.org" in page and "focal-other@example.org" in page
    assert mailoutbox == [] and not ReminderSending.objects.exists()


def test_once_confirmed_the_reminders_go_to_the_chosen_bodies_only_and_the_sending_is_recorded(
    client, secretariat, due, owner, mailoutbox
):
    response = signed_in(client, secretariat).post(
        SEND, {"organisations": [owner.pk], "send": "1"}, follow=True
    )
    assert [message.to for message in mailoutbox] == [["focal@example.org"]]
    assert "2.8.1" in mailoutbox[0].body and "1.1.1" not in mailoutbox[0].body
    sending = ReminderSending.objects.get()
    assert (sending.sent_by, sending.source, sending.recipients, sending.failed) == (
        secretariat,
        "page",
        ["focal@example.org"],
        [],
    )
    assert list(sending.organisations.all()) == [owner]
    page = response.content.decode()
    assert "Reminder sent to 1 of 1 focal point." in page
    assert "Last sendings" in page and "1 e-mail" in page


def test_a_body_without_focal_point_cannot_be_reminded(client, secretariat, due, mailoutbox):
    accc = Organisation.objects.get(acronym="ACCC")
    response = signed_in(client, secretariat).post(
        SEND, {"organisations": [accc.pk], "send": "1"}, follow=True
    )
    assert "no focal point to write to" in response.content.decode()
    assert mailoutbox == [] and not ReminderSending.objects.exists()


def test_sending_with_no_body_ticked_says_so(client, secretariat, due, mailoutbox):
    response = signed_in(client, secretariat).post(SEND, {"send": "1"}, follow=True)
    assert "Select at least one body." in response.content.decode()
    assert mailoutbox == []


def test_the_scheduled_command_records_its_sending_with_no_sender(due, mailoutbox):
    call_command("send_reminders", "--today", "2026-11-20", stdout=StringIO(), stderr=StringIO())
    sending = ReminderSending.objects.get()
    assert (sending.sent_by, sending.source) == (None, "command")
    assert sorted(sending.recipients) == ["focal-other@example.org", "focal@example.org"]
    assert len(mailoutbox) == 2


def test_a_dry_run_of_the_command_records_nothing(due, mailoutbox):
    call_command("send_reminders", "--today", "2026-11-20", "--dry-run", stdout=StringIO(), stderr=StringIO())
    assert not ReminderSending.objects.exists()


def test_an_address_the_mail_server_refused_is_recorded_and_shown(client, secretariat, due, owner, settings):
    settings.EMAIL_BACKEND = "tests.test_notifications.BrokenMailServer"
    response = signed_in(client, secretariat).post(
        SEND, {"organisations": [owner.pk], "send": "1"}, follow=True
    )
    assert ReminderSending.objects.get().failed == ["focal@example.org"]
    assert "did not take the e-mails to focal@example.org" in response.content.decode()


@pytest.mark.parametrize("role", ["anonymous", "reader", "focal_point", "other_focal_point"])
def test_only_the_secretariat_sees_the_page_and_sends(client, request, role, due, owner, mailoutbox):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    client = signed_in(client, user)
    refused = 302 if role == "anonymous" else 403
    assert client.get(PAGE).status_code == refused
    assert client.post(SEND, {"organisations": [owner.pk], "send": "1"}).status_code == refused
    assert mailoutbox == [] and not ReminderSending.objects.exists()


@pytest.mark.parametrize("role", ["secretariat", "administrator"])
def test_the_secretariat_and_the_administrator_send(client, request, role, due, owner, mailoutbox):
    client = signed_in(client, request.getfixturevalue(role))
    assert client.get(PAGE).status_code == 200
    assert client.post(SEND, {"organisations": [owner.pk], "send": "1"}).status_code == 302
    assert len(mailoutbox) == 1


def test_sending_answers_only_a_post(client, secretariat):
    assert signed_in(client, secretariat).get(SEND).status_code == 405


def test_the_menu_links_to_the_reminders_page_for_the_secretariat_only(client, secretariat, reader):
    assert 'href="/reminders/"' in signed_in(client, secretariat).get("/").content.decode()
    assert 'href="/reminders/"' not in signed_in(client, reader).get("/").content.decode()
