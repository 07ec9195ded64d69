"""E-mail when an update is submitted, approved or returned, and the send_reminders command."""

import datetime
import smtplib
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.db import transaction

from commitments import notifications
from commitments.models import Ownership, ReportingPeriod, Status, StatusUpdate

from .conftest import line, make_organisation, make_period, make_update

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2026, 11, 30)


class BrokenMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def make_user(django_user_model):
    def make(username: str, group: str | None = None, email: str | None = None, **fields):
        email = f"{username}@example.org" if email is None else email
        user = django_user_model.objects.create_user(username, email, "pw-Mail-2026", **fields)
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def transport():
    return make_organisation(acronym="TEST-MAIL")


@pytest.fixture
def period(plan_2026):
    return make_period(plan_2026, deadline=DEADLINE)


@pytest.fixture
def focal_point(make_user, transport):
    user = make_user("fp", "Focal point", first_name="Mei", last_name="Lin")
    transport.focal_points.add(user)
    return user


@pytest.fixture
def officer(make_user):
    return make_user("officer", "Secretariat officer")


@pytest.fixture
def submitted(period, transport, focal_point):
    ongoing = Status.objects.get(code="ongoing")
    update = make_update(
        line("poa-2026-2030", "2.8.1"), period, transport, focal_point, status=ongoing,
        narrative_en="The working group met in Manila.",
    )  # fmt: skip
    update.submit(by=focal_point)
    return update


def owns(organisation, code: str, state=Ownership.State.CONFIRMED) -> Ownership:
    return Ownership.objects.create(line=line("poa-2026-2030", code), organisation=organisation, state=state)


def recipients(mailoutbox) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


def send_reminders(*args: str) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=out)
    return out.getvalue()


# The moves of a status update


def test_a_submitted_update_is_mailed_to_each_secretariat_officer_and_to_no_one_else(
    submitted, officer, focal_point, make_user, administrator, mailoutbox, django_capture_on_commit_callbacks
):
    other_officer = make_user("officer2", "Secretariat officer")
    make_user("reviewer", "Reviewer")
    make_user("another-fp", "Focal point")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.update_submitted(submitted)
    assert recipients(mailoutbox) == sorted([officer.email, other_officer.email])
    assert all(len(message.to) == 1 for message in mailoutbox)
    subject = "[ASEAN–China tracker] 2.8.1 TEST-MAIL 2026–2027: submitted for review / 已提交审核"
    assert mailoutbox[0].subject == subject
    assert "Mei Lin (TEST-MAIL) submitted a status update for review." in mailoutbox[0].body


def test_someone_given_the_review_permission_directly_is_mailed_but_a_superuser_alone_is_not(
    submitted, make_user, administrator, mailoutbox, django_capture_on_commit_callbacks
):
    direct = make_user("direct")
    direct.user_permissions.add(Permission.objects.get(codename="review_statusupdate"))
    with django_capture_on_commit_callbacks(execute=True):
        notifications.update_submitted(submitted)
    assert recipients(mailoutbox) == [direct.email]


def test_an_officer_without_an_e_mail_address_or_no_longer_active_is_skipped(
    submitted, officer, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    make_user("no-address", "Secretariat officer", email="")
    make_user("gone", "Secretariat officer", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.update_submitted(submitted)
    assert recipients(mailoutbox) == [officer.email]


def test_the_body_is_in_english_then_chinese_with_an_absolute_link_to_the_update(
    submitted, officer, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://tracker.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        notifications.update_submitted(submitted)
    body = mailoutbox[0].body
    english, chinese = body.split("—" * 30)
    assert "Ongoing" in english and "Further strengthen policy dialogue" in english
    assert "正在实施" in chinese and "行动措施 2.8.1" in chinese
    assert f"https://tracker.example.org/updates/{submitted.pk}/" in english
    assert f"https://tracker.example.org/updates/{submitted.pk}/" in chinese
    assert "&#x27;" not in body and "&amp;" not in body  # plain text, not HTML-escaped


def test_an_approved_update_is_mailed_to_its_author_with_the_reviewer_comment(
    submitted, officer, focal_point, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted.approve(by=officer, comment="Thank you.")
        notifications.update_approved(submitted, comment="Thank you.")
    [message] = mailoutbox
    assert message.to == [focal_point.email]
    assert message.subject.endswith("2.8.1 TEST-MAIL 2026–2027: approved / 批准")
    assert "Your status update on action line 2.8.1 was approved." in message.body
    assert "> Thank you." in message.body


def test_a_returned_update_is_mailed_to_its_author_quoting_what_needs_to_change(
    submitted, officer, focal_point, mailoutbox, django_capture_on_commit_callbacks
):
    comment = "Please add the meeting date.\nAnd the place."
    with django_capture_on_commit_callbacks(execute=True):
        submitted.return_for_changes(by=officer, comment=comment)
        notifications.update_returned(submitted, comment)
    [message] = mailoutbox
    assert message.to == [focal_point.email]
    assert "returned for changes" in message.subject
    assert "> Please add the meeting date.\n> And the place." in message.body


def test_an_author_without_an_e_mail_address_gets_nothing(
    submitted, officer, focal_point, mailoutbox, django_capture_on_commit_callbacks
):
    focal_point.email = ""
    focal_point.save()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.update_approved(submitted)
    assert mailoutbox == []


def test_no_mail_goes_out_for_a_change_that_was_rolled_back(
    submitted, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            notifications.update_submitted(submitted)
            raise RuntimeError("the view failed after the move")
    assert mailoutbox == []


def test_a_broken_mail_server_is_logged_and_does_not_undo_the_move(
    submitted, officer, focal_point, mailoutbox, django_capture_on_commit_callbacks, settings, caplog
):
    settings.EMAIL_BACKEND = "tests.test_notifications.BrokenMailServer"
    with django_capture_on_commit_callbacks(execute=True):
        submitted.approve(by=officer)
        notifications.update_approved(submitted)
    submitted.refresh_from_db()
    assert submitted.state == StatusUpdate.State.APPROVED
    assert f"Could not send 1 e-mail(s) to {focal_point.email}" in caplog.text


# Reminders before the deadline


def test_a_reminder_goes_to_the_focal_points_of_an_owner_that_has_not_submitted(
    period, transport, focal_point, make_user
):
    owns(transport, "2.8.1")
    owns(transport, "2.8.2")
    colleague = make_user("wang", "Focal point")
    transport.focal_points.add(colleague)
    reminders = notifications.reminders_due(datetime.date(2026, 11, 20), days=14)
    assert [reminder.user for reminder in reminders] == [focal_point, colleague]
    assert [item.line.code for item in reminders[0].due] == ["2.8.1", "2.8.2"]


def test_lines_with_a_submitted_or_approved_update_are_not_due_but_drafts_and_returned_ones_are(
    period, transport, focal_point
):
    codes = ["2.8.1", "2.8.2", "2.8.3", "2.8.4"]
    states = ["submitted", "approved", "draft", "returned"]
    for code, state in zip(codes, states, strict=True):
        owns(transport, code)
        make_update(line("poa-2026-2030", code), period, transport, focal_point, state=state)
    [reminder] = notifications.reminders_due(datetime.date(2026, 11, 20), days=14)
    assert [item.line.code for item in reminder.due] == ["2.8.3", "2.8.4"]


def test_only_confirmed_owners_are_reminded(period, transport, focal_point):
    owns(transport, "2.8.1", state=Ownership.State.SUGGESTED)
    owns(transport, "2.8.2", state=Ownership.State.REJECTED)
    assert notifications.reminders_due(datetime.date(2026, 11, 20), days=14) == []


def test_a_focal_point_without_an_e_mail_address_or_inactive_is_not_reminded(
    period, transport, focal_point, make_user
):
    owns(transport, "2.8.1")
    transport.focal_points.add(make_user("no-address", email=""), make_user("gone", is_active=False))
    reminders = notifications.reminders_due(datetime.date(2026, 11, 20), days=14)
    assert [reminder.user for reminder in reminders] == [focal_point]


def test_no_reminder_further_than_the_given_days_from_the_deadline(period, transport, focal_point):
    owns(transport, "2.8.1")
    assert notifications.reminders_due(DEADLINE - datetime.timedelta(days=15), days=14) == []
    assert len(notifications.reminders_due(DEADLINE - datetime.timedelta(days=14), days=14)) == 1


def test_an_open_period_past_its_deadline_is_reminded_as_overdue(period, transport, focal_point, mailoutbox):
    owns(transport, "2.8.1")
    [reminder] = notifications.reminders_due(datetime.date(2026, 12, 5), days=14)
    assert notifications.send_reminder(reminder, datetime.date(2026, 12, 5))
    assert "Plan of Action 2026–2030 2026–2027: overdue since 30 Nov 2026" in mailoutbox[0].body


def test_a_closed_period_is_not_reminded(period, transport, focal_point):
    owns(transport, "2.8.1")
    ReportingPeriod.objects.filter(pk=period.pk).update(is_open=False)
    assert notifications.reminders_due(datetime.date(2026, 11, 20), days=14) == []


# The send_reminders command


def test_the_command_writes_to_each_focal_point_and_names_them(
    period, transport, focal_point, mailoutbox, settings
):
    settings.SITE_URL = "https://tracker.example.org"
    owns(transport, "2.8.1")
    owns(transport, "2.8.2")
    output = send_reminders("--today", "2026-11-20")
    assert "Wrote to fp@example.org (TEST-MAIL): 2 lines due 30 Nov 2026" in output
    assert "Wrote to 1 of 1 focal point." in output
    [message] = mailoutbox
    assert message.to == ["fp@example.org"]
    subject = "[ASEAN–China tracker] Status updates due by 30 Nov 2026 / 进展更新截止日期 2026年11月30日"
    assert message.subject == subject
    assert "- 2.8.2 (TEST-MAIL) Promote comprehensive civil aviation cooperation" in message.body
    assert "https://tracker.example.org/plans/poa-2026-2030/lines/2.8.2/" in message.body
    assert "Plan of Action 2026–2030 2026–2027: due by 30 Nov 2026" in message.body


def test_one_e_mail_per_focal_point_lists_the_lines_of_all_their_organisations(
    period, transport, focal_point, mailoutbox
):
    aviation = make_organisation(acronym="TEST-MAIL-AIR")
    aviation.focal_points.add(focal_point)
    owns(transport, "2.8.1")
    owns(aviation, "2.8.2")
    output = send_reminders("--today", "2026-11-20")
    assert "Wrote to fp@example.org (TEST-MAIL, TEST-MAIL-AIR): 2 lines due 30 Nov 2026" in output
    assert len(mailoutbox) == 1


def test_a_dry_run_lists_the_recipients_and_sends_nothing(period, transport, focal_point, mailoutbox):
    owns(transport, "2.8.1")
    output = send_reminders("--today", "2026-11-20", "--dry-run")
    assert "Would write to fp@example.org (TEST-MAIL): 1 line due 30 Nov 2026" in output
    assert "nothing was sent" in output
    assert mailoutbox == []


def test_the_command_says_so_when_no_period_is_open(transport, focal_point, mailoutbox):
    ReportingPeriod.objects.update(is_open=False)
    assert send_reminders() == "No reporting period is open; nothing to send.\n"
    assert mailoutbox == []


def test_the_command_says_so_when_nothing_is_due_within_the_days(period, transport, focal_point, mailoutbox):
    owns(transport, "2.8.1")
    output = send_reminders("--today", "2026-10-01", "--days", "7")
    assert "No focal point has lines due within 7 days of 1 Oct 2026; nothing to send." in output
    assert mailoutbox == []


def test_the_command_refuses_a_date_it_cannot_read():
    with pytest.raises(CommandError, match="not a date"):
        send_reminders("--today", "30/11/2026")
