"""The report's annex as a spreadsheet: one row per action line, to filter and sort, and a summary
sheet with the counts by status overall and per pillar."""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..exports import keep_as_text
from . import wording
from .content import ReportContent

HEADER_FILL = PatternFill("solid", fgColor="E8ECF1")
WRAPPED = Alignment(vertical="top", wrap_text=True)
TOP = Alignment(vertical="top")
# Width in characters of each column of the annex: code, pillar, area, text, status, owners, last activity.
WIDTHS = (10, 8, 8, 70, 14, 30, 14)


def render(content: ReportContent) -> bytes:
    with translation.override(wording.interface_language(content)):
        workbook = Workbook()
        annex(workbook.active, content)
        summary(workbook.create_sheet(), content)
        workbook.properties.title = wording.document_title(content)
        workbook.properties.language = "zh-CN" if content.language == "zh" else "en-GB"
        keep_as_text(workbook)
        output = io.BytesIO()
        workbook.save(output)
    return output.getvalue()


def annex(sheet, content: ReportContent) -> None:
    sheet.title = sheet_name(_("Annex"))
    headers = [_("Code"), _("Pillar"), _("Area"), _("Text"), _("Status"), _("Owners"), _("Last activity")]
    sheet.append(headers)
    for pillar in content.pillars:
        for area in pillar.areas:
            for line in area.lines:
                text = line.text.text
                marker = wording.fallback_marker(line.text)
                sheet.append([
                    line.code, pillar.code, area.code, f"{text} [{marker}]" if marker else text,
                    wording.status_label(content, line.status), wording.owners(line), line.last_activity,
                ])  # fmt: skip
    header_row(sheet, len(headers))
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = WRAPPED if cell.column in (4, 6) else TOP
        row[6].number_format = "yyyy-mm-dd"
    sheet.auto_filter.ref = sheet.dimensions


def summary(sheet, content: ReportContent) -> None:
    """Lines by status per pillar and for the whole plan, with the change since the report compared with."""
    sheet.title = sheet_name(_("Summary"))
    sheet.append([wording.document_title(content)])
    sheet.append([wording.as_of(content)])
    sheet.append([wording.headline(content, content.overall)])
    sheet.append([wording.compared_with(content)])
    sheet.append([])
    headers = [_("Pillar"), *wording.tally_headers(content), _("Implemented or ongoing")]
    first = sheet.max_row + 1
    sheet.append(headers)
    tallies = [(wording.pillar_heading(pillar), pillar.tally) for pillar in content.pillars]
    for label, tally in [*tallies, (_("All pillars"), content.overall)]:
        counts = [count for count, _change in wording.tally_row(content, tally)]
        sheet.append([label, *counts, content.implemented(tally)])
    if content.compared_with:
        sheet.append([])
        sheet.append([_("Change since the report compared with")])
        sheet.append(headers[:-2])  # no change of the total or of what is implemented
        for label, tally in [*tallies, (_("All pillars"), content.overall)]:
            sheet.append([label, *(change for _count, change in wording.tally_row(content, tally)[:-1])])
    for cell in sheet[first]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = WRAPPED
    for cell in sheet[first + len(tallies) + 1]:
        cell.font = Font(bold=True)
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.column_dimensions["A"].width = 40
    for index in range(2, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 13


def header_row(sheet, columns: int) -> None:
    for cell in sheet[1][:columns]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = WRAPPED
    sheet.freeze_panes = "A2"


def sheet_name(name: str) -> str:
    """Excel refuses sheet names over 31 characters or with any of []:*?/\\ in them."""
    return "".join(char for char in name if char not in "[]:*?/\\")[:31]
