"""Reporting by spreadsheet: the period's template, uploading a filled copy, its preview, confirming it."""

import datetime
import io
import re
import time
import zipfile
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from commitments import spreadsheets
from commitments.checking import Known
from commitments.models import ReportUpload, Status, StatusUpdate, UpdateTransition

from .conftest import line, make_organisation, make_update, own
from .test_uploads import HTML, make_docx, make_ooxml, make_xlsx

pytestmark = pytest.mark.django_db

KEYS = [column.key for column in spreadsheets.COLUMNS]


@pytest.fixture
def world(period, owner, other_owner, focal_point, other_focal_point, secretariat):
    """Three lines: 2.8.1 led by TEST-OWNER with TEST-OTHER supporting, 2.8.2 and 2.8.3 led by one each."""
    first, second, third = (line("poa-2026-2030", code) for code in ("2.8.1", "2.8.2", "2.8.3"))
    own(first, owner)
    own(first, other_owner, role="supporting")
    own(second, owner)
    own(third, other_owner)
    return SimpleNamespace(period=period, owner=owner, other_owner=other_owner, lines=(first, second, third))


def template_url(period) -> str:
    return reverse("commitments:reporting-template", args=[period.pk])


def upload_url(period) -> str:
    return reverse("commitments:reporting-upload", args=[period.pk])


def open_workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def data_rows(sheet) -> list[dict]:
    """The template's rows below its keys and headers, by key."""
    return [dict(zip(KEYS, values, strict=False)) for values in sheet.iter_rows(min_row=3, values_only=True)]


def fill(period, answers: dict, extra_rows: list[dict] = ()) -> bytes:
    """The period's template with ``answers`` {(line, owner): (status, English, Chinese, reason in
    English, in Chinese)} filled in, and ``extra_rows`` added below, as a person would in Excel."""
    workbook = open_workbook(spreadsheets.reporting_template(period))
    sheet = workbook["Updates"]
    column = {key: index for index, key in enumerate(KEYS, start=1)}
    for row in range(3, sheet.max_row + 1):
        key = (sheet.cell(row, column["line"]).value, sheet.cell(row, column["owner"]).value)
        for name, value in zip(
            ("status", "narrative_en", "narrative_zh", "reason_en", "reason_zh"),
            answers.get(key, ()),
            strict=False,
        ):
            sheet.cell(row, column[name]).value = value
    for values in extra_rows:
        sheet.append([values.get(key, "") for key in KEYS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(of, line_code, owner, status="ongoing", en="Done.", zh="", **overrides) -> dict:
    """An extra row for the period ``of``."""
    values = {"plan": of.plan.code, "period": of.label, "line": line_code, "owner": owner}
    return values | {"status": status, "narrative_en": en, "narrative_zh": zh} | overrides


def post_file(client, period, data: bytes, name: str = "report.xlsx"):
    return client.post(upload_url(period), {"file": SimpleUploadedFile(name, data)})


def uploaded(client, period, data: bytes) -> ReportUpload:
    response = post_file(client, period, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    report = ReportUpload.objects.latest("pk")
    assert response.url == report.get_absolute_url()
    return report


def outcomes(client, report) -> dict[int, tuple[str, list[str]]]:
    rows = client.get(report.get_absolute_url()).context["preview"].rows
    return {row.number: (row.outcome, row.errors) for row in rows}


# The template


def test_the_template_has_one_prefilled_row_per_line_and_confirmed_owner_lead_first(
    client, world, secretariat
):
    own(line("poa-2026-2030", "2.8.4"), make_organisation(acronym="TEST-SUGGESTED")).reject(by=secretariat)
    client.force_login(secretariat)
    response = client.get(template_url(world.period))
    assert response["Content-Type"] == spreadsheets.XLSX_TYPE
    # The label has an en dash, so the name is given encoded as well.
    assert (
        "filename*=utf-8''reporting-template-poa-2026-2030-2026%E2%80%932027.xlsx"
        in response["Content-Disposition"]
    )
    rows = data_rows(open_workbook(response.content)["Updates"])
    assert [(r["plan"], r["period"], r["line"], r["owner"]) for r in rows] == [
        ("poa-2026-2030", "2026–2027", "2.8.1", "TEST-OWNER"),
        ("poa-2026-2030", "2026–2027", "2.8.1", "TEST-OTHER"),
        ("poa-2026-2030", "2026–2027", "2.8.2", "TEST-OWNER"),
        ("poa-2026-2030", "2026–2027", "2.8.3", "TEST-OTHER"),
    ]
    first = rows[0]
    assert first["role"].startswith("Lead") and rows[1]["role"].startswith("Supporting")
    assert first["text_en"] == world.lines[0].text_en and first["text_zh"] == world.lines[0].text_zh
    assert (first["status"], first["narrative_en"], first["narrative_zh"]) == (None, None, None)


def test_the_template_has_machine_keys_hidden_above_headers_in_both_languages(client, world, secretariat):
    client.force_login(secretariat)
    sheet = open_workbook(client.get(template_url(world.period)).content)["Updates"]
    assert [cell.value for cell in sheet[1]] == KEYS
    assert sheet.row_dimensions[1].hidden
    headers = {key: cell.value for key, cell in zip(KEYS, sheet[2], strict=True)}
    assert headers["status"].startswith("Status") and headers["narrative_en"].startswith("Progress (English)")
    assert all(cell.font.bold for cell in sheet[2])


def test_the_template_freezes_its_headers_wraps_its_texts_and_lists_the_statuses(client, world, secretariat):
    client.force_login(secretariat)
    workbook = open_workbook(client.get(template_url(world.period)).content)
    sheet = workbook["Updates"]
    assert sheet.freeze_panes == "E3"
    assert sheet.column_dimensions["F"].width == 50 and sheet["F3"].alignment.wrap_text
    choice = {str(rule.sqref)[:3]: rule for rule in sheet.data_validations.dataValidation}["L3:"]
    assert choice.type == "list" and choice.formula1 == "=Statuses!$A$2:$A$7"
    statuses = list(workbook["Statuses"].iter_rows(min_row=2, values_only=True))
    assert statuses[:2] == [("not-started", "Not started", "尚未启动"), ("planned", "Planned", "已规划")]
    assert len(statuses) == Status.objects.count()
    instructions = " ".join(str(cell.value) for cell in workbook["Read me"]["A"])
    assert "Fill in the yellow columns of the rows you report on." in instructions


def test_the_template_shows_what_each_owner_has_reported_so_far(client, world, focal_point, secretariat):
    make_update(
        world.lines[0], world.period, world.owner, focal_point,
        status=Status.objects.get(code="ongoing"),
        narrative_en="Work plan drafted.", narrative_zh="工作计划已起草。",
    )  # fmt: skip
    client.force_login(secretariat)
    first, second = data_rows(open_workbook(client.get(template_url(world.period)).content)["Updates"])[:2]
    assert first["reported_state"].startswith("Draft") and first["reported_status"].startswith("ongoing")
    assert (first["reported_en"], first["reported_zh"]) == ("Work plan drafted.", "工作计划已起草。")
    assert first["status"] is None  # the columns to fill stay empty
    assert second["reported_state"] is None


def test_the_template_leaves_out_lines_no_longer_in_the_plan(client, world, secretariat):
    world.lines[1].mark_missing_from_source()
    client.force_login(secretariat)
    rows = data_rows(open_workbook(client.get(template_url(world.period)).content)["Updates"])
    assert [r["line"] for r in rows] == ["2.8.1", "2.8.1", "2.8.3"]


# Uploading and the preview


def test_a_filled_template_is_previewed_with_counts_and_nothing_is_saved(
    client, world, focal_point, secretariat
):
    draft = make_update(world.lines[1], world.period, world.owner, focal_point, narrative_en="Draft text.")
    data = fill(
        world.period,
        {
            ("2.8.1", "TEST-OWNER"): ("ongoing", "Meeting held.", "已举行会议。"),
            ("2.8.2", "TEST-OWNER"): ("completed",),
        },
    )
    client.force_login(secretariat)
    report = uploaded(client, world.period, data)
    assert (report.original_name, report.uploaded_by, report.confirmed_at) == (
        "report.xlsx",
        secretariat,
        None,
    )
    response = client.get(report.get_absolute_url())
    page = " ".join(response.content.decode().split())
    assert "2 updates to submit (1 new, 1 draft completed) · 2 rows skipped · 0 rows with errors" in page
    assert "Confirm and submit 2 updates" in page
    assert outcomes(client, report) == {
        3: ("create", []),
        4: ("skip", []),
        5: ("update", []),
        6: ("skip", []),
    }
    assert StatusUpdate.objects.count() == 1 and not UpdateTransition.objects.exists()
    draft.refresh_from_db()
    assert (draft.status, draft.narrative_en, draft.state, draft.version) == (None, "Draft text.", "draft", 1)


@pytest.mark.parametrize(
    "name, expected",
    [("ongoing", "ongoing"), ("  Completed ", "completed"), ("已规划", "planned"), ("DELAYED", "delayed")],
)
def test_a_status_is_recognised_by_its_code_or_its_english_or_chinese_name(
    client, world, secretariat, name, expected
):
    client.force_login(secretariat)
    answer = (name, "Done.", "", "The host country postponed the meeting.")  # delayed needs a reason
    report = uploaded(client, world.period, fill(world.period, {("2.8.2", "TEST-OWNER"): answer}))
    (checked,) = [row for row in report.preview().rows if row.outcome != "skip"]
    assert checked.outcome == "create" and checked.status.code == expected


def test_each_error_is_reported_with_its_row_number_as_in_excel(
    client, world, focal_point, other_focal_point, secretariat
):
    period = world.period
    for code in ("2.8.4", "2.8.5", "2.8.6", "2.8.7"):  # template rows 7 to 10
        own(line("poa-2026-2030", code), world.owner)
    first_status = Status.objects.first()
    submitted = make_update(
        world.lines[1], period, world.owner, focal_point, status=first_status, narrative_en="Planned."
    )
    submitted.submit(by=focal_point)
    approved = make_update(
        world.lines[2],
        period,
        world.other_owner,
        other_focal_point,
        status=first_status,
        narrative_en="Planned.",
    )
    approved.submit(by=other_focal_point)
    approved.approve(by=secretariat)
    make_organisation(acronym="TEST-NOBODY")
    extra_rows = [
        row(period, "9.9.9", "TEST-OWNER"),  # row 11
        row(period, "2.8.1", "NO-SUCH-BODY"),  # 12
        row(period, "2.8.3", "TEST-NOBODY"),  # 13
        row(period, "2.8.4", "TEST-OWNER", status="finished"),  # 14
        row(period, "2.8.5", "TEST-OWNER", status=""),  # 15
        row(period, "2.8.6", "TEST-OWNER", plan="poa-2021-2025"),  # 16
        row(period, "2.8.7", "TEST-OWNER", period="2027–2028"),  # 17
        row(period, "2.8.1", "TEST-OTHER", en="", zh=""),  # 18
        row(period, "2.8.1", "TEST-OWNER"),  # 19
        row(period, "", "", plan="", period=""),  # 20
    ]
    data = fill(
        period,
        {("2.8.1", "TEST-OWNER"): ("ongoing", "Held."), ("2.8.2", "TEST-OWNER"): ("ongoing", "Again."),
         ("2.8.3", "TEST-OTHER"): ("completed", "Again.")},
        extra_rows,
    )  # fmt: skip
    client.force_login(secretariat)
    found = outcomes(client, uploaded(client, period, data))
    assert found[3] == ("create", []) and found[4] == ("skip", [])
    assert found[5] == (
        "error",
        ["TEST-OWNER's update of line 2.8.2 is submitted already and cannot be replaced."],
    )
    assert found[6] == (
        "error",
        ["TEST-OTHER's update of line 2.8.3 is approved already and cannot be replaced."],
    )
    assert found[11] == ("error", ["There is no line 9.9.9 in poa-2026-2030."])
    assert found[12] == ("error", ["There is no organisation with the acronym NO-SUCH-BODY."])
    assert found[13] == ("error", ["TEST-NOBODY is not a confirmed owner of line 2.8.3."])
    assert found[14] == (
        "error",
        [
            "There is no status finished; "
            "use one of completed, delayed, discontinued, not-started, ongoing, planned."
        ],
    )
    assert found[15] == ("error", ["Choose a status before submitting."])
    assert found[16] == ("error", ["This row is for the plan poa-2021-2025, not poa-2026-2030."])
    assert found[17] == ("error", ["This row is for the period 2027–2028, not 2026–2027."])
    assert found[18] == ("error", ["Describe the progress in English or Chinese before submitting."])
    assert found[19] == ("error", ["Line 2.8.1 for TEST-OWNER is already in row 3."])
    assert found[20] == (
        "error",
        ["The plan is missing; it should be poa-2026-2030.", "The period is missing; it should be 2026–2027.",
         "The line code is missing.", "The owner is missing."],
    )  # fmt: skip
    page = client.get(ReportUpload.objects.get().get_absolute_url() + "?show=errors").content.decode()
    assert "12 rows have errors." in page and "Confirm and submit" not in page
    assert 'id="row-13"' in page and 'id="row-3"' not in page


def test_a_period_typed_with_a_hyphen_and_an_owner_in_lower_case_are_understood(client, world, secretariat):
    extra = [row(world.period, "2.8.2", "test-owner", period=" 2026-2027 ")]
    client.force_login(secretariat)
    found = outcomes(client, uploaded(client, world.period, fill(world.period, {}, extra_rows=extra)))
    assert found[7] == ("create", [])


def test_an_upload_whose_key_row_was_deleted_is_read_by_its_headers(client, world, secretariat):
    workbook = open_workbook(fill(world.period, {("2.8.2", "TEST-OWNER"): ("ongoing", "Held.")}))
    workbook["Updates"].delete_rows(1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(secretariat)
    found = outcomes(client, uploaded(client, world.period, buffer.getvalue()))
    assert found[4] == ("create", [])


def test_the_preview_lists_rows_by_outcome_and_page(client, world, secretariat, monkeypatch):
    monkeypatch.setattr("commitments.views.spreadsheets.ROWS_PER_PAGE", 2)
    client.force_login(secretariat)
    report = uploaded(
        client, world.period, fill(world.period, {("2.8.2", "TEST-OWNER"): ("ongoing", "Held.")})
    )
    url = report.get_absolute_url()
    assert [r.number for r in client.get(url + "?show=submit").context["page"]] == [5]
    assert [r.number for r in client.get(url + "?show=skipped&page=2").context["page"]] == [6]
    assert "Page 1 of 2" in client.get(url).content.decode()
    assert client.get(url + "?show=nonsense").context["show"] == "all"


# A reason for a delay


def test_the_template_has_reason_columns_in_both_languages_next_to_the_progress(client, world, secretariat):
    client.force_login(secretariat)
    workbook = open_workbook(client.get(template_url(world.period)).content)
    headers = {key: cell.value for key, cell in zip(KEYS, workbook["Updates"][2], strict=True)}
    assert KEYS[KEYS.index("narrative_zh") + 1 :][:2] == ["reason_en", "reason_zh"]
    assert headers["reason_en"].startswith("Reason for the delay (English)")
    assert headers["reason_zh"].startswith("Reason for the delay (Chinese)")
    instructions = " ".join(str(cell.value) for cell in workbook["Read me"]["A"])
    assert "Reason: when the status is delayed, discontinued, say why" in instructions


def test_a_delayed_row_without_a_reason_is_an_error_of_its_row_and_nothing_is_saved(
    client, world, secretariat
):
    data = fill(world.period, {("2.8.2", "TEST-OWNER"): ("delayed", "The workshop is postponed.")})
    client.force_login(secretariat)
    report = uploaded(client, world.period, data)
    assert outcomes(client, report)[5] == (
        "error",
        ["Say why the line is delayed, in English or Chinese, before submitting."],
    )
    response = client.post(report.get_absolute_url(), follow=True)
    assert "Nothing was saved. 1 row has an error" in response.content.decode()
    assert not StatusUpdate.objects.exists()


def test_a_discontinued_row_with_a_reason_only_in_chinese_is_submitted_with_it(client, world, secretariat):
    answer = ("discontinued", "Both sides agreed to stop.", "", "", "相关工作已纳入澜湄合作框架。")
    client.force_login(secretariat)
    report = uploaded(client, world.period, fill(world.period, {("2.8.2", "TEST-OWNER"): answer}))
    assert outcomes(client, report)[5] == ("create", [])
    assert "相关工作已纳入澜湄合作框架。" in client.get(report.get_absolute_url()).content.decode()
    client.post(report.get_absolute_url())
    stored = StatusUpdate.objects.get(line=world.lines[1])
    assert (stored.state, stored.status.code, stored.reason_en, stored.reason_zh) == (
        "submitted", "discontinued", "", "相关工作已纳入澜湄合作框架。",
    )  # fmt: skip


def test_an_empty_reason_cell_keeps_the_reason_of_the_owners_draft(client, world, focal_point, secretariat):
    draft = make_update(
        world.lines[1], world.period, world.owner, focal_point, reason_en="The host asked for more time."
    )
    client.force_login(secretariat)
    report = uploaded(
        client, world.period, fill(world.period, {("2.8.2", "TEST-OWNER"): ("delayed", "Late.")})
    )
    assert outcomes(client, report)[5] == ("update", [])
    client.post(report.get_absolute_url())
    draft.refresh_from_db()
    assert (draft.state, draft.reason_en) == ("submitted", "The host asked for more time.")


def test_a_template_without_the_reason_columns_is_still_read_but_a_delayed_row_asks_for_the_reason(
    client, world, secretariat
):
    workbook = open_workbook(
        fill(
            world.period,
            {("2.8.1", "TEST-OWNER"): ("ongoing", "Held."), ("2.8.2", "TEST-OWNER"): ("delayed", "Late.")},
        )
    )
    workbook["Updates"].delete_cols(KEYS.index("reason_en") + 1, len(spreadsheets.REASON_KEYS))
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(secretariat)
    found = outcomes(client, uploaded(client, world.period, buffer.getvalue()))
    assert found[3] == ("create", [])
    assert found[5] == (
        "error",
        ["Say why the line is delayed, in English or Chinese, before submitting.",
         "This file is an older template, without the reason columns: download the template again and "
         "add the reason there."],
    )  # fmt: skip


# An activity in a row


def activity(**overrides) -> dict:
    """The activity columns of a row: a workshop funded by the ASEAN–China Cooperation Fund."""
    values = {
        "activity_date": "2026-03-03", "activity_title_en": "Workshop on smart ports",
        "activity_title_zh": "智慧港口研讨会", "activity_kind": "training", "activity_place_en": "Nanning",
        "activity_place_zh": "南宁", "activity_organisers": "ASEAN Secretariat", "activity_fund": "ACCF",
        "activity_amount_usd": 120000.5,
    }  # fmt: skip
    return values | overrides


def activity_outcome(client, world, **overrides) -> tuple[str, list[str]]:
    """What the preview says of row 7, a report on 2.8.2 with an activity."""
    extra = [row(world.period, "2.8.2", "TEST-OWNER", **activity(**overrides))]
    return outcomes(client, uploaded(client, world.period, fill(world.period, {}, extra_rows=extra)))[7]


def test_the_template_has_activity_columns_and_lists_the_funds_and_kinds(client, world, secretariat):
    client.force_login(secretariat)
    workbook = open_workbook(client.get(template_url(world.period)).content)
    headers = {key: cell.value for key, cell in zip(KEYS, workbook["Updates"][2], strict=True)}
    assert headers["activity_title_zh"].startswith("Activity title (Chinese)")
    assert headers["activity_fund"].startswith("Funded by (fund)")
    assert headers["activity_amount_usd"].startswith("Amount (USD)")
    funds = list(workbook["Funds"].iter_rows(min_row=2, values_only=True))
    assert funds[0] == ("ACCF", "ASEAN–China Cooperation Fund", "中国—东盟合作基金") and len(funds) == 6
    lists = {rule.formula1 for rule in workbook["Updates"].data_validations.dataValidation}
    assert '"meeting,project,training,event,other"' in lists and "=Funds!$A$2:$A$7" in lists


def test_a_row_with_an_activity_adds_it_to_the_update_with_its_chinese_title_and_place_fund_and_amount(
    client, world, secretariat
):
    extra = [row(world.period, "2.8.2", "TEST-OWNER", **activity())]
    client.force_login(secretariat)
    report = uploaded(client, world.period, fill(world.period, {}, extra_rows=extra))
    assert outcomes(client, report)[7] == ("create", [])
    client.post(report.get_absolute_url())
    stored = StatusUpdate.objects.get(line=world.lines[1]).activities.get()
    assert (stored.title_en, stored.title_zh, stored.place_en, stored.place_zh) == (
        "Workshop on smart ports", "智慧港口研讨会", "Nanning", "南宁",
    )  # fmt: skip
    assert (stored.date, stored.kind, stored.organisers) == (
        datetime.date(2026, 3, 3), "training", "ASEAN Secretariat",
    )  # fmt: skip
    assert (stored.fund.acronym, stored.amount_usd) == ("ACCF", Decimal("120000.50"))
    recorded = stored.history.get()
    assert (recorded.history_user, recorded.history_change_reason) == (
        secretariat, f"spreadsheet upload {report.pk}",
    )  # fmt: skip


def test_a_fund_and_a_kind_are_recognised_in_any_case_and_a_kind_by_its_chinese_name(
    client, world, secretariat
):
    client.force_login(secretariat)
    assert activity_outcome(client, world, activity_fund="accf", activity_kind="培训") == ("create", [])


def test_an_activity_titled_only_in_chinese_is_accepted(client, world, secretariat):
    client.force_login(secretariat)
    assert activity_outcome(client, world, activity_title_en="", activity_place_en="") == ("create", [])


def test_an_unknown_fund_is_an_error_of_its_row(client, world, secretariat):
    client.force_login(secretariat)
    assert activity_outcome(client, world, activity_fund="AIIB") == (
        "error",
        ["There is no fund AIIB; use one of ACCF, ACMCF, CAF-II, CGIF, LMC-SF, OTHER."],
    )


def test_a_row_error_is_in_chinese_for_a_chinese_interface(client, world, secretariat):
    client.force_login(secretariat)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert activity_outcome(client, world, activity_fund="AIIB", activity_amount_usd=-5) == (
        "error",
        ["没有基金 AIIB；请使用以下之一：ACCF, ACMCF, CAF-II, CGIF, LMC-SF, OTHER。"],
    )
    assert activity_outcome(client, world, activity_amount_usd=-5)[1] == [
        "活动金额（美元）：确保该值大于或等于0。"
    ]


def test_a_negative_amount_is_an_error_of_its_row(client, world, secretariat):
    client.force_login(secretariat)
    assert activity_outcome(client, world, activity_amount_usd=-5) == (
        "error",
        ["Activity amount (USD): Ensure this value is greater than or equal to 0."],
    )


def test_an_amount_without_a_fund_is_refused_by_the_models_rule(client, world, secretariat):
    client.force_login(secretariat)
    assert activity_outcome(client, world, activity_fund="") == (
        "error",
        ["Name the fund that provides the amount."],
    )


def test_an_activity_needs_a_title_a_date_and_a_known_kind(client, world, secretariat):
    client.force_login(secretariat)
    assert activity_outcome(client, world, activity_title_en="", activity_title_zh="") == (
        "error",
        ["Give the activity a title in English or Chinese."],
    )
    assert activity_outcome(client, world, activity_date="", activity_kind="seminar") == (
        "error",
        ["There is no kind of activity seminar; use one of meeting, project, training, event, other.",
         "The activity's date is missing."],
    )  # fmt: skip
    assert activity_outcome(client, world, activity_date="3 March") == (
        "error",
        ["Activity date: “3 March” value has an invalid date format. It must be in YYYY-MM-DD format."],
    )


def test_an_activity_needs_no_fund_nor_amount(client, world, secretariat):
    client.force_login(secretariat)
    assert activity_outcome(client, world, activity_fund="", activity_amount_usd="") == ("create", [])


def test_a_row_with_only_an_activity_is_not_skipped_but_asks_for_the_status_and_progress(
    client, world, secretariat
):
    client.force_login(secretariat)
    extra = [row(world.period, "2.8.2", "TEST-OWNER", status="", en="", **activity())]
    found = outcomes(client, uploaded(client, world.period, fill(world.period, {}, extra_rows=extra)))
    assert found[7] == (
        "error",
        [
            "Choose a status before submitting.",
            "Describe the progress in English or Chinese before submitting.",
        ],
    )


def test_a_template_without_the_activity_columns_is_still_read(client, world, secretariat):
    workbook = open_workbook(fill(world.period, {("2.8.2", "TEST-OWNER"): ("ongoing", "Held.")}))
    sheet = workbook["Updates"]
    sheet.delete_cols(KEYS.index("activity_date") + 1, len(spreadsheets.ACTIVITY_KEYS))
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(secretariat)
    report = uploaded(client, world.period, buffer.getvalue())
    assert outcomes(client, report)[5] == ("create", [])
    client.post(report.get_absolute_url())
    assert StatusUpdate.objects.get(line=world.lines[1]).activities.count() == 0


# Files that are not a filled template


@pytest.mark.parametrize(
    "name, data, message",
    [
        (
            "report.xlsx",
            b"line,owner,status\n2.8.1,TEST-OWNER,ongoing\n",
            "This is not an Excel workbook",
        ),
        ("report.xlsx", HTML, "This is not an Excel workbook"),
        ("report.xlsx", make_docx(), "This is not an Excel workbook"),
        ("report.xlsx", b"", "The submitted file is empty."),
        ("report.xlsx", make_xlsx(), "Not the reporting template"),
        ("report.csv", None, "The file&#x27;s name must end in .xlsx."),
    ],
    ids=["csv", "html", "docx", "empty", "another workbook", "renamed"],
)
def test_a_file_that_is_not_a_filled_template_is_refused_with_a_clear_error(
    client, world, secretariat, name, data, message
):
    client.force_login(secretariat)
    response = post_file(client, world.period, data if data is not None else fill(world.period, {}), name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReportUpload.objects.exists()


def test_a_damaged_workbook_is_refused_with_a_clear_error(client, world, secretariat):
    damaged = make_ooxml("xl/workbook.xml", "spreadsheetml.sheet.main+xml", {"xl/workbook.xml": "<workbook"})
    client.force_login(secretariat)
    response = post_file(client, world.period, damaged)
    assert "This workbook cannot be read; save it again as XLSX." in response.content.decode()
    assert not ReportUpload.objects.exists()


def test_a_file_with_too_many_rows_is_refused(client, world, secretariat, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 3)
    client.force_login(secretariat)
    response = post_file(client, world.period, fill(world.period, {}))
    assert "This file has more than 3 rows; upload at most 3 at a time." in response.content.decode()
    assert not ReportUpload.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client, world, secretariat, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    client.force_login(secretariat)
    response = post_file(client, world.period, fill(world.period, {}))
    assert "The file is larger than 1000 bytes." in response.content.decode()
    assert not ReportUpload.objects.exists()


# Hostile workbooks: refused clearly, and quickly, before openpyxl does the work they ask for


def rebuilt(workbook: bytes, replaced: dict[str, bytes]) -> bytes:
    """The workbook's zip with the members named replaced or added."""
    replaced = dict(replaced)
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as zip_,
    ):
        for name in source.namelist():
            zip_.writestr(name, replaced.pop(name, None) or source.read(name))
        for name, data in replaced.items():
            zip_.writestr(name, data)
    return output.getvalue()


def with_rows_below(workbook: bytes, rows: bytes) -> bytes:
    """The workbook with ``rows`` (sheet XML) added at the end of the Updates sheet."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml")
    return rebuilt(
        workbook, {"xl/worksheets/sheet1.xml": sheet.replace(b"</sheetData>", rows + b"</sheetData>")}
    )


def timed_post(client, period, data: bytes) -> tuple[str, float]:
    started = time.perf_counter()
    response = post_file(client, period, data)
    return response.content.decode(), time.perf_counter() - started


def test_a_shared_strings_bomb_is_refused_from_the_zip_directory_in_a_second(client, world, secretariat):
    template = fill(world.period, {})
    string = b"<si><t>" + b"x" * 1000 + b"</t></si>"
    strings = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + string * 60_000
        + b"</sst>"
    )
    bomb = rebuilt(template, {"xl/sharedStrings.xml": strings})
    assert len(bomb) < spreadsheets.MAX_BYTES
    client.force_login(secretariat)
    page, seconds = timed_post(client, world.period, bomb)
    assert re.search(r"This workbook unpacks to 5\d\.\d MB, far more than a filled template", page)
    assert seconds < 3 and not ReportUpload.objects.exists()


def test_a_part_packed_a_thousand_times_tighter_than_xml_is_refused_even_under_the_total(
    client, world, secretariat
):
    padded = rebuilt(fill(world.period, {}), {"xl/media/padding.bin": bytes(5 * 1024 * 1024)})
    client.force_login(secretariat)
    page, _seconds = timed_post(client, world.period, padded)
    assert "far more than a filled template" in page


def test_a_sheet_declaring_a_millionth_row_is_refused_without_reading_down_to_it(client, world, secretariat):
    far = with_rows_below(
        fill(world.period, {}), b'<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>x</t></is></c></row>'
    )
    client.force_login(secretariat)
    page, seconds = timed_post(client, world.period, far)
    assert "This sheet goes on below row 10000; delete the rows under your data and upload it again." in page
    assert seconds < 3 and not ReportUpload.objects.exists()


def test_a_sheet_of_twenty_thousand_rows_of_spaces_is_refused_in_bounded_time(client, world, secretariat):
    spaces = b"".join(b'<row r="%d"><c r="C%d" t="inlineStr"><is><t> </t></is></c></row>' % (n, n)
                      for n in range(100, 20_100))  # fmt: skip
    client.force_login(secretariat)
    page, seconds = timed_post(client, world.period, with_rows_below(fill(world.period, {}), spaces))
    assert "This sheet goes on below row 10000" in page
    assert seconds < 5


def test_a_cell_longer_than_excel_allows_is_an_error(client, world, secretariat):
    # Excel and openpyxl cut a cell at 32,767 characters when they write it; a file made otherwise may not.
    cell = b'<row r="100"><c r="M100" t="inlineStr"><is><t>%s</t></is></c></row>' % (b"x" * 40_000)
    long = with_rows_below(fill(world.period, {}), cell)
    client.force_login(secretariat)
    page, _seconds = timed_post(client, world.period, long)
    assert "Row 100 has a cell longer than 32767 characters." in page
    assert not ReportUpload.objects.exists()


def test_an_upload_for_a_closed_period_is_refused(client, world, secretariat):
    world.period.close_for_updates()
    client.force_login(secretariat)
    response = post_file(
        client, world.period, fill(world.period, {("2.8.2", "TEST-OWNER"): ("ongoing", "Held.")})
    )
    assert response.status_code == 200
    assert (
        "The period 2026–2027 is closed; uploads are refused until it is open again."
        in response.content.decode()
    )
    assert not ReportUpload.objects.exists()


# Confirming


def test_confirming_submits_every_update_with_its_transition_and_history(
    client, world, focal_point, secretariat
):
    draft = make_update(world.lines[1], world.period, world.owner, focal_point, narrative_zh="草稿。")
    data = fill(
        world.period,
        {
            ("2.8.1", "TEST-OTHER"): ("ongoing", "Meeting held.", "已举行会议。"),
            ("2.8.2", "TEST-OWNER"): ("completed", "Done."),
        },
    )
    client.force_login(secretariat)
    report = uploaded(client, world.period, data)
    response = client.post(report.get_absolute_url(), follow=True)
    assert "2 updates submitted." in response.content.decode()
    created = StatusUpdate.objects.get(line=world.lines[0], organisation=world.other_owner)
    assert (created.state, created.author, created.period, created.status.code) == (
        "submitted", secretariat, world.period, "ongoing",
    )  # fmt: skip
    assert (created.narrative_en, created.narrative_zh) == ("Meeting held.", "已举行会议。")
    draft.refresh_from_db()
    assert (draft.state, draft.author, draft.status.code) == ("submitted", focal_point, "completed")
    assert (draft.narrative_en, draft.narrative_zh) == (
        "Done.",
        "草稿。",
    )  # the empty Chinese cell kept the draft's
    for update in (created, draft):
        (step,) = update.transitions.all()
        assert (step.from_state, step.to_state, step.by) == ("draft", "submitted", secretariat)
        latest = update.history.first()
        assert (latest.state, latest.history_user, latest.history_change_reason) == (
            "submitted", secretariat, f"spreadsheet upload {report.pk}",
        )  # fmt: skip
    assert [u.pk for u in StatusUpdate.objects.review_queue()] == [created.pk, draft.pk]  # in row order
    report.refresh_from_db()
    assert (report.confirmed_by, report.is_confirmed) == (secretariat, True)
    page = response.content.decode()
    assert "New update submitted" in page and "Draft completed and submitted" in page
    assert reverse("commitments:update-detail", args=[created.pk]) in page


def test_a_confirmed_upload_cannot_be_confirmed_twice(client, world, secretariat):
    client.force_login(secretariat)
    report = uploaded(
        client, world.period, fill(world.period, {("2.8.2", "TEST-OWNER"): ("ongoing", "Held.")})
    )
    client.post(report.get_absolute_url())
    response = client.post(report.get_absolute_url(), follow=True)
    assert "This upload has been confirmed already" in response.content.decode()
    assert "Confirm and submit" not in response.content.decode()
    assert StatusUpdate.objects.count() == 1 and UpdateTransition.objects.count() == 1


def test_nothing_is_saved_when_the_period_closed_before_confirming(client, world, secretariat):
    client.force_login(secretariat)
    report = uploaded(
        client, world.period, fill(world.period, {("2.8.2", "TEST-OWNER"): ("ongoing", "Held.")})
    )
    world.period.close_for_updates()
    response = client.post(report.get_absolute_url(), follow=True)
    page = response.content.decode()
    assert "Nothing was saved. The period 2026–2027 is closed; open it to confirm this upload." in page
    assert not StatusUpdate.objects.exists()
    report.refresh_from_db()
    assert not report.is_confirmed


def test_nothing_is_saved_when_an_update_was_submitted_meanwhile(client, world, focal_point, secretariat):
    draft = make_update(world.lines[1], world.period, world.owner, focal_point)
    data = fill(
        world.period,
        {("2.8.1", "TEST-OWNER"): ("ongoing", "Held."), ("2.8.2", "TEST-OWNER"): ("completed", "Done.")},
    )
    client.force_login(secretariat)
    report = uploaded(client, world.period, data)
    draft.status = Status.objects.get(code="delayed")
    draft.narrative_en, draft.reason_en = "The workshop is postponed.", "The host asked for more time."
    draft.save()
    draft.submit(by=focal_point)
    response = client.post(report.get_absolute_url(), follow=True)
    assert "Nothing was saved. 1 row has an error" in response.content.decode()
    assert not StatusUpdate.objects.filter(line=world.lines[0]).exists()
    draft.refresh_from_db()
    assert draft.status.code == "delayed" and draft.transitions.count() == 1
    assert "TEST-OWNER&#x27;s update of line 2.8.2 is submitted already" in response.content.decode()


def test_nothing_is_saved_when_an_owner_creates_the_same_update_while_it_is_being_confirmed(
    client, world, focal_point, secretariat, monkeypatch
):
    data = fill(
        world.period,
        {("2.8.1", "TEST-OWNER"): ("ongoing", "Held."), ("2.8.2", "TEST-OWNER"): ("completed", "Done.")},
    )
    client.force_login(secretariat)
    report = uploaded(client, world.period, data)
    raced = make_update(world.lines[1], world.period, world.owner, focal_point)

    class Blind(Known):
        """Checks the rows as if the owner's update on 2.8.2 had not been saved yet."""

        def __init__(self, *args):
            super().__init__(*args)
            self.updates = {}

    monkeypatch.setattr("commitments.checking.Known", Blind)
    response = client.post(report.get_absolute_url(), follow=True)
    assert (
        "Nothing was saved. An update of one of these lines was saved meanwhile" in response.content.decode()
    )
    assert list(StatusUpdate.objects.all()) == [raced] and not UpdateTransition.objects.exists()
    report.refresh_from_db()
    assert not report.is_confirmed


def test_an_upload_with_errors_or_nothing_to_submit_cannot_be_confirmed(client, world, secretariat):
    client.force_login(secretariat)
    with_error = uploaded(
        client, world.period, fill(world.period, {("2.8.2", "TEST-OWNER"): ("unknown", "Held.")})
    )
    blank = uploaded(client, world.period, fill(world.period, {}))
    assert (
        "Nothing was saved. 1 row has an error"
        in client.post(with_error.get_absolute_url(), follow=True).content.decode()
    )
    response = client.post(blank.get_absolute_url(), follow=True)
    assert "Nothing was saved. There is nothing to submit" in response.content.decode()
    assert not StatusUpdate.objects.exists()
    assert not ReportUpload.objects.filter(confirmed_at__isnull=False).exists()


def test_a_row_that_becomes_an_owners_new_draft_meanwhile_completes_that_draft_once_the_officer_saw_it(
    client, world, focal_point, secretariat
):
    client.force_login(secretariat)
    report = uploaded(
        client, world.period, fill(world.period, {("2.8.2", "TEST-OWNER"): ("ongoing", "Held.")})
    )
    started = make_update(world.lines[1], world.period, world.owner, focal_point, narrative_zh="刚开始。")
    refused = client.post(report.get_absolute_url(), follow=True).content.decode()
    assert re.search(
        r"Nothing was saved\. Row \d+ \(line 2\.8\.2, TEST-OWNER\) changed after you saw", refused
    )
    started.refresh_from_db()
    assert (started.state, started.narrative_en) == ("draft", "")
    client.post(report.get_absolute_url())  # the redirect showed the preview again, with the draft
    started.refresh_from_db()
    assert (started.state, started.narrative_en, started.narrative_zh) == ("submitted", "Held.", "刚开始。")
    assert StatusUpdate.objects.count() == 1


# Who may, and how


CAST = ["administrator", "secretariat", "focal_point", "other_focal_point", "reader", "anonymous"]
ALLOWED = {"administrator", "secretariat"}


def sign_in(client, role: str, request) -> None:
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))


def assert_refused(response, role: str) -> None:
    if role == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    else:
        assert response.status_code == 403


@pytest.fixture
def pending(world, secretariat) -> ReportUpload:
    rows = [{"row": 3, **row(world.period, "2.8.2", "TEST-OWNER")}]
    upload = ReportUpload.objects.create(
        period=world.period, uploaded_by=secretariat, original_name="r.xlsx", rows=rows
    )
    upload.show()  # as the upload view does
    return upload


@pytest.mark.parametrize("role", CAST)
def test_only_the_secretariat_downloads_templates_and_sees_uploads(client, world, pending, request, role):
    sign_in(client, role, request)
    for url in (template_url(world.period), upload_url(world.period), pending.get_absolute_url()):
        response = client.get(url)
        if role in ALLOWED:
            assert response.status_code == 200
        else:
            assert_refused(response, role)


@pytest.mark.parametrize("role", CAST)
def test_only_the_secretariat_uploads_and_confirms(client, world, pending, request, role):
    sign_in(client, role, request)
    upload = post_file(
        client, world.period, fill(world.period, {("2.8.1", "TEST-OWNER"): ("ongoing", "Held.")})
    )
    confirm = client.post(pending.get_absolute_url())
    if role in ALLOWED:
        assert upload.status_code == 302 and confirm.status_code == 302
        assert ReportUpload.objects.count() == 2
        assert StatusUpdate.objects.submitted().filter(line=world.lines[1]).exists()
    else:
        assert_refused(upload, role)
        assert_refused(confirm, role)
        assert ReportUpload.objects.count() == 1 and not StatusUpdate.objects.exists()


def test_the_template_is_downloaded_by_get_only_and_an_upload_is_confirmed_by_post_only(
    client, world, pending, administrator
):
    client.force_login(administrator)
    assert client.post(template_url(world.period)).status_code == 405
    assert client.put(upload_url(world.period)).status_code == 405
    assert client.get(pending.get_absolute_url()).status_code == 200
    assert not StatusUpdate.objects.exists()  # looking at the preview confirms nothing


def test_the_periods_page_links_to_the_template_and_the_upload_for_the_secretariat(
    client, world, secretariat
):
    client.force_login(secretariat)
    page = client.get(reverse("commitments:period-list", args=[world.period.plan.code])).content.decode()
    assert template_url(world.period) in page and upload_url(world.period) in page
    assert "Download reporting template" in page and "Upload filled template" in page


def test_the_upload_page_lists_earlier_uploads_and_says_which_were_confirmed(
    client, world, pending, secretariat
):
    ReportUpload.objects.create(
        period=world.period, uploaded_by=secretariat, original_name="done.xlsx", rows=[],
        confirmed_by=secretariat, confirmed_at=timezone.now(),
    )  # fmt: skip
    client.force_login(secretariat)
    page = client.get(upload_url(world.period)).content.decode()
    assert (
        "r.xlsx" in page
        and "Not confirmed" in page
        and "done.xlsx" in page
        and "Confirmed " + timezone.localtime().strftime("%-d %b %Y") in page
    )


# Queries


MORE_LINES = ["1.1.1", "1.2.1", "1.5.1", "1.7.1", "2.5.1", "2.12.1", "2.15.1", "2.16.1", "2.17.1", "3.2.1"]


def many_owners() -> dict:
    """Ten more lines of the plan, each owned by a new organisation; an answer for each."""
    for number, code in enumerate(MORE_LINES):
        own(line("poa-2026-2030", code), make_organisation(acronym=f"TEST-{number}"))
    return {(code, f"TEST-{number}"): ("ongoing", "Held.") for number, code in enumerate(MORE_LINES)}


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_template_download_runs_the_same_few_queries_whatever_the_number_of_rows(
    client, world, secretariat, django_assert_max_num_queries
):
    client.force_login(secretariat)
    # The session, the user, their permissions (2), the period, the statuses, the funds, the lines,
    # their owners and the period's updates.
    with django_assert_max_num_queries(10):
        client.get(template_url(world.period))
    few = queries(client, template_url(world.period))
    many_owners()
    assert queries(client, template_url(world.period)) == few


def test_the_preview_runs_the_same_few_queries_whatever_the_number_of_rows(
    client, world, focal_point, secretariat, django_assert_max_num_queries
):
    client.force_login(secretariat)
    make_update(world.lines[1], world.period, world.owner, focal_point)
    one = uploaded(client, world.period, fill(world.period, {("2.8.2", "TEST-OWNER"): ("ongoing", "Held.")}))
    # The session, the user, their permissions (2), the upload, and what its rows refer to: the
    # lines, the organisations, the owners, the statuses and the period's updates; and the menu's
    # count of the reviews waiting.
    with django_assert_max_num_queries(11):
        client.get(one.get_absolute_url())
    few = queries(client, one.get_absolute_url())
    answers = many_owners()
    many = uploaded(
        client, world.period, fill(world.period, answers | {("2.8.2", "TEST-OWNER"): ("ongoing", "X")})
    )
    assert len([r for r in many.preview().rows if r.outcome in ("create", "update")]) == 11
    assert queries(client, many.get_absolute_url()) == few
