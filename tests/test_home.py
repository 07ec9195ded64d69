"""Work first: after log-in each role lands on its work, and the menu counts what waits for it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments.models import Status

from .conftest import line, make_period, make_update, own

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Tracker-2026"  # tests/conftest.py make_user


def log_in(client, user, **extra):
    data = {"username": user.get_username(), "password": PASSWORD} | extra
    return client.post(reverse("login"), data, follow=True)


def landed_on(response) -> str:
    return response.redirect_chain[-1][0]


def submitted(code, period, organisation, author):
    own(line("poa-2026-2030", code), organisation)
    update = make_update(
        line("poa-2026-2030", code), period, organisation, author,
        status=Status.objects.get(code="ongoing"), narrative_en="Met in Manila.",
    )  # fmt: skip
    update.submit(by=author)
    return update


# Landing after log-in


def test_a_focal_point_lands_on_my_lines(client, focal_point):
    assert landed_on(log_in(client, focal_point)) == reverse("commitments:my-lines")


def test_a_secretariat_officer_lands_on_the_review_queue_when_an_update_waits(
    client, period, owner, focal_point, secretariat
):
    submitted("2.8.1", period, owner, focal_point)
    assert landed_on(log_in(client, secretariat)) == reverse("commitments:review-queue")


def test_a_secretariat_officer_lands_on_the_dashboard_when_nothing_waits(client, period, secretariat):
    assert landed_on(log_in(client, secretariat)) == reverse("commitments:dashboard")


def test_a_reviewer_lands_on_the_register(client, reader):
    assert landed_on(log_in(client, reader)) == reverse("commitments:register")


def test_an_administrator_lands_like_the_secretariat(client, period, administrator):
    response = client.post(reverse("login"), {"username": "root", "password": "pw-Admin-2026"}, follow=True)
    assert landed_on(response) == reverse("commitments:dashboard")


def test_a_next_given_at_log_in_wins(client, focal_point):
    response = log_in(client, focal_point, next=reverse("commitments:plan-list"))
    assert landed_on(response) == reverse("commitments:plan-list")


def test_the_home_page_needs_a_log_in(client):
    response = client.get(reverse("commitments:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# The menu's counts


def test_a_focal_point_sees_the_updates_due_in_the_menu(client, period, owner, other_owner, focal_point):
    for code in ("2.8.1", "2.8.2", "2.8.3"):
        own(line("poa-2026-2030", code), owner)
    own(line("poa-2026-2030", "2.8.4"), other_owner)  # not theirs
    submitted("2.8.5", period, owner, focal_point)  # reported: no longer due
    make_update(line("poa-2026-2030", "2.8.1"), period, owner, focal_point)  # a draft is still due
    client.force_login(focal_point)
    page = client.get(reverse("commitments:register")).content.decode()
    assert '<span class="count">3<span class="visually-hidden"> updates due</span></span>' in page


def test_the_updates_due_are_those_my_lines_counts(client, period, owner, focal_point):
    for code in ("2.8.1", "2.8.2"):
        own(line("poa-2026-2030", code), owner)
    client.force_login(focal_point)
    response = client.get(reverse("commitments:my-lines"))
    assert len(response.context["due"]) == response.context["roles"].updates_due == 2


def test_no_count_without_an_open_period(client, plan_2026, owner, focal_point):
    make_period(plan_2026, is_open=False)
    own(line("poa-2026-2030", "2.8.1"), owner)
    client.force_login(focal_point)
    assert 'class="count"' not in client.get(reverse("commitments:register")).content.decode()


def test_the_secretariat_sees_the_reviews_waiting_in_the_menu(
    client, period, owner, focal_point, secretariat
):
    submitted("2.8.1", period, owner, focal_point)
    submitted("2.8.2", period, owner, focal_point)
    client.force_login(secretariat)
    page = client.get(reverse("commitments:dashboard")).content.decode()
    assert '<span class="count">2<span class="visually-hidden"> updates waiting</span></span>' in page


def test_a_reviewer_sees_no_count(client, period, owner, focal_point, reader):
    submitted("2.8.1", period, owner, focal_point)
    client.force_login(reader)
    assert 'class="count"' not in client.get(reverse("commitments:register")).content.decode()


def test_the_counts_show_in_chinese_too(client, period, owner, focal_point, secretariat):
    submitted("2.8.1", period, owner, focal_point)
    client.force_login(secretariat)
    client.post(reverse("set_language"), {"language": "zh-hans"})
    response = client.get(reverse("commitments:dashboard"))
    assert response.headers["Content-Language"] == "zh-hans"
    assert '<span class="count">1<span class="visually-hidden">' in response.content.decode()


def queries_on(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["focal_point", "secretariat", "reader"])
def test_the_counts_add_at_most_two_queries_to_a_page(client, settings, request, period, owner, who):
    own(line("poa-2026-2030", "2.8.1"), owner)
    client.force_login(request.getfixturevalue(who))
    url = reverse("commitments:plan-list")
    client.get(url)  # the session and the caches, once
    with_counts = queries_on(client, url)
    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    settings.TEMPLATES = [
        settings.TEMPLATES[0]
        | {"OPTIONS": {"context_processors": [p for p in processors if not p.endswith(".roles")]}}
    ]
    assert with_counts - queries_on(client, url) <= 2  # measured: 2, 1 and 0
