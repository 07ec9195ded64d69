"""A focal point reports on an owned line in the browser, with a real PDF as evidence."""

import pytest
from playwright.sync_api import expect

from commitments.models import Evidence, StatusUpdate

from ..conftest import line, own
from ..test_uploads import make_pdf
from .conftest import WORDS, log_in, menu_link, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_focal_point_submits_an_update_with_an_evidence_file(
    page, language, focal_point, owner, period, evidence_root
):
    own(line("poa-2026-2030", "2.6.6"), owner)
    words = WORDS[language]
    log_in(page, "focal", language)

    page.get_by_role("link", name=menu_link(words["My lines"])).click()  # the menu adds its count
    expect(page.get_by_role("heading", level=1)).to_have_text(words["My lines"])
    screenshot(page, "my-lines", language)
    page.get_by_role("row").filter(has_text="2.6.6").get_by_role("button", name=words["Report"]).click()

    page.get_by_label(words["status"], exact=True).select_option(label=words["Ongoing"])
    page.get_by_label(words["progress (English)"]).fill("Two workshops on AI governance were held.")
    evidence = page.get_by_role("group", name=words["Evidence"])
    evidence.get_by_label(words["Title"]).first.fill("Workshop report")
    evidence.get_by_label(words["File"]).first.set_input_files(
        files=[{"name": "workshop-report.pdf", "mimeType": "application/pdf", "buffer": make_pdf()}]
    )
    screenshot(page, "update-form", language)
    page.get_by_role("button", name=words["Save draft"]).click()
    expect(page.get_by_role("status")).to_have_text(words["Draft saved."])

    page.get_by_role("button", name=words["Save and submit for review"]).click()
    expect(page.get_by_role("status")).to_have_text(words["Update submitted for review."])
    expect(page.locator(".meta .state")).to_have_text(words["Submitted"])
    expect(page.get_by_role("link", name="Workshop report")).to_be_visible()
    screenshot(page, "update", language)

    update = StatusUpdate.objects.get(line__code="2.6.6", period=period, organisation=owner)
    assert update.state == StatusUpdate.State.SUBMITTED and update.status.code == "ongoing"
    evidence_file = Evidence.objects.get(update=update)
    assert evidence_file.original_name == "workshop-report.pdf"
    assert evidence_file.file.read() == make_pdf()
