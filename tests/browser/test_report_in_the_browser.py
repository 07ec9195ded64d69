"""The HTML progress report of the realistic sample, as downloaded, opened in Chromium: on a desktop
and a phone screen, and printed on A4 with the annex on landscape pages."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from commitments.models import Plan, StatusUpdate
from commitments.progress_report import html
from commitments.progress_report.build import build_report

from ..test_report_render import SECTIONS
from .conftest import ARTIFACTS, screenshot

# The browser fixture expects the database of the other browser tests.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SCREENS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def sample_plan():
    call_command("load_report_sample", stdout=io.StringIO())
    plan = Plan.objects.get(code="poa-2026-2030")
    return plan, next(p for p in plan.periods.all() if StatusUpdate.objects.in_period(p).exists())


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_the_downloaded_report_reads_on_a_screen_without_the_page_scrolling_sideways(
    browser, sample_plan, tmp_path, language, screen
):
    plan, period = sample_plan
    content = build_report(plan, period, language)
    document = tmp_path / f"report-{language}.html"
    document.write_bytes(html.render(content))
    context = browser.new_context(viewport=SCREENS[screen])
    page = context.new_page()

    page.goto(document.as_uri())

    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans" if language == "zh" else "en-GB")
    expect(page.get_by_role("heading", level=1)).to_have_text(content.plan_title)
    for heading in SECTIONS[language]:
        expect(page.get_by_role("heading", level=2, name=heading, exact=True)).to_be_attached()
    expect(page.get_by_role("img").first).to_be_visible()  # the chart
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    screenshot(page, f"report-{screen}", language)
    if screen == "desktop":
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        (ARTIFACTS / f"report-{language}.pdf").write_bytes(pdf)
    context.close()
