"""Each reading page against its floor (bench/floors.py): CPU time and wall time, and their ratio.

Run from the project folder on a database prepared as docs/benchmarks.md says (``generate_load``):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/ratios.py --rounds 40

In one process, with DEBUG off as bench/benchmark.py sets up, signed in as a reviewer through
django.test.Client, each page and its floor are requested alternately, A B B A, ``--rounds``
times after a warm-up: whatever else the machine does then falls on both alike. For each request
it records the CPU time of this process (``time.process_time``: Python's work, not the database
server's) and the wall time. The ratio page/floor of the median CPU times is the figure to
watch; wall p50/p95 are printed as an indication. It also counts each one's queries and checks
that page and floor show the same text. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import statistics
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchmark  # noqa: E402  (sets up Django as a WSGI server does, DEBUG off)
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from commitments.models import Plan  # noqa: E402


class VisibleText(HTMLParser):
    """The text a reader sees, whitespace collapsed: what a page and its floor must share."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    @classmethod
    def of(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        return re.sub(r"\s+", " ", " ".join(parser.parts)).strip()


def compared(page: str, floor: str) -> str:
    """ "same", or where the texts part."""
    if page == floor:
        return "same"
    at = next((i for i, pair in enumerate(zip(page, floor, strict=False)) if pair[0] != pair[1]), None)
    at = min(len(page), len(floor)) if at is None else at
    start, end = max(0, at - 40), at + 40
    return f"differ at {at}: page «{page[start:end]}» floor «{floor[start:end]}»"


def pairs(plan: Plan) -> list[tuple[str, str, str]]:
    """(name, page URL, floor URL) of the pages measured."""
    measured = {name: url for name, url in benchmark.pages(plan, "tourism", "旅游")}
    register = next(url for name, url in measured.items() if name == "Register, unfiltered")
    dashboard_name, dashboard = next((n, u) for n, u in measured.items() if n.startswith("Dashboard"))
    line_name, line = next((n, u) for n, u in measured.items() if n.startswith("Line page"))
    return [
        ("Register (50 lines)", register, f"{reverse('floor-register')}?plan={plan.code}"),
        (dashboard_name, dashboard, reverse("floor-dashboard") + dashboard.partition("/dashboard/")[2]),
        (line_name, line, "/floor" + line),
    ]


def timed(client, url: str) -> tuple[float, float]:
    """CPU and wall milliseconds of one request."""
    cpu, wall = time.process_time(), time.perf_counter()
    response = client.get(url)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    assert response.status_code == 200, (url, response.status_code)
    return cpu * 1000, wall * 1000


def percentile(values: list[float], fraction: float) -> float:
    return benchmark.percentile(values, fraction)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=40, help="A B B A rounds per page (default 40)")
    parser.add_argument("--warm-up", type=int, default=5, help="untimed requests of each first (default 5)")
    parser.add_argument("--plan", help="the plan measured (default load-05, else the first load plan)")
    options = parser.parse_args()
    plan = Plan.objects.filter(code=options.plan or "load-05").first() or (
        None if options.plan else Plan.objects.filter(code__startswith="load-").order_by("code").first()
    )
    if plan is None:
        sys.exit("No load plan: run `manage.py generate_load` on this database first.")
    client = benchmark.signed_in_client()
    print(
        f"{plan.code}: {plan.lines.count()} action lines, {plan.periods.count()} periods; "
        f"{benchmark.database()}; {options.rounds} rounds of page, floor, floor, page after "
        f"{options.warm_up} untimed each; load average {os.getloadavg()[0]:.2f} at the start.\n"
    )
    print(
        "| Page | CPU ms page | CPU ms floor | **CPU ratio** | wall p50 page / floor "
        "| wall p95 page / floor | Queries page / floor | Text |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|---|")
    for name, page, floor in pairs(plan):
        with CaptureQueriesContext(connection) as page_queries:
            page_html = client.get(page).content.decode()
        with CaptureQueriesContext(connection) as floor_queries:
            floor_html = client.get(floor).content.decode()
        # Counted now: the captured list is read from the connection's log, which may be reset later.
        queries = f"{len(page_queries)} / {len(floor_queries)}"
        text = compared(VisibleText.of(page_html), VisibleText.of(floor_html))
        for _n in range(options.warm_up):
            client.get(page), client.get(floor)
        times: dict[str, list[tuple[float, float]]] = {page: [], floor: []}
        gc.collect()
        for _round in range(options.rounds):
            for url in (page, floor, floor, page):
                times[url].append(timed(client, url))
        cpu = {url: statistics.median(t[0] for t in times[url]) for url in times}
        wall = {url: [t[1] for t in times[url]] for url in times}
        print(
            f"| {name} | {cpu[page]:.1f} | {cpu[floor]:.1f} | **{cpu[page] / cpu[floor]:.2f}** "
            f"| {statistics.median(wall[page]):.0f} / {statistics.median(wall[floor]):.0f} "
            f"| {percentile(wall[page], 0.95):.0f} / {percentile(wall[floor], 0.95):.0f} "
            f"| {queries} | {text if text == 'same' else 'differs'} |"
        )
        if text != "same":
            print(f"\n<!-- {name}: {text} -->\n", file=sys.stderr)


if __name__ == "__main__":
    with override_settings(
        ROOT_URLCONF="floors",
        STORAGES=settings.STORAGES
        | {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
    ):
        main()
