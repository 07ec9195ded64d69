"""Every page, for every role, in both languages: no serious accessibility fault that axe-core finds,
and on a 390 px phone nothing off to the side. Screenshots of each page at 1366 and 390 px are
written to $SCREENSHOTS_DIR (default: a temporary folder) for a person, or CI, to look at.

axe-core comes from the PyPI package axe-playwright-python (requirements.txt), which bundles
axe.min.js: nothing is fetched while the tests run. The pages' Content-Security-Policy forbids
scripts, so the browser context bypasses it to let axe in (the pages themselves have none).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connection

from commitments.models import Plan

from .. import test_fuzz
from .pages import LANGUAGES, ROLES, cookies, pages_of

# The fuzz test's fixtures: the cast, and one of everything an address can name.
cast, world = test_fuzz.cast, test_fuzz.world
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # The pages' markup and layout do not depend on the database, and the walk takes minutes: CI
    # runs it once, in its SQLite pass (.ci/run).
    pytest.mark.skipif(
        connection.vendor != "sqlite" and not os.environ.get("EVERY_PAGE_ON_ANY_DATABASE"),
        reason="the page walk runs in CI's SQLite pass; set EVERY_PAGE_ON_ANY_DATABASE=1 to run it here",
    ),
]

PHONE_WIDTH = 390
# Fewer pages than these for a role means that its walk went wrong (a log-in lost, a fixture missing).
LEAST_PAGES = {
    "anonymous": 4, "reader": 12, "focal_point": 15, "other_focal_point": 13,
    "secretariat": 30, "administrator": 30,
}  # fmt: skip
WIDTHS = {"desktop": 1366, "phone": PHONE_WIDTH}
AXE_RULES = {
    "runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    "resultTypes": ["violations"],
}

# What a phone cannot reach: the document's width, and each control that lies to the side of the
# screen and is not inside a scrolling region of its own (a wide table of figures).
OFF_SCREEN = """() => {
  const width = window.innerWidth, off = [];
  for (const element of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
    const box = element.getBoundingClientRect();
    if ((box.width === 0 && box.height === 0) || element.type === 'hidden') continue;
    if (element.closest('.table-scroll[role=region][tabindex="0"][aria-labelledby]')) continue;
    if (box.left < 0 || box.right > width + 0.5) off.push(element.outerHTML.slice(0, 120));
  }
  return {scrollWidth: document.documentElement.scrollWidth, off: off};
}"""


def screenshots_folder() -> Path:
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or Path(tempfile.gettempdir()) / "tracker-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def picture_name(role: str, name: str, language: str, width: int) -> str:
    return f"{name.replace(':', '_')}-{role}-{language}-{width}.png"


@pytest.fixture(scope="session")
def claims(tmp_path_factory, worker_id) -> Path:
    """A folder shared by the test run's workers, where each page is claimed once for its screenshots."""
    root = tmp_path_factory.getbasetemp()
    folder = (root if worker_id == "master" else root.parent) / "pictured"
    folder.mkdir(exist_ok=True)
    return folder


def first_to_claim(claims: Path, name: str, language: str) -> bool:
    try:
        os.close(os.open(claims / f"{name}-{language}", os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        return False
    return True


def serious(violations: list[dict]) -> list[str]:
    return [
        f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])} nodes): "
        f"{violation['nodes'][0]['html'][:150]}"
        for violation in violations
        if violation["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_role_in_a_language_passes_axe_fits_a_phone_and_names_no_plan_code(
    role, language, browser, live_server, cast, world, claims
):
    """One role in one language a test, so that the walk spreads over the test run's workers.

    Each page is pictured once in each language (at both widths), by whichever role reaches it first.
    """
    axe, folder = Axe(), screenshots_folder()
    faults: list[str] = []
    pages = pages_of(cast[role], world)
    plan_codes = list(Plan.objects.values_list("code", flat=True))  # addresses, never shown as names
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": PHONE_WIDTH, "height": 844}, bypass_csp=True
    )
    context.add_cookies(cookies(cast[role], language, live_server.url))
    page = context.new_page()
    for name, path in pages:
        page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
        page.goto(path)
        where = f"{role} {language} {path}"
        faults += [
            f"{where}: {fault}" for fault in serious(axe.run(page, options=AXE_RULES).response["violations"])
        ]
        phone = page.evaluate(OFF_SCREEN)
        if phone["scrollWidth"] > PHONE_WIDTH:
            faults.append(f"{where}: the page is {phone['scrollWidth']} px wide on a phone")
        faults += [f"{where}: off the phone's screen: {html}" for html in phone["off"][:3]]
        text = page.inner_text("body")
        faults += [f"{where}: shows the plan code {code!r}" for code in plan_codes if code in text]
        if first_to_claim(claims, name, language):
            for width in WIDTHS.values():
                page.set_viewport_size({"width": width, "height": 844})
                page.screenshot(path=folder / picture_name(role, name, language, width), full_page=True)
    context.close()
    assert not faults, "\n".join(faults)
    assert len(pages) >= LEAST_PAGES[role]  # the walk did reach the role's pages
