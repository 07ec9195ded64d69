"""Reporting values towards the quantified targets by spreadsheet: the sheet "Targets" of the period's
template, reading a filled copy with the same rules as the update form, and saving the values with
their updates when the upload is confirmed."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from commitments import spreadsheets
from commitments.models import Plan, ReportUpload, StatusUpdate, Target, TargetValue

from .conftest import line, make_period, make_update, make_user, own
from .test_html_is_valid import check, needs_java
from .test_spreadsheets import post_file, template_url, uploaded

pytestmark = pytest.mark.django_db

ANNEX = "csp-poa-2022-2025"
ON = datetime.date(2024, 1, 1)
TARGET_KEYS = [column.key for column in spreadsheets.TARGET_COLUMNS]
UPDATE_KEYS = [column.key for column in spreadsheets.COLUMNS]


@pytest.fixture
def annex_period():
    annex = Plan.objects.get(code=ANNEX)
    return make_period(
        annex, label="2023–2024", starts_on=datetime.date(2023, 1, 1), ends_on=datetime.date(2024, 12, 31),
        deadline=datetime.date(2024, 11, 30),
    )  # fmt: skip


@pytest.fixture
def annex(annex_period, owner, other_owner, secretariat, client):
    """Line 2.1 (vaccine doses) led by TEST-OWNER; 3.13 (technologies, young scientists) led by
    TEST-OWNER with TEST-OTHER supporting; 1.1, without targets, led by TEST-OTHER. The secretariat
    is signed in."""
    own(line(ANNEX, "2.1"), owner)
    own(line(ANNEX, "3.13"), owner)
    own(line(ANNEX, "3.13"), other_owner, role="supporting")
    own(line(ANNEX, "1.1"), other_owner)
    client.force_login(secretariat)
    return annex_period


def template(period):
    return load_workbook(io.BytesIO(spreadsheets.reporting_template(period)))


def target_rows(workbook) -> list[dict]:
    sheet = workbook[spreadsheets.TARGETS_SHEET]
    return [
        dict(zip(TARGET_KEYS, values, strict=False))
        for values in sheet.iter_rows(min_row=3, values_only=True)
    ]


def fill(period, updates: dict, values: dict, extra_targets: list[dict] = (), without_targets=False) -> bytes:
    """The period's template with ``updates`` {(line, owner): (status, English progress)} and
    ``values`` {(line, owner, target key): (value, source)} filled in, as a person would in Excel."""
    workbook = template(period)
    sheet = workbook[spreadsheets.UPDATES_SHEET]
    column = {key: index for index, key in enumerate(UPDATE_KEYS, start=1)}
    for row in range(3, sheet.max_row + 1):
        key = (sheet.cell(row, column["line"]).value, sheet.cell(row, column["owner"]).value)
        for name, value in zip(("status", "narrative_en"), updates.get(key, ()), strict=False):
            sheet.cell(row, column[name]).value = value
    if without_targets:
        del workbook[spreadsheets.TARGETS_SHEET]
    else:
        sheet = workbook[spreadsheets.TARGETS_SHEET]
        column = {key: index for index, key in enumerate(TARGET_KEYS, start=1)}
        for row in range(3, sheet.max_row + 1):
            key = tuple(sheet.cell(row, column[name]).value for name in ("line", "owner", "target"))
            for name, value in zip(("value", "source"), values.get(key, ()), strict=False):
                sheet.cell(row, column[name]).value = value
        for extra in extra_targets:
            sheet.append([extra.get(key, "") for key in TARGET_KEYS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


DOSES = ("2.1", "TEST-OWNER", "covid-vaccine-doses")
TECHNOLOGIES = ("3.13", "TEST-OWNER", "technologies")
REPORTED = {
    ("2.1", "TEST-OWNER"): ("ongoing", "Doses delivered."),
    ("3.13", "TEST-OWNER"): ("ongoing", "Held."),
}


def target_outcomes(client, report) -> dict[int, tuple[str, list[str]]]:
    rows = client.get(report.get_absolute_url()).context["preview"].targets
    return {row.number: (row.outcome, row.errors) for row in rows if row.outcome != "skip"}


def doses() -> Target:
    return Target.objects.get(key="covid-vaccine-doses")


# The template


def test_the_template_has_a_targets_sheet_with_a_row_per_target_and_owner_of_the_lines_with_targets(annex):
    workbook = template(annex)
    assert workbook.sheetnames == ["Updates", "Targets", "Statuses", "Funds", "Read me"]
    rows = target_rows(workbook)
    assert [(row["line"], row["owner"], row["target"]) for row in rows] == [
        ("2.1", "TEST-OWNER", "covid-vaccine-doses"),
        ("3.13", "TEST-OWNER", "technologies"),
        ("3.13", "TEST-OWNER", "young-scientists"),
        ("3.13", "TEST-OTHER", "technologies"),
        ("3.13", "TEST-OTHER", "young-scientists"),
    ]  # the lead first; line 1.1 has no target
    first = rows[0]
    assert (first["unit"], first["target_value"], first["ends_on"].date()) == (
        "doses", 150_000_000, doses().ends_on,
    )  # fmt: skip
    assert first["measure_zh"] == doses().measure_zh and (first["value"], first["source"]) == (None, None)


def test_the_targets_sheet_has_machine_keys_hidden_above_headers_in_both_languages(annex):
    sheet = template(annex)["Targets"]
    assert [cell.value for cell in sheet[1]] == TARGET_KEYS and sheet.row_dimensions[1].hidden
    headers = [cell.value for cell in sheet[2]]
    assert headers[TARGET_KEYS.index("value")].startswith("Achieved in the period")
    assert headers[TARGET_KEYS.index("source")].startswith("Source of the figure")
    assert sheet.freeze_panes == "D3"
    fills = {
        key: sheet.cell(3, index).fill.fgColor.rgb[-6:] for index, key in enumerate(TARGET_KEYS, start=1)
    }
    assert fills["measure_en"] == "F2F2F2" and fills["value"] == fills["source"] == "FFF8D6"


def test_the_targets_sheet_shows_what_each_owner_has_reported_so_far(annex, owner, focal_point):
    draft = make_update(line(ANNEX, "2.1"), annex, owner, focal_point)
    TargetValue.objects.create(update=draft, target=doses(), value=40_000_000, source="MoH")
    first = target_rows(template(annex))[0]
    assert (first["reported_value"], first["reported_source"]) == (40_000_000, "MoH")


def test_a_template_for_lines_without_targets_has_no_targets_sheet(client, period, owner):
    own(line("poa-2026-2030", "2.8.1"), owner)
    assert "Targets" not in template(period).sheetnames


def test_the_instructions_say_how_to_report_a_value(annex):
    instructions = [row[0] for row in template(annex)["Read me"].iter_rows(values_only=True) if row[0]]
    assert any("achieved in the period only, not the total so far" in text for text in instructions)


# Reading a filled copy and confirming it


@pytest.mark.parametrize("figure", ["150,000,000", "150 000 000", 150_000_000, 150_000_000.0])
def test_a_value_typed_as_text_or_entered_as_a_number_is_read_as_the_form_reads_it(client, annex, figure):
    report = uploaded(client, annex, fill(annex, REPORTED, {DOSES: (figure, "Ministry of Health")}))
    (row,) = [row for row in client.get(report.get_absolute_url()).context["preview"].targets if row.value]
    assert (row.outcome, row.value, row.amount) == ("save", 150_000_000, "150,000,000 doses")


def test_confirming_saves_each_value_with_its_update_and_it_counts_once_the_update_is_approved(
    client, annex, secretariat
):
    data = fill(annex, REPORTED, {DOSES: ("40,000,000", "Ministry of Health"), TECHNOLOGIES: (400, "MOST")})
    report = uploaded(client, annex, data)
    page = client.get(report.get_absolute_url()).content.decode()
    assert (
        "2 target values" in page and "40,000,000 doses" in page and "Value to submit with the update" in page
    )
    assert not TargetValue.objects.exists()  # nothing before confirming
    response = client.post(report.get_absolute_url(), follow=True)
    assert "2 updates submitted." in response.content.decode()
    update = StatusUpdate.objects.get(line=line(ANNEX, "2.1"))
    assert update.state == "submitted"
    assert [(v.target.key, v.value, v.source) for v in update.target_values.all()] == [
        ("covid-vaccine-doses", 40_000_000, "Ministry of Health")
    ]
    (kept,) = TargetValue.history.filter(target__key="covid-vaccine-doses")
    assert (kept.history_user, kept.history_change_reason) == (secretariat, f"spreadsheet upload {report.pk}")
    assert Target.objects.filter(key="covid-vaccine-doses").progress_on(ON)[0].reported == 0  # not approved
    update.approve(by=make_user("another-officer", "Secretariat officer"))  # not who submitted it
    assert Target.objects.filter(key="covid-vaccine-doses").progress_on(ON)[0].reported == 40_000_000
    page = response.content.decode()
    assert (
        "Submitted with the update" in page and reverse("commitments:update-detail", args=[update.pk]) in page
    )


def test_an_empty_value_cell_keeps_the_value_of_the_owners_draft(client, annex, owner, focal_point):
    draft = make_update(line(ANNEX, "2.1"), annex, owner, focal_point)
    TargetValue.objects.create(update=draft, target=doses(), value=40_000_000, source="MoH")
    report = uploaded(client, annex, fill(annex, {("2.1", "TEST-OWNER"): ("ongoing", "Delivered.")}, {}))
    client.post(report.get_absolute_url())
    draft.refresh_from_db()
    assert draft.state == "submitted" and [(v.value, v.source) for v in draft.target_values.all()] == [
        (40_000_000, "MoH")
    ]


def test_a_value_replaces_the_value_of_the_owners_draft(client, annex, owner, focal_point):
    draft = make_update(line(ANNEX, "2.1"), annex, owner, focal_point)
    TargetValue.objects.create(update=draft, target=doses(), value=40_000_000, source="MoH")
    report = uploaded(client, annex, fill(annex, REPORTED, {DOSES: (45_000_000, "MoH, revised")}))
    client.post(report.get_absolute_url())
    assert [(v.value, v.source) for v in draft.target_values.all()] == [(45_000_000, "MoH, revised")]
    assert [h.value for h in TargetValue.history.order_by("history_id")] == [40_000_000, 45_000_000]


def test_a_workbook_without_the_targets_sheet_still_uploads_as_before(client, annex):
    report = uploaded(client, annex, fill(annex, REPORTED, {}, without_targets=True))
    assert report.target_rows == []
    response = client.post(report.get_absolute_url(), follow=True)
    assert "2 updates submitted." in response.content.decode() and not TargetValue.objects.exists()


def test_a_targets_sheet_without_its_columns_is_refused_with_a_clear_error(client, annex):
    workbook = load_workbook(io.BytesIO(fill(annex, REPORTED, {})))
    workbook["Targets"].delete_rows(1, 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    page = post_file(client, annex, buffer.getvalue()).content.decode()
    assert "The sheet “Targets” is not the template&#x27;s" in page and not StatusUpdate.objects.exists()


# Each rule of the model, as a row error; nothing saved


def other_line_row(**overrides) -> dict:
    """A row typed below the template's: line 2.1's owner reporting imports, a target of line 3.6."""
    return {"line": "2.1", "owner": "TEST-OWNER", "target": "agricultural-imports"} | overrides


@pytest.mark.parametrize(
    ("values", "extra", "error"),
    [
        ({DOSES: (40_000_000, "")}, [], "Source of the figure: Say where the figure comes from."),
        ({DOSES: ("", "MoH")}, [], "Give the figure this source is for, or clear the source."),
        ({DOSES: (-5, "MoH")}, [], "Ensure this value is greater than or equal to 0."),
        ({DOSES: ("forty", "MoH")}, [], "Achieved in the period: “forty” value must be an integer."),
        ({DOSES: (1.5, "MoH")}, [], "Achieved in the period: “1.5” value must be an integer."),
        ({DOSES: ("99999999999999999999", "MoH")}, [], "Ensure this value is less than or equal to"),
        ({}, [other_line_row(value=5, source="Customs")],
         "Achieved in the period: This target is not one of the line's: report it on its own line."),
        ({}, [other_line_row(target="doses", value=5, source="MoH")],
         "Line 2.1 has no target doses; its targets are: covid-vaccine-doses."),
        ({DOSES: (1, "MoH")}, [other_line_row(target="covid-vaccine-doses", value=2, source="MoH")],
         "This target of line 2.1 for TEST-OWNER is already in row 3 of “Targets”."),
        ({("3.13", "TEST-OTHER", "technologies"): (5, "MOST")}, [],
         "Line 3.13 for TEST-OTHER has no status or progress in the sheet “Updates”"),
        ({}, [other_line_row(owner="TEST-OTHER", target="covid-vaccine-doses", value=5, source="MoH")],
         "TEST-OTHER is not a confirmed owner of line 2.1."),
    ],
)  # fmt: skip
def test_each_rule_refuses_its_row_with_a_clear_error_and_nothing_is_saved(
    client, annex, values, extra, error
):
    report = uploaded(client, annex, fill(annex, REPORTED, values, extra))
    refused = [errors for outcome, errors in target_outcomes(client, report).values() if outcome == "error"]
    assert any(error in message for errors in refused for message in errors), refused
    page = client.get(report.get_absolute_url()).content.decode()
    assert "row with errors" in page and 'href="?show=errors"' in page
    response = client.post(report.get_absolute_url(), follow=True)
    assert "Nothing was saved." in response.content.decode()
    assert not StatusUpdate.objects.exists() and not TargetValue.objects.exists()


def test_the_value_of_an_update_submitted_already_cannot_be_changed(client, annex, owner, focal_point):
    make_update(line(ANNEX, "2.1"), annex, owner, focal_point, state="submitted")
    report = uploaded(client, annex, fill(annex, REPORTED, {DOSES: (5, "MoH")}))
    assert target_outcomes(client, report)[3] == (
        "error", ["TEST-OWNER's update of line 2.1 is submitted already; its values cannot be changed."],
    )  # fmt: skip
    client.post(report.get_absolute_url())
    assert not TargetValue.objects.exists()


def test_the_preview_lists_only_the_values_given_and_their_errors_under_their_filters(client, annex):
    data = fill(annex, REPORTED, {DOSES: (5, "MoH"), TECHNOLOGIES: (-1, "MOST")})
    report = uploaded(client, annex, data)
    url = report.get_absolute_url()
    assert [row.number for row in client.get(url).context["targets"]] == [3, 4]  # not the blank rows
    assert [row.number for row in client.get(url + "?show=errors").context["targets"]] == [4]
    assert [row.number for row in client.get(url + "?show=submit").context["targets"]] == [3]
    assert "Errors (1)" in client.get(url).content.decode()


def test_a_row_error_is_in_chinese_for_a_chinese_interface(client, annex):
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    report = uploaded(client, annex, fill(annex, REPORTED, {DOSES: (-5, "MoH"), TECHNOLOGIES: (5, "")}))
    outcomes = target_outcomes(client, report)
    assert outcomes[3][0] == outcomes[4][0] == "error"
    assert "确保该值大于或等于0。" in outcomes[3][1][0]  # Django's own wording, translated
    assert len(outcomes[4][1]) == 1  # the missing source, in Chinese once the lead has translated it


# Queries


def test_the_upload_and_its_preview_run_the_same_queries_whatever_the_number_of_values(
    client, annex, django_assert_num_queries
):
    one = fill(annex, REPORTED, {DOSES: (5, "MoH")})
    values = {
        DOSES: (5, "MoH"), TECHNOLOGIES: (1, "MOST"), ("3.13", "TEST-OWNER", "young-scientists"): (2, "X"),
        ("3.13", "TEST-OTHER", "technologies"): (3, "X"), ("3.13", "TEST-OTHER", "young-scientists"): (4, ""),
    }  # fmt: skip
    many = fill(annex, REPORTED | {("3.13", "TEST-OTHER"): ("ongoing", "Held.")}, values)
    # The user, their permissions, the period; the new upload; what its rows refer to (the lines,
    # the organisations, the owners, the statuses, the period's updates, the plan's targets); and the
    # versions it was shown with.
    with django_assert_num_queries(11):
        post_file(client, annex, one)
    with django_assert_num_queries(11):
        post_file(client, annex, many)
    first, second = ReportUpload.objects.order_by("pk")
    assert [row.outcome for row in second.preview().targets] == ["save"] * 4 + ["error"]
    # The same for the preview page, less the new upload and the versions (shown already), and the
    # menu's count of the reviews waiting.
    with django_assert_num_queries(10):
        client.get(first.get_absolute_url())
    with django_assert_num_queries(10):
        client.get(second.get_absolute_url())


def test_the_template_download_runs_the_same_queries_whatever_the_number_of_targets(
    client, annex, owner, focal_point, other_owner, django_assert_num_queries
):
    make_update(line(ANNEX, "2.1"), annex, owner, focal_point)
    # The user, their permissions, the period, the statuses, the funds, the lines with whether they
    # have targets, their owners, the period's updates; the targets and the values so far.
    with django_assert_num_queries(10):
        client.get(template_url(annex))
    own(line(ANNEX, "4.3"), other_owner)
    own(line(ANNEX, "3.6"), other_owner)
    make_update(line(ANNEX, "3.6"), annex, other_owner, focal_point)
    with django_assert_num_queries(10):
        client.get(template_url(annex))


@needs_java
def test_the_preview_with_target_values_is_valid_html_in_both_languages(client, annex, tmp_path):
    wrong = uploaded(client, annex, fill(annex, REPORTED, {DOSES: (5, "MoH"), TECHNOLOGIES: (-1, "")}))
    right = uploaded(client, annex, fill(annex, REPORTED, {DOSES: (5, "MoH")}))
    client.post(right.get_absolute_url())  # confirmed: the values as saved
    files = []
    for language in ["en", "zh-hans"]:
        client.post(reverse("set_language"), {"language": language, "next": "/"})
        for report in (wrong, right):
            files.append(tmp_path / f"{len(files)}.html")
            files[-1].write_bytes(client.get(report.get_absolute_url()).content)
    assert check(files) == []
