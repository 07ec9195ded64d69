"""The 500 and maintenance pages, in both languages, and what the tracker logs: failed log-ins,
lock-outs, permission refusals, server errors, finalised and withdrawn editions."""

import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import include, path, reverse

from .conftest import make_user
from .test_login_security import HERE, fail, lock, log_in

pytestmark = pytest.mark.django_db


def broken_view(request):
    raise RuntimeError("something broke")


# tests/test_error_pages_and_logging.py as a URLconf: the site plus a page that fails.
urlpatterns = [path("broken/", broken_view), path("", include("tracker.urls"))]
with_a_broken_page = pytest.mark.urls(__name__)


# The 500 page


@with_a_broken_page
def test_a_server_error_shows_the_500_page_in_english_and_chinese_and_is_logged(admin_client, caplog):
    admin_client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = admin_client.get("/broken/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page and "出现错误" in page
    assert "something broke" not in page  # nothing of the error is shown
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelname == "ERROR" and "/broken/" in record.getMessage() and record.exc_info


@with_a_broken_page
def test_a_server_error_is_mailed_to_the_admins_when_debug_is_off(client, settings, mailoutbox):
    settings.DEBUG = False
    settings.ADMINS = [("Ops", "ops@example.org")]
    client.raise_request_exception = False
    client.force_login(make_user("someone"))
    client.get("/broken/")
    assert [message.to for message in mailoutbox] == [["ops@example.org"]]
    assert "RuntimeError" in mailoutbox[0].body


# The maintenance page


@pytest.mark.parametrize("switch", ["setting", "file"])
def test_during_maintenance_every_page_answers_503_in_both_languages(
    client, admin_client, settings, tmp_path, switch
):
    settings.MAINTENANCE_FILE = tmp_path / "MAINTENANCE"
    if switch == "setting":
        settings.MAINTENANCE = True
    else:
        settings.MAINTENANCE_FILE.touch()

    for response in [client.get(reverse("login")), admin_client.post(reverse("commitments:plan-list"))]:
        assert response.status_code == 503
        assert response["Retry-After"] == "600"
        assert "Under maintenance" in response.content.decode() and "系统维护中" in response.content.decode()


def test_without_the_switch_the_site_answers_as_usual(client, settings, tmp_path):
    settings.MAINTENANCE_FILE = tmp_path / "MAINTENANCE"
    assert client.get(reverse("login")).status_code == 200


# The log


def test_a_failed_log_in_is_logged_with_the_user_name_and_address(client, reader, caplog):
    with caplog.at_level(logging.WARNING, logger="commitments.security"):
        fail(client, "reader")
    assert f"Failed log-in: user name 'reader' from {HERE}" in caplog.text


def test_a_lock_out_and_the_attempts_refused_during_it_are_logged(client, reader, caplog):
    with caplog.at_level(logging.WARNING, logger="commitments.security"):
        lock(client)
        log_in(client, "reader")
    limit = settings.AXES_FAILURE_LIMIT
    assert f"Locked out after {limit} failed log-ins: user name 'reader' from {HERE}" in caplog.text
    assert f"Log-in refused during a lock-out: user name 'reader' from {HERE}" in caplog.text


def test_a_refused_permission_is_logged_with_who_and_what(client, reader, caplog):
    client.force_login(reader)
    with caplog.at_level(logging.WARNING, logger="commitments.security"):
        response = client.get(reverse("commitments:review-queue"))
    assert response.status_code == 403
    assert "Permission refused: reader GET /review/" in caplog.text


def test_finalising_and_withdrawing_an_edition_are_logged(
    plan_2026, period, owner, focal_point, secretariat, administrator, evidence_root, caplog
):
    from .test_report_content import reported
    from .test_report_editions import finalise

    reported(period, owner, focal_point, secretariat, {"1.1.1": "ongoing"})
    with caplog.at_level(logging.INFO, logger="commitments.editions"):
        edition = finalise(plan_2026, period, secretariat)
        edition.withdraw(by=administrator, reason="Wrong figures")

    what = "poa-2026-2030 2026–2027 in en"
    assert f"Report edition {edition.pk} finalised by secretariat: {what}, files docx, html" in caplog.text
    assert f"Report edition {edition.pk} ({what}) withdrawn by root: Wrong figures" in caplog.text


def test_the_log_goes_to_stderr_at_the_level_log_level_says():
    """Run as a deployment runs: a new process with the real settings, no test capture."""
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('commitments.editions').info('an edition was finalised'); "
        "logging.getLogger('commitments.security').debug('a detail')"
    )
    environment = os.environ | {"DJANGO_SETTINGS_MODULE": "tracker.settings", "LOG_LEVEL": "info"}
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment, check=True
    )
    quiet = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True,
        env=environment | {"LOG_LEVEL": "WARNING"},
    )  # fmt: skip
    assert "INFO commitments.editions: an edition was finalised" in shown.stderr
    assert "a detail" not in shown.stderr and shown.stdout == ""
    assert quiet.stderr == ""


def test_admins_are_read_from_the_environment():
    script = "import django; django.setup(); from django.conf import settings; print(settings.ADMINS)"
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "ADMINS": "Tracker Ops <ops@example.org>, 秘书处 <it@example.org>, plain@example.org",
    }
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=environment)
    assert result.stdout.strip() == (
        "[('Tracker Ops', 'ops@example.org'), ('秘书处', 'it@example.org'), ('', 'plain@example.org')]"
    )
    refused = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment | {"ADMINS": "ops"}
    )
    assert "ADMINS must be e-mail addresses" in refused.stderr
