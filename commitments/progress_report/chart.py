"""The report's chart of lines by status per pillar: SVG for the HTML report (the dashboard's chart),
PNG for the Word file, which cannot embed SVG.

Like the dashboard's chart, the PNG reads in black-and-white print: each status has a hatching as
well as a colour, and every segment wide enough carries its count.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from ..charts import colour_of, status_chart_svg
from .content import ReportContent, Tally
from .wording import NO_REPORT

SCALE = 2  # drawn at twice the size it is shown at, for print
WIDTH = 800
LABEL_WIDTH = 190
BAR_HEIGHT = 34
ROW_GAP = 12
TOP = 4
LEGEND_ROW = 26
LEGEND_COLUMNS = 3
OUTLINE = "#5b6673"
# Fonts with Chinese characters, the Simplified Chinese face of a collection first; Latin ones last.
FONTS = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2, True),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2, True),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0, True),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0, False),
]


# --- SVG, for the HTML report ----------------------------------------------------------------


@dataclass
class Row:
    label: str
    counts: dict[str | None, int]


@dataclass
class Series:
    """A status as the dashboard's chart wants it: ``pk``, ``colour`` and its label as ``str()``."""

    pk: str
    colour: str
    label: str

    def __str__(self) -> str:
        return self.label


def status_by_pillar_svg(content: ReportContent) -> SafeString:
    """The dashboard's chart, drawn from the report's tallies (call with the report's language active)."""
    rows = [Row(pillar.title.text or pillar.code, counts(pillar.tally)) for pillar in content.pillars]
    series = [Series(status.code, status.colour, status.label) for status in content.statuses]
    return status_chart_svg(
        rows, series, title=_("Action lines by status and pillar"), id_prefix="report-chart",
        empty_label=_("No report received"),
    )  # fmt: skip


def counts(tally: Tally) -> dict[str | None, int]:
    return {**tally.counts, None: tally.no_report}


# --- PNG, for the Word file ------------------------------------------------------------------


def status_by_pillar_png(content: ReportContent) -> bytes:
    """Horizontal stacked bars, one per pillar labelled with its code, and a legend of the statuses.

    The legend names the statuses in the report's language when a font with those characters is
    installed, and by their codes (plain ASCII, which Pillow's own font draws) when none is.
    """
    font, can_label = legend_font(content.language, 13 * SCALE)
    small, _unused = legend_font(content.language, 12 * SCALE)
    series = [
        (status.code, colour_of(status), status.label if can_label else status.code, index)
        for index, status in enumerate(content.statuses)
    ]
    series.append((NO_REPORT, "#ffffff", _("No report received") if can_label else NO_REPORT, None))
    rows = [
        (pillar.title.text if can_label else pillar.code, counts_by_code(pillar.tally))
        for pillar in content.pillars
    ]
    legend_rows = -(-len(series) // LEGEND_COLUMNS)
    height = TOP + len(rows) * (BAR_HEIGHT + ROW_GAP) + 10 + legend_rows * LEGEND_ROW
    image = Image.new("RGB", (WIDTH * SCALE, height * SCALE), "white")
    draw = ImageDraw.Draw(image)
    largest = max((sum(row.values()) for _code, row in rows), default=0) or 1
    bar_width = WIDTH - LABEL_WIDTH - 40
    for index, (code, row) in enumerate(rows):
        top = TOP + index * (BAR_HEIGHT + ROW_GAP)
        label = wrapped(draw, code, small, (LABEL_WIDTH - 8) * SCALE)
        draw.multiline_text(
            (0, (top + BAR_HEIGHT / 2) * SCALE), label, fill="black", font=small, anchor="lm", spacing=2
        )
        x = LABEL_WIDTH
        for key, colour, _label, hatch in series:
            count = row.get(key, 0)
            if not count:
                continue
            width = bar_width * count / largest
            segment(draw, (x, top, x + width, top + BAR_HEIGHT), colour, hatch)
            count_label(draw, x + width / 2, top + BAR_HEIGHT / 2, width, count, small)
            x += width
        total = str(sum(row.values()))
        draw.text(
            ((x + 6) * SCALE, (top + BAR_HEIGHT / 2) * SCALE), total, fill="black", font=font, anchor="lm"
        )
    legend_top = TOP + len(rows) * (BAR_HEIGHT + ROW_GAP) + 10
    for index, (_key, colour, label, hatch) in enumerate(series):
        x = (index % LEGEND_COLUMNS) * (WIDTH // LEGEND_COLUMNS)
        y = legend_top + (index // LEGEND_COLUMNS) * LEGEND_ROW
        segment(draw, (x, y, x + 16, y + 16), colour, hatch)
        draw.text(((x + 22) * SCALE, (y + 8) * SCALE), label, fill="black", font=font, anchor="lm")
    output = io.BytesIO()
    # Not ``optimize``: its search for the smallest encoding took 90 ms, half the Word file's time,
    # to save 3% of the image's 70 KB.
    image.save(output, format="PNG")
    return output.getvalue()


def counts_by_code(tally: Tally) -> dict[str, int]:
    return {**tally.counts, NO_REPORT: tally.no_report}


def wrapped(draw: ImageDraw.ImageDraw, text: str, font, width: float) -> str:
    """The pillar's name on as many lines as it needs in ``width``: at spaces, or anywhere in Chinese."""
    lines, line = [], ""
    for token in text.split(" ") if " " in text else list(text):
        candidate = f"{line} {token}".strip() if " " in text else line + token
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = token
        else:
            line = candidate
    return "\n".join([*lines, line])


def segment(draw: ImageDraw.ImageDraw, box: tuple[float, ...], colour: str, hatch: int | None) -> None:
    """A rectangle in the status's colour, outlined, with the status's hatching drawn over it."""
    left, top, right, bottom = (round(value * SCALE) for value in box)
    draw.rectangle((left, top, right, bottom), fill=colour, outline=OUTLINE, width=SCALE)
    if hatch is None or hatch % len(HATCHINGS) == 0:
        return
    HATCHINGS[hatch % len(HATCHINGS)](draw, left, top, right, bottom)


def count_label(draw, middle: float, centre: float, width: float, count: int, font) -> None:
    """The count on a white plate in the middle of its segment, when the segment has room for it."""
    plate = 8 * len(str(count)) + 6
    if width < plate + 2:
        return
    box = (middle - plate / 2, centre - 9, middle + plate / 2, centre + 9)
    draw.rectangle(tuple(round(value * SCALE) for value in box), fill="white")
    draw.text((middle * SCALE, centre * SCALE), str(count), fill="black", font=font, anchor="mm")


def lines_in(draw, left: int, top: int, right: int, bottom: int, step: int, direction: str) -> None:
    """Hatching lines clipped to the box: "/" and "\\" diagonals, "-" horizontal, "|" vertical."""
    ink = (40, 40, 40)
    if direction == "-":
        for y in range(top + step // 2, bottom, step):
            draw.line((left, y, right, y), fill=ink, width=SCALE)
    elif direction == "|":
        for x in range(left + step // 2, right, step):
            draw.line((x, top, x, bottom), fill=ink, width=SCALE)
    else:
        height = bottom - top
        for start in range(left - height, right, step):
            # A 45° line from (start, bottom) to (start + height, top), cut to the box.
            x0, y0, x1, y1 = start, bottom, start + height, top
            if x0 < left:
                y0, x0 = y0 - (left - x0), left
            if x1 > right:
                y1, x1 = y1 + (x1 - right), right
            if x0 >= x1:
                continue
            if direction == "\\":
                y0, y1 = top + bottom - y0, top + bottom - y1
            draw.line((x0, y0, x1, y1), fill=ink, width=SCALE)


STEP = 8 * SCALE
HATCHINGS = [
    None,  # the first status stays plain, as on the dashboard
    lambda d, *box: lines_in(d, *box, STEP, "/"),
    lambda d, *box: lines_in(d, *box, STEP, "-"),
    lambda d, *box: lines_in(d, *box, STEP, "\\"),
    lambda d, *box: lines_in(d, *box, STEP, "|"),
    lambda d, *box: (lines_in(d, *box, STEP, "-"), lines_in(d, *box, STEP, "|")),
    lambda d, *box: (lines_in(d, *box, STEP, "/"), lines_in(d, *box, STEP, "\\")),
]


def legend_font(language: str, size: int) -> tuple[ImageFont.ImageFont | ImageFont.FreeTypeFont, bool]:
    """A font for the labels, and whether it can draw the report's language; never fails."""
    for path, index, has_chinese in [*FONTS, *found_by_fontconfig()]:
        if (has_chinese or language == "en") and Path(path).exists():
            try:
                return truetype(path, index, size), True
            except OSError:
                continue
    try:
        return ImageFont.load_default(size), False
    except TypeError:  # without FreeType Pillow's bitmap font has one size
        return ImageFont.load_default(), False


@functools.cache
def truetype(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index)


@functools.cache
def found_by_fontconfig() -> list[tuple[str, int, bool]]:
    """The Chinese font fontconfig picks, where it is not at one of the usual paths."""
    if not shutil.which("fc-match"):
        return []
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}\\n%{index}\\n%{lang}", "sans-serif:lang=zh-cn"],
            capture_output=True, text=True, timeout=5, check=False,
        ).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return []
    path, index, languages = (found.split("\n") + ["", "", ""])[:3]
    return [(path, int(index or 0), "zh-cn" in languages.split("|"))] if path else []
