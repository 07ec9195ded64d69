"""From invitation to approval, in the browser, as the people who do it: a secretariat officer
invites a focal point, who chooses a password from the e-mailed link, lands on *My lines* and
reports; the officer opens the e-mail's link and approves there."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from commitments.models import StatusUpdate

from ..conftest import line, own
from .conftest import DESKTOP, PHONE, WORDS, log_in, menu_link, open_page, say, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NEWCOMER = "mai.lan@example.org"
NEW_PASSWORD = "Lotus-Pond-2026-river"


def link_in_mail_to(address: str, path_pattern: str) -> str:
    """The link in the last e-mail to ``address`` whose path matches ``path_pattern``."""
    message = [message for message in mail.outbox if address in message.to][-1]
    return re.search(rf"https?://\S+{path_pattern}", message.body)[0]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_invited_focal_point_reports_and_the_officer_approves_from_the_emails(
    browser, live_server, settings, language, secretariat, owner, period, evidence_root
):
    settings.SITE_URL = live_server.url  # the e-mails link to the server under test
    own(line("poa-2026-2030", "2.6.6"), owner)
    words = WORDS[language]
    officer_context, officer = open_page(browser, live_server, DESKTOP)
    # The focal point opens the link on a phone whose browser is set to the language under test.
    newcomer_context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="zh-CN" if language == "zh-hans" else "en-GB"
    )
    newcomer = newcomer_context.new_page()

    log_in(officer, "secretariat", language)
    officer.get_by_role("link", name=say(language, "People"), exact=True).click()
    officer.get_by_role("link", name=say(language, "Invite someone")).click()
    officer.get_by_label(say(language, "E-mail address")).fill(NEWCOMER)
    officer.get_by_role("group", name=say(language, "Roles")).get_by_label(
        say(language, "Focal point")
    ).check()
    officer.get_by_role("group", name=say(language, "Organisations")).get_by_label(
        re.compile(r"TEST-OWNER — ")
    ).check()
    screenshot(officer, "story-invite", language)
    officer.get_by_role("button", name=say(language, "Invite"), exact=True).click()
    expect(officer.get_by_role("status")).to_contain_text(NEWCOMER)

    newcomer.goto(link_in_mail_to(NEWCOMER, r"/reset/\S+/"))
    expect(newcomer.get_by_role("heading", level=1)).to_have_text(say(language, "Choose a new password"))
    newcomer.get_by_label(say(language, "New password")).first.fill(NEW_PASSWORD)  # then its confirmation
    newcomer.get_by_label(say(language, "New password confirmation")).fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name=say(language, "Set my password")).click()
    newcomer.goto("/login/")
    newcomer.get_by_label(words["User name"]).fill(NEWCOMER)
    newcomer.get_by_label(words["Password"]).fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name=words["Log in"], exact=True).click()

    expect(newcomer.get_by_role("heading", level=1)).to_have_text(words["My lines"])
    assert newcomer.url.endswith("/my-lines/")
    newcomer.get_by_role("row").filter(has_text="2.6.6").get_by_role("button", name=words["Report"]).click()
    newcomer.get_by_label(words["status"], exact=True).select_option(label=words["Ongoing"])
    newcomer.get_by_label(words["progress (English)"]).fill("A first workshop on AI governance was held.")
    newcomer.get_by_role("button", name=words["Save and submit for review"]).click()
    expect(newcomer.get_by_role("status")).to_have_text(words["Update submitted for review."])
    screenshot(newcomer, "story-submitted-phone", language)

    officer.goto(link_in_mail_to("secretariat@example.org", r"/updates/\d+/"))
    expect(officer.get_by_text("A first workshop on AI governance was held.")).to_be_visible()
    officer.get_by_role("button", name=words["Approve"], exact=True).click()
    expect(officer.get_by_role("status")).to_contain_text(words["Approved"])
    expect(officer.get_by_role("link", name=menu_link(words["Review"]))).to_have_text(words["Review"])

    update = StatusUpdate.objects.get(line__code="2.6.6", period=period, organisation=owner)
    assert update.state == StatusUpdate.State.APPROVED
    assert update.author.email == NEWCOMER and update.author.has_usable_password()
    officer_context.close()
    newcomer_context.close()
