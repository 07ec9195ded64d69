"""The report as HTML: a standalone document to download, print or mail (its stylesheet inlined, the
chart an inline SVG, nothing fetched from anywhere), or the same report as a fragment for a page of
the site, which links static/css/report.css itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from . import wording
from .chart import colour_of, status_by_pillar_svg
from .content import LineInfo, ReportContent, UpdateInfo

STYLESHEET = "css/report.css"


def render(content: ReportContent) -> bytes:
    """The standalone document, as UTF-8."""
    with translation.override(wording.interface_language(content)):
        context = {**report_context(content), "stylesheet": stylesheet()}
        return render_to_string("commitments/report/document.html", context).encode()


def report_context(content: ReportContent) -> dict[str, Any]:
    """What the templates show, worked out here: they cannot call the content's methods with arguments."""
    tally_rows = [
        {"label": wording.pillar_heading(pillar), "code": pillar.code, "cells": cells(content, pillar.tally)}
        for pillar in content.pillars
    ]
    return {
        "content": content,
        "html_language": "zh-Hans" if content.language == "zh" else "en",
        "title": wording.document_title(content),
        "edition": wording.edition(content),
        "as_of": wording.as_of(content),
        "prepared_for": wording.prepared_for(content),
        "generated": wording.generated(content),
        "headline": wording.headline(content, content.overall),
        "compared_with": wording.compared_with(content),
        "tally_headers": wording.tally_headers(content),
        "tally_rows": tally_rows,
        "overall": cells(content, content.overall),
        "chart": status_by_pillar_svg(content),
        "pillars": [pillar_context(content, pillar) for pillar in content.pillars],
        "unconfirmed": [line_context(content, line) for line in content.unconfirmed()],
        "annex": [line_context(content, line) for line in content.lines()],
    }


def cells(content: ReportContent, tally) -> list[dict[str, Any]]:
    keys = [status.code for status in content.statuses] + [wording.NOT_CONFIRMED, "total"]
    return [
        {"key": key, "count": count, "change": change}
        for key, (count, change) in zip(keys, wording.tally_row(content, tally), strict=True)
    ]


def pillar_context(content: ReportContent, pillar) -> dict[str, Any]:
    return {
        "code": pillar.code,
        "heading": wording.pillar_heading(pillar),
        "headline": wording.headline(content, pillar.tally),
        "areas": [
            {
                "code": area.code,
                "heading": wording.area_heading(pillar, area),
                "lines": [line_context(content, line) for line in area.lines],
            }
            for area in pillar.areas
        ],
    }


def line_context(content: ReportContent, line: LineInfo) -> dict[str, Any]:
    status = content.status(line.status)
    return {
        "line": line,
        "status_key": line.status or wording.NOT_CONFIRMED,
        "status_label": wording.status_label(content, line.status),
        "colour": colour_of(status) if status else "",  # into a style attribute: only a valid colour
        "owners": wording.owners(line),
        "text_marker": wording.fallback_marker(line.text),
        "updates": [update_context(update) for update in line.updates],
    }


def update_context(update: UpdateInfo) -> dict[str, Any]:
    return {"update": update, "marker": wording.fallback_marker(update.narrative)}


def stylesheet() -> SafeString:
    """static/css/report.css, to inline: the downloaded file must show the same without the site."""
    path = finders.find(STYLESHEET) or Path(settings.BASE_DIR) / "static" / STYLESHEET
    return mark_safe(Path(path).read_text(encoding="utf-8"))
