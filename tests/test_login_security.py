"""Log-in security: the lock-out after failed log-ins, unlocking it, and changing or resetting a password."""

import datetime
import logging
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from .conftest import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Tracker-2026"  # every make_user user's
HERE, ELSEWHERE = "198.51.100.7", "203.0.113.20"
LOCKED = "Too many failed log-ins for this user name or from this address"


def log_in(client, username: str, password: str = PASSWORD, address: str = HERE, **headers):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def fail(client, username: str, times: int = 1, address: str = HERE, **headers):
    for _ in range(times):
        response = log_in(client, username, "not-the-password", address, **headers)
    return response


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def lock(client, username: str = "reader", address: str = HERE):
    fail(client, username, settings.AXES_FAILURE_LIMIT, address)


# The lock-out


def test_four_wrong_passwords_are_answered_as_usual_and_the_fifth_locks_the_user(client, reader):
    for _ in range(4):
        response = fail(client, "reader")
        assert response.status_code == 200 and LOCKED not in response.content.decode()
    response = fail(client, "reader")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_the_right_password_is_then_refused_with_the_message(client, reader):
    lock(client)
    response = log_in(client, "reader")
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED in html and "15 minutes" in html
    assert 'name="username"' in html and 'value="reader"' in html  # the log-in form, filled in
    assert not is_signed_in(client)


def test_a_sixth_attempt_from_another_address_for_the_same_user_is_refused(client, reader):
    lock(client, address=HERE)
    response = log_in(client, "reader", address=ELSEWHERE)
    assert response.status_code == 429
    assert not is_signed_in(client)


def test_five_failures_for_different_users_from_one_address_lock_the_address(client, reader):
    for name in ("alice", "bob", "carol", "dave", "erin"):
        fail(client, name, address=HERE)
    assert log_in(client, "reader", address=HERE).status_code == 429
    assert not is_signed_in(client)
    assert log_in(client, "reader", address=ELSEWHERE).status_code == 302


def test_the_admin_log_in_is_locked_too(client, administrator):
    lock(client, "root")
    response = client.post(
        reverse("admin:login"), {"username": "root", "password": "pw-Admin-2026"}, REMOTE_ADDR=HERE
    )
    assert response.status_code == 429
    assert not is_signed_in(client)


def test_attempts_refused_during_the_lock_out_do_not_make_it_longer(client, reader):
    lock(client)
    locked_at = AccessAttempt.objects.get().attempt_time
    fail(client, "reader", 3)
    log_in(client, "reader")
    attempt = AccessAttempt.objects.get()
    assert attempt.attempt_time == locked_at
    assert attempt.failures_since_start == settings.AXES_FAILURE_LIMIT


def test_the_user_logs_in_once_the_cool_off_has_passed_since_the_last_failure(client, reader):
    lock(client)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=14))
    assert log_in(client, "reader").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=15, seconds=1))
    assert log_in(client, "reader").status_code == 302
    assert is_signed_in(client)


def test_the_limit_and_the_cool_off_are_settings(client, reader, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=1)
    fail(client, "reader", 2)
    response = log_in(client, "reader")
    assert response.status_code == 429 and "1 minute has passed" in response.content.decode()
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=1, seconds=1))
    assert log_in(client, "reader").status_code == 302


def test_a_success_resets_the_users_count(client, reader):
    fail(client, "reader", 4)
    assert log_in(client, "reader").status_code == 302
    client.logout()
    assert fail(client, "reader", 4).status_code == 200
    assert log_in(client, "reader").status_code == 302


def test_a_success_does_not_forget_the_failures_of_other_users_from_the_same_address(
    client, reader, focal_point
):
    fail(client, "reader", 4)
    assert log_in(client, "focal").status_code == 302
    client.logout()
    assert fail(client, "reader").status_code == 429


def test_x_forwarded_for_is_ignored_unless_a_proxy_is_declared(client, reader):
    for number in range(5):
        fail(client, f"someone-{number}", address=HERE, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    response = log_in(client, "reader", address=HERE, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429


def test_behind_a_declared_proxy_the_address_is_the_one_the_proxy_saw(client, reader, settings):
    settings.TRUSTED_PROXIES = 1
    proxy = "10.0.0.2"
    for number in range(5):  # what the client wrote itself stands left of what the proxy appended
        fail(client, f"someone-{number}", address=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, {HERE}")
    assert log_in(client, "reader", address=proxy, HTTP_X_FORWARDED_FOR=HERE).status_code == 429
    assert log_in(client, "reader", address=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE).status_code == 302


def test_a_forwarded_address_that_is_no_address_counts_as_the_proxys(client, reader, settings):
    settings.TRUSTED_PROXIES = 1
    response = fail(client, "reader", address="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address\x00")
    assert response.status_code == 200
    assert AccessAttempt.objects.get().ip_address == "10.0.0.2"


def test_a_user_name_longer_than_axes_stores_is_cut_rather_than_a_server_error(client):
    response = fail(client, "x" * 1000)
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "x" * 255  # varchar(255): PostgreSQL refuses more


# Unlocking


@pytest.fixture
def administrator_in_group(db):
    """An administrator by group rather than a superuser: only the migration's grant lets them in."""
    return make_user("admin-group", "Administrator")


@pytest.mark.parametrize("role", ["secretariat", "administrator", "administrator_in_group"])
def test_the_secretariat_and_administrators_list_lock_outs_and_unlock_them(
    client, reader, request, role, caplog
):
    lock(client)
    officer = request.getfixturevalue(role)
    client.force_login(officer)
    html = client.get(reverse("commitments:lockouts")).content.decode()
    assert "<strong>reader</strong>" in html and HERE in html
    assert "Unlock the user name reader" in html
    with caplog.at_level(logging.WARNING, logger="commitments.security"):
        response = client.post(reverse("commitments:lockout-unlock"), {"username": "reader"})
    assert response.status_code == 302 and response.url == reverse("commitments:lockouts")
    assert f"{officer.username} unlocked the user name 'reader'" in caplog.text
    assert not AccessAttempt.objects.filter(username="reader").exists()
    client.logout()
    assert log_in(client, "reader").status_code == 302


def test_a_locked_address_is_listed_with_the_user_names_tried_and_unlocked(client, reader, secretariat):
    for name in ("alice", "bob", "carol", "dave", "erin"):
        fail(client, name)
    client.force_login(secretariat)
    html = client.get(reverse("commitments:lockouts")).content.decode()
    assert f"<strong>{HERE}</strong>" in html and "alice, bob, carol, dave, erin" in html
    client.post(reverse("commitments:lockout-unlock"), {"ip_address": HERE})
    client.logout()
    assert log_in(client, "reader").status_code == 302


def test_a_user_name_with_a_few_failures_is_not_listed(client, reader, secretariat):
    fail(client, "reader", 4)
    client.force_login(secretariat)
    html = client.get(reverse("commitments:lockouts")).content.decode()
    assert "No user name or address is locked out." in html


def test_unlocking_what_is_not_locked_changes_nothing_and_says_so(client, reader, secretariat):
    fail(client, "reader", 4)
    client.force_login(secretariat)
    response = client.post(reverse("commitments:lockout-unlock"), {"username": "reader"}, follow=True)
    assert "not locked out" in response.content.decode()
    assert AccessAttempt.objects.get().failures_since_start == 4


@pytest.mark.parametrize("role", ["focal_point", "reader"])
def test_focal_points_and_reviewers_may_neither_list_nor_unlock(client, reader, focal_point, request, role):
    lock(client, "victim")
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("commitments:lockouts")).status_code == 403
    assert client.post(reverse("commitments:lockout-unlock"), {"username": "victim"}).status_code == 403
    assert AccessAttempt.objects.filter(username="victim").exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, reader):
    lock(client)
    for response in (
        client.get(reverse("commitments:lockouts")),
        client.post(reverse("commitments:lockout-unlock"), {"username": "reader"}),
    ):
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert AccessAttempt.objects.filter(username="reader").exists()


def test_a_get_request_does_not_unlock(client, reader, secretariat):
    lock(client)
    client.force_login(secretariat)
    response = client.get(reverse("commitments:lockout-unlock"), {"username": "reader"})
    assert response.status_code == 405
    assert AccessAttempt.objects.filter(username="reader").exists()


def test_only_those_who_may_unlock_see_locked_accounts_in_the_menu(client, secretariat, reader):
    client.force_login(secretariat)
    assert reverse("commitments:lockouts") in client.get(reverse("commitments:register")).content.decode()
    client.force_login(reader)
    assert reverse("commitments:lockouts") not in client.get(reverse("commitments:register")).content.decode()


def test_the_permission_to_unlock_belongs_to_secretariat_officers_and_administrators():
    unlock = Permission.objects.get(codename="unlock_account", content_type__app_label="commitments")
    assert set(Group.objects.filter(permissions=unlock).values_list("name", flat=True)) == {
        "Administrator",
        "Secretariat officer",
    }


# Passwords


@pytest.mark.parametrize("role", ["focal_point", "reader"])
def test_a_focal_point_and_a_reviewer_change_their_own_password(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    assert reverse("password_change") in client.get(reverse("commitments:register")).content.decode()
    assert client.get(reverse("password_change")).status_code == 200
    new = "a-longer-passphrase-2026"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302 and response.url == reverse("password_change_done")
    assert client.get(response.url).status_code == 200
    user.refresh_from_db()
    assert user.check_password(new)


def test_a_new_password_of_eleven_characters_is_refused_with_the_validators_message(client, reader):
    client.force_login(reader)
    short = "Qx7#mP2$vL9"
    assert len(short) == 11
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": short, "new_password2": short},
    )
    assert response.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in response.content.decode()
    reader.refresh_from_db()
    assert reader.check_password(PASSWORD)


def test_the_validators_message_is_in_chinese_on_a_chinese_page(client, reader):
    client.force_login(reader)
    short = "Qx7#mP2$vL9"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": short, "new_password2": short},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "密码太短，至少须包含12个字符。" in response.content.decode()


def test_an_anonymous_visitor_cannot_open_the_password_change(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_log_in_page_offers_the_password_reset(client):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()


def test_the_reset_mails_one_link_on_site_url_that_sets_a_new_password(client, reader, settings):
    settings.SITE_URL = "https://tracker.example.org"
    response = client.post(reverse("password_reset"), {"email": "reader@example.org"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.org"]
    assert "Reset your password" in message.subject and "\n" not in message.subject
    assert "testserver" not in message.body
    links = re.findall(r"https://tracker\.example\.org(/reset/\S+/)", message.body)
    assert links and len(set(links)) == 1  # the same link, in each language
    form_page = client.get(links[0], follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    new = "a-longer-passphrase-2026"
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response.url == reverse("password_reset_complete")
    assert log_in(client, "reader", new).status_code == 302


def test_a_used_reset_link_does_not_work_again(client, reader):
    client.post(reverse("password_reset"), {"email": "reader@example.org"})
    link = re.search(r"(/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new = "a-longer-passphrase-2026"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    again = client.get(link, follow=True)
    assert again.status_code == 200 and not again.context["validlink"]


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, reader):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert mail.outbox == []


# Both languages


@pytest.mark.parametrize(
    "name", ["login", "password_reset", "password_reset_done", "password_reset_complete"]
)
def test_the_pages_open_to_anyone_render_in_chinese(client, name):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()


@pytest.mark.parametrize("name", ["password_change", "password_change_done", "commitments:lockouts"])
def test_the_signed_in_pages_render_in_chinese(client, secretariat, name):
    client.force_login(secretariat)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()


def test_the_lock_out_page_renders_in_chinese(client, reader):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    lock(client)
    response = log_in(client, "reader")
    assert response.status_code == 429
    assert '<html lang="zh-hans">' in response.content.decode()
