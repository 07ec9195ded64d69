"""The production-like stack under use and under failure: nginx, two app servers, a task worker,
Redis, PostgreSQL and S3 (moto), as `make stack` starts them."""

import os
import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
import redis
from web import Browser, form_fields, links

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R]"
    b" /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n"
)


def bucket_keys(stack) -> set[str]:
    env = stack.environment()
    client = boto3.client(
        "s3", endpoint_url=env["S3_ENDPOINT_URL"], region_name=env["S3_REGION"],
        aws_access_key_id=env["S3_ACCESS_KEY_ID"], aws_secret_access_key=env["S3_SECRET_ACCESS_KEY"],
    )  # fmt: skip
    return {item["Key"] for item in client.list_objects_v2(Bucket=stack.BUCKET).get("Contents", [])}


def app_base(stack, number: int) -> str:
    return f"http://127.0.0.1:{stack.APP_PORTS[number - 1]}"


def ask_for_report(browser: Browser, base: str | None = None) -> str:
    """Post the report form as the page fills it (Word, to need no Chromium); the build's page."""
    fields = form_fields(browser.get("/reports/", base=base), action="/reports/generate/")
    page = browser.post("/reports/generate/", {**fields, "format": "docx"}, base=base)
    assert page.status == 303, page.status
    build = re.fullmatch(r"(?:http://[^/]+)?(/reports/builds/\d+/)", page.headers["Location"])
    assert build, page.headers["Location"]
    return build.group(1)


def wait_for_download(browser: Browser, build: str, base: str | None = None, seconds: int = 120) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = browser.get(build, base=base)
        assert page.status == 200, page.status
        if found := links(page, re.escape(build) + "download/"):
            return found[0]
        assert 'http-equiv="refresh"' in page.text, "neither being prepared nor ready: " + page.text[-800:]
        time.sleep(1)
    raise AssertionError(f"{build} was not ready after {seconds} s")


def test_health_through_nginx_is_ok_and_says_nothing_more(stack):
    page = Browser(stack.ADDRESS).get("/health/")
    assert (page.status, page.body) == (200, b"ok\n")


def test_a_focal_point_reports_with_evidence_and_the_file_goes_to_the_bucket_not_the_disk(stack, focal):
    before = bucket_keys(stack)
    edit = links(focal.get("/my-lines/"), r"/updates/\d+/edit/")[0]
    fields = form_fields(focal.get(edit), **{"class": "update-form"})
    fields |= {"evidence-0-title_en": "Signed minutes, through the stack", "save": ""}
    page = focal.post(edit, fields, files={"evidence-0-upload": ("minutes.pdf", PDF, "application/pdf")})
    assert page.status == 302, page.text[-1500:]

    added = bucket_keys(stack) - before
    assert len(added) == 1 and added.pop().endswith(".pdf")
    private = stack.RUN / "private"
    assert not private.exists() or not any(path.is_file() for path in private.rglob("*"))

    detail = focal.get(edit.removesuffix("edit/"))
    download = links(detail, r"/evidence/\d+/download/")[-1]
    file = focal.get(download)
    assert file.status == 200 and file.body == PDF
    assert Browser(stack.ADDRESS).get(download).status == 302  # a stranger is sent to log in


def test_a_report_asked_for_on_one_app_server_is_built_by_the_worker_and_downloaded_from_the_other(
    stack, secretariat
):
    build = ask_for_report(secretariat, base=app_base(stack, 1))
    download = wait_for_download(secretariat, build, base=app_base(stack, 2))
    file = secretariat.get(download, base=app_base(stack, 2))
    assert file.status == 200 and file.body[:2] == b"PK"  # a Word file is a zip
    assert file.headers["Content-Disposition"].startswith("attachment")


def test_a_report_asked_for_while_the_worker_is_stopped_is_built_once_it_is_back(stack, secretariat):
    stack.stop("worker")
    try:
        build = ask_for_report(secretariat)
        time.sleep(4)
        page = secretariat.get(build)
        assert 'http-equiv="refresh"' in page.text and not links(page, re.escape(build) + "download/")
    finally:
        stack.start()
    download = wait_for_download(secretariat, build)
    assert secretariat.get(download).status == 200


PAGES = ["/", "/?status=ongoing", "/dashboard/", "/plans/", "/plans/poa-2026-2030/", "/review/", "/reports/"]


def test_killing_an_app_server_under_load_fails_no_get_and_keeps_the_session(stack, secretariat):
    """300 GETs from 6 threads through nginx; app server 1 is killed (SIGKILL, its whole process
    group) after the first 60. nginx sends what failed there to app server 2."""
    results: list[tuple[int, bool]] = []

    def fetch(number: int) -> tuple[int, bool]:
        page = secretariat.get(PAGES[number % len(PAGES)])
        return page.status, 'action="/logout/"' in page.text

    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(fetch, number) for number in range(300)]
        for number, future in enumerate(futures):
            results.append(future.result())
            if number == 60:
                os.killpg(stack.pid_of("app1"), signal.SIGKILL)
    try:
        failed = [status for status, signed_in in results if status != 200 or not signed_in]
        print(f"\nfailover: {len(results)} GETs, {len(failed)} failed, app server 1 killed after 60")
        assert failed == []
        assert stack.pid_of("app1") is None
        assert secretariat.signed_in()
    finally:
        stack.start()  # app server 1 again
    assert Browser(app_base(stack, 1)).get("/health/").status == 200


def test_restarting_redis_logs_nobody_out(stack, focal, secretariat):
    cache = redis.Redis.from_url(stack.environment()["REDIS_URL"])
    assert any(b"sessions" in key for key in cache.keys("*"))  # the sessions were in Redis
    stack.stop("redis")
    stack.start()
    cache = redis.Redis.from_url(stack.environment()["REDIS_URL"])
    assert not any(b"sessions" in key for key in cache.keys("*"))  # restarted empty: no persistence

    assert focal.signed_in() and secretariat.signed_in()  # read again from the database
    assert any(b"sessions" in key for key in cache.keys("*"))
    assert Browser(stack.ADDRESS).get("/health/").status == 200


@pytest.mark.parametrize("path", ["/", "/reports/"])
def test_each_app_server_serves_a_signed_in_page_itself(stack, secretariat, path):
    for number in (1, 2):
        page = secretariat.get(path, base=app_base(stack, number))
        assert page.status == 200 and 'action="/logout/"' in page.text
