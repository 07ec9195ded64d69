"""Charts drawn on the server as SVG: no JavaScript, and readable on paper in black and white.

Colour alone does not tell the statuses apart when printed in grey, so each status also has
a hatching pattern, and every segment wide enough carries its count on a white label.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Protocol

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 560  # drawn for a column of text; a phone scales it down to about two thirds
BAR_WIDTH = 505  # what is left of WIDTH holds each bar's total
LABEL_HEIGHT = 20
BAR_HEIGHT = 28
ROW_GAP = 14
LEGEND_COLUMNS = 3
LEGEND_ROW = 22
DIGIT_WIDTH = 8  # of a 13px digit; text is not measured on the server, so the labels are sized by this
FALLBACK_COLOUR = "#6c757d"
NOT_CONFIRMED_FILL = "#ffffff"
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")

# Hatchings as path data in an 8×8 tile; the first status stays plain.
HATCHINGS = [
    "",
    "M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4",  # rising diagonals
    "M0,4 h8",  # horizontal lines
    "M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4",  # falling diagonals
    "M4,0 v8",  # vertical lines
    "M0,4 h8 M4,0 v8",  # grid
    "M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4 M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4",  # cross-hatching
]


class ChartRow(Protocol):
    """What the chart needs of a row: a label and the lines per status pk (None: not confirmed)."""

    label: str
    counts: Mapping[int | None, int]


def status_chart_svg(
    rows: Sequence[ChartRow],
    statuses: Sequence,
    *,
    title: str | None = None,
    id_prefix: str = "status-chart",
    empty_label: str | None = None,
) -> SafeString:
    """A horizontal stacked bar of the lines by status for each row, with a legend.

    ``statuses`` are Status objects (``pk``, ``colour``, ``str()`` the label); the lines with
    no confirmed status get a white segment of their own. Bars are drawn to one scale, so
    that a long bar is a pillar with many lines. ``id_prefix`` keeps the pattern ids unique
    when a page shows more than one chart; ``empty_label`` names the white segment.
    """
    title = title or _("Lines by status")
    series = [
        (status.pk, str(status), colour_of(status), hatching(id_prefix, index))
        for index, status in enumerate(statuses)
    ]
    series.append((None, empty_label or _("Not confirmed"), NOT_CONFIRMED_FILL, ""))  # plain white, outlined
    largest = max((sum(row.counts.values()) for row in rows), default=0) or 1
    row_height = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    legend_top = len(rows) * row_height + 6
    height = legend_top + -(-len(series) // LEGEND_COLUMNS) * LEGEND_ROW
    opening = (
        '<svg xmlns="http://www.w3.org/2000/svg" class="status-chart" viewBox="0 0 {width} {height}" '
        'width="{width}" height="{height}" role="img" aria-label="{title}" '
        'font-family="system-ui, sans-serif" font-size="13">'
    )
    parts = [
        format_html(opening, width=WIDTH, height=height, title=title),
        format_html("<title>{}</title><desc>{}</desc>", title, describe(rows, series)),
        patterns(id_prefix, len(statuses)),
    ]
    for index, row in enumerate(rows):
        parts.append(bar(row, series, index * row_height, largest))
    for index, (_pk, label, colour, pattern) in enumerate(series):
        x = (index % LEGEND_COLUMNS) * (WIDTH // LEGEND_COLUMNS)
        y = legend_top + (index // LEGEND_COLUMNS) * LEGEND_ROW
        entry = '<g class="legend">{}<text x="{}" y="{}">{}</text></g>'
        text = clip(label, WIDTH // LEGEND_COLUMNS - 26)
        parts.append(format_html(entry, swatch(x, y, 15, 15, colour, pattern), x + 21, y + 12.5, text))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))


def bar(row: ChartRow, series, top: int, largest: int) -> SafeString:
    """A row's label, and its bar: a segment per status with lines, and the total at its end."""
    total = sum(row.counts.values())
    y = top + LABEL_HEIGHT
    label = '<g class="row"><text x="0" y="{}" font-size="15" font-weight="600">{}</text>'
    # The outline shows where the bar ends, also around the white segment of lines not confirmed.
    outline = '<rect x="0" y="{}" width="{}" height="{}" fill="none" stroke="#5b6673" stroke-width="1"/>'
    parts = [
        format_html(label, top + 15, clip(row.label, WIDTH, size=15)),
        format_html(outline, y, number(BAR_WIDTH * total / largest), BAR_HEIGHT),
    ]
    x = 0.0
    for pk, name, colour, pattern in series:
        count = row.counts.get(pk, 0)
        if not count:
            continue
        width = BAR_WIDTH * count / largest
        shapes = format_html(
            "{}{}", swatch(x, y, width, BAR_HEIGHT, colour, pattern), count_label(x, y, width, count)
        )
        parts.append(format_html("<g><title>{}: {} {}</title>{}</g>", row.label, name, count, shapes))
        x += width
    total_at_end = '<text x="{}" y="{}" font-weight="600">{}</text></g>'
    parts.append(format_html(total_at_end, number(x + 6), number(y + BAR_HEIGHT / 2 + 4), total))
    return mark_safe("".join(parts))


def swatch(x: float, y: float, width: float, height: float, colour: str, pattern: str) -> SafeString:
    """A rectangle in the status's colour with a thin outline, and its hatching over it."""
    rect = '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"{}/>'
    outlined = format_html(
        rect, *box(x, y, width, height), colour, mark_safe(' stroke="#5b6673" stroke-width=".5"')
    )
    hatched = format_html(rect, *box(x, y, width, height), pattern, "") if pattern else ""
    return format_html("{}{}", outlined, hatched)


def count_label(x: float, y: float, width: float, count: int) -> SafeString:
    """The count on a white plate in the middle of its segment, if the segment has room for it."""
    plate = DIGIT_WIDTH * len(str(count)) + 6
    if width < plate + 2:
        return mark_safe("")
    middle = x + width / 2
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="18" rx="2" fill="#fff"/>'
        '<text x="{}" y="{}" text-anchor="middle" fill="#000">{}</text>',
        number(middle - plate / 2), number(y + (BAR_HEIGHT - 18) / 2), number(plate),
        number(middle), number(y + BAR_HEIGHT / 2 + 4.5), count,
    )  # fmt: skip


def patterns(id_prefix: str, count: int) -> SafeString:
    """The hatchings of the first ``count`` statuses, as tiles the segments are filled with."""
    tile = (
        '<pattern id="{}-{}" width="8" height="8" patternUnits="userSpaceOnUse">'
        '<path d="{}" stroke="#000" stroke-opacity=".45" stroke-width="1.3"/></pattern>'
    )
    tiles = [
        format_html(tile, id_prefix, index, HATCHINGS[index % len(HATCHINGS)])
        for index in range(count)
        if HATCHINGS[index % len(HATCHINGS)]
    ]
    return format_html("<defs>{}</defs>", mark_safe("".join(tiles)))


def hatching(id_prefix: str, index: int) -> str:
    return f"url(#{id_prefix}-{index})" if HATCHINGS[index % len(HATCHINGS)] else ""


def describe(rows: Sequence[ChartRow], series) -> str:
    """The chart in words, for screen readers: "Pillar 1: Ongoing 3, Not confirmed 40. …"."""
    return " ".join(
        f"{row.label}: " + ", ".join(f"{label} {row.counts.get(pk, 0)}" for pk, label, *_ in series) + "."
        for row in rows
    )


def colour_of(status) -> str:
    # Status.colour is validated on input, but the chart must stay well-formed whatever it is given.
    colour = getattr(status, "colour", "")
    return colour if HEX_COLOUR.fullmatch(colour or "") else FALLBACK_COLOUR


def clip(text: str, width: float, size: float = 13) -> str:
    """``text`` cut with "…" to about ``width`` pixels; Chinese characters are twice as wide as Latin."""
    room, used = width / (size * 0.55), 0.0
    for index, char in enumerate(text):
        used += 1.8 if unicodedata.east_asian_width(char) in "WF" else 1
        if used > room:
            return text[: max(index - 1, 0)].rstrip() + "…"
    return text


def box(x: float, y: float, width: float, height: float) -> tuple[str, str, str, str]:
    return number(x), number(y), number(width), number(height)


def number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")
