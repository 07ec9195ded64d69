"""Time to generate the full 2026–2030 progress report, every line reported, in each language and format.

Run from the project folder on a database with the seeds imported (any; it adds a period
"bench-report" to poa-2026-2030 and reports on every line, once, through the ORM so that the
history the report reads exists):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reportbench .venv/bin/python bench/report_benchmark.py

For each language it builds the content (counting its queries) and renders DOCX, HTML and XLSX
``--runs`` times, and prints a Markdown table of the median and the slowest run in seconds.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from commitments import progress_report  # noqa: E402
from commitments.models import (  # noqa: E402
    ActionLine,
    Activity,
    Evidence,
    Organisation,
    Ownership,
    PeriodStatus,
    Plan,
    ReportingPeriod,
    Status,
    StatusUpdate,
)
from commitments.progress_report.build import build_report  # noqa: E402

LABEL = "bench-report"


@transaction.atomic
def report_on_every_line(plan: Plan) -> ReportingPeriod:
    """A period in which every line has a lead owner, an approved update with two activities and
    an evidence link, and a confirmed status. Made once."""
    period = ReportingPeriod.objects.filter(plan=plan, label=LABEL).first()
    if period:
        return period
    period = ReportingPeriod.objects.create(
        plan=plan, label=LABEL, starts_on=datetime.date(2030, 1, 1), ends_on=datetime.date(2030, 12, 31),
        deadline=datetime.date(2030, 11, 30),
    )  # fmt: skip
    author, _ = get_user_model().objects.get_or_create(username="bench-secretariat")
    organisations = list(Organisation.objects.order_by("acronym")[:20])
    statuses = list(Status.objects.all())
    for number, line in enumerate(ActionLine.objects.for_plan(plan).in_source().order_by("sort_key")):
        organisation = organisations[number % len(organisations)]
        Ownership.objects.get_or_create(
            line=line, organisation=organisation, defaults={"role": "lead", "state": "confirmed"}
        )
        status = statuses[number % len(statuses)]
        update = StatusUpdate.objects.create(
            line=line, period=period, organisation=organisation, author=author, status=status,
            state=StatusUpdate.State.APPROVED,
            narrative_en=f"Progress on {line.code}: meetings held, a study launched, training given. " * 3,
            narrative_zh=f"{line.code}进展：召开会议，启动联合研究，开展培训。" * 3,
        )  # fmt: skip
        for day in (3, 17):
            Activity.objects.create(
                update=update,
                date=datetime.date(2030, 3, day),
                title=f"Workshop {line.code}",
                place="Jakarta",
            )
        Evidence.objects.create(update=update, title=f"Report {line.code}", link="https://example.org/r")
        PeriodStatus.objects.create(line=line, period=period).confirm(by=author, status=status)
    return period


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
