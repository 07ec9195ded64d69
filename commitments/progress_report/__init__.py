"""The annual Summit progress report (section 6.3 of the plan): content, a layout, then DOCX, HTML,
XLSX and PDF."""

from collections.abc import Callable

from ..uploads import DOCX, XLSX
from .content import ReportContent

CONTENT_TYPES = {
    "docx": DOCX.content_type,
    "html": "text/html; charset=utf-8",
    "xlsx": XLSX.content_type,
    "pdf": "application/pdf",
}


def renderers() -> dict[str, Callable[[ReportContent], bytes]]:
    """Each format's renderer: the report's content in, the file's bytes out. PDF only where this
    server has a Chromium to print it with."""
    from . import docx, html, pdf, xlsx

    available = {"docx": docx.render, "html": html.render, "xlsx": xlsx.render}
    if pdf.available():
        available["pdf"] = pdf.render
    return available


def file_name(content: ReportContent, fmt: str) -> str:
    """e.g. progress-report-poa-2026-2030-2026-2027-zh-draft.docx"""
    period = content.period_label.replace("–", "-").replace(" ", "-")
    kind = "final" if content.is_final else "draft"
    return f"progress-report-{content.plan_code}-{period}-{content.language}-{kind}.{fmt}"
