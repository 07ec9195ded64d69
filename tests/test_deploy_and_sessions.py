"""Safe to put online: no demo account on a server, HTTPS settings, the headers every response
carries, and sessions that end (without losing an update being typed)."""

import json
import os
import secrets
import subprocess
import sys
import time
from io import StringIO
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from commitments.management.commands.create_demo_accounts import DEMO_ACCOUNTS
from commitments.models import Status, StatusUpdate
from commitments.sessions import KEPT_POST, LAST_SEEN_AT, SIGNED_IN_AT

from .conftest import generate_report, line, make_update, make_user, own

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Tracker-2026"  # make_user's
HOUR = 60 * 60

# --- Demo accounts -------------------------------------------------------------------------------


def create_demo_accounts(*args: str) -> str:
    output = StringIO()
    call_command("create_demo_accounts", "--no-demo", *args, stdout=output, stderr=StringIO())
    return output.getvalue()


def demo_users(django_user_model):
    return django_user_model.objects.filter(username__in=[account.username for account in DEMO_ACCOUNTS])


def test_with_debug_off_no_demo_account_is_created_and_the_command_says_why(settings, django_user_model):
    settings.DEBUG = False
    output = create_demo_accounts()
    assert not demo_users(django_user_model).exists()
    assert "DEBUG is off: no demo account created" in output and "--demo" in output
    assert "tracker-demo-2026" not in output


def test_with_debug_off_demo_creates_the_accounts_all_the_same(settings, django_user_model):
    settings.DEBUG = False
    create_demo_accounts("--demo")
    assert demo_users(django_user_model).count() == len(DEMO_ACCOUNTS)


def test_with_debug_on_the_accounts_are_created_as_before_without_demo(settings, django_user_model):
    settings.DEBUG = True
    output = create_demo_accounts()
    assert demo_users(django_user_model).count() == len(DEMO_ACCOUNTS)
    assert "tracker-demo-2026" in output


# --- Production settings, read by a fresh process as a server would ------------------------------

# Every variable these tests set; whatever the calling shell has is left out. DATABASE_URL too:
# the settings then name the local SQLite file, which none of these commands opens.
CONFIGURATION = [
    "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SESSION_IDLE_MINUTES", "TRUSTED_PROXIES",
]  # fmt: skip
PRODUCTION = {
    "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "tracker.org",
    "TRUSTED_PROXIES": "1",
}  # fmt: skip
HTTPS_SETTINGS = [
    "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
]  # fmt: skip


def run(arguments: list[str], **environment: str) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if name not in CONFIGURATION} | environment
    command = [sys.executable, *arguments]
    return subprocess.run(
        command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def settings_of(*names: str, **environment: str) -> dict:
    program = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {list(names)!r}}}))"
    )
    process = run(["-c", program], DJANGO_SETTINGS_MODULE="tracker.settings", **environment)
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout)


def test_check_deploy_prints_no_warning_with_debug_off_a_secret_key_and_allowed_hosts():
    process = run(["manage.py", "check", "--deploy"], **PRODUCTION)
    output = process.stdout + process.stderr
    assert process.returncode == 0 and "System check identified no issues" in process.stdout, output
    assert "WARNING" not in output, output


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "TRUSTED_PROXIES"])
def test_with_debug_off_a_missing_secret_key_or_allowed_hosts_stops_the_server_saying_which(missing):
    environment = {name: value for name, value in PRODUCTION.items() if name != missing}
    process = run(["manage.py", "check", "--deploy"], **environment)
    assert process.returncode != 0
    assert f"ImproperlyConfigured: {missing} must be set when DEBUG is off" in process.stderr


def test_with_debug_off_https_and_its_cookies_hsts_and_the_proxy_header_are_on():
    values = settings_of(*HTTPS_SETTINGS, **PRODUCTION)
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 365 * 24 * HOUR,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
    }


def test_each_https_setting_can_be_turned_off_by_its_environment_variable():
    turned_off = {name: "false" for name in HTTPS_SETTINGS if name != "SECURE_HSTS_SECONDS"}
    values = settings_of(*HTTPS_SETTINGS, **PRODUCTION, **turned_off, SECURE_HSTS_SECONDS="0")
    assert values == {name: False for name in turned_off} | {
        "SECURE_PROXY_SSL_HEADER": None, "SECURE_HSTS_SECONDS": 0
    }  # fmt: skip


def test_with_debug_on_the_https_settings_are_off_for_a_local_server():
    values = settings_of(*HTTPS_SETTINGS, DEBUG="true")
    assert not any(values.values()), values


def test_the_idle_timeout_is_thirty_minutes_unless_the_environment_says_otherwise():
    assert settings_of("SESSION_IDLE_MINUTES", "SESSION_COOKIE_AGE", DEBUG="true") == {
        "SESSION_IDLE_MINUTES": 30, "SESSION_COOKIE_AGE": 12 * HOUR
    }  # fmt: skip
    assert settings_of("SESSION_IDLE_MINUTES", DEBUG="true", SESSION_IDLE_MINUTES="10") == {
        "SESSION_IDLE_MINUTES": 10
    }


# --- Headers -------------------------------------------------------------------------------------


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: sources}."""
    directives = [part.split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


def test_a_signed_in_page_carries_the_policies_and_is_never_stored(client, reader):
    client.force_login(reader)
    response = client.get(reverse("commitments:register"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert {"camera=()", "microphone=()", "geolocation=()", "payment=()"} <= set(
        response["Permissions-Policy"].split(", ")
    )
    assert response["X-Frame-Options"] == "DENY" and response["Referrer-Policy"] == "same-origin"
    assert "Content-Security-Policy" in response


def test_the_login_page_carries_the_policies_too(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Content-Security-Policy" in response and "microphone=()" in response["Permissions-Policy"]


def test_no_store_is_only_for_a_signed_in_user(client, reader):
    missing = "/no-such-page/"
    assert "Cache-Control" not in client.get(missing)  # an anonymous visitor's 404
    client.force_login(reader)
    assert client.get(missing)["Cache-Control"] == "private, no-store"


def test_the_policy_forbids_scripts_frames_plugins_and_other_sites(client, reader):
    client.force_login(reader)
    directives = policy(client.get(reverse("commitments:dashboard")))
    assert directives == {
        "default-src": ["'self'"],
        "script-src": ["'none'"],
        "style-src": ["'self'"],  # no <style> element; style attributes only (colours, bars)
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }


def test_the_pages_have_no_script_for_the_policy_to_break(client, focal_point, owner, period):
    update = make_update(own(line("poa-2026-2030", "2.8.1"), owner).line, period, owner, focal_point)
    pages = [reverse(f"commitments:{name}") for name in ["register", "dashboard", "report", "my-lines"]]
    pages.append(reverse("commitments:update-edit", args=[update.pk]))
    assert "<script" not in client.get(reverse("login")).content.decode()
    client.force_login(focal_point)
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200 and "<script" not in response.content.decode(), page


def test_the_admin_may_run_the_admins_own_scripts_and_nothing_else(client, administrator):
    client.force_login(administrator)
    directives = policy(client.get(reverse("admin:index")))
    assert directives["script-src"] == ["'self'"] and directives["object-src"] == ["'none'"]


def test_the_html_report_may_use_its_own_style_element_but_no_script(client, reader, period):
    client.force_login(reader)
    values = {"plan": "poa-2026-2030", "period": period.pk, "language": "en", "format": "html"}
    response = generate_report(client, values)
    assert response.status_code == 200 and "<style>" in response.content.decode()
    directives = policy(response)
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"] and directives["script-src"] == ["'none'"]
    assert response["Cache-Control"] == "private, no-store"


def test_a_download_for_a_signed_in_user_is_never_stored(client, reader):
    client.force_login(reader)
    response = client.get(reverse("commitments:register-export", args=["csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "private, no-store"


def test_static_files_keep_their_own_caching_for_a_signed_in_user(client, reader, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve static/ as runserver would, without collectstatic
    client.force_login(reader)
    response = client.get(f"{settings.STATIC_URL}css/tracker.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# --- Sessions ------------------------------------------------------------------------------------


def log_in(client, user, next_url: str = ""):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD, "next": next_url})


def shift(client, **seconds_ago: int) -> None:
    """Move the session's log-in time or last activity back by this many seconds."""
    session = client.session
    for name, seconds in seconds_ago.items():
        key = {"signed_in": SIGNED_IN_AT, "last_seen": LAST_SEEN_AT}[name]
        session[key] = int(time.time()) - seconds
    session.save()


def test_logging_in_stamps_the_session_and_its_cookie_lasts_twelve_hours(client, reader):
    response = log_in(client, reader)
    assert response.status_code == 302
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 12 * HOUR
    assert response.cookies[settings.SESSION_COOKIE_NAME]["httponly"]
    session = client.session
    assert abs(session[SIGNED_IN_AT] - time.time()) < 5 and session[LAST_SEEN_AT] == session[SIGNED_IN_AT]


def test_a_session_idle_for_thirty_minutes_ends_and_the_login_page_says_why(client, reader):
    log_in(client, reader)
    shift(client, last_seen=30 * 60 + 1)
    response = client.get(reverse("commitments:dashboard"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('commitments:dashboard')}"
    page = client.get(response.url).content.decode()
    assert "Your session ended after 30 minutes without activity." in page
    assert client.get(reverse("commitments:dashboard")).status_code == 302  # logged out for good


def test_a_session_used_within_the_idle_timeout_goes_on_and_its_clock_restarts(client, reader):
    log_in(client, reader)
    shift(client, last_seen=29 * 60)
    assert client.get(reverse("commitments:dashboard")).status_code == 200
    assert abs(client.session[LAST_SEEN_AT] - time.time()) < 5


def test_a_page_read_within_a_minute_of_the_last_leaves_the_session_unwritten(client, reader):
    log_in(client, reader)
    shift(client, last_seen=20)
    before = client.session[LAST_SEEN_AT]
    assert client.get(reverse("commitments:dashboard")).status_code == 200
    assert client.session[LAST_SEEN_AT] == before


def test_the_idle_timeout_follows_its_setting(client, reader, settings):
    settings.SESSION_IDLE_MINUTES = 5
    log_in(client, reader)
    shift(client, last_seen=5 * 60 + 1)
    response = client.get(reverse("commitments:dashboard"), follow=True)
    assert "Your session ended after 5 minutes without activity." in response.content.decode()


def test_a_session_not_stamped_at_log_in_is_ended(client, reader):
    client.force_login(reader)
    session = client.session
    del session[SIGNED_IN_AT]  # as in a session from before the timeouts
    session.save()
    response = client.get(reverse("commitments:dashboard"), follow=True)
    assert "Your session has ended. Log in again to continue." in response.content.decode()
    assert response.redirect_chain[0][0].startswith(reverse("login"))


def test_a_session_ends_twelve_hours_after_log_in_however_active(client, reader):
    log_in(client, reader)
    shift(client, signed_in=12 * HOUR, last_seen=10)
    response = client.get(reverse("commitments:dashboard"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "Your session ended 12 hours after you logged in." in response.content.decode()


# --- An update being typed when the session ended ------------------------------------------------


@pytest.fixture
def draft(period, owner, focal_point):
    transport = line("poa-2026-2030", "2.8.1")
    own(transport, owner)
    return make_update(transport, period, owner, focal_point)


def typed(update, **overrides) -> dict:
    """What the browser posts: the update form with a long text typed into it."""
    return {
        "csrfmiddlewaretoken": "the-old-sessions-token",
        "version": update.version, "status": Status.objects.get(code="ongoing").pk,
        "narrative_en": "Two hours of careful writing about the ATM+China work plan.",
        "narrative_zh": "交通部长会议通过了工作计划。",
        "activities-TOTAL_FORMS": 2, "activities-INITIAL_FORMS": 0,
        "activities-0-title_en": "ATM+China meeting", "activities-0-kind": "meeting",
        "activities-0-date": "2026-03-03",
        "evidence-TOTAL_FORMS": 2, "evidence-INITIAL_FORMS": 0, "save": "",
    } | overrides  # fmt: skip


def edit_url(update) -> str:
    return reverse("commitments:update-edit", args=[update.pk])


def test_an_update_posted_after_the_idle_timeout_is_kept_and_shown_again_after_log_in(
    client, draft, focal_point
):
    log_in(client, focal_point)
    shift(client, last_seen=HOUR)
    response = client.post(edit_url(draft), typed(draft))
    assert response.status_code == 302 and response.url == f"{reverse('login')}?next={edit_url(draft)}"
    draft.refresh_from_db()
    assert draft.narrative_en == "" and draft.version == 1  # nothing saved by a session that ended

    response = log_in(client, focal_point, next_url=edit_url(draft))
    assert response.url == edit_url(draft)
    page = client.get(edit_url(draft))
    html = page.content.decode()
    assert "Your text was kept; check it and save again" in html
    assert "Two hours of careful writing about the ATM+China work plan." in html
    assert "交通部长会议通过了工作计划。" in html and 'value="ATM+China meeting"' in html
    assert KEPT_POST not in client.session  # shown once

    form = page.context["editor"].form
    client.post(edit_url(draft), typed(draft, version=form["version"].value()))
    draft.refresh_from_db()
    assert draft.narrative_en.startswith("Two hours")
    assert draft.activities.get().title_en == "ATM+China meeting"


def test_kept_text_leaves_out_files_the_csrf_token_and_passwords(client, draft, focal_point):
    from django.core.files.uploadedfile import SimpleUploadedFile

    log_in(client, focal_point)
    shift(client, last_seen=HOUR)
    upload = SimpleUploadedFile("statement.pdf", b"%PDF-1.4 typed", "application/pdf")
    client.post(edit_url(draft), typed(draft, **{"evidence-0-upload": upload, "old_password": "secret"}))
    kept = client.session[KEPT_POST]
    assert kept["path"] == edit_url(draft) and kept["user"] == focal_point.pk
    assert kept["fields"]["narrative_en"] == ["Two hours of careful writing about the ATM+China work plan."]
    assert not {"csrfmiddlewaretoken", "evidence-0-upload", "old_password"} & set(kept["fields"])


def test_kept_text_is_not_shown_to_someone_else_who_logs_in(client, draft, focal_point, owner):
    colleague = make_user("colleague", "Focal point")
    owner.focal_points.add(colleague)
    log_in(client, focal_point)
    shift(client, last_seen=HOUR)
    client.post(edit_url(draft), typed(draft))
    log_in(client, colleague)
    html = client.get(edit_url(draft)).content.decode()
    assert "Two hours of careful writing" not in html and "Your text was kept" not in html


def test_a_post_from_someone_never_logged_in_keeps_nothing(client, draft, focal_point):
    response = client.post(edit_url(draft), typed(draft))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert KEPT_POST not in client.session  # no one can fill sessions with text without logging in
    log_in(client, focal_point)
    assert "Two hours of careful writing" not in client.get(edit_url(draft)).content.decode()


def test_only_a_page_that_shows_it_again_keeps_the_text_of_an_ended_session(client, draft, focal_point):
    log_in(client, focal_point)
    shift(client, last_seen=HOUR)
    client.post(
        reverse("commitments:update-review", args=[draft.pk]), {"comment": "Looks good.", "version": 1}
    )
    assert KEPT_POST not in client.session


def test_an_action_posted_after_the_session_ended_comes_back_to_its_page_after_log_in(
    client, draft, focal_point
):
    queue = reverse("commitments:review-queue") + "?state=submitted"
    log_in(client, focal_point)
    shift(client, last_seen=HOUR)
    response = client.post(
        reverse("commitments:update-review", args=[draft.pk]),
        {"comment": "Looks good.", "version": 1},
        HTTP_REFERER=f"http://testserver{queue}",
    )
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={quote(queue)}"  # not the POST-only action: a 405


def test_an_action_posted_without_a_session_from_another_site_comes_back_to_the_home_page(client, draft):
    response = client.post(
        reverse("commitments:update-review", args=[draft.pk]),
        {"comment": "Looks good."},
        HTTP_REFERER="https://evil.example/phish",
    )
    assert response.url == f"{reverse('login')}?next=/"


def test_kept_text_based_on_an_older_version_is_not_saved_over_a_colleagues_save(client, draft, focal_point):
    log_in(client, focal_point)
    shift(client, last_seen=HOUR)
    client.post(edit_url(draft), typed(draft))
    draft.narrative_en = "A colleague's text, saved meanwhile."
    draft.save_edit(["narrative_en"], expected_version=draft.version)
    log_in(client, focal_point)
    page = client.get(edit_url(draft))
    client.post(edit_url(draft), typed(draft, version=page.context["editor"].form["version"].value()))
    assert StatusUpdate.objects.get(pk=draft.pk).narrative_en == "A colleague's text, saved meanwhile."


def test_make_run_links_e_mails_to_the_address_it_serves_unless_site_url_is_set():
    def served(**environment) -> str:
        command = ["make", "-n", "run", "HOST=192.0.2.7:9000"]
        env = {key: value for key, value in os.environ.items() if key != "SITE_URL"} | environment
        result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=settings.BASE_DIR)
        [line] = [line for line in result.stdout.splitlines() if "runserver" in line]
        return subprocess.run(["sh", "-c", f"{line.split(' .venv')[0]} env"], capture_output=True, text=True,
                              env=env).stdout  # fmt: skip

    assert "SITE_URL=http://192.0.2.7:9000" in served().splitlines()
    assert (
        "SITE_URL=https://tracker.example.org" in served(SITE_URL="https://tracker.example.org").splitlines()
    )
