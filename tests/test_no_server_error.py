"""Inputs that used to end in a server error: each now gets a page, a 400 or a 404 that says why.

The fuzz test (test_fuzz.py) sends odd values to every page; these are the cases it, or the audit
of issue 11, found, each with the answer it should get.
"""

import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from commitments import notifications
from commitments.forms import PeriodForm
from commitments.models import ActionLine, ReportingPeriod
from commitments.models.plans import SEARCH_MAX_CHARACTERS, SEARCH_MAX_WORDS

from .conftest import make_period
from .test_review import submitted_update

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "contains a null character"


@pytest.fixture
def quiet_client(client):
    """A client that answers a server error with its 500 page rather than raising it in the test."""
    client.raise_request_exception = False
    return client


def register(client, **params):
    return client.get(reverse("commitments:register"), params)


# The search


def test_a_search_of_a_thousand_words_is_refused_on_the_form_with_the_limit(quiet_client, reader):
    quiet_client.force_login(reader)
    words = " ".join(f"word{n}" for n in range(1000))
    response = register(quiet_client, q=words)
    assert response.status_code == 200
    assert (
        f"Search for at most {SEARCH_MAX_CHARACTERS} characters; this search has {len(words)}."
        in response.content.decode()
    )
    assert response.context["table"].paginator.count == 0


def test_a_search_of_more_words_than_the_limit_is_refused_on_the_form(client, reader):
    client.force_login(reader)
    response = register(client, q=" ".join(["a"] * (SEARCH_MAX_WORDS + 1)))
    message = f"Search for at most {SEARCH_MAX_WORDS} words; this search has {SEARCH_MAX_WORDS + 1}."
    assert message in response.content.decode()


def test_a_search_at_the_limit_still_finds_lines(client, reader):
    client.force_login(reader)
    words = ["cooperation"] * SEARCH_MAX_WORDS
    response = register(client, q=" ".join(words), per_page=500)
    assert not response.context["filter"].form.errors
    assert response.context["table"].paginator.count > 0


def test_the_search_queryset_refuses_a_search_too_long_whoever_calls_it():
    with pytest.raises(ValidationError):
        ActionLine.objects.search(" ".join(["a"] * (SEARCH_MAX_WORDS + 1)))


def test_the_slowest_search_allowed_answers_within_a_second(client, reader):
    """The most work a search can ask: as many words as allowed, all of the longest, none of them a
    code, and matching nothing, so that every line and owner is read for every word."""
    client.force_login(reader)
    register(client)  # templates loaded and compiled: the search is what is timed
    length = SEARCH_MAX_CHARACTERS // SEARCH_MAX_WORDS - 1
    words = [f"{n}{'q' * (length - 1)}" for n in range(SEARCH_MAX_WORDS)]
    start = time.perf_counter()
    response = register(client, q=" ".join(words))
    assert time.perf_counter() - start < 1
    assert not response.context["filter"].form.errors
    assert response.context["table"].paginator.count == 0


def test_the_export_refuses_a_search_too_long_with_no_line_rather_than_an_error(quiet_client, reader):
    quiet_client.force_login(reader)
    response = quiet_client.get(
        reverse("commitments:register-export", args=["csv"]), {"q": " ".join(["a"] * 1000)}
    )
    assert response.status_code == 200


# The page size


@pytest.mark.parametrize("per_page", ["-1", "0", "100000000", "99999999999999999999", "abc", "1e3"])
def test_a_page_size_that_is_not_one_to_five_hundred_shows_the_default_page(quiet_client, reader, per_page):
    quiet_client.force_login(reader)
    response = register(quiet_client, per_page=per_page)
    assert response.status_code == 200
    assert len(response.context["table"].paginated_rows) == 50


def test_a_page_size_within_the_bounds_is_kept(client, reader):
    client.force_login(reader)
    assert len(register(client, per_page="7").context["table"].paginated_rows) == 7


# A NUL character


@pytest.mark.parametrize(
    "address",
    [
        "/?plan=%00",
        "/register/export.csv?plan=%00",
        "/reports/generate/?plan=a%00b",
        "/plans/poa-2026-2030/lines/%00/",
        "/editions/1/%00/",
        "/?q=a&%00=b",  # in a parameter's name too
    ],
)
def test_a_nul_character_in_the_address_is_a_bad_request_that_says_why(quiet_client, reader, address):
    quiet_client.force_login(reader)
    response = quiet_client.get(address)
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()


def test_a_nul_character_in_a_form_is_a_bad_request_and_changes_nothing(quiet_client, plan_2026, secretariat):
    period = make_period(plan_2026)
    quiet_client.force_login(secretariat)
    response = quiet_client.post(
        reverse("commitments:period-edit", args=[period.pk]),
        {
            "label": "2026\x002027",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "deadline": "2026-11-30",
        },
    )
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()
    period.refresh_from_db()
    assert period.label == "2026–2027"


def test_a_nul_character_does_not_keep_a_visitor_from_the_log_in_page(quiet_client):
    assert quiet_client.get(reverse("login")).status_code == 200
    assert quiet_client.get(reverse("login"), {"next": "/\x00"}).status_code == 400


# Ids too large for the database


def test_an_id_too_large_for_the_database_is_not_found(quiet_client, reader):
    quiet_client.force_login(reader)
    assert quiet_client.get("/editions/99999999999999999999/html/").status_code == 404
    assert quiet_client.get(f"/updates/{2**63}/").status_code == 404


@pytest.mark.parametrize("digits", [20, 5_000])  # int() itself refuses more than 4,300 digits
def test_a_period_or_pillar_too_large_to_be_an_id_is_ignored_by_the_register(quiet_client, reader, digits):
    quiet_client.force_login(reader)
    response = register(quiet_client, period="9" * digits, part="9" * digits, area="9" * digits)
    assert response.status_code == 200


def test_the_largest_id_the_database_holds_is_still_an_id(quiet_client, reader):
    quiet_client.force_login(reader)
    assert quiet_client.get(f"/updates/{2**63 - 1}/").status_code == 404  # looked up, not found


def test_every_id_in_an_address_is_bounded():
    """Django's ``<int:…>`` takes any number; ``<id:…>`` only one the database can hold."""

    def patterns(resolver):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from patterns(pattern)
            elif isinstance(pattern, URLPattern):
                yield pattern

    unbounded = [
        str(pattern.pattern)
        for pattern in patterns(get_resolver())
        if any(isinstance(c, IntConverter) for c in pattern.pattern.converters.values())
    ]
    assert unbounded == []


def test_a_bulk_review_of_an_id_too_large_is_refused_and_decides_nothing(
    quiet_client, period, owner, focal_point, secretariat
):
    update = submitted_update("2.8.1", period, owner, focal_point)
    quiet_client.force_login(secretariat)
    response = quiet_client.post(
        reverse("commitments:review-bulk"),
        {"updates": [update.pk, "99999999999999999999"], "decision": "approve"},
    )
    assert response.status_code == 200
    assert response.context["bulk_form"].errors["updates"]
    update.refresh_from_db()
    assert update.state == "submitted"


def test_an_admin_filter_on_a_number_too_large_for_the_database_is_no_server_error(
    quiet_client, administrator
):
    """The admin's lists filter on any field named in the address; SQLite refuses the number in the
    query (PostgreSQL finds nothing), and the request gets a 400 that says why."""
    quiet_client.force_login(administrator)
    response = quiet_client.get("/admin/commitments/actionline/", {"plan": "9" * 40})
    assert response.status_code < 500
    if connection.vendor == "sqlite":
        assert "a number too large to be an id" in response.content.decode()


# Where to go next


def test_a_next_page_that_is_a_bare_word_leads_to_the_default_page_after_the_decision(
    quiet_client, period, owner, focal_point, secretariat
):
    update = submitted_update("2.8.1", period, owner, focal_point)
    quiet_client.force_login(secretariat)
    response = quiet_client.post(
        reverse("commitments:update-review", args=[update.pk]),
        {"decision": "approve", "version": update.version, "next": "review"},
    )
    assert (response.status_code, response.url) == (302, reverse("commitments:review-queue"))
    update.refresh_from_db()
    assert update.state == "approved"


def test_a_next_page_on_this_site_is_followed(client, period, owner, focal_point, secretariat):
    update = submitted_update("2.8.1", period, owner, focal_point)
    client.force_login(secretariat)
    response = client.post(
        reverse("commitments:update-review", args=[update.pk]),
        {"decision": "approve", "version": update.version, "next": "/plans/?from=review"},
    )
    assert response.url == "/plans/?from=review"


@pytest.mark.parametrize("target", ["https://example.org/", "//example.org/", "/\\example.org"])
def test_a_next_page_on_another_site_is_not_followed(client, period, owner, focal_point, secretariat, target):
    update = submitted_update("2.8.1", period, owner, focal_point)
    client.force_login(secretariat)
    response = client.post(
        reverse("commitments:update-review", args=[update.pk]),
        {"decision": "approve", "version": update.version, "next": target},
    )
    assert response.url == reverse("commitments:review-queue")


# A period's label, which e-mails quote in their subject


@pytest.mark.parametrize("label", ["2026\n2027", "2026\r2027", "2026\t2027", "2026\u20282027"])
def test_a_period_label_with_a_line_break_or_control_character_is_refused(plan_2026, label):
    period = ReportingPeriod(plan=plan_2026, label=label)
    with pytest.raises(ValidationError) as refused:
        period.full_clean(exclude=["starts_on", "ends_on", "deadline"])
    assert "one line of text" in str(refused.value.message_dict["label"])


def test_the_period_form_refuses_a_label_with_a_line_break(plan_2026):
    form = PeriodForm(
        {"label": "2026\n2027", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "deadline": "2026-11-30"},
        instance=ReportingPeriod(plan=plan_2026),
    )
    assert "label" in form.errors


def test_a_workflow_email_has_a_one_line_subject_even_for_a_label_saved_with_a_line_break(
    period, owner, focal_point, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    ReportingPeriod.objects.filter(pk=period.pk).update(label="2026\n2027")  # saved before the rule
    update = submitted_update("2.8.1", ReportingPeriod.objects.get(pk=period.pk), owner, focal_point)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.update_submitted(update)
    [message] = mailoutbox
    assert message.subject.startswith(f"[{notifications.TRACKER_NAME}] 2.8.1 {owner} 2026 2027: submitted")
    assert message.message()["Subject"]  # the headers are written, with no BadHeaderError


# Connections the database dropped


def test_every_connection_is_checked_before_a_request_uses_it_again(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
