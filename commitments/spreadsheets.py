"""The reporting template: the XLSX workbook a period's owners fill in, and reading a filled copy back.

The workbook is bilingual, so that one file serves every owning body: each header reads
"English / 中文". Above the headers, a hidden first row holds each column's machine key
("line", "status" …); reading a filled copy finds its columns by those keys (or, when someone
deleted that row, by the headers in either language), never by position or by one language.

When the lines it covers have quantified targets, a sheet "Targets" has one row per target and
owner, in which the owner gives the value achieved in the period and its source; a workbook for
lines without targets has no such sheet (nothing there could be filled in), and a filled copy
without it is read as before.

Only the format lives here; what the rows mean (known line? owner of it? which status? a valid
activity?) is checked by ``ReportUpload`` in ``models/spreadsheets.py``.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass
from typing import IO, Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from . import uploads
from .cells import keep_as_text
from .models import ActionLine, Activity, Fund, ReportingPeriod, Status, StatusUpdate, Target, TargetValue

XLSX_TYPE = uploads.XLSX.content_type
UPDATES_SHEET = "Updates"
STATUSES_SHEET = "Statuses"
FUNDS_SHEET = "Funds"
TARGETS_SHEET = "Targets"
README_SHEET = "Read me"
KEY_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
# A plan has a few hundred lines with one to three owners each; far more rows is not a template.
MAX_ROWS = 5000
# A plan has a handful of targets, each with one to three owners.
MAX_TARGET_ROWS = 1000
# The template is text, a few hundred kilobytes; the evidence limit is for scanned reports.
MAX_BYTES = 5 * 1024 * 1024
# The template has 25 columns; cells far to the right of them are not read.
MAX_COLUMNS = 60
# Rows are read up to this row number and no further, blank rows between the filled ones included;
# a sheet going on below it is refused rather than read to its end (a sheet can declare a million).
MAX_ROW_NUMBER = 2 * MAX_ROWS
# What the workbook may unpack to, checked from the zip's directory before openpyxl opens it: the
# template filled for every line is a few megabytes; 95 MB of shared strings took 79 s to load.
MAX_UNPACKED = 50 * 1024 * 1024
# XML compresses ten to thirty times; a part packed far tighter than this is padding, not data.
MAX_RATIO = 100
RATIO_FROM_BYTES = 1024 * 1024  # small parts are not judged by their ratio
# Excel's own limit for a cell.
MAX_CELL_CHARS = 32767
# Rows below the prefilled ones where a status can still be picked from the list.
SPARE_ROWS = 100

GIVEN, KNOWN, TO_FILL = "given", "known", "to-fill"
FILLS = {
    GIVEN: PatternFill("solid", fgColor="F2F2F2"),
    KNOWN: PatternFill("solid", fgColor="E8F0FB"),
    TO_FILL: PatternFill("solid", fgColor="FFF8D6"),
}
HEADER_FONT = Font(bold=True)
WRAPPED = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    width: int
    kind: str


COLUMNS = [
    Column("plan", gettext_lazy("Plan"), 16, GIVEN),
    Column("period", gettext_lazy("Period"), 12, GIVEN),
    Column("line", gettext_lazy("Line"), 9, GIVEN),
    Column("owner", gettext_lazy("Owner"), 14, GIVEN),
    Column("role", gettext_lazy("Role"), 12, GIVEN),
    Column("text_en", gettext_lazy("Action line (English)"), 50, GIVEN),
    Column("text_zh", gettext_lazy("Action line (Chinese)"), 36, GIVEN),
    Column("reported_state", gettext_lazy("Update so far"), 14, KNOWN),
    Column("reported_status", gettext_lazy("Status so far"), 16, KNOWN),
    Column("reported_en", gettext_lazy("Progress so far (English)"), 40, KNOWN),
    Column("reported_zh", gettext_lazy("Progress so far (Chinese)"), 30, KNOWN),
    Column("status", gettext_lazy("Status"), 16, TO_FILL),
    Column("narrative_en", gettext_lazy("Progress (English)"), 50, TO_FILL),
    Column("narrative_zh", gettext_lazy("Progress (Chinese)"), 36, TO_FILL),
    Column("reason_en", gettext_lazy("Reason for the delay (English)"), 36, TO_FILL),
    Column("reason_zh", gettext_lazy("Reason for the delay (Chinese)"), 28, TO_FILL),
    Column("activity_date", gettext_lazy("Activity date"), 12, TO_FILL),
    Column("activity_title_en", gettext_lazy("Activity title (English)"), 36, TO_FILL),
    Column("activity_title_zh", gettext_lazy("Activity title (Chinese)"), 28, TO_FILL),
    Column("activity_kind", gettext_lazy("Activity kind"), 12, TO_FILL),
    Column("activity_place_en", gettext_lazy("Activity place (English)"), 16, TO_FILL),
    Column("activity_place_zh", gettext_lazy("Activity place (Chinese)"), 14, TO_FILL),
    Column("activity_organisers", gettext_lazy("Activity organisers"), 24, TO_FILL),
    Column("activity_fund", gettext_lazy("Funded by (fund)"), 12, TO_FILL),
    Column("activity_amount_usd", gettext_lazy("Amount (USD)"), 14, TO_FILL),
]
# What an upload keeps of each row; the other columns are there to be read by people.
READ_KEYS = ("plan", "period", "line", "owner", "status", "narrative_en", "narrative_zh")
# Why a line is delayed or discontinued, and one activity per row, if any: read when present, so
# that a template from before they were added is still accepted.
REASON_KEYS = ("reason_en", "reason_zh")
ACTIVITY_KEYS = (
    "activity_date", "activity_title_en", "activity_title_zh", "activity_kind", "activity_place_en",
    "activity_place_zh", "activity_organisers", "activity_fund", "activity_amount_usd",
)  # fmt: skip
# Stored as text, so that Excel keeps "5.10"
TEXT_KEYS = {"plan", "period", "line", "owner", "status", "activity_kind", "activity_fund", "target"}

TARGET_COLUMNS = [
    Column("line", gettext_lazy("Line"), 9, GIVEN),
    Column("owner", gettext_lazy("Owner"), 14, GIVEN),
    Column("target", gettext_lazy("Target key"), 22, GIVEN),
    Column("measure_en", gettext_lazy("Target (English)"), 40, GIVEN),
    Column("measure_zh", gettext_lazy("Target (Chinese)"), 28, GIVEN),
    Column("unit", gettext_lazy("Unit"), 12, GIVEN),
    Column("target_value", gettext_lazy("Target value"), 18, GIVEN),
    Column("ends_on", gettext_lazy("To reach by"), 12, GIVEN),
    Column("reported_value", gettext_lazy("Value so far"), 16, KNOWN),
    Column("reported_source", gettext_lazy("Source so far"), 24, KNOWN),
    Column("value", gettext_lazy("Achieved in the period"), 18, TO_FILL),
    Column("source", gettext_lazy("Source of the figure"), 40, TO_FILL),
]
TARGET_READ_KEYS = ("line", "owner", "target", "value", "source")
NUMBER_KEYS = {"target_value", "reported_value", "value"}

INSTRUCTIONS = [
    gettext_lazy("One row per action line and owner. Fill in the yellow columns of the rows you report on."),
    gettext_lazy(
        "Status: pick a code from the list (the sheet “Statuses” explains them); "
        "the English or Chinese name is accepted too."
    ),
    gettext_lazy(
        "Progress: in English, in Chinese or in both. "
        "A row with no status, no progress and no activity is skipped."
    ),
    gettext_lazy("An empty progress cell keeps the text of an owner's existing draft."),
    gettext_lazy(
        "Activity (optional): one per row, added to the update; enter more in the update form. "
        "It needs a date and a title in English or Chinese; pick its kind from the list."
    ),
    gettext_lazy(
        "Funded by: the acronym of the fund (the sheet “Funds” lists them). "
        "An amount, in US dollars, needs a fund."
    ),
    gettext_lazy("Do not change the plan, period, line and owner columns, nor the hidden first row."),
    gettext_lazy(
        "Targets (when the lines have quantified targets): in the sheet “Targets”, give the amount achieved "
        "in the period only, not the total so far, as a whole number, and where the figure comes from. "
        "A value is submitted with the owner's update: fill in that owner's row in “Updates” too. "
        "An empty value cell keeps the draft's value."
    ),
    gettext_lazy("An update already submitted or approved cannot be replaced from a spreadsheet."),
]


def both_languages(text: Promise | str) -> str:
    """'Status / 状态': the text in English and in Chinese, or once if it has no translation yet."""
    with translation.override("en"):
        english = str(text)
    with translation.override("zh-hans"):
        chinese = str(text)
    return english if chinese == english else f"{english} / {chinese}"


class FilledTemplate(NamedTuple):
    """What a filled copy of the template holds: the rows of "Updates" and those of "Targets"."""

    rows: list[dict[str, Any]]
    target_rows: list[dict[str, Any]]


@dataclass(frozen=True)
class Layout:
    """The columns of one sheet the upload reads: those it needs, and those it reads when present."""

    columns: list[Column]
    required: tuple[str, ...]
    optional: tuple[str, ...]
    missing: Promise  # what is said when a sheet has not the required columns


UPDATES_LAYOUT = Layout(
    COLUMNS, READ_KEYS, REASON_KEYS + ACTIVITY_KEYS,
    gettext_lazy("Not the reporting template: the line, owner, status and progress columns are missing."),
)  # fmt: skip
TARGETS_LAYOUT = Layout(
    TARGET_COLUMNS, TARGET_READ_KEYS, (),
    gettext_lazy(
        "The sheet “Targets” is not the template's: its line, owner, target key, value and source "
        "columns are missing. Download the template again and copy the values there."
    ),
)  # fmt: skip


def template_filename(period: ReportingPeriod) -> str:
    return f"reporting-template-{period.plan.code}-{period.label}.xlsx"


# Writing the template


def reporting_template(period: ReportingPeriod) -> bytes:
    """The period's reporting template: one prefilled row per line in the source and confirmed owner,
    and, when some of the lines have targets, one per target and owner in "Targets".

    Five queries, whatever the number of lines: the statuses, the funds, the lines, their owners
    and the period's updates; two more when the lines have targets (the targets, the values so far).
    """
    statuses = list(Status.objects.all())
    funds = list(Fund.objects.all())
    lines = list(_lines(period))
    updates = {
        (update.line_id, update.organisation_id): update
        for update in StatusUpdate.objects.in_period(period).select_related("status")
    }
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = UPDATES_SHEET
    _write_headers(sheet, COLUMNS, freeze="E")
    for values in template_rows(period, lines, updates):
        sheet.append([values.get(column.key, "") for column in COLUMNS])
    last = sheet.max_row
    _format_rows(sheet, COLUMNS, FIRST_ROW, last)
    _add_lists(sheet, len(statuses), len(funds), last + SPARE_ROWS)
    if any(line.has_targets for line in lines):
        _write_targets(workbook.create_sheet(TARGETS_SHEET), target_rows(period, lines, updates))
    _write_statuses(workbook.create_sheet(STATUSES_SHEET), statuses)
    _write_funds(workbook.create_sheet(FUNDS_SHEET), funds)
    _write_instructions(workbook.create_sheet(README_SHEET), period, statuses)
    buffer = io.BytesIO()
    keep_as_text(workbook)
    workbook.save(buffer)
    return buffer.getvalue()


def _lines(period: ReportingPeriod):
    """The lines the template covers, with their owners and whether they have targets (in the same query)."""
    has_targets = Exists(Target.objects.filter(line=OuterRef("pk")))
    lines = ActionLine.objects.for_plan(period.plan).in_source().in_code_order().with_owners()
    return lines.annotate(has_targets=has_targets)


def template_rows(period: ReportingPeriod, lines, updates: dict[tuple[int, int], StatusUpdate]):
    """The prefilled values of each row, in code order, lead owner first."""
    for line in lines:
        for ownership in line.owners:
            update = updates.get((line.pk, ownership.organisation_id))
            yield {
                "plan": period.plan.code,
                "period": period.label,
                "line": line.code,
                "owner": ownership.organisation.acronym,
                "role": both_languages(ownership.get_role_display()),
                "text_en": line.text_en,
                "text_zh": line.text_zh,
                **(_reported(update) if update else {}),
            }


def _reported(update: StatusUpdate) -> dict[str, str]:
    status = update.status
    return {
        "reported_state": both_languages(update.get_state_display()),
        "reported_status": f"{status.code} ({status.label_en} / {status.label_zh})" if status else "",
        "reported_en": update.narrative_en,
        "reported_zh": update.narrative_zh,
    }


def target_rows(period: ReportingPeriod, lines, updates: dict[tuple[int, int], StatusUpdate]):
    """The prefilled values of each row of "Targets": each target of each line, for each owner, with
    the value of the owner's update so far."""
    targets: dict[int, list[Target]] = {}
    for target in Target.objects.filter(line__in=[line for line in lines if line.has_targets]):
        targets.setdefault(target.line_id, []).append(target)
    so_far = {
        (value.update_id, value.target_id): value
        for value in TargetValue.objects.filter(update__in=[update.pk for update in updates.values()])
    }
    for line in lines:
        for ownership in line.owners if line.pk in targets else ():
            update = updates.get((line.pk, ownership.organisation_id))
            for target in targets[line.pk]:
                reported = so_far.get((update.pk, target.pk)) if update else None
                yield {
                    "line": line.code, "owner": ownership.organisation.acronym, "target": target.key,
                    "measure_en": target.measure_en, "measure_zh": target.measure_zh, "unit": target.unit,
                    "target_value": target.value, "ends_on": target.ends_on,
                    "reported_value": reported.value if reported else None,
                    "reported_source": reported.source if reported else "",
                }  # fmt: skip


def _write_targets(sheet: Worksheet, rows) -> None:
    _write_headers(sheet, TARGET_COLUMNS, freeze="D")
    for values in rows:
        sheet.append([values.get(column.key, "") for column in TARGET_COLUMNS])
    _format_rows(sheet, TARGET_COLUMNS, FIRST_ROW, sheet.max_row)


def _write_headers(sheet: Worksheet, columns: list[Column], *, freeze: str) -> None:
    sheet.append([column.key for column in columns])
    sheet.append([both_languages(column.label) for column in columns])
    sheet.row_dimensions[KEY_ROW].hidden = True
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
        cell = sheet.cell(HEADER_ROW, index)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, FILLS[column.kind], WRAPPED
    # The headers and the columns that say what a row is (plan, period, line, owner) stay in view.
    sheet.freeze_panes = f"{freeze}{FIRST_ROW}"


def _format_rows(sheet: Worksheet, columns: list[Column], first: int, last: int) -> None:
    if last < first:
        return
    for row in sheet.iter_rows(min_row=first, max_row=last):
        for column, cell in zip(columns, row, strict=True):
            cell.alignment, cell.fill = WRAPPED, FILLS[column.kind]
            if column.key in TEXT_KEYS:
                cell.number_format = "@"
            elif column.key in NUMBER_KEYS:
                cell.number_format = "#,##0"
            elif column.key == "ends_on":
                cell.number_format = "yyyy-mm-dd"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{last}"


def _add_lists(sheet: Worksheet, statuses: int, funds: int, last: int) -> None:
    """Drop-down lists for the status, the activity's kind and its fund."""
    kinds = ",".join(Activity.Kind.values)
    for key, formula, title, error in [
        ("status", f"={STATUSES_SHEET}!$A$2:$A${statuses + 1}", gettext_lazy("Status"),
         gettext_lazy("Pick a status code from the list.")),
        ("activity_kind", f'"{kinds}"', gettext_lazy("Activity kind"),
         gettext_lazy("Pick a kind of activity from the list.")),
        ("activity_fund", f"={FUNDS_SHEET}!$A$2:$A${funds + 1}", gettext_lazy("Funded by (fund)"),
         gettext_lazy("Pick a fund's acronym from the list.")),
    ]:  # fmt: skip
        letter = get_column_letter(_index(key))
        choice = DataValidation(
            type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
            errorTitle=both_languages(title), error=both_languages(error),
        )  # fmt: skip
        choice.add(f"{letter}{FIRST_ROW}:{letter}{last}")
        sheet.add_data_validation(choice)


def _write_statuses(sheet: Worksheet, statuses: list[Status]) -> None:
    rows = [(status.code, status.label_en, status.label_zh) for status in statuses]
    _write_vocabulary(sheet, gettext_lazy("Code"), rows, (16, 20, 16))


def _write_funds(sheet: Worksheet, funds: list[Fund]) -> None:
    rows = [(fund.acronym, fund.name_en, fund.name_zh) for fund in funds]
    _write_vocabulary(sheet, gettext_lazy("Acronym"), rows, (12, 44, 28))


def _write_vocabulary(sheet: Worksheet, key: Promise, rows: list[tuple[str, str, str]], widths) -> None:
    sheet.append([both_languages(key), both_languages(gettext_lazy("English")),
                  both_languages(gettext_lazy("Chinese"))])  # fmt: skip
    for row in rows:
        sheet.append(row)
    for letter, width in zip("ABC", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    for cell in sheet[1]:
        cell.font = HEADER_FONT


def _write_instructions(sheet: Worksheet, period: ReportingPeriod, statuses: list[Status]) -> None:
    sheet.column_dimensions["A"].width = 100
    sheet.append([f"{period.plan.code} · {period.label}"])
    sheet["A1"].font = HEADER_FONT
    blocks = []
    for language in ("en", "zh-hans"):
        with translation.override(language):
            blocks.append(_instructions(statuses))
    for block in blocks[:1] if blocks[1] == blocks[0] else blocks:  # once, until translated
        sheet.append([""])
        for text in block:
            sheet.append([text])
    for (cell,) in sheet.iter_rows(min_row=2):
        cell.alignment = WRAPPED


def _instructions(statuses: list[Status]) -> list[str]:
    """The instructions in the active language, with the statuses that need a reason (administrators
    choose them)."""
    texts = [str(text) for text in INSTRUCTIONS]
    if codes := ", ".join(status.code for status in statuses if status.needs_reason):
        texts.insert(
            4,  # after the progress
            _(
                "Reason: when the status is %(codes)s, say why, in English or Chinese; the Summit "
                "report quotes it among the challenges. An empty reason cell keeps the draft's reason."
            )
            % {"codes": codes},
        )
    return texts


def _index(key: str) -> int:
    return next(index for index, column in enumerate(COLUMNS, start=1) if column.key == key)


# Reading a filled copy


def read_upload(upload: IO[bytes], *, name: str = "") -> FilledTemplate:
    """The rows of a filled template: for each non-empty row, its Excel row number and its values;
    those of "Targets" too, if it has that sheet.

    Raises ValidationError, with a message for the person who uploaded it, when the file is
    not an XLSX workbook, is too large, or has no sheet with the template's columns.
    """
    _check_file(upload, name)
    _check_unpacked_sizes(upload)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    # openpyxl raises whatever its parsers raise on a damaged workbook.
    except Exception as error:
        raise ValidationError(
            _("This workbook cannot be read; save it again as XLSX."), code="unreadable"
        ) from error
    try:
        sheet = workbook[UPDATES_SHEET] if UPDATES_SHEET in workbook.sheetnames else workbook.worksheets[0]
        sheet.reset_dimensions()  # some programs write a wrong size; read what is there
        rows = _read_rows(sheet, UPDATES_LAYOUT, MAX_ROWS)
        targets = []
        if TARGETS_SHEET in workbook.sheetnames and workbook[TARGETS_SHEET] is not sheet:
            workbook[TARGETS_SHEET].reset_dimensions()
            targets = _read_rows(workbook[TARGETS_SHEET], TARGETS_LAYOUT, MAX_TARGET_ROWS)
        return FilledTemplate(rows, targets)
    finally:
        workbook.close()
        upload.seek(0)


def _check_file(upload: IO[bytes], name: str) -> None:
    limit = min(uploads.max_bytes(), MAX_BYTES)
    uploads.check_size(upload, limit)
    if uploads.detect_type(upload, limit) != uploads.XLSX:
        raise ValidationError(
            _("This is not an Excel workbook (XLSX). Upload the filled reporting template, saved as XLSX."),
            code="not_xlsx",
        )
    if name and not name.lower().rstrip(". ").endswith(".xlsx"):
        raise ValidationError(_("The file's name must end in .xlsx."), code="extension_mismatch")


def _check_unpacked_sizes(upload: IO[bytes]) -> None:
    """Refuse a workbook that would unpack to too much, from the sizes its zip directory declares
    (which bound what can be decompressed), before openpyxl reads any of it."""
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    finally:
        upload.seek(0)
    unpacked = sum(member.file_size for member in members)
    packed_tight = any(
        member.file_size > RATIO_FROM_BYTES and member.file_size > MAX_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if unpacked > MAX_UNPACKED or packed_tight:
        raise ValidationError(
            _("This workbook unpacks to %(size)s, far more than a filled template; upload the template "
              "with your rows only."),
            code="suspicious_archive",
            params={"size": uploads.human_size(unpacked)},
        )  # fmt: skip


def _read_rows(sheet, layout: Layout, max_rows: int) -> list[dict[str, Any]]:
    names = header_names(layout.columns)
    columns: dict[str, int] | None = None
    rows = []
    # One row past the last one read: openpyxl yields it only when the sheet goes on below it.
    for number, cells in enumerate(
        sheet.iter_rows(min_row=1, max_row=MAX_ROW_NUMBER + 1, max_col=MAX_COLUMNS, values_only=True), start=1
    ):
        if number > MAX_ROW_NUMBER:
            raise ValidationError(
                _(
                    "This sheet goes on below row %(count)d; delete the rows under your data and upload it again."  # noqa: E501
                ),
                code="too_many_rows",
                params={"count": MAX_ROW_NUMBER},
            )
        if not any(cells) and columns is not None:
            continue  # an empty row, cheaply
        values = [_text(value, number) for value in cells]
        if columns is None:
            columns = _columns_in(values, names, layout)
            if columns is None and number >= HEADER_ROW + 3:
                break
            continue
        if _columns_in(values, names, layout) is not None or not any(values):
            continue  # the header row under the keys, or a row of spaces
        if len(rows) == max_rows:
            raise ValidationError(
                _("This file has more than %(count)d rows; upload at most %(count)d at a time."),
                code="too_many_rows",
                params={"count": max_rows},
            )
        row = {key: values[index] if index < len(values) else "" for key, index in columns.items()}
        rows.append({"row": number, **row})
    if columns is None:
        raise ValidationError(str(layout.missing), code="not_the_template")
    return rows


def _columns_in(values: list[str], names: dict[str, str], layout: Layout) -> dict[str, int] | None:
    """The position of each column the upload reads, if ``values`` is a row of keys or headers."""
    found = {}
    for index, value in enumerate(values):
        key = names.get(value.casefold())
        if (key in layout.required or key in layout.optional) and key not in found:
            found[key] = index
    return found if all(key in found for key in layout.required) else None


def header_names(columns: list[Column] = COLUMNS) -> dict[str, str]:
    """Each name a column may go by (its key, its header in either language, or both) → its key."""
    names = {}
    for column in columns:
        both = both_languages(column.label)
        for name in {column.key, both, *both.split(" / ")}:
            names[name.casefold()] = column.key
    return names


def _text(value: Any, row: int) -> str:
    """A cell as text: whole numbers without ".0", dates as ISO dates, text stripped."""
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        raise ValidationError(
            _("Row %(row)d has a cell longer than %(count)d characters."),
            code="cell_too_long",
            params={"row": row, "count": MAX_CELL_CHARS},
        )
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()
