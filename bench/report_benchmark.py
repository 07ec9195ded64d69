"""Time to generate the full progress report: every format, and the Word file against a floor.

Run from the project folder on a database with the seeds imported (any; it loads the realistic
sample of ``manage.py load_report_sample --all`` once, through the ORM so that the history the
report reads exists):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reportbench .venv/bin/python bench/report_benchmark.py

For each language it builds the content of the 2026–2030 report (counting its queries) and renders
DOCX, HTML, XLSX and, where Chromium is installed, PDF ``--runs`` times, and prints a Markdown table
of the median and the slowest run in seconds.

With ``--floor`` it measures the Word file of a load plan's report (``generate_load``; ``--plan``,
default load-05, its last closed period unless ``--period``) against a floor: python-docx writing
the same headings, paragraphs, lists, tables (with their merged group rows), picture and footer
from plain lists made beforehand, with its stock calls (``add_paragraph(style=…)``, each style looked
up once; ``add_table`` at the table's full size, ``cell.text``, ``merge``, ``add_picture``) and no
formatting beyond the styles and the bold run-in heads. The
floor gets the chart as PNG bytes; the report draws it. Both start from the report's content in
memory (built once, untimed) and end with the file's bytes. After a warm-up, ``--rounds`` times
report, floor, floor, report (A B B A) in this process, each timed in CPU (``time.process_time``)
and wall time; the ratio is that of the median CPU times. It checks first that both files hold the
same text, paragraph by paragraph.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("TRUSTED_PROXIES", "0")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "localhost")  # required with DEBUG off; nothing is served

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import translation  # noqa: E402
from docx import Document  # noqa: E402
from docx.enum.section import WD_ORIENT, WD_SECTION  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Mm  # noqa: E402

from commitments import progress_report  # noqa: E402
from commitments.models import Activity, Plan, ReportingPeriod  # noqa: E402
from commitments.progress_report import document, docx, wording  # noqa: E402
from commitments.progress_report.build import build_report  # noqa: E402
from commitments.progress_report.chart import status_by_pillar_png  # noqa: E402


def report_on_every_line(plan: Plan) -> ReportingPeriod:
    """The realistic sample with every line reported (``load_report_sample --all``), made once."""
    call_command("load_report_sample", "--all", stdout=io.StringIO())
    periods = ReportingPeriod.objects.for_plan(plan).order_by("-starts_on")
    return next(period for period in periods if period.updates.exists())


def timed(function, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


# --- the Word file against its floor ------------------------------------------------------------

COVER_STYLES = {"title": "Title", "subtitle": "Subtitle"}


def floor_lists(content) -> dict:
    """The report's text as plain lists: what the floor writes, made before anything is timed."""
    with translation.override(wording.interface_language(content)):
        laid_out = document.layout(content)
        footer = f"{content.plan_title} · {wording.edition(content)} · 2"
    blocks = [("paragraph", "Normal", "", "")] * 4
    blocks += [("paragraph", COVER_STYLES.get(role, "Normal"), "", text) for role, text in laid_out.cover]
    blocks.append(("paragraph", "TOC Heading", "", laid_out.contents_title))
    blocks += [("paragraph", "Normal", "", entry.text) for entry in laid_out.contents()]
    separator = "：" if content.language == "zh" else ": "
    png = status_by_pillar_png(content)
    for part in (laid_out.body, ["landscape"], laid_out.annex):
        for block in part:
            if block == "landscape":
                blocks.append(("landscape",))
            elif isinstance(block, document.Heading):
                blocks.append(("paragraph", f"Heading {block.level}", "", block.text))
            elif isinstance(block, document.Paragraph):
                blocks.append(
                    ("paragraph", "Normal", block.lead + separator if block.lead else "", block.text)
                )
            elif isinstance(block, document.Bullets):
                blocks += [("paragraph", "List Bullet", "", item) for item in block.items]
            elif isinstance(block, document.Chart):
                blocks += [("paragraph", "Caption", "", block.caption), ("picture", png)]
            else:
                if block.caption:
                    blocks.append(("paragraph", "Caption", "", block.caption))
                rows = [(row.kind == "group", [str(cell) for cell in row.cells]) for row in block.rows]
                blocks += [("table", list(block.headers), rows), ("paragraph", "Normal", "", "")]
    return {"footer": footer, "blocks": blocks}


def floor(lists: dict) -> bytes:
    """The same text written with python-docx's stock calls, as cheaply as they allow: each style
    looked up once, each table made at its full size in one call."""
    word = Document()
    styles = {style.name: style for style in word.styles}
    word.sections[0].footer.paragraphs[0].text = lists["footer"]
    for kind, *values in lists["blocks"]:
        if kind == "paragraph":
            style, lead, text = values
            paragraph = word.add_paragraph(style=styles[style])
            if lead:
                paragraph.add_run(lead).bold = True
            paragraph.add_run(text)
        elif kind == "picture":
            word.add_picture(io.BytesIO(values[0]), width=Mm(document.PORTRAIT_WIDTH))
        elif kind == "landscape":
            section = word.add_section(WD_SECTION.NEW_PAGE)
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
        else:
            headers, rows = values
            table = word.add_table(rows=len(rows) + 1, cols=len(headers))
            table.style = styles["Table Grid"]
            for row, (group, texts) in zip(table.rows, [(False, headers), *rows], strict=True):
                cells = row.cells
                if group:
                    cells[0].merge(cells[-1]).text = texts[0]
                else:
                    for cell, text in zip(cells, texts, strict=False):
                        cell.text = text
    output = io.BytesIO()
    word.save(output)
    return output.getvalue()


def paragraph_texts(data: bytes) -> list[str]:
    """The text of every paragraph of the body, in tables too, in order; empty ones left out."""
    body = Document(io.BytesIO(data)).element.body
    texts = ("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))
    return [text for text in texts if text]


def compared(report: bytes, floor_file: bytes) -> str:
    mine, theirs = paragraph_texts(report), paragraph_texts(floor_file)
    if mine == theirs:
        return f"same text ({len(mine)} paragraphs)"
    index = next(
        (i for i, (a, b) in enumerate(zip(mine, theirs, strict=False)) if a != b), min(len(mine), len(theirs))
    )
    return f"DIFFERENT at paragraph {index}: {mine[index : index + 1]} / {theirs[index : index + 1]}"


def cpu_and_wall(function) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    function()
    return time.process_time() - cpu, time.perf_counter() - wall


def against_floor(options) -> None:
    plan = Plan.objects.get(code=options.plan)
    periods = ReportingPeriod.objects.for_plan(plan).order_by("-starts_on")
    period = periods.get(label=options.period) if options.period else periods.filter(is_open=False).first()
    print(f"{plan.code}, period {period.label}; {options.rounds} rounds of report, floor, floor, report; "
          f"load average {os.getloadavg()[0]:.1f}\n")  # fmt: skip
    print("| language | lines reported | tables' rows | CPU ms report | CPU ms floor | CPU ratio "
          "| wall ms report / floor | size KB report / floor | text |")  # fmt: skip
    print("|---|--:|--:|--:|--:|--:|--:|--:|---|")
    for language in options.language:
        content = build_report(plan, period, language)
        lists = floor_lists(content)
        report_file, floor_file = docx.render(content), floor(lists)
        check = compared(report_file, floor_file)
        rows = sum(len(block[2]) + 1 for block in lists["blocks"] if block[0] == "table")
        subject = {
            "report": lambda content=content: docx.render(content),
            "floor": lambda lists=lists: floor(lists),
        }
        times = {"report": [], "floor": []}
        for _warm_up in range(2):
            subject["report"](), subject["floor"]()
        for _round in range(options.rounds):
            for name in ("report", "floor", "floor", "report"):
                times[name].append(cpu_and_wall(subject[name]))
        cpu = {name: statistics.median(t[0] for t in times[name]) * 1000 for name in times}
        wall = {name: statistics.median(t[1] for t in times[name]) * 1000 for name in times}
        reported = sum(1 for line in content.lines() if line.status)
        print(f"| {language} | {reported} of {content.overall.total} | {rows} | {cpu['report']:.0f} "
              f"| {cpu['floor']:.0f} | **{cpu['report'] / cpu['floor']:.2f}** "
              f"| {wall['report']:.0f} / {wall['floor']:.0f} "
              f"| {len(report_file) / 1024:.0f} / {len(floor_file) / 1024:.0f} | {check} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each format (default 5)")
    parser.add_argument("--floor", action="store_true", help="the Word file of a load plan against its floor")
    parser.add_argument("--rounds", type=int, default=20, help="with --floor: rounds of A B B A (default 20)")
    parser.add_argument("--plan", default="load-05", help="with --floor: the plan (default load-05)")
    parser.add_argument("--period", help="with --floor: the period's label (default its last closed one)")
    parser.add_argument("--language", nargs="+", default=["en", "zh"], choices=["en", "zh"])
    options = parser.parse_args()
    if options.floor:
        against_floor(options)
        return
    plan = Plan.objects.get(code="poa-2026-2030")
    period = report_on_every_line(plan)
    activities = Activity.objects.filter(update__period=period).count()
    print(f"{plan.code}, period {period.label}: {period.updates.count()} approved updates, "
          f"{activities} activities; {options.runs} runs\n")  # fmt: skip
    print("| language | step | median s | slowest s | queries | size |")
    print("|---|---|---:|---:|---:|---:|")
    for language in ("en", "zh"):
        with CaptureQueriesContext(connection) as queries:
            content = build_report(plan, period, language)
        build = timed(lambda language=language: build_report(plan, period, language), options.runs)
        print(f"| {language} | build the content | {statistics.median(build):.3f} | {max(build):.3f} "
              f"| {len(queries)} | |")  # fmt: skip
        for fmt, render in progress_report.renderers().items():
            size = len(render(content))
            both = timed(
                lambda render=render, language=language: render(build_report(plan, period, language)),
                options.runs,
            )
            print(f"| {language} | build + {fmt.upper()} | {statistics.median(both):.3f} | {max(both):.3f} "
                  f"| {len(queries)} | {size / 1024:.0f} KB |")  # fmt: skip


if __name__ == "__main__":
    main()
