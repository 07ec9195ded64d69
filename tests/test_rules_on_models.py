"""Each rule once, on the model: the pages, the forms and the spreadsheet upload call it, never repeat it."""

import copy
import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from commitments import checking, notifications
from commitments.checking import check_rows
from commitments.forms import BulkReviewForm, PeriodStatusForm, ReviewForm
from commitments.models import (
    ActionLine,
    Evidence,
    Ownership,
    PeriodStatus,
    ReportEdition,
    ReportingPeriod,
    ReportUpload,
    Status,
    StatusUpdate,
)
from commitments.models import spreadsheets as upload_models
from commitments.models.plans import ActionLineQuerySet
from commitments.models.reports import ReportEditionQuerySet
from commitments.models.tracking import (
    EditConflict,
    EvidenceQuerySet,
    PeriodClosed,
    PeriodStatusQuerySet,
    StatusUpdateQuerySet,
)
from commitments.progress import PlanProgress
from commitments.progress_report.build import build_report
from commitments.views.review import lines_to_confirm

from .conftest import line, make_period, make_update, own, while_open

pytestmark = pytest.mark.django_db


def status(code: str) -> Status:
    return Status.objects.get(code=code)


def draft(code, period, organisation, author, role="lead", **values) -> StatusUpdate:
    action_line = line("poa-2026-2030", code)
    if not action_line.ownerships.filter(organisation=organisation).exists():
        own(action_line, organisation, role)
    values = {"status": status("ongoing"), "narrative_en": f"Progress on {code}."} | values
    return make_update(action_line, period, organisation, author, **values)


def closed(period: ReportingPeriod) -> ReportingPeriod:
    period.close_for_updates()
    return period


# Only while the period is open: on the model, whoever calls it.


def test_an_update_of_a_closed_period_cannot_be_saved_on_the_model(period, owner, focal_point):
    update = draft("2.8.1", period, owner, focal_point)
    closed(period)
    update.narrative_en = "Changed after the period closed."
    with pytest.raises(PeriodClosed, match="The period 2026–2027 is closed"):
        update.save_edit(["narrative_en"], expected_version=update.version)
    saved = StatusUpdate.objects.get(pk=update.pk)
    assert (saved.narrative_en, saved.version) == ("Progress on 2.8.1.", 1)


def test_an_update_of_a_closed_period_cannot_be_submitted_on_the_model(period, owner, focal_point):
    update = draft("2.8.1", period, owner, focal_point)
    closed(period)
    with pytest.raises(PeriodClosed, match="can no longer be changed or submitted"):
        update.submit(by=focal_point)
    assert StatusUpdate.objects.get(pk=update.pk).state == StatusUpdate.State.DRAFT
    assert not update.transitions.exists()


def test_the_model_reads_whether_the_period_is_open_now_not_when_the_update_was_loaded(
    period, owner, focal_point
):
    update = StatusUpdate.objects.select_related("period").get(
        pk=draft("2.8.1", period, owner, focal_point).pk
    )
    ReportingPeriod.objects.filter(pk=period.pk).update(is_open=False)  # closed by an officer meanwhile
    assert update.period.is_open
    with pytest.raises(PeriodClosed):
        update.submit(by=focal_point)


def test_a_spreadsheet_row_cannot_submit_into_a_closed_period(period, owner, focal_point, secretariat):
    own(line("poa-2026-2030", "2.8.1"), owner)
    values = {"plan": "poa-2026-2030", "period": period.label, "line": "2.8.1", "owner": owner.acronym,
              "status": "ongoing", "narrative_en": "Held in Hanoi.", "narrative_zh": ""}  # fmt: skip
    [row] = check_rows(period, [{"row": 3, **values}])
    assert row.outcome == checking.CREATE
    closed(period)
    with pytest.raises(PeriodClosed), transaction.atomic():  # as ReportUpload.confirm saves its rows
        row.save(period, by=secretariat, reason="spreadsheet upload")
    assert not StatusUpdate.objects.exists()


def test_a_spreadsheet_row_cannot_complete_a_draft_of_a_closed_period(
    period, owner, focal_point, secretariat
):
    update = draft("2.8.1", period, owner, focal_point, narrative_en="")
    values = {"plan": "poa-2026-2030", "period": period.label, "line": "2.8.1", "owner": owner.acronym,
              "status": "ongoing", "narrative_en": "Held in Hanoi.", "narrative_zh": ""}  # fmt: skip
    [row] = check_rows(period, [{"row": 3, **values}])
    assert row.outcome == checking.UPDATE
    closed(period)
    with pytest.raises(PeriodClosed):
        row.save(period, by=secretariat, reason="spreadsheet upload")
    assert StatusUpdate.objects.get(pk=update.pk).narrative_en == ""


def test_the_edit_page_shows_the_models_refusal_for_a_closed_period(client, period, owner, focal_point):
    update = draft("2.8.1", period, owner, focal_point)
    closed(period)
    client.force_login(focal_point)
    response = client.post(
        reverse("commitments:update-edit", args=[update.pk]),
        {"version": update.version, "status": status("ongoing").pk, "narrative_en": "Too late.",
         "activities-TOTAL_FORMS": 0, "activities-INITIAL_FORMS": 0,
         "evidence-TOTAL_FORMS": 0, "evidence-INITIAL_FORMS": 0, "submit": "1"},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    assert StatusUpdate.objects.get(pk=update.pk).narrative_en == "Progress on 2.8.1."
    assert StatusUpdate.objects.get(pk=update.pk).state == StatusUpdate.State.DRAFT


def test_an_update_is_open_for_editing_only_as_a_draft_or_returned_in_an_open_period(
    period, owner, focal_point
):
    update = draft("2.8.1", period, owner, focal_point)
    assert update.is_open_for_editing
    update.period.is_open = False
    assert not update.is_open_for_editing


# The forms show the model's rule at the field; they do not repeat it.


def test_the_review_forms_show_the_models_rule_for_a_return_comment(monkeypatch, period, owner, focal_point):
    monkeypatch.setattr(
        StatusUpdate, "return_errors", staticmethod(lambda comment: {"comment": "The model's own words."})
    )
    form = ReviewForm({"decision": "return", "comment": "Please add the date.", "version": 1})
    assert not form.is_valid() and form.errors["comment"] == ["The model's own words."]
    update = draft("2.8.1", period, owner, focal_point)
    update.submit(by=focal_point)
    bulk = BulkReviewForm({"decision": "return", "comment": "Please add the date.", "updates": [update.pk]})
    assert not bulk.is_valid() and "comment" in bulk.errors


def test_a_blank_return_comment_is_refused_by_the_model_and_the_form_alike(
    period, owner, focal_point, secretariat
):
    update = draft("2.8.1", period, owner, focal_point)
    update.submit(by=focal_point)
    form = ReviewForm({"decision": "return", "comment": "   ", "version": update.version})
    assert not form.is_valid()
    with pytest.raises(Exception, match=str(form.errors["comment"][0])):
        update.return_for_changes(by=secretariat, comment="   ")


def test_the_status_form_shows_the_models_rule_for_a_reason(monkeypatch):
    monkeypatch.setattr(
        PeriodStatus, "confirmation_errors", lambda self, status, reason: {"reason": "The model's own words."}
    )
    form = PeriodStatusForm(
        {"status": status("ongoing").pk, "reason": "Checked."}, proposed=status("ongoing")
    )
    assert not form.is_valid() and form.errors["reason"] == ["The model's own words."]


def test_a_changed_status_without_a_reason_is_refused_by_the_model_and_the_form_alike(period):
    proposal = PeriodStatus(line=line("poa-2026-2030", "2.8.1"), period=period, proposed=status("ongoing"))
    errors = proposal.confirmation_errors(status("completed"), " ")
    form = PeriodStatusForm({"status": status("completed").pk, "reason": " "}, proposed=status("ongoing"))
    assert not form.is_valid() and form.errors["reason"] == [errors["reason"]]
    assert proposal.confirmation_errors(status("completed"), "Finished early.") == {}


# One definition each: a line's current status, an owner yet to report, the lead owner's proposal.


def confirmed_in(period, code, status_code, by):
    return PeriodStatus.objects.create(
        line=line("poa-2026-2030", code), period=period, status=status(status_code),
        confirmed_by=by, confirmed_at=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC),
    )  # fmt: skip


def test_the_register_the_line_page_and_the_export_read_one_definition_of_current_status(
    monkeypatch, client, plan_2026, period, reader, secretariat
):
    earlier = make_period(plan_2026, label="2025", starts_on=datetime.date(2025, 1, 1),
                          ends_on=datetime.date(2025, 12, 31), deadline=datetime.date(2025, 11, 30),
                          is_open=False)  # fmt: skip
    confirmed_in(earlier, "2.8.1", "completed", secretariat)
    confirmed_in(period, "2.8.1", "ongoing", secretariat)
    action_line = line("poa-2026-2030", "2.8.1")
    assert ActionLine.objects.with_current_status().get(pk=action_line.pk).current_status == status("ongoing")

    # Another definition (the earliest period first) shows everywhere, or the pages had their own.
    def earliest_first(self):
        return self.confirmed().order_by("period__ends_on", "pk")

    monkeypatch.setattr(PeriodStatusQuerySet, "latest_confirmed", earliest_first)
    client.force_login(reader)
    page = client.get(action_line.get_absolute_url())
    assert page.context["current"].status == status("completed")
    register = ActionLine.objects.with_current_status().get(pk=action_line.pk)
    assert (register.current_status, register.current_status_code) == (status("completed"), "completed")
    assert ActionLine.objects.get(pk=action_line.pk).current_status == status("completed")


def test_reminders_overdue_lines_the_dashboard_and_my_lines_share_one_owner_yet_to_report(
    monkeypatch, client, plan_2026, owner, focal_point
):
    period = make_period(plan_2026, deadline=datetime.date(2026, 1, 31))  # past: lines are overdue
    update = draft("2.8.1", period, owner, focal_point)
    update.submit(by=focal_point)
    draft("2.8.2", period, owner, focal_point)  # a draft: yet to report
    Ownership.objects.exclude(line__code__in=["2.8.1", "2.8.2"]).delete()

    def due():
        reminders = notifications.reminders_due(datetime.date(2026, 3, 1), 14)
        reminded = sorted(item.line.code for reminder in reminders for item in reminder.due)
        overdue = sorted(
            ActionLine.objects.for_plan(plan_2026).overdue_in(period).values_list("code", flat=True)
        )
        [owner_row] = PlanProgress(plan_2026, period).by_owner
        client.force_login(focal_point)
        mine = sorted(row[0].line.code for row in client.get(reverse("commitments:my-lines")).context["due"])
        return reminded, overdue, owner_row.overdue, mine

    assert due() == (["2.8.2"], ["2.8.2"], 1, ["2.8.2"])
    # Were only approved updates to count as reported, all four would say so together.
    monkeypatch.setattr(StatusUpdate, "REPORTED", {StatusUpdate.State.APPROVED})
    assert due() == (["2.8.1", "2.8.2"], ["2.8.1", "2.8.2"], 2, ["2.8.1", "2.8.2"])


def test_the_review_queue_and_the_period_status_read_one_definition_of_the_lead_owners_proposal(
    monkeypatch, period, owner, other_owner, focal_point, other_focal_point, secretariat, administrator
):
    lead = draft("2.8.1", period, owner, focal_point, role="lead")
    supporting = draft("2.8.1", period, other_owner, other_focal_point, role="supporting",
                       status=status("completed"))  # fmt: skip
    for update in (lead, supporting):
        update.submit(by=update.author)
    lead.approve(by=secretariat)
    supporting.approve(by=secretariat)
    action_line = line("poa-2026-2030", "2.8.1")
    assert PeriodStatus.proposal_for(action_line, period) == status("ongoing")
    assert lines_to_confirm(administrator)[0]["proposed"] == status("ongoing")

    # Another definition (the supporting owner's) shows in both, or one of them had its own.
    def supporting_owners(self):
        return self.approved().exclude(organisation__ownerships__role=Ownership.Role.LEAD)

    monkeypatch.setattr(StatusUpdateQuerySet, "proposals", supporting_owners)
    assert PeriodStatus.proposal_for(action_line, period) == status("completed")
    assert lines_to_confirm(administrator)[0]["proposed"] == status("completed")


# Where things live and what they are called.


def test_the_spreadsheet_row_checker_lives_outside_the_models():
    for name in ("CheckedRow", "Known", "Preview", "check_rows"):
        assert getattr(checking, name).__module__ == "commitments.checking"
    models_there = {
        name for name, value in vars(upload_models).items()
        if isinstance(value, type) and value.__module__ == "commitments.models.spreadsheets"
    }  # fmt: skip
    assert models_there == {"ReportUpload", "ReportUploadQuerySet", "UploadRefused"}
    assert ReportUpload.objects.model is ReportUpload


def test_finalising_stores_the_content_it_is_handed_without_building_a_report(
    monkeypatch, plan_2026, period, secretariat, evidence_root
):
    content = build_report(plan_2026, period, "en", is_final=True)

    def no_build(*args, **kwargs):
        raise AssertionError("finalise built the report itself")

    monkeypatch.setattr("commitments.progress_report.build.build_report", no_build)
    edition = ReportEdition.finalise(plan_2026, period, content, by=secretariat,
                                     renderers={"html": lambda content: b"<html>"})  # fmt: skip
    assert edition.content == content.to_json() and edition.language == "en"


def test_finalising_refuses_a_draft_or_another_periods_content(plan_2026, period, secretariat, evidence_root):
    with pytest.raises(ValueError):
        ReportEdition.finalise(plan_2026, period, build_report(plan_2026, period, "en"), by=secretariat,
                               renderers={})  # fmt: skip
    other = make_period(plan_2026, label="2027–2028", starts_on=datetime.date(2027, 1, 1),
                        ends_on=datetime.date(2027, 12, 31), deadline=datetime.date(2027, 11, 30),
                        is_open=False)  # fmt: skip
    with pytest.raises(ValueError):
        ReportEdition.finalise(plan_2026, period, build_report(plan_2026, other, "en", is_final=True),
                               by=secretariat, renderers={})  # fmt: skip
    assert not ReportEdition.objects.exists()


def test_current_means_one_thing_the_period_a_page_opens_on(
    plan_2026, period, owner, focal_point, secretariat
):
    assert not hasattr(ReportEditionQuerySet, "current") and not hasattr(EvidenceQuerySet, "current")
    assert not hasattr(PeriodStatusQuerySet, "current_for") and not hasattr(ActionLineQuerySet, "current")
    assert ReportingPeriod.objects.for_plan(plan_2026).current() == period
    update = draft("2.8.1", period, owner, focal_point)
    kept = Evidence.objects.create(update=update, title_en="Kept", link="https://example.org/a")
    Evidence.objects.create(update=update, title_en="Gone", link="https://example.org/b").withdraw(
        by=focal_point
    )
    assert list(Evidence.objects.not_withdrawn()) == [kept]


# The compare-and-set of an edit, caught on SQLite too.


def test_an_edit_based_on_a_stale_version_is_refused_and_changes_nothing(period, owner, focal_point):
    update = draft("2.8.1", period, owner, focal_point)
    mine, theirs = StatusUpdate.objects.get(pk=update.pk), StatusUpdate.objects.get(pk=update.pk)
    started = mine.version

    theirs.narrative_en = "Their text, saved first."
    theirs.save_edit(["narrative_en"], expected_version=started)
    recorded = update.history.count()
    mine.narrative_en = "My text, saved second."
    with pytest.raises(EditConflict):
        mine.save_edit(["narrative_en"], expected_version=started)

    saved = StatusUpdate.objects.get(pk=update.pk)
    assert (saved.narrative_en, saved.version) == ("Their text, saved first.", started + 1)
    assert update.history.count() == recorded


def test_an_edit_claims_the_version_it_saves(period, owner, focal_point):
    update = draft("2.8.1", period, owner, focal_point)
    stale = copy.copy(update)
    update.save_edit(["narrative_en"], expected_version=1)
    with pytest.raises(EditConflict):
        stale.save_edit(["narrative_en"], expected_version=1)
    with pytest.raises(EditConflict):  # a version not yet reached is no better
        update.save_edit(["narrative_en"], expected_version=5)
    assert StatusUpdate.objects.get(pk=update.pk).version == 2


def test_history_written_while_a_period_was_open_stays_readable_after_it_closed(
    plan_2026, period, owner, focal_point, secretariat
):
    earlier = make_period(plan_2026, label="2025", starts_on=datetime.date(2025, 1, 1),
                          ends_on=datetime.date(2025, 12, 31), deadline=datetime.date(2025, 11, 30),
                          is_open=False)  # fmt: skip
    with while_open(earlier):
        update = draft("2.8.1", earlier, owner, focal_point)
        update.submit(by=focal_point)
    update.approve(by=secretariat)  # reviewing goes on after the period closed
    assert StatusUpdate.objects.get(pk=update.pk).state == StatusUpdate.State.APPROVED
    assert (
        ReportingPeriod.objects.get(pk=period.pk).is_open
        and not ReportingPeriod.objects.get(pk=earlier.pk).is_open
    )
