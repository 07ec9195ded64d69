"""The register's exports: the filtered lines as CSV (for any tool) and XLSX (for Excel users)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from . import cells, uploads
from .models import ActionLine, PeriodStatus, Plan, ReportingPeriod, StatusUpdate

XLSX_TYPE = uploads.XLSX.content_type
# Column widths in characters; the long texts wrap.
WIDTHS = {
    "code": 9, "part": 8, "area": 8, "text_en": 60, "text_zh": 40, "owners": 28, "status": 14,
    "updated": 12, "period": 11, "period_status": 14, "narrative_en": 60, "narrative_zh": 40,
}  # fmt: skip
WRAPPED = {"text_en", "text_zh", "owners", "narrative_en", "narrative_zh"}


def columns() -> dict[str, str]:
    """The export's columns and their headers in the interface language."""
    return {
        "code": _("Code"), "part": _("Pillar"), "area": _("Area"),
        "text_en": _("Text (English)"), "text_zh": _("Text (Chinese)"), "owners": _("Owners"),
        "status": _("Current status"), "updated": _("Last update"), "period": _("Reporting period"),
        "period_status": _("Status in the period"),
        "narrative_en": _("Progress in the period (English)"),
        "narrative_zh": _("Progress in the period (Chinese)"),
    }  # fmt: skip


def with_period_details(lines, period: ReportingPeriod | None):
    """The lines with the period's confirmed status and approved updates, two queries more in all."""
    if period is None:
        return lines
    return lines.prefetch_related(
        Prefetch(
            "period_statuses",
            PeriodStatus.objects.confirmed().filter(period=period).select_related("status"),
            to_attr="statuses_in_period",
        ),
        Prefetch(
            "updates",
            StatusUpdate.objects.approved().in_period(period).select_related("organisation")
            .order_by("organisation__acronym"),
            to_attr="approved_in_period",
        ),
    )  # fmt: skip


def record(line: ActionLine, period: ReportingPeriod | None) -> dict[str, object]:
    status = line.current_status
    in_period = next(iter(getattr(line, "statuses_in_period", [])), None)
    updates = getattr(line, "approved_in_period", [])
    return {
        "code": line.code,
        "part": line.part.code,
        "area": line.area.code if line.area else "",
        "text_en": line.text_en,
        "text_zh": line.text_zh,
        "owners": "; ".join(f"{o.organisation.acronym} ({o.get_role_display()})" for o in line.owners),
        "status": str(status) if status else "",
        "updated": timezone.localdate(line.last_update_at) if line.last_update_at else None,
        "period": period.label if period else "",
        "period_status": str(in_period.status) if in_period else "",
        "narrative_en": narratives(updates, "en"),
        "narrative_zh": narratives(updates, "zh"),
    }


def narratives(updates: Iterable[StatusUpdate], language: str) -> str:
    texts = ((u.organisation.acronym, getattr(u, f"narrative_{language}")) for u in updates)
    return "\n\n".join(f"{acronym}: {text}" for acronym, text in texts if text)


def rows(lines, period: ReportingPeriod | None) -> Iterable[dict[str, object]]:
    return (record(line, period) for line in with_period_details(lines, period))


def filename(plan: Plan | None, extension: str) -> str:
    return f"register-{plan.code if plan else 'all'}-{timezone.localdate():%Y-%m-%d}.{extension}"


def as_csv(lines, plan: Plan | None, period: ReportingPeriod | None) -> HttpResponse:
    """UTF-8 with a byte order mark, without which Excel reads Chinese as gibberish."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(plan, "csv")}"'
    response.write("\ufeff")
    headers = columns()
    writer = csv.DictWriter(response, fieldnames=list(headers))
    writer.writerows(cells.csv_rows([headers]))
    writer.writerows(cells.csv_rows(rows(lines, period)))
    return response


def as_xlsx(lines, plan: Plan | None, period: ReportingPeriod | None) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Register")[:31]
    headers = columns()
    sheet.append(list(headers.values()))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8ECF1")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for row in rows(lines, period):
        sheet.append(list(row.values()))
    for index, key in enumerate(headers, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = WIDTHS[key]
        if key in WRAPPED:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        if key == "updated":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "B2"  # the header row and the code column stay in view
    sheet.auto_filter.ref = sheet.dimensions
    cells.keep_as_text(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(plan, "xlsx")}"'
    return response


FORMATS = {"csv": as_csv, "xlsx": as_xlsx}
