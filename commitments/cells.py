"""Text written into a CSV or XLSX cell stays text, whoever wrote it.

A spreadsheet program reads a cell that begins with "=", "+", "-" or "@" as a formula, and one
beginning with a tab or a carriage return can be made to (formula injection, OWASP "CSV
injection"): a narrative typed as ``=HYPERLINK("http://…", "Click")`` would be a live formula in a
file the secretariat sends out. Every CSV and XLSX the tracker writes goes through this module:
CSV text gets a leading apostrophe, which the programs show as text and do not display; XLSX text
is stored as a string with the "quote prefix" style, so that editing the cell keeps it text.
Numbers, dates and other values that are not text are left as they are (-5 stays a number).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_value(value: Any) -> Any:
    """The value for a CSV cell: a text a spreadsheet would read as a formula gets an apostrophe first."""
    return f"'{value}" if looks_like_formula(value) else value


def csv_rows(rows: Iterable[Mapping[str, Any]]) -> Iterable[dict[str, Any]]:
    """The rows of a csv.DictWriter with every value made safe by ``csv_value``."""
    return ({key: csv_value(value) for key, value in row.items()} for row in rows)


def keep_as_text(workbook: Workbook) -> None:
    """Make every text cell of the workbook that a spreadsheet would read as a formula a text.

    Call it just before saving: openpyxl stores a string beginning with "=" as a formula.
    """
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if looks_like_formula(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True
