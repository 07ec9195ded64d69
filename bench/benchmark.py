"""Server time and query counts of the reading pages on a database filled by generate_load.

Run from the project folder, on a database prepared as docs/benchmarks.md says:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/benchmark.py --runs 50

Each page is requested in this process through django.test.Client, signed in as a reviewer, with
DEBUG off: the time is that of ``client.get`` (URL resolution, middleware, view, template), without
a network or a web server. The query count comes from one more request, made with the queries
recorded, so that recording them does not slow the timed ones. A page that does not answer 200
is reported as such. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import math
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("TRUSTED_PROXIES", "0")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
# The pages are requested over plain HTTP by Django's test client; with DEBUG off they would be
# redirected to HTTPS.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

# Whitenoise warns when collectstatic has not been run; the pages are measured, not the files.
warnings.filterwarnings("ignore", "No directory at", UserWarning)

# Load the project as a WSGI server does, so that whatever tracker/wsgi.py does at start applies.
importlib.import_module("tracker.wsgi")

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from commitments.models import ActionLine, Part, Plan  # noqa: E402

READER = "bench-reviewer"


def pages(plan: Plan, english_word: str, chinese_word: str) -> list[tuple[str, str]]:
    """The pages measured, as (name, URL)."""
    register = reverse("commitments:register")
    biggest_part = Part.objects.filter(plan=plan).annotate(size=Count("lines")).order_by("-size", "number")[0]
    period = plan.periods.order_by("-ends_on")[0]
    line = (
        ActionLine.objects.for_plan(plan)
        .annotate(
            owner_count=Count("ownerships", distinct=True), update_count=Count("updates", distinct=True)
        )
        .order_by("-owner_count", "-update_count", "sort_key")[0]
    )
    return [
        ("Register, unfiltered", f"{register}?{urlencode({'plan': plan.code})}"),
        (
            f"Register, pillar {biggest_part.code}",
            f"{register}?{urlencode({'plan': plan.code, 'part': biggest_part.pk})}",
        ),
        (
            f"Register, search “{english_word}”",
            f"{register}?{urlencode({'plan': plan.code, 'q': english_word})}",
        ),
        (
            f"Register, search “{chinese_word}”",
            f"{register}?{urlencode({'plan': plan.code, 'q': chinese_word})}",
        ),
        (
            f"Dashboard, period {period.label}",
            f"{reverse('commitments:dashboard')}?{urlencode({'plan': plan.code, 'period': period.pk})}",
        ),
        (
            f"Line page ({line.owner_count} owners, {line.update_count} updates)",
            reverse("commitments:line-detail", args=[plan.code, line.code]),
        ),
    ]


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value that ``fraction`` of the values do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure(get: Callable[[], int], runs: int, warm_up: int) -> tuple[int, list[float]]:
    """The status code of the first answer and the times in milliseconds of ``runs`` more."""
    status = get()
    for _run in range(warm_up):
        get()
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        get()
        times.append((time.perf_counter() - started) * 1000)
    return status, times


def database() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def signed_in_client() -> Client:
    reader, _created = get_user_model().objects.get_or_create(
        username=READER, defaults={"email": f"{READER}@example.org"}
    )
    reader.groups.add(Group.objects.get(name="Reviewer"))
    client = Client(raise_request_exception=False)  # a failing page is reported, not fatal
    client.force_login(reader)
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=50, help="timed requests per page (default 50)")
    parser.add_argument("--warm-up", type=int, default=5, help="untimed requests per page first (default 5)")
    parser.add_argument("--plan", default="load-05", help="the plan measured (default load-05)")
    parser.add_argument("--word", default="tourism", help="an English word to search for")
    parser.add_argument("--chinese-word", default="旅游", help="a Chinese word to search for")
    parser.add_argument("--slowest", type=int, default=0, help="list this many of the slowest queries")
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() once the project is loaded, as a WSGI server could: see docs/benchmarks.md",
    )
    options = parser.parse_args()
    plan = Plan.objects.filter(code=options.plan).first()
    if plan is None:
        sys.exit(f"No plan {options.plan}: run `manage.py generate_load` on this database first.")
    client = signed_in_client()
    measured = pages(plan, options.word, options.chinese_word)
    if options.gc_freeze:
        gc.collect()
        gc.freeze()
    print(
        f"{plan.code}: {ActionLine.objects.for_plan(plan).count()} action lines, {plan.periods.count()} "
        f"periods; {database()}; {options.runs} timed requests per page after {options.warm_up} untimed"
        f"{'; gc.freeze()' if options.gc_freeze else ''}; load average {os.getloadavg()[0]:.2f} at the "
        "start. SQL ms: the database time of the request whose queries are counted.\n"
    )
    slowest = report(client, measured, options.runs, options.warm_up)
    if options.slowest:
        print(f"\nThe {options.slowest} slowest queries:\n")
        for ms, name, sql in sorted(slowest, reverse=True)[: options.slowest]:
            print(f"- {ms:.1f} ms, {name}: `{sql[:2000]}`")


def report(client: Client, measured: list[tuple[str, str]], runs: int, warm_up: int) -> list[tuple]:
    """Print the table; returns every query counted as (milliseconds, page, SQL)."""
    print("| Page | URL | p50 ms | p95 ms | Queries | SQL ms |")
    print("|---|---|--:|--:|--:|--:|")
    queries_seen = []
    for name, url in measured:
        status, times = measure(lambda url=url: client.get(url).status_code, runs, warm_up)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        sql_ms = sum(float(query["time"]) for query in queries) * 1000
        queries_seen += [(float(query["time"]) * 1000, name, query["sql"]) for query in queries]
        if status != 200:
            print(f"| {name} | `{url}` | HTTP {status} | HTTP {status} | {len(queries)} | {sql_ms:.0f} |")
            continue
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        print(f"| {name} | `{url}` | {p50:.0f} | {p95:.0f} | {len(queries)} | {sql_ms:.0f} |")
    return queries_seen


if __name__ == "__main__":
    # The manifest of CompressedManifestStaticFilesStorage exists only after collectstatic; a
    # static file's URL costs the same either way.
    with override_settings(
        STORAGES=settings.STORAGES
        | {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    ):
        main()
