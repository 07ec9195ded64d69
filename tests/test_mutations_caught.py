"""Rules that a small change of the code once broke without any test noticing (issue 11).

Each test states one behaviour through a public entry point (a page, a command, a model's verb
method or a report builder), so that it holds wherever the rule lives. docs/mutations.md lists
the change of the code each one catches.
"""

import datetime
import zoneinfo
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from commitments.importer import import_seeds
from commitments.models import ActionLine, Ownership, PeriodStatus, Status, StatusUpdate
from commitments.progress import PlanProgress
from commitments.progress_report.build import build_report

from .conftest import line, make_period, make_update, own
from .test_importer import CHINESE, failure_of, write_seeds
from .test_report_content import confirm, reported
from .test_report_editions import finalise

pytestmark = pytest.mark.django_db

PLAN = "poa-2026-2030"


def status(code: str) -> Status:
    return Status.objects.get(code=code)


def submitted_update(action_line, period, organisation, author, code: str = "ongoing") -> StatusUpdate:
    """An update waiting for review, written straight into the database: the tests here are about
    what happens to it next, not about how it was submitted."""
    return make_update(
        action_line, period, organisation, author, status=status(code), state=StatusUpdate.State.SUBMITTED,
        narrative_en=f"Progress on {action_line.code}.",
    )  # fmt: skip


# Who may report


def test_a_reviewer_named_focal_point_of_an_owner_still_cannot_report_for_it(client, period, owner, reader):
    owner.focal_points.add(reader)
    ownership = own(line(PLAN, "2.8.1"), owner)
    client.force_login(reader)

    response = client.post(reverse("commitments:update-start", args=[ownership.pk]))

    assert response.status_code == 403
    assert not StatusUpdate.objects.filter(line=ownership.line).exists()


@pytest.fixture
def draft_of_a_closed_period(period, owner, focal_point) -> StatusUpdate:
    transport = line(PLAN, "2.8.1")
    own(transport, owner)
    draft = make_update(transport, period, owner, focal_point, narrative_en="Before the period closed.")
    period.close_for_updates()
    return draft


@pytest.mark.parametrize("button", ["save", "submit"])
def test_a_focal_point_cannot_save_or_submit_an_update_once_its_period_is_closed(
    client, draft_of_a_closed_period, focal_point, button
):
    draft = draft_of_a_closed_period
    client.force_login(focal_point)

    client.post(
        reverse("commitments:update-edit", args=[draft.pk]),
        {
            "version": draft.version, "status": status("ongoing").pk, "narrative_en": "Written too late.",
            "activities-TOTAL_FORMS": 0, "activities-INITIAL_FORMS": 0,
            "evidence-TOTAL_FORMS": 0, "evidence-INITIAL_FORMS": 0, button: "",
        },
    )  # fmt: skip

    draft.refresh_from_db()
    assert (draft.state, draft.narrative_en, draft.status) == ("draft", "Before the period closed.", None)
    assert not draft.transitions.exists()


def test_the_update_page_offers_no_edit_once_its_period_is_closed(
    client, draft_of_a_closed_period, focal_point
):
    draft = draft_of_a_closed_period
    client.force_login(focal_point)

    page = client.get(reverse("commitments:update-detail", args=[draft.pk])).content.decode()

    assert reverse("commitments:update-edit", args=[draft.pk]) not in page


@pytest.mark.parametrize("elsewhere", ["https://evil.example/", "//evil.example/"])
def test_after_a_decision_the_reviewer_is_not_sent_to_another_site(
    client, period, owner, focal_point, secretariat, elsewhere
):
    update = submitted_update(line(PLAN, "2.8.1"), period, owner, focal_point)
    client.force_login(secretariat)

    response = client.post(
        reverse("commitments:update-review", args=[update.pk]),
        {"decision": "approve", "version": update.version, "next": elsewhere},
    )

    update.refresh_from_db()
    assert update.state == StatusUpdate.State.APPROVED
    assert response.status_code == 302
    assert response.url == reverse("commitments:review-queue")


# The review


def test_a_late_update_of_an_earlier_period_is_not_compared_with_the_owners_report_of_a_later_one(
    client, plan_2026, period, owner, focal_point, secretariat
):
    transport = line(PLAN, "2.8.1")
    own(transport, owner)
    later = make_period(
        plan_2026, label="2027–2028", starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31), deadline=datetime.date(2027, 11, 30), is_open=False,
    )  # fmt: skip
    make_update(
        transport, later, owner, focal_point, status=status("completed"), state=StatusUpdate.State.APPROVED,
        narrative_en="Completed in 2027.",
    )  # fmt: skip
    submitted_update(transport, period, owner, focal_point)
    client.force_login(secretariat)

    page = client.get(reverse("commitments:review-queue")).content.decode()

    assert "first approved report of this owner on this line" in page
    assert "Completed in 2027." not in page


def test_a_confirmed_period_status_keeps_the_proposal_it_was_confirmed_against(
    period, owner, other_owner, focal_point, other_focal_point, secretariat
):
    transport = line(PLAN, "2.8.1")
    own(transport, owner, role=Ownership.Role.LEAD)
    own(transport, other_owner, role=Ownership.Role.SUPPORTING)
    submitted_update(transport, period, other_owner, other_focal_point).approve(by=secretariat)
    # Nothing from the lead owner yet, so nothing is proposed: the officer chooses the status.
    PeriodStatus.objects.get(line=transport, period=period).confirm(by=secretariat, status=status("ongoing"))

    submitted_update(transport, period, owner, focal_point, code="completed").approve(by=secretariat)

    period_status = PeriodStatus.objects.get(line=transport, period=period)
    assert (period_status.status, period_status.proposed) == (status("ongoing"), None)


# The progress report and the dashboard


def test_a_report_made_in_the_last_moment_of_its_periods_last_day_reads_the_data_as_of_now(plan_2026):
    period = make_period(plan_2026)  # ends on 31 December 2026
    # Half a millisecond before the period ends: it has not ended, so the report reads "now",
    # not the last millisecond of the day, which has already passed.
    moment = datetime.datetime(2026, 12, 31, 23, 59, 59, 999500, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))

    with mock.patch("django.utils.timezone.now", return_value=moment):
        assert period.cutoff() == moment


def test_a_line_dropped_from_its_source_after_the_cutoff_is_still_in_that_periods_report(plan_2026):
    period = make_period(plan_2026, cutoff_on=datetime.date(2026, 6, 30))
    line(PLAN, "1.1.1").mark_missing_from_source()  # today, after the cut-off

    codes = [info.code for info in build_report(plan_2026, period, "en").lines()]

    assert "1.1.1" in codes


def test_a_line_the_final_edition_did_not_show_is_not_listed_as_changed_since_it(
    plan_2026, period, owner, focal_point, secretariat, evidence_root
):
    reported(period, owner, focal_point, secretariat, {"1.1.1": "ongoing"})
    dropped = line(PLAN, "3.1.1")
    confirm(dropped, period, "ongoing", secretariat)
    dropped.mark_missing_from_source()
    finalise(plan_2026, period, secretariat)
    # Back in its source document, as the importer leaves a line found there again.
    ActionLine.objects.filter(pk=dropped.pk).update(missing_from_source_since=None)

    draft = build_report(plan_2026, period, "en")

    assert "3.1.1" in [info.code for info in draft.lines()]
    assert draft.changes_since_final == []


def test_a_plan_with_no_line_left_in_its_source_has_no_share_implemented_rather_than_zero(plan_2026, period):
    ActionLine.objects.for_plan(plan_2026).update(missing_from_source_since=timezone.now())

    overall = PlanProgress(plan_2026, period).overall

    assert overall.total == 0
    assert overall.share_percent is None and overall.share_delta is None


# E-mail


def test_an_author_no_longer_active_is_not_mailed_when_their_update_is_approved(
    client, period, owner, focal_point, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    update = submitted_update(line(PLAN, "2.8.1"), period, owner, focal_point)
    focal_point.is_active = False
    focal_point.save()
    client.force_login(secretariat)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("commitments:update-review", args=[update.pk]),
            {"decision": "approve", "version": update.version},
        )

    update.refresh_from_db()
    assert update.state == StatusUpdate.State.APPROVED
    assert mailoutbox == []


def test_no_reminder_is_sent_for_a_line_dropped_from_its_source(period, owner, focal_point, mailoutbox):
    own(line(PLAN, "2.8.1"), owner)
    own(line(PLAN, "2.8.2"), owner)
    line(PLAN, "2.8.1").mark_missing_from_source()

    call_command("send_reminders", "--today", "2026-11-20", stdout=StringIO(), stderr=StringIO())

    [message] = mailoutbox
    assert "- 2.8.2 (TEST-OWNER)" in message.body
    assert "2.8.1" not in message.body


# Importing the source documents


def test_a_chinese_sentence_broken_by_a_page_break_is_imported_whole(tmp_path):
    broken = CHINESE.replace("（一）第二部分的唯一一行。", "（一）第二部分的唯一一行。\n\n分页后的下半句。")

    import_seeds(write_seeds(tmp_path / "seeds", chinese=broken))

    assert line("test-plan", "2.1").text_zh == "第二部分的唯一一行。分页后的下半句。"


def test_a_translation_whose_lines_stand_where_the_masters_have_others_fails(tmp_path: Path):
    # A statement in English, with its Chinese text read as decisions: both have one part of two
    # lines, so every count agrees, but the Chinese decisions are numbered 1 and 2, not 1.1 and 1.2.
    english = "Test statement\n\n1. WE DECIDE\n\n1.1 To do the first thing.\n\n1.2 To do the second thing.\n"
    chinese = "测试声明\n\n特此决定：\n\n一、做第一件事。\n\n二、做第二件事。\n"
    folder = write_seeds(tmp_path / "seeds", english=english, chinese=chinese)
    documents = folder / "documents.toml"
    documents.write_text(
        documents.read_text(encoding="utf-8").replace(
            'parser = "chinese", single_paragraph = "area"',
            'parser = "decisions", decisions_after = "特此决定"',
        ),
        encoding="utf-8",
    )

    message = failure_of(folder)

    assert "test.zh.txt, line 5: action line 1 stands where test.en.txt has 1.1" in message
