"""What two people doing the same thing at once must not break, on any database.

The real races, on two connections, are in test_concurrency.py (PostgreSQL only). Here each race
is replayed in one thread: the other person's save lands between this one's check and its
write, or the database gives up a transaction in a race for a lock, as PostgreSQL does.
"""

import datetime

import psycopg.errors
import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.urls import reverse

from commitments.forms import PeriodForm
from commitments.models import EditionFile, ReportEdition, ReportingPeriod, ReportUpload, Status, StatusUpdate
from commitments.models.reports import AlreadyFinal
from commitments.models.spreadsheets import UploadRefused
from commitments.progress_report.build import build_report

from .conftest import line, make_period, make_update, own
from .test_reporting import form_data

pytestmark = pytest.mark.django_db


def deadlock() -> OperationalError:
    """What Django raises when PostgreSQL gives up a transaction caught in a deadlock."""
    try:
        try:
            raise psycopg.errors.DeadlockDetected("deadlock detected")
        except psycopg.errors.DeadlockDetected as cause:
            raise OperationalError("deadlock detected") from cause
    except OperationalError as error:
        return error


# Reporting periods: the plan's periods keep apart, and each has its own label.

NEXT = {"label": "2027–2028", "starts_on": "2027-01-01", "ends_on": "2027-12-31", "deadline": "2027-11-30"}


def period_form(plan, **data) -> PeriodForm:
    return PeriodForm(NEXT | data, instance=ReportingPeriod(plan=plan))


def test_a_period_overlapping_another_is_refused_by_the_model_without_the_form(plan_2026, period):
    overlapping = ReportingPeriod(
        plan=plan_2026, label="Mid-2026", starts_on=datetime.date(2026, 6, 1),
        ends_on=datetime.date(2027, 5, 31), deadline=datetime.date(2027, 4, 30),
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        overlapping.save_checked()
    assert refused.value.message_dict == {"starts_on": ["This overlaps the period 2026–2027."]}
    assert ReportingPeriod.objects.for_plan(plan_2026).count() == 1


def test_a_period_may_start_the_day_the_one_before_it_ends(plan_2026, period):
    following = period_form(plan_2026, starts_on="2026-12-31")
    assert following.is_valid(), following.errors
    following.save()
    assert ReportingPeriod.objects.for_plan(plan_2026).count() == 2


def test_of_two_officers_adding_overlapping_periods_at_once_the_second_is_told_on_its_field(plan_2026):
    first, second = period_form(plan_2026), period_form(plan_2026, label="2027", starts_on="2027-06-01")
    assert first.is_valid() and second.is_valid()  # both checked before either is saved
    first.save()
    with pytest.raises(ValidationError) as refused:
        second.save()
    second.add_error(None, refused.value)
    assert second.errors == {"starts_on": ["This overlaps the period 2027–2028."]}
    assert list(ReportingPeriod.objects.for_plan(plan_2026).values_list("label", flat=True)) == ["2027–2028"]


@pytest.fixture
def another_officer_saves_first(monkeypatch, plan_2026):
    """The other officer's period is saved between this officer's form check and its save."""

    def saving(**values):
        checked = PeriodForm.is_valid

        def is_valid(form):
            valid = checked(form)
            make_period(plan_2026, **values)
            return valid

        monkeypatch.setattr(PeriodForm, "is_valid", is_valid)

    return saving


def test_the_period_page_shows_an_overlap_saved_meanwhile_as_a_field_error_not_a_server_error(
    client, plan_2026, secretariat, another_officer_saves_first
):
    another_officer_saves_first(
        label="2027", starts_on=datetime.date(2027, 3, 1), ends_on=datetime.date(2028, 2, 28),
        deadline=datetime.date(2028, 1, 31), is_open=False,
    )  # fmt: skip
    client.force_login(secretariat)
    response = client.post(reverse("commitments:period-list", args=[plan_2026.code]), NEXT)
    assert response.status_code == 200
    assert response.context["form"].errors == {"starts_on": ["This overlaps the period 2027."]}
    assert list(ReportingPeriod.objects.for_plan(plan_2026).values_list("label", flat=True)) == ["2027"]


def test_a_label_repeated_meanwhile_is_a_field_error_not_a_server_error(
    client, plan_2026, secretariat, another_officer_saves_first
):
    another_officer_saves_first(
        label="2027–2028", starts_on=datetime.date(2028, 1, 1), ends_on=datetime.date(2028, 12, 31),
        deadline=datetime.date(2028, 11, 30), is_open=False,
    )  # fmt: skip
    client.force_login(secretariat)
    response = client.post(reverse("commitments:period-list", args=[plan_2026.code]), NEXT)
    assert response.status_code == 200
    assert response.context["form"].errors == {"label": ["This plan already has a period called 2027–2028."]}
    assert ReportingPeriod.objects.for_plan(plan_2026).count() == 1


def test_a_repeated_label_that_gets_past_the_check_is_refused_by_the_database_and_said_the_same_way(
    plan_2026, period, monkeypatch
):
    repeated = ReportingPeriod(
        plan=plan_2026, label=period.label, starts_on=datetime.date(2030, 1, 1),
        ends_on=datetime.date(2030, 12, 31), deadline=datetime.date(2030, 11, 30),
    )  # fmt: skip
    checks = []
    real_clean = ReportingPeriod.clean

    def blind_the_first_time(self):
        checks.append(self.label)
        if len(checks) > 1:
            real_clean(self)

    monkeypatch.setattr(ReportingPeriod, "clean", blind_the_first_time)
    with pytest.raises(ValidationError) as refused:
        repeated.save_checked()
    assert refused.value.message_dict == {"label": ["This plan already has a period called 2026–2027."]}
    assert len(checks) == 2 and ReportingPeriod.objects.for_plan(plan_2026).count() == 1


# Final editions: one current final edition per period and language.

RENDERERS = {"html": lambda content: f"<html>{content.language}".encode()}


def finalise(period, by, language="en") -> ReportEdition:
    content = build_report(period.plan, period, language, is_final=True)
    return ReportEdition.finalise(period.plan, period, content, by=by, renderers=RENDERERS)


def test_a_second_finalisation_of_a_period_in_the_same_language_is_refused(
    period, secretariat, administrator, evidence_root
):
    first = finalise(period, secretariat)
    with pytest.raises(AlreadyFinal, match="The English report of 2026–2027 is final already"):
        finalise(period, secretariat)
    assert list(ReportEdition.objects.all()) == [first]
    assert finalise(period, secretariat, "zh").language == "zh"  # the other language is its own edition
    first.withdraw(by=administrator, reason="Wrong figures.")
    assert finalise(period, secretariat).pk != first.pk  # once withdrawn, it may be finalised again


def test_a_double_click_on_finalise_stores_one_edition_and_says_why_not_a_second(
    client, period, secretariat, evidence_root
):
    client.force_login(secretariat)
    url = reverse("commitments:report-finalise", args=[period.pk])
    for _ in range(2):
        response = client.post(url, {"language": "en", "understood": "on", "despite_gaps": "on"}, follow=True)
    assert response.status_code == 200
    assert (
        "Nothing was finalised: The English report of 2026–2027 is final already" in response.content.decode()
    )
    edition = ReportEdition.objects.get()
    assert EditionFile.objects.exclude(edition=edition).count() == 0


def test_a_second_final_edition_that_gets_past_the_check_is_refused_by_the_database_and_leaves_no_file(
    period, secretariat, evidence_root, monkeypatch
):
    finalise(period, secretariat)
    monkeypatch.setattr(
        ReportEdition, "_refuse_second_final", classmethod(lambda cls, period, language: None)
    )
    with pytest.raises(AlreadyFinal):
        finalise(period, secretariat)
    assert ReportEdition.objects.count() == 1
    assert len([path for path in evidence_root.rglob("*") if path.is_file()]) == 1


# A spreadsheet confirmed after an owner saved an update the officer had previewed.


def row(period, number: int, code: str, **values) -> dict:
    """A row of a filled template, for the owner TEST-OWNER."""
    keys = {
        "row": number,
        "plan": period.plan.code,
        "period": period.label,
        "line": code,
        "owner": "TEST-OWNER",
    }
    return keys | {"narrative_zh": ""} | values


@pytest.fixture
def upload(period, owner, focal_point, secretariat) -> ReportUpload:
    """An upload completing two drafts, as the officer was shown it."""
    ongoing = Status.objects.get(code="ongoing")
    rows = []
    for number, code in enumerate(("2.8.1", "2.8.2"), start=3):
        own(line("poa-2026-2030", code), owner)
        make_update(
            line("poa-2026-2030", code), period, owner, focal_point, status=ongoing, narrative_en="Began."
        )
        rows.append(
            row(period, number, code, status="completed", narrative_en=f"{code} completed, says the file.")
        )
    upload = ReportUpload.objects.create(
        period=period, uploaded_by=secretariat, original_name="f.xlsx", rows=rows
    )
    upload.show()
    return upload


def focal_point_saves(code: str, text: str) -> StatusUpdate:
    update = StatusUpdate.objects.get(line__code=code, line__plan__code="poa-2026-2030")
    update.narrative_en = text
    update.save_edit(["narrative_en"], expected_version=update.version)
    return update


def test_a_confirm_does_not_overwrite_a_draft_saved_after_the_preview_and_names_its_row(
    client, upload, secretariat
):
    focal_point_saves("2.8.2", "The owner's own words, saved after the preview.")
    client.force_login(secretariat)
    page = client.post(upload.get_absolute_url(), follow=True).content.decode()
    assert (
        "Nothing was saved. Row 4 (line 2.8.2, TEST-OWNER) changed after you saw the preview: its owner "
        "saved the update meanwhile." in page
    )
    texts = dict(StatusUpdate.objects.values_list("line__code", "narrative_en"))
    assert texts == {"2.8.1": "Began.", "2.8.2": "The owner's own words, saved after the preview."}
    upload.refresh_from_db()
    assert not upload.is_confirmed and not StatusUpdate.objects.submitted().exists()


def test_once_the_officer_has_seen_the_changed_draft_confirming_again_submits_the_file(
    client, upload, secretariat
):
    focal_point_saves("2.8.2", "The owner's own words, saved after the preview.")
    client.force_login(secretariat)
    client.post(upload.get_absolute_url(), follow=True)  # refused, then shown again as it is now
    client.post(upload.get_absolute_url())
    upload.refresh_from_db()
    assert upload.is_confirmed and StatusUpdate.objects.submitted().count() == 2


def test_an_update_started_after_the_preview_of_a_new_row_is_not_completed_unseen(
    period, owner, focal_point, secretariat
):
    own(line("poa-2026-2030", "2.8.3"), owner)
    rows = [row(period, 3, "2.8.3", status="ongoing", narrative_en="From the file.")]
    upload = ReportUpload.objects.create(
        period=period, uploaded_by=secretariat, original_name="f.xlsx", rows=rows
    )
    upload.show()
    make_update(line("poa-2026-2030", "2.8.3"), period, owner, focal_point, narrative_en="Mine.")
    with pytest.raises(UploadRefused, match=r"Row 3 \(line 2\.8\.3, TEST-OWNER\) changed"):
        upload.confirm(by=secretariat)
    assert StatusUpdate.objects.get().narrative_en == "Mine."


# The database giving up a transaction in a race for a lock (PostgreSQL's deadlock detector).


def test_a_confirm_given_up_once_by_the_database_is_tried_again_and_goes_through(
    upload, secretariat, monkeypatch
):
    submit, failures = StatusUpdate.submit, [deadlock()]

    def submit_after_a_deadlock(self, *, by):
        if failures:
            raise failures.pop()
        submit(self, by=by)

    monkeypatch.setattr(StatusUpdate, "submit", submit_after_a_deadlock)
    assert upload.confirm(by=secretariat) == 2
    assert StatusUpdate.objects.submitted().count() == 2


def test_a_confirm_given_up_twice_by_the_database_says_try_again_not_a_server_error(
    client, upload, secretariat, monkeypatch
):
    def deadlocked(self, *, by):
        raise deadlock()

    monkeypatch.setattr(StatusUpdate, "submit", deadlocked)
    client.force_login(secretariat)
    response = client.post(upload.get_absolute_url(), follow=True)
    assert response.status_code == 200
    assert (
        "Nothing was saved. Other changes to these updates were being saved at the same moment; try again."
        in response.content.decode()
    )
    assert not StatusUpdate.objects.exclude(state="draft").exists()


def test_a_web_edit_given_up_by_the_database_keeps_the_authors_text_and_says_save_again(
    client, upload, focal_point, monkeypatch
):
    draft = StatusUpdate.objects.get(line__code="2.8.1")

    def deadlocked(self, fields, *, expected_version):
        raise deadlock()

    monkeypatch.setattr(StatusUpdate, "save_edit", deadlocked)
    client.force_login(focal_point)
    url = reverse("commitments:update-edit", args=[draft.pk])
    response = client.post(url, form_data(draft, narrative_en="Typed during the confirmation."))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Another change to this update was being saved at the same moment; nothing was saved." in page
    assert "Typed during the confirmation." in page
    draft.refresh_from_db()
    assert draft.narrative_en == "Began."
