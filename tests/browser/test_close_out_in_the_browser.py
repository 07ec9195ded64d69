"""A secretariat officer closes out the 2021–2025 plan on a phone, in each language: ticks two lines,
sets their final status, confirms; every page on the way passes axe and fits the phone."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from commitments.models import FinalStatus, Status

from ..conftest import line
from .conftest import log_in, screenshot
from .test_every_page_in_the_browser import AXE_RULES, OFF_SCREEN, PHONE_WIDTH, serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OLD = "poa-2021-2025"


def faults_of(page, axe) -> list[str]:
    phone = page.evaluate(OFF_SCREEN)
    faults = serious(axe.run(page, options=AXE_RULES).response["violations"])
    if phone["scrollWidth"] > PHONE_WIDTH:
        faults.append(f"the page is {phone['scrollWidth']} px wide")
    return (
        faults
        + [f"off the screen: {html}" for html in phone["off"][:3]]
        + ([f"shows the plan code on {page.url}"] if OLD in page.inner_text("body") else [])
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_officer_closes_out_two_lines_on_a_phone(phone, language, secretariat):
    axe, faults = Axe(), []
    log_in(phone, "secretariat", language)
    phone.goto("/close-out/")
    faults += faults_of(phone, axe)
    phone.locator(f'a[href="/close-out/{OLD}/"]').click()
    expect(phone).to_have_url(re.compile(f"/close-out/{OLD}/$"))  # a click does not wait for the page
    faults += faults_of(phone, axe)
    screenshot(phone, "close-out", language)
    for code in ("1.1.1", "1.1.2"):
        phone.locator(f"#tick-{line(OLD, code).pk}").check()
    phone.locator("#id_status").select_option(value=str(Status.objects.get(code="completed").pk))
    phone.locator(".close-out-bar button").click()
    expect(phone.locator('button[name="confirmed"]')).to_be_visible()
    faults += faults_of(phone, axe)  # the confirmation
    screenshot(phone, "close-out-confirm", language)
    phone.locator('button[name="confirmed"]').click()
    expect(phone.locator(".message.success")).to_be_visible()
    faults += faults_of(phone, axe)
    phone.goto("/close-out/poa-2026-2030/")  # not ended: says so
    faults += faults_of(phone, axe)
    assert not faults, "\n".join(faults)
    finals = FinalStatus.objects.filter(line__plan__code=OLD).order_by("line__sort_key")
    assert [(final.line.code, final.status.code) for final in finals] == [
        ("1.1.1", "completed"), ("1.1.2", "completed")
    ]  # fmt: skip
