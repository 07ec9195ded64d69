"""A reviewer finds lines in the register, sorts them, exports them and opens the spreadsheet."""

import datetime

import openpyxl
import pytest
from playwright.sync_api import expect

from commitments.models import PeriodStatus, Status

from ..conftest import line, make_period, make_update, own, while_open
from .conftest import ARTIFACTS, PHONE, WORDS, log_in, say, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The economic pillar's lines whose current status is ongoing, in code order: 2.2.10 sorts
# after 2.2.9 and 2.10.1 last, which a sort on the text of the codes would get wrong.
ONGOING_ECONOMIC = ["2.2.9", "2.2.10", "2.6.6", "2.6.8", "2.10.1"]
ECONOMIC_PILLAR = {"en": "2. Economic cooperation", "zh-hans": "2. 经济合作"}  # as the seeds name it


def confirm(code: str, period, status: str, owner, focal, officer) -> None:
    """Take a line through an owner's approved update to a confirmed status for the period."""
    action_line = line("poa-2026-2030", code)
    update = make_update(
        action_line, period, owner, focal, status=Status.objects.get(code=status),
        narrative_en=f"Progress on {code}.",
    )  # fmt: skip
    update.submit(by=focal)
    update.approve(by=officer)
    PeriodStatus.objects.get(line=action_line, period=period).confirm(by=officer)


@pytest.fixture
def statuses_confirmed(plan_2026, owner, focal_point, secretariat):
    """Ongoing economic lines, and lines that are ongoing but elsewhere or no longer."""
    last_year = make_period(
        plan_2026, label="2025–2026", starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31), deadline=datetime.date(2025, 11, 30), is_open=False,
    )  # fmt: skip
    this_year = make_period(plan_2026)
    for code in [*ONGOING_ECONOMIC, "1.1.1", "2.3.1", "2.4.1"]:
        own(line("poa-2026-2030", code), owner)
    for code in ONGOING_ECONOMIC + ["1.1.1"]:  # 1.1.1 is in the political and security pillar
        confirm(code, this_year, "ongoing", owner, focal_point, secretariat)
    confirm("2.3.1", this_year, "completed", owner, focal_point, secretariat)
    with while_open(last_year):  # ongoing last year only
        confirm("2.4.1", last_year, "ongoing", owner, focal_point, secretariat)
    confirm("2.4.1", this_year, "completed", owner, focal_point, secretariat)


def expect_codes(page, codes: list[str]) -> None:
    expect(page.locator("table.register td.col-code")).to_have_text(codes)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_reviewer_filters_searches_sorts_and_exports_the_register(
    page, live_server, language, reader, statuses_confirmed
):
    words = WORDS[language]
    log_in(page, "reader", language)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(say(language, "Register"))
    screenshot(page, "register", language)
    page.get_by_label(say(language, "Pillar"), exact=True).select_option(label=ECONOMIC_PILLAR[language])
    page.get_by_role("button", name=say(language, "Apply filters")).click()
    expect(page.get_by_role("status")).to_contain_text("82")
    page.get_by_label(words["Current status"], exact=True).select_option(label=words["Ongoing"])
    page.get_by_role("button", name=say(language, "Apply filters")).click()
    expect_codes(page, ONGOING_ECONOMIC)
    expect(page.locator("table.register td.col-status").first).to_have_text(words["Ongoing"])
    screenshot(page, "register-filtered", language)

    code_header = page.get_by_role("columnheader", name=say(language, "Code"), exact=True)
    code_header.get_by_role("link").click()
    expect(code_header).to_have_attribute("aria-sort", "ascending")
    expect_codes(page, ONGOING_ECONOMIC)
    code_header.get_by_role("link").click()
    expect(code_header).to_have_attribute("aria-sort", "descending")
    expect_codes(page, ONGOING_ECONOMIC[::-1])

    page.get_by_label(say(language, "Search"), exact=True).fill("人工智能")
    page.get_by_role("button", name=say(language, "Apply filters")).click()
    expect_codes(page, ["2.6.8", "2.6.6"])  # the filters and the sort stay as they were

    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    saved = ARTIFACTS / f"register-{language}.xlsx"
    download.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    header, *rows = sheet.iter_rows(values_only=True)
    assert header[:3] == (say(language, "Code"), say(language, "Pillar"), say(language, "Area"))
    assert [row[0] for row in rows] == ["2.6.8", "2.6.6"]
    assert {row[header.index(words["Current status"])] for row in rows} == {words["Ongoing"]}

    page.get_by_role("link", name="2.6.6", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2.6.6")
    screenshot(page, "line", language)


def test_register_fits_a_phone_and_its_filters_are_within_reach(phone, reader, statuses_confirmed):
    log_in(phone, "reader")

    search = phone.get_by_label("Search", exact=True)
    box = search.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], "the search box is not on the first screen"
    search.fill("人工智能")
    phone.get_by_label("Current status", exact=True).select_option(label="Ongoing")
    phone.get_by_role("button", name="Apply filters").click()
    expect_codes(phone, ["2.6.6", "2.6.8"])
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the register is {overflow}px wider than a phone"
    screenshot(phone, "register-phone", "en")
