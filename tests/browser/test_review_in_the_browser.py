"""A secretariat officer approves a submitted update, confirms the line's status, and the
dashboard counts the line."""

import pytest
from playwright.sync_api import expect

from commitments.models import Status

from ..conftest import line, make_update, own
from .conftest import WORDS, log_in, menu_link, say, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ECONOMIC_PILLAR = {"en": "2. Economic cooperation", "zh-hans": "2. 经济合作"}  # as the seeds name it


@pytest.fixture
def submitted(owner, focal_point, period):
    action_line = line("poa-2026-2030", "2.6.6")
    own(action_line, owner)
    update = make_update(
        action_line, period, owner, focal_point, status=Status.objects.get(code="ongoing"),
        narrative_en="Two workshops on AI governance were held.",
    )  # fmt: skip
    update.submit(by=focal_point)
    return update


def pillar_count(page, language: str, column: str) -> int:
    """The number in the economic pillar's row of the dashboard's table, under ``column``."""
    table = page.get_by_role("region", name=say(language, "Status by pillar")).get_by_role("table")
    expect(table).to_be_visible()
    headers = table.get_by_role("columnheader").all_inner_texts()
    pillar = page.get_by_role("rowheader", name=ECONOMIC_PILLAR[language], exact=True)
    cells = table.get_by_role("row").filter(has=pillar).get_by_role("cell")
    return int(cells.nth(headers.index(column) - 1).inner_text().split()[0])  # less the row header


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_officer_approves_an_update_confirms_the_status_and_sees_the_dashboard_change(
    page, language, secretariat, submitted
):
    words = WORDS[language]
    not_confirmed = say(language, "Not confirmed")
    log_in(page, "secretariat", language)

    page.get_by_role("link", name=say(language, "Dashboard"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(say(language, "Dashboard"))
    assert pillar_count(page, language, words["Ongoing"]) == 0
    assert pillar_count(page, language, not_confirmed) == 82

    page.get_by_role("link", name=menu_link(words["Review"])).click()  # the menu adds its count
    item = page.get_by_role("article").filter(has_text="2.6.6 · TEST-OWNER")
    expect(item).to_contain_text("Two workshops on AI governance were held.")
    screenshot(page, "review-queue", language)
    item.get_by_role("button", name=words["Approve"], exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(words["Approved"])
    expect(page.get_by_text(words["Nothing waits for review."])).to_be_visible()

    to_confirm = page.get_by_role("row").filter(has_text="2.6.6")
    expect(to_confirm.get_by_label(words["Status for the period"])).to_have_value(str(submitted.status.pk))
    to_confirm.get_by_role("button", name=words["Confirm"], exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("2.6.6")

    page.get_by_role("link", name=say(language, "Dashboard"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(say(language, "Dashboard"))
    assert pillar_count(page, language, words["Ongoing"]) == 1
    assert pillar_count(page, language, not_confirmed) == 81
    screenshot(page, "dashboard", language)
