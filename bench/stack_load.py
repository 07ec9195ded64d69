"""Requests per second of the register through nginx, with two app servers and with one, and the
failover counts; against the running `make stack`:

    .venv/bin/python bench/stack_load.py [--requests 400] [--concurrency 6]

Every request is a signed-in GET of the register (/), through nginx. Loopback only, and bounded:
--requests per run, three runs. Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "stack"))
from conftest import load_stack  # noqa: E402
from web import Browser  # noqa: E402


def run(browser: Browser, requests: int, concurrency: int, kill_after: int | None = None, kill=None):
    """(seconds, failures) for `requests` GETs of the register from `concurrency` threads."""

    def fetch(_number: int) -> bool:
        page = browser.get("/")
        return page.status == 200 and 'action="/logout/"' in page.text

    start = time.perf_counter()
    failures = 0
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for number, ok in enumerate(pool.map(fetch, range(requests))):
            failures += not ok
            if kill_after is not None and number == kill_after:
                kill()
    return time.perf_counter() - start, failures


def retried(stack) -> int:
    """Requests nginx has passed on to the other server after an error (its error log says so)."""
    log = stack.RUN / "nginx" / "nginx-error.log"
    if not log.exists():
        return 0
    return sum("upstream" in line and ("failed" in line or "prematurely" in line) for line in log.open())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=6)
    args = parser.parse_args()
    stack = load_stack()
    stack.start()
    browser = Browser(stack.ADDRESS)
    browser.log_in("reviewer", "reviewer-demo-2026")
    run(browser, 50, args.concurrency)  # warm both servers' workers

    rows = []
    seconds, failures = run(browser, args.requests, args.concurrency)
    rows.append(("two app servers", seconds, failures, "–"))
    stack.stop("app2")
    try:
        run(browser, 20, args.concurrency)
        seconds, failures = run(browser, args.requests, args.concurrency)
        rows.append(("one app server (app2 stopped)", seconds, failures, "–"))
    finally:
        stack.start()
    # nginx still skips app2 for fail_timeout after its refusals: wait, or killing app1 now would
    # leave nginx no live server (the runs are faster than that window since issue 14).
    time.sleep(stack.FAIL_TIMEOUT + 1)
    run(browser, 50, args.concurrency)
    before = retried(stack)
    seconds, failures = run(
        browser, args.requests, args.concurrency, kill_after=args.requests // 5,
        kill=lambda: os.killpg(stack.pid_of("app1"), signal.SIGKILL),
    )  # fmt: skip
    rows.append(("two, app1 killed (SIGKILL) after a fifth", seconds, failures, str(retried(stack) - before)))
    stack.start()

    print(f"\n{args.requests} signed-in GETs of the register through nginx, {args.concurrency} at a time; "
          f"{stack.WORKERS} gunicorn workers per app server; {os.cpu_count()} cores\n")  # fmt: skip
    print("| set-up | seconds | requests/s | failed | nginx errors passed to the other server |")
    print("| --- | --- | --- | --- | --- |")
    for name, seconds, failures, passed in rows:
        print(f"| {name} | {seconds:.1f} | {args.requests / seconds:.1f} | {failures} | {passed} |")


if __name__ == "__main__":
    main()
