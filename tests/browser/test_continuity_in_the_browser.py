"""A secretariat officer decides the suggested continuity links of a pillar, several at once, links two
lines the tracker did not, and finds the earlier line's owner proposed for the later one."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import expect

from commitments.models import LineLink, Ownership

from ..conftest import line, own
from .conftest import log_in, menu_link, say, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NEW, OLD, ANNEX = "poa-2026-2030", "poa-2021-2025", "csp-poa-2022-2025"


def link(old_plan: str, old: str, new: str) -> LineLink:
    return LineLink.objects.get(predecessor=line(old_plan, old), successor=line(NEW, new))


def count(language: str, singular: str, plural: str, number: int) -> str:
    """What the interface says of ``number`` things in ``language``."""
    with translation.override(language):
        return translation.ngettext(singular, plural, number) % {"count": number}


@pytest.fixture
def suggested(owner):
    """The tracker's suggestions, and a confirmed owner of 3.1.1 of 2021–2025 (the health ministers)."""
    call_command("suggest_links", stdout=StringIO())
    own(line(OLD, "3.1.1"), owner)


@pytest.mark.parametrize(("language", "screen"), [("en", "page"), ("zh-hans", "phone")])
def test_officer_decides_a_pillars_links_at_once_and_links_two_lines(
    request, language, screen, secretariat, owner, suggested
):
    page = request.getfixturevalue(screen)
    health, same = link(OLD, "3.1.1", "3.1.1"), link(OLD, "3.1.4", "3.1.6")
    wrong = link(OLD, "2.8.1", "3.1.1")
    waiting = LineLink.objects.suggested().count()
    log_in(page, "secretariat", language)

    if screen == "phone":  # the menu is folded away on a phone
        page.goto("/continuity/")
    else:
        page.get_by_role("link", name=menu_link(say(language, "Continuity"))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(say(language, "Continuity between plans"))
    social = line(NEW, "3.1.1").part
    page.get_by_label(say(language, "Pillar"), exact=True).select_option(str(social.pk))
    page.get_by_role("button", name=say(language, "Filter"), exact=True).click()
    expect(page.locator(".suggestion-group h2 a")).not_to_contain_text(["2.8.1"])
    screenshot(page, f"continuity-{screen}", language)

    page.locator(f"#link-{health.pk}").check()
    page.locator(f"#link-{same.pk}").check()
    page.get_by_role("button", name=say(language, "Confirm the ticked links"), exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(
        count(language, "%(count)d link confirmed.", "%(count)d links confirmed.", 2)
    )
    proposed = "%(owners)d owner of the earlier lines proposed for the later ones: see Owner suggestions."
    with translation.override(language):
        proposed = translation.ngettext(proposed, proposed.replace("owner of", "owners of"), 1)
    proposed %= {"owners": 1}
    expect(page.get_by_role("status").nth(1)).to_contain_text(proposed)
    assert f"part={social.pk}" in page.url  # the page as the officer left it, filtered
    expect(page.locator(f"#link-{health.pk}")).to_have_count(0)
    expect(page.locator(f"#link-{wrong.pk}")).to_be_visible()  # 3.1.1's other suggestions wait
    page.locator(f"#link-{wrong.pk}").check()
    page.get_by_role("button", name=say(language, "Reject the ticked links"), exact=True).click()
    rejected = count(language, "%(count)d link rejected.", "%(count)d links rejected.", 1)
    expect(page.get_by_role("status")).to_contain_text(rejected)
    expect(page.locator(f"#link-{wrong.pk}")).to_have_count(0)
    page.reload()
    expect(page.locator(f"#link-{same.pk}")).to_have_count(0)  # the decisions stay
    states = [LineLink.objects.get(pk=chosen.pk).state for chosen in (health, same, wrong)]
    assert states == ["confirmed", "confirmed", "rejected"]
    assert LineLink.objects.suggested().count() == waiting - 3

    with translation.override(language):
        annex, new = line(ANNEX, "3.6").plan.short_name, line(NEW, "2.3.5").plan.short_name
    linking = page.get_by_role("region", name=say(language, "Link two lines"))
    linking.get_by_label(say(language, "Earlier plan")).select_option(label=annex)
    linking.get_by_label(say(language, "Code of the earlier line")).fill("3.6")
    linking.get_by_label(say(language, "Later plan")).select_option(label=new)
    linking.get_by_label(say(language, "Code of the later line")).fill("2.3.5")
    linking.get_by_role("button", name=say(language, "Link"), exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(f"{new} 2.3.5")
    assert link(ANNEX, "3.6", "2.3.5").state == "confirmed"

    page.goto(f"/owners/suggestions/?organisation={owner.acronym}")
    proposed = Ownership.objects.get(line=line(NEW, "3.1.1"), organisation=owner)
    expect(page.locator(f"#suggestion-{proposed.pk}")).to_be_visible()
    expect(page.locator(".origin")).to_contain_text("3.1.1")
    screenshot(page, f"owner-suggestions-proposed-{screen}", language)
