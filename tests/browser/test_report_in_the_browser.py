"""The HTML progress report, as downloaded, opened in Chromium: on screen, and printed on A4."""

import re

import pytest
from playwright.sync_api import expect

from ..test_report_render import AREAS, PILLARS, html, make_content
from .conftest import ARTIFACTS, screenshot

# The browser fixture expects the database of the other browser tests, though this one needs none.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
A4_AT_96_DPI = {"width": 794, "height": 1123}


@pytest.fixture
def report_page(browser):
    context = browser.new_context(viewport=A4_AT_96_DPI)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_downloaded_html_report_reads_on_screen_and_prints_on_a4_without_overflow(
    report_page, tmp_path, language
):
    content = make_content(language)
    document = tmp_path / f"report-{language}.html"
    document.write_bytes(html.render(content))
    page = report_page

    page.goto(document.as_uri())

    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans" if language == "zh" else "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(content.plan_title)
    for code, title in PILLARS[language].items():
        expect(page.get_by_role("heading", level=2, name=f"{code}. {title}")).to_be_visible()
    for code, title in AREAS[language].items():
        expect(page.get_by_role("heading", level=3, name=f"{code} {title}")).to_be_visible()
    expect(page.get_by_role("img").first).to_be_visible()  # the chart
    expect(page.get_by_role("navigation")).to_be_visible()
    screenshot(page, "report", language)

    page.emulate_media(media="print")
    expect(page.get_by_role("navigation")).to_be_hidden()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (ARTIFACTS / f"report-{language}.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    # The cover, the summary, a page per pillar at least, the lines not confirmed and the annex.
    assert pages >= 2 + len(content.pillars) + 2
