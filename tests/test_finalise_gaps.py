"""Finalising a report while the period is open, or with lines not yet confirmed, says so with the
numbers and asks for a second confirmation."""

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments.models import ActionLine, PeriodStatus, ReportEdition, Status
from commitments.progress_report import pdf

from .test_report_content import reported

pytestmark = pytest.mark.django_db

PLAN = "poa-2026-2030"
# The lines of the 2026–2030 plan, all in its source document (tests/test_import_seeds.py).
LINES = 199


@pytest.fixture(autouse=True)
def no_chromium(monkeypatch, evidence_root):
    """Editions are stored without a PDF, under a temporary folder."""
    monkeypatch.setattr(pdf, "chromium", lambda: None)


@pytest.fixture
def two_confirmed(period, owner, focal_point, secretariat):
    reported(period, owner, focal_point, secretariat, {"1.1.1": "ongoing", "2.6.6": "completed"})
    return period


def confirm_every_line(period, by) -> None:
    ongoing = Status.objects.get(code="ongoing")
    confirmed = set(PeriodStatus.objects.filter(period=period).values_list("line", flat=True))
    PeriodStatus.objects.bulk_create(
        PeriodStatus(line=line, period=period, status=ongoing, confirmed_by=by, confirmed_at=timezone.now())
        for line in ActionLine.objects.for_plan(period.plan).exclude(pk__in=confirmed)
    )


def finalise(client, period, **data):
    values = {"language": "en", "understood": "on"} | data
    return client.post(reverse("commitments:report-finalise", args=[period.pk]), values, follow=True)


def test_the_period_counts_its_lines_without_a_confirmed_status(two_confirmed):
    assert two_confirmed.lines_without_confirmed_status().count() == LINES - 2
    assert two_confirmed.finalising_gaps() == (
        f"The period is still open for updates. {LINES - 2} of {LINES} lines have no confirmed status."
    )


def test_a_closed_period_with_every_line_confirmed_has_nothing_to_say(two_confirmed, secretariat):
    confirm_every_line(two_confirmed, secretariat)
    two_confirmed.close_for_updates()
    assert two_confirmed.finalising_gaps() == ""


def test_the_report_page_states_the_numbers_before_finalising(client, two_confirmed, secretariat):
    client.force_login(secretariat)
    page = client.get(reverse("commitments:report"), {"plan": PLAN, "period": two_confirmed.pk})
    text = page.content.decode()
    assert f"{LINES - 2} of {LINES} lines have no confirmed status." in text
    assert 'name="despite_gaps"' in text


def test_without_the_second_confirmation_nothing_is_finalised_and_the_numbers_are_shown(
    client, two_confirmed, secretariat
):
    client.force_login(secretariat)
    response = finalise(client, two_confirmed)
    assert not ReportEdition.objects.exists()
    text = response.content.decode()
    assert "Nothing was finalised: The period is still open for updates. " in text
    assert f"{LINES - 2} of {LINES} lines have no confirmed status. Tick" in text


def test_with_the_second_confirmation_the_report_is_finalised(client, two_confirmed, secretariat):
    client.force_login(secretariat)
    response = finalise(client, two_confirmed, despite_gaps="on")
    assert ReportEdition.objects.get().period == two_confirmed
    assert "The final edition is stored" in response.content.decode()


def test_a_closed_period_with_unconfirmed_lines_still_asks(client, two_confirmed, secretariat):
    two_confirmed.close_for_updates()
    client.force_login(secretariat)
    response = finalise(client, two_confirmed)
    assert not ReportEdition.objects.exists()
    assert "still open" not in response.content.decode()
    assert f"Nothing was finalised: {LINES - 2} of {LINES} lines have no confirmed status." in (
        response.content.decode()
    )


def test_a_closed_period_with_every_line_confirmed_finalises_without_the_second_box(
    client, two_confirmed, secretariat
):
    confirm_every_line(two_confirmed, secretariat)
    two_confirmed.close_for_updates()
    client.force_login(secretariat)
    page = client.get(reverse("commitments:report"), {"plan": PLAN, "period": two_confirmed.pk})
    assert 'name="despite_gaps"' not in page.content.decode()
    finalise(client, two_confirmed)
    assert ReportEdition.objects.get().period == two_confirmed


def test_the_numbers_are_stated_in_chinese_too(client, two_confirmed, secretariat):
    client.force_login(secretariat)
    client.post(reverse("set_language"), {"language": "zh-hans"})
    response = finalise(client, two_confirmed)
    assert not ReportEdition.objects.exists()
    assert f"{LINES - 2}" in response.content.decode() and response.headers["Content-Language"] == "zh-hans"
