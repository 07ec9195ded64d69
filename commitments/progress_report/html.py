"""The report as HTML: a standalone document to download, print or mail (its stylesheet inlined, the
chart an inline SVG, nothing fetched from anywhere), drawn from the same layout as the Word file.
It prints on A4 with the annex on landscape pages, and is what the PDF is printed from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from . import wording
from .chart import status_by_pillar_svg
from .content import ReportContent
from .document import layout

STYLESHEET = "css/report.css"


def render(content: ReportContent) -> bytes:
    """The standalone document, as UTF-8."""
    with translation.override(wording.interface_language(content)):
        context = {**report_context(content), "stylesheet": stylesheet()}
        return render_to_string("commitments/report/document.html", context).encode()


def report_context(content: ReportContent) -> dict[str, Any]:
    document = layout(content)
    return {
        "content": content,
        "layout": document,
        "contents": document.contents(),
        "html_language": "zh-Hans" if content.language == "zh" else "en-GB",
        "title": wording.document_title(content),
        "annex_heading": wording.annex_heading(),
        "chart": status_by_pillar_svg(content),
        "footer_css": css_string(f"{content.plan_title} · {wording.edition(content)} · "),
    }


def css_string(text: str) -> SafeString:
    """A quoted CSS string: letters, digits and spaces as they are, anything else as a CSS escape."""
    escaped = "".join(char if char.isalnum() or char == " " else f"\\{ord(char):x} " for char in text)
    return mark_safe(f'"{escaped}"')


def stylesheet() -> SafeString:
    """static/css/report.css, to inline: the downloaded file must show the same without the site."""
    path = finders.find(STYLESHEET) or Path(settings.BASE_DIR) / "static" / STYLESHEET
    return mark_safe(Path(path).read_text(encoding="utf-8"))
