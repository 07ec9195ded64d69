"""The progress report page, its downloads, finalising and withdrawing editions, and the command."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from commitments.models import ReportEdition

from .conftest import make_user
from .test_report_content import reported

pytestmark = pytest.mark.django_db

PLAN = "poa-2026-2030"


@pytest.fixture
def confirmed(period, owner, focal_point, secretariat):
    reported(period, owner, focal_point, secretariat, {"1.1.1": "ongoing", "2.6.6": "completed"})
    return period


def generate(client, period, **params):
    values = {"plan": PLAN, "period": period.pk, "language": "en", "format": "html"} | params
    return client.get(reverse("commitments:report-generate"), values)


def finalise(client, period, **data):
    values = {"meeting": "PMC 10+1 Session, July 2027", "language": "en", "understood": "on"} | data
    return client.post(reverse("commitments:report-finalise", args=[period.pk]), values)


def test_the_report_page_offers_the_plan_and_its_periods(client, reader, confirmed):
    client.force_login(reader)
    response = client.get(reverse("commitments:report"))
    assert response.status_code == 200
    assert response.context["period"] == confirmed
    html = response.content.decode()
    assert "No report of this plan has been finalised yet." in html
    assert "Finalise" not in html  # a reviewer cannot finalise


def test_a_draft_is_generated_in_each_format(client, reader, confirmed):
    client.force_login(reader)
    html = generate(client, confirmed).content.decode()
    assert "<h1" in html and "2.6.6" in html
    docx = generate(client, confirmed, format="docx", language="zh")
    assert (
        docx["Content-Disposition"].startswith("attachment;")
        and "-zh-draft.docx" in docx["Content-Disposition"]
    )
    headings = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs if p.style.name == "Heading 1"]
    assert any("政治安全合作" in heading for heading in headings)
    sheet = load_workbook(io.BytesIO(generate(client, confirmed, format="xlsx").content)).active
    assert sheet.max_row >= 199


def test_a_period_of_another_plan_is_refused_with_a_clear_error(client, reader, confirmed):
    client.force_login(reader)
    response = generate(client, confirmed, plan="poa-2021-2025")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_a_secretariat_officer_finalises_an_edition_with_its_three_files(
    client, secretariat, confirmed, evidence_root
):
    client.force_login(secretariat)
    response = finalise(client, confirmed)
    assert response.status_code == 302
    edition = ReportEdition.objects.get()
    assert sorted(f.format for f in edition.files.all()) == ["docx", "html", "xlsx"]
    assert edition.report.overall.counts["completed"] == 1
    page = client.get(response.url).content.decode()
    assert "PMC 10+1 Session, July 2027" in page
    download = client.get(reverse("commitments:edition-download", args=[edition.pk, "docx"]))
    assert download.content == edition.file("docx").read()


def test_finalising_needs_the_confirmation_and_a_meeting(client, secretariat, confirmed, evidence_root):
    client.force_login(secretariat)
    response = finalise(client, confirmed, understood="", meeting="")
    assert not ReportEdition.objects.exists()
    assert "Nothing was finalised" in client.get(response.url).content.decode()


@pytest.mark.parametrize("role", ["Reviewer", "Focal point"])
def test_only_the_secretariat_finalises(client, confirmed, role, evidence_root):
    client.force_login(make_user("someone", role))
    assert finalise(client, confirmed).status_code == 403
    assert not ReportEdition.objects.exists()


def test_finalising_is_a_post(client, secretariat, confirmed):
    client.force_login(secretariat)
    assert client.get(reverse("commitments:report-finalise", args=[confirmed.pk])).status_code == 405


def test_an_administrator_withdraws_an_edition_with_a_reason_and_it_stays_listed(
    client, secretariat, administrator, confirmed, evidence_root
):
    client.force_login(secretariat)
    finalise(client, confirmed)
    edition = ReportEdition.objects.get()
    url = reverse("commitments:edition-withdraw", args=[edition.pk])
    assert client.post(url, {"reason": "Wrong meeting"}).status_code == 403
    client.force_login(administrator)
    client.post(url, {"reason": ""})
    edition.refresh_from_db()
    assert not edition.is_withdrawn
    client.post(url, {"reason": "Wrong meeting"})
    edition.refresh_from_db()
    assert edition.is_withdrawn and edition.withdrawal_reason == "Wrong meeting"
    page = client.get(reverse("commitments:report")).content.decode()
    assert "Withdrawn" in page and "Wrong meeting" in page


def test_the_command_writes_the_report_in_the_chosen_language_and_format(confirmed, tmp_path):
    target = tmp_path / "report.docx"
    output = io.StringIO()
    call_command("progress_report", "--plan", PLAN, "--period", "2026-2027", "--lang", "zh",
                 "--format", "docx", "-o", str(target), stdout=output)  # fmt: skip
    assert "199 lines, 197 without a confirmed status" in output.getvalue()
    document = Document(str(target))
    assert any(
        "正在实施" in cell.text for table in document.tables for row in table.rows for cell in row.cells
    )


def test_the_command_names_the_periods_when_the_period_is_unknown(confirmed, tmp_path):
    with pytest.raises(CommandError, match="its periods: 2026–2027"):
        call_command("progress_report", "--plan", PLAN, "--period", "1999", "-o", str(tmp_path / "x"))
    assert not Path(tmp_path / "x").exists()


def test_the_secretariat_sets_a_periods_data_cut_off_on_the_periods_page(client, secretariat, confirmed):
    client.force_login(secretariat)
    url = reverse("commitments:period-edit", args=[confirmed.pk])
    assert "data cut-off" in client.get(url).content.decode()
    values = {
        "label": confirmed.label, "starts_on": confirmed.starts_on.isoformat(),
        "ends_on": confirmed.ends_on.isoformat(), "deadline": confirmed.deadline.isoformat(),
    }  # fmt: skip
    assert client.post(url, values | {"cutoff_on": "2026-11-15"}).status_code == 302
    confirmed.refresh_from_db()
    assert str(confirmed.cutoff_on) == "2026-11-15" and confirmed.label == "2026–2027"
    refused = client.post(url, values | {"cutoff_on": "2020-01-01"})
    assert "The data cut-off cannot be before the period starts." in refused.content.decode()


def test_a_chinese_period_label_keeps_the_download_name_and_attachment(client, reader, confirmed):
    confirmed.label = "二〇二六年度"
    confirmed.save()
    client.force_login(reader)
    response = generate(client, confirmed, format="docx")
    assert response["Content-Disposition"].startswith("attachment; filename")
    assert "docx" in response["Content-Disposition"]


def test_a_refused_draft_still_shows_the_editions_and_the_finalise_form(
    client, secretariat, confirmed, evidence_root
):
    client.force_login(secretariat)
    finalise(client, confirmed)
    html = generate(client, confirmed, language="xx").content.decode()
    assert "PMC 10+1 Session, July 2027" in html and "Finalise the report of" in html


@pytest.mark.parametrize("role", ["Reviewer", "Focal point", "Secretariat officer"])
def test_only_administrators_can_withdraw_even_with_an_empty_reason(client, secretariat, confirmed, role,
                                                                    evidence_root):  # fmt: skip
    client.force_login(secretariat)
    finalise(client, confirmed)
    client.force_login(make_user("someone", role))
    url = reverse("commitments:edition-withdraw", args=[ReportEdition.objects.get().pk])
    assert client.post(url, {"reason": ""}).status_code == 403


def test_a_period_cannot_overlap_another_and_its_changes_are_kept_in_its_history(
    client, secretariat, confirmed
):
    client.force_login(secretariat)
    create = reverse("commitments:period-list", args=[PLAN])
    overlapping = {"label": "2026–2027 bis", "starts_on": "2026-06-01", "ends_on": "2027-05-31",
                   "deadline": "2027-04-30"}  # fmt: skip
    assert "This overlaps the period 2026–2027." in client.post(create, overlapping).content.decode()
    following = overlapping | {"label": "2027", "starts_on": "2026-12-31", "ends_on": "2027-12-31"}
    assert client.post(create, following).status_code == 302  # it may start the day the other ends
    url = reverse("commitments:period-edit", args=[confirmed.pk])
    values = {"label": confirmed.label, "starts_on": "2026-01-01", "ends_on": "2026-12-31",
              "deadline": "2026-11-30", "cutoff_on": "2026-11-15"}  # fmt: skip
    client.post(url, values)
    latest = confirmed.history.latest()
    assert str(latest.cutoff_on) == "2026-11-15" and latest.history_user == secretariat
