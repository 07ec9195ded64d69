"""The report's annex as a spreadsheet: one row per action line with its status, lead body,
owners' accounts and activities, to filter and sort; and a summary sheet with the headline and the
lines by status per pillar. Both print on landscape A4, fitted to the width, with the header row
repeated on every page."""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..cells import keep_as_text
from . import wording
from .content import ReportContent

HEADER_FILL = PatternFill("solid", fgColor="E8ECF1")
WRAPPED = Alignment(vertical="top", wrap_text=True)
TOP = Alignment(vertical="top")
# The annex's columns: header, width in characters, wrapped.
ANNEX_COLUMNS = [
    (gettext_noop("Code"), 9, False),
    (gettext_noop("Pillar"), 22, True),
    (gettext_noop("Action line"), 60, True),
    (gettext_noop("Status"), 14, True),
    (gettext_noop("Lead body"), 26, True),
    (gettext_noop("Other owners"), 26, True),
    (gettext_noop("Progress reported"), 70, True),
    (gettext_noop("Activities in the period"), 60, True),
]


def render(content: ReportContent) -> bytes:
    with translation.override(wording.interface_language(content)):
        workbook = Workbook()
        annex(workbook.active, content)
        summary(workbook.create_sheet(), content)
        if content.targets:
            targets(workbook.create_sheet(), content)
        workbook.properties.title = wording.document_title(content)
        workbook.properties.language = "zh-CN" if content.language == "zh" else "en-GB"
        keep_as_text(workbook)
        output = io.BytesIO()
        workbook.save(output)
    return output.getvalue()


def annex(sheet, content: ReportContent) -> None:
    sheet.title = sheet_name(_("Annex"))
    sheet.append([_(header) for header, _width, _wrap in ANNEX_COLUMNS])
    for pillar in content.pillars:
        for line in pillar.lines():
            others = [owner.name for owner in line.owners if owner is not line.lead]
            progress = "\n\n".join(
                f"{update.body}：{wording.marked(content, update.narrative)}" if wording.is_chinese(content)
                else f"{update.body}: {wording.marked(content, update.narrative)}"
                for update in line.updates if update.narrative.text
            )  # fmt: skip
            activities = "\n".join(wording.activity_line(content, activity) for activity in line.activities())
            sheet.append([
                line.code, wording.pillar_name(pillar), wording.marked(content, line.text),
                wording.status_label(content, line.status), wording.lead_body(line), "\n".join(others),
                progress, activities,
            ])  # fmt: skip
    header_row(sheet, 1, len(ANNEX_COLUMNS))
    for index, (_header, width, wrap) in enumerate(ANNEX_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.alignment = WRAPPED if wrap else TOP
    sheet.auto_filter.ref = sheet.dimensions
    sheet.freeze_panes = "A2"
    print_setup(sheet, "1:1")


def summary(sheet, content: ReportContent) -> None:
    """The headline, and the lines by status per pillar and for the whole plan."""
    sheet.title = sheet_name(_("Summary"))
    sheet.append([wording.document_title(content)])
    sheet.append([wording.as_of(content)])
    sheet.append([wording.headline(content, content.overall)])
    sheet.append([wording.coverage(content)])
    sheet.append([wording.change(content)])
    sheet.append([])
    headers = [_("Pillar"), *wording.tally_headers(content), _("Implemented or being implemented")]
    sheet.append(headers)
    header = sheet.max_row  # read after the row is written: an empty row above it is not counted
    for pillar in content.pillars:
        sheet.append([wording.pillar_name(pillar), *wording.tally_cells(content, pillar.tally),
                      content.implemented(pillar.tally)])  # fmt: skip
    sheet.append([_("All pillars"), *wording.tally_cells(content, content.overall),
                  content.implemented(content.overall)])  # fmt: skip
    header_row(sheet, header, len(headers))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A3"].font = Font(bold=True)
    sheet.column_dimensions["A"].width = 42
    for index in range(2, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    print_setup(sheet, f"{header}:{header}")


def targets(sheet, content: ReportContent) -> None:
    """Each quantified target with its progress as of the cut-off, as numbers to compute with."""
    sheet.title = sheet_name(_("Quantified targets"))
    headers = [
        _("Code"), _("Target"), _("Unit"), _("Target value"), _("Baseline"), _("Starts on"), _("Ends on"),
        _("Reported to date"), _("Share of the target (%)"), _("Expected by now"), _("Progress"),
    ]  # fmt: skip
    sheet.append(headers)
    for target in content.targets:
        sheet.append([
            target.line, target.measure.text, target.unit_label, target.value, target.baseline,
            target.starts_on, target.ends_on, target.reported, round(target.share_percent, 1),
            target.expected,
            _("Behind") if target.is_behind else _("On track"),
        ])  # fmt: skip
    header_row(sheet, 1, len(headers))
    for index, width in enumerate([9, 50, 12, 18, 14, 12, 12, 18, 12, 18, 12], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=2):
        row[1].alignment = WRAPPED
        for cell in (row[3], row[4], row[7], row[9]):
            cell.number_format = "#,##0"
        for cell in (row[5], row[6]):
            cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    print_setup(sheet, "1:1")


def header_row(sheet, row: int, columns: int) -> None:
    for cell in sheet[row][:columns]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = WRAPPED


def print_setup(sheet, title_rows: str) -> None:
    """Landscape A4, fitted to the page's width, the header row repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows


def sheet_name(name: str) -> str:
    """Excel refuses sheet names over 31 characters or with any of []:*?/\\ in them."""
    return "".join(char for char in name if char not in "[]:*?/\\")[:31]
