"""The status update life cycle, edit conflicts, period statuses and history, on the models."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from commitments.models import Ownership, PeriodStatus, Status, StatusUpdate
from commitments.models.tracking import EditConflict, IllegalTransition

from .conftest import line, make_organisation, make_period, make_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def update(plan_2026, reader):
    """A draft with progress to report but no status yet."""
    transport = make_organisation()
    return make_update(
        line("poa-2026-2030", "2.8.1"), make_period(plan_2026), transport, reader,
        narrative_en="The working group met in Manila.",
    )  # fmt: skip


def ongoing() -> Status:
    return Status.objects.get(code="ongoing")


def test_the_four_roles_and_six_statuses_are_created_by_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Administrator", "Secretariat officer", "Focal point", "Reviewer",
    }  # fmt: skip
    assert Group.objects.get(name="Reviewer").permissions.filter(codename__startswith="change").count() == 0
    assert (
        Group.objects.get(name="Secretariat officer")
        .permissions.filter(codename="review_statusupdate")
        .exists()
    )
    assert list(Status.objects.values_list("code", flat=True)) == [
        "not-started", "planned", "ongoing", "completed", "delayed", "discontinued",
    ]  # fmt: skip
    assert Status.objects.get(code="ongoing").label_zh == "正在实施"


def test_an_update_goes_from_draft_to_submitted_to_approved(update, administrator, reader):
    update.status = ongoing()
    update.save()
    update.submit(by=reader)
    update.approve(by=administrator, comment="Thank you")
    update.refresh_from_db()
    assert update.state == StatusUpdate.State.APPROVED
    steps = [(t.from_state, t.to_state, t.by, t.comment) for t in update.transitions.all()]
    assert steps == [
        ("draft", "submitted", reader, ""),
        ("submitted", "approved", administrator, "Thank you"),
    ]


def test_a_returned_update_is_edited_and_resubmitted(update, administrator, reader):
    update.status = ongoing()
    update.save()
    update.submit(by=reader)
    update.return_for_changes(by=administrator, comment="Please add the meeting date.")
    update.narrative_en = "The meeting was held on 3 March 2026."
    update.save_edit(["narrative_en"], expected_version=update.version)
    update.submit(by=reader)
    assert [t.to_state for t in update.transitions.all()] == ["submitted", "returned", "submitted"]
    assert update.transitions.get(to_state="returned").comment == "Please add the meeting date."


@pytest.mark.parametrize(
    "state, move",
    [("draft", "approve"), ("draft", "return"), ("approved", "submit"), ("approved", "return"),
     ("returned", "approve"), ("submitted", "submit")],
)  # fmt: skip
def test_illegal_transitions_are_refused(update, administrator, state, move):
    update.status, update.state = ongoing(), state
    update.save()
    actions = {
        "submit": lambda: update.submit(by=administrator),
        "approve": lambda: update.approve(by=administrator),
        "return": lambda: update.return_for_changes(by=administrator, comment="why"),
    }
    with pytest.raises(IllegalTransition):
        actions[move]()
    update.refresh_from_db()
    assert update.state == state and not update.transitions.exists()


def test_an_update_without_a_status_cannot_be_submitted(update, reader):
    with pytest.raises(IllegalTransition, match="Choose a status"):
        update.submit(by=reader)


def test_an_update_without_progress_in_either_language_cannot_be_submitted(update, reader):
    update.status, update.narrative_en = ongoing(), "  "
    update.save()
    with pytest.raises(IllegalTransition, match="Describe the progress in English or Chinese"):
        update.submit(by=reader)
    assert update.state == "draft" and not update.transitions.exists()


def test_submitting_a_delayed_update_without_a_reason_is_refused(update, reader):
    update.status = Status.objects.get(code="delayed")
    update.save()
    assert update.submission_errors() == {
        "reason_en": "Say why the line is delayed, in English or Chinese, before submitting."
    }
    with pytest.raises(IllegalTransition, match="Say why the line is delayed"):
        update.submit(by=reader)
    update.refresh_from_db()
    assert update.state == "draft" and not update.transitions.exists()


def test_a_delayed_update_with_a_reason_only_in_chinese_is_submitted(update, reader):
    update.status, update.reason_zh = Status.objects.get(code="delayed"), "东道国需要更多筹备时间。"
    update.save()
    update.submit(by=reader)
    update.refresh_from_db()
    assert (update.state, update.reason_en, update.reason_zh) == ("submitted", "", "东道国需要更多筹备时间。")


def test_a_status_an_administrator_flags_as_needing_a_reason_needs_one_too(update, reader):
    Status.objects.filter(code="planned").update(needs_reason=True)
    update.status = Status.objects.get(code="planned")
    update.save()
    with pytest.raises(IllegalTransition, match="Say why the line is planned"):
        update.submit(by=reader)
    update.reason_en = "The partner body is still reviewing its work plan."
    update.submit(by=reader)
    assert update.state == "submitted"


def test_only_delayed_and_discontinued_need_a_reason_out_of_the_box():
    assert set(Status.objects.filter(needs_reason=True).values_list("code", flat=True)) == {
        "delayed", "discontinued",
    }  # fmt: skip


def test_returning_needs_a_comment(update, administrator, reader):
    update.status = ongoing()
    update.save()
    update.submit(by=reader)
    with pytest.raises(IllegalTransition, match="Say what needs to change"):
        update.return_for_changes(by=administrator, comment="  ")


def test_the_second_of_two_edits_of_the_same_version_is_refused(update):
    first, second = StatusUpdate.objects.get(pk=update.pk), StatusUpdate.objects.get(pk=update.pk)
    first.narrative_en = "First editor's text."
    first.save_edit(["narrative_en"], expected_version=1)
    second.narrative_en = "Second editor's text."
    with pytest.raises(EditConflict):
        second.save_edit(["narrative_en"], expected_version=1)
    update.refresh_from_db()
    assert update.narrative_en == "First editor's text." and update.version == 2


def test_an_approved_update_can_no_longer_be_edited(update, administrator, reader):
    update.status = ongoing()
    update.save()
    update.submit(by=reader)
    update.approve(by=administrator)
    update.narrative_en = "Too late."
    with pytest.raises(IllegalTransition):
        update.save_edit(["narrative_en"], expected_version=update.version)


def test_each_change_of_an_update_is_kept_in_its_history(update, reader):
    update.narrative_zh = "会议已举行。"
    update.save_edit(["narrative_zh"], expected_version=1)
    update.status = ongoing()
    update.save()
    update.submit(by=reader)
    history = list(update.history.order_by("history_date").values_list("narrative_zh", "state"))
    assert history[0] == ("", "draft") and ("会议已举行。", "draft") in history
    assert history[-1] == ("会议已举行。", "submitted")


def test_one_owner_reports_once_per_line_and_period(update, reader):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_update(update.line, update.period, update.organisation, reader)


def test_at_most_one_period_per_plan_is_open(plan_2026):
    make_period(plan_2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_period(
            plan_2026,
            label="2027–2028",
            starts_on=datetime.date(2027, 1, 1),
            ends_on=datetime.date(2027, 12, 31),
        )


def test_a_period_status_differing_from_the_proposal_needs_a_reason(update, administrator):
    proposal = PeriodStatus.objects.create(line=update.line, period=update.period, proposed=ongoing())
    with pytest.raises(IllegalTransition, match="Give a reason"):
        proposal.confirm(by=administrator, status=Status.objects.get(code="delayed"))
    proposal.confirm(by=administrator, status=Status.objects.get(code="delayed"), reason="Meeting postponed")
    assert PeriodStatus.objects.confirmed().get().status.code == "delayed"


def test_a_suggested_owner_is_confirmed_or_rejected(update, administrator):
    ownership = Ownership.objects.create(
        line=update.line, organisation=update.organisation, state=Ownership.State.SUGGESTED
    )
    ownership.confirm(by=administrator, role=Ownership.Role.LEAD)
    assert Ownership.objects.confirmed().get().role == "lead"
    assert ownership.history.count() == 2


def test_importing_records_the_lines_in_their_history():
    assert line("poa-2026-2030", "1.1.1").history.count() == 1
