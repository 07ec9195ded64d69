"""Time to generate the full 2026–2030 progress report, every line reported, in each language and format.

Run from the project folder on a database with the seeds imported (any; it loads the realistic
sample of ``manage.py load_report_sample --all`` once, through the ORM so that the history the
report reads exists):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reportbench .venv/bin/python bench/report_benchmark.py

For each language it builds the content (counting its queries) and renders DOCX, HTML, XLSX and,
where Chromium is installed, PDF ``--runs`` times, and prints a Markdown table of the median and
the slowest run in seconds.
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

from commitments import progress_report  # noqa: E402
from commitments.models import Activity, Plan, ReportingPeriod  # noqa: E402
from commitments.progress_report.build import build_report  # noqa: E402


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
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
