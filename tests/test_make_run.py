"""`make run`, as a newcomer types it: it serves the app's own pages, in both languages, over HTTP.

The command runs for real (migrations, the seeds, the demo accounts, collectstatic, runserver) on
a database and folders of its own, then is stopped with its whole process group.
"""

import contextlib
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

# One `make run` for the module, on one worker of the test run (its fixture is per module and worker).
pytestmark = pytest.mark.xdist_group("make-run")
REPOSITORY = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The address `make run` serves on; the environment is a newcomer's: no DEBUG, no key."""
    folder = tmp_path_factory.mktemp("make-run")
    port = free_port()
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(folder)),
        "LANG": "C.UTF-8",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "EVIDENCE_ROOT": str(folder / "private"),
        "MEDIA_ROOT": str(folder / "media"),
    }
    log = open(folder / "make-run.log", "wb")
    process = subprocess.Popen(
        ["make", "run", f"HOST=127.0.0.1:{port}"],
        cwd=REPOSITORY,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                urllib.request.urlopen(f"{address}/login/", timeout=5).close()
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError((folder / "make-run.log").read_text()[-3000:]) from None
                time.sleep(0.5)
        yield address
    finally:
        with contextlib.suppress(ProcessLookupError):  # `make run` may have ended by itself (a failure)
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def get(url: str, language: str = "en", opener=None):
    request = urllib.request.Request(url, headers={"Accept-Language": language})
    try:
        return (opener or urllib.request.build_opener(NoRedirect)).open(request, timeout=30)
    except urllib.error.HTTPError as error:
        return error


@pytest.mark.parametrize(
    "language, heading", [("en", "<h1>Page not found</h1>"), ("zh-hans", "<h1>页面不存在</h1>")]
)
def test_an_unknown_address_shows_the_apps_own_404_page_not_djangos_debug_page(served, language, heading):
    response = get(f"{served}/no/such/page/", language)

    body = response.read().decode()
    assert response.status == 404
    assert heading in body
    assert "URLconf" not in body and "DEBUG = True" not in body


def test_the_favicon_and_the_stylesheet_are_served(served):
    login_page = get(f"{served}/login/").read().decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', login_page)[1]
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', login_page)[1]

    assert get(served + icon).headers["Content-Type"] == "image/svg+xml"
    assert get(served + stylesheet).status == 200
    redirect = get(f"{served}/favicon.ico")
    assert redirect.status == 301 and redirect.headers["Location"] == icon


def test_a_demo_account_logs_in_over_plain_http(served):
    cookies = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    login_page = get(f"{served}/login/", opener=opener).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page)[1]
    form = {"csrfmiddlewaretoken": token, "username": "focal", "password": "focal-demo-2026"}
    request = urllib.request.Request(
        f"{served}/login/",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Referer": f"{served}/login/"},
    )

    landing = opener.open(request, timeout=30)

    assert landing.geturl() == f"{served}/my-lines/"
    assert "focal" in landing.read().decode()
