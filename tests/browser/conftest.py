"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

No browser is ever downloaded: the tests launch the ``chromium`` on the PATH (or ``$CHROMIUM``)
and are skipped, saying why, where there is none. Screenshots of the main pages go to
test-artifacts/screenshots/<page>-<language>.png for a person (or CI) to look at.

Every test here is marked ``browser`` and commits through the live server, so it runs with
``transaction=True`` and ``serialized_rollback=True``: Django empties the database after each
such test and reloads the seeds before the next one (see tests/conftest.py).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import translation
from django.utils.text import capfirst
from playwright.sync_api import expect, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
PASSWORD = "pw-Tracker-2026"  # make_user's password
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# What the interface says in Chinese where the tests look, by message id (locale/zh_Hans). The
# lower-case ones are names of model fields, which the forms show capitalised as labels.
CHINESE = {
    "Log in": "登录", "User name": "用户名", "Password": "密码", "Language": "语言", "Switch": "切换",
    "My lines": "我的行动措施", "Report": "填报", "Review": "审核", "Status": "状态", "status": "进展状态",
    "progress (English)": "进展情况（英文）", "Evidence": "佐证材料", "Title": "标题", "File": "文件",
    "Save draft": "保存草稿", "Draft saved.": "草稿已保存。", "Save and submit for review": "保存并提交审核",
    "Update submitted for review.": "进展更新已提交审核。", "Submitted": "已提交", "Approve": "批准",
    "Approved": "已批准", "Nothing waits for review.": "没有待审核的内容。", "Confirm": "确认",
    "Status for the period": "本期状态", "Current status": "当前状态",
    "Ongoing": "正在实施", "Completed": "已完成",  # statuses, from migration 0003
}  # fmt: skip
WORDS = {"en": {text: capfirst(text) for text in CHINESE}, "zh-hans": CHINESE}
LANGUAGE_NAMES = {"en": "English", "zh-hans": "简体中文"}


def say(language: str, text: str) -> str:
    """What the interface says for ``text`` in ``language``, read from the compiled catalogue.

    For the register's and the dashboard's words, whose translations may still change; the
    words above are spelled out so that a missing translation fails the tests.
    """
    with translation.override(language):
        return translation.gettext(text)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Without Chromium, skip the browser tests with a plain reason rather than fail them."""
    if CHROMIUM:
        return
    skip = pytest.mark.skip(
        reason="Chromium not found: the browser tests did not run "
        "(install Debian's chromium package, or set CHROMIUM=/path/to/chromium)"
    )
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="package")
def browser(django_db_blocker) -> Iterator:
    """One Chromium for all the browser tests; the database is left with its seeds afterwards."""
    test_database = connections[DEFAULT_DB_ALIAS]
    # Playwright's sync API keeps an event loop marked as running in this thread. Django then
    # refuses database calls unless told that this is safe here, and keeps its connections
    # apart from the thread's own: the tests must go on using the one the test database (and
    # the live server, on SQLite) was set up on, which holds the snapshot of the seeds.
    with pytest.MonkeyPatch.context() as environment, sync_playwright() as playwright:
        environment.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        connections[DEFAULT_DB_ALIAS] = test_database
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0  # Chromium's sandbox refuses root
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"] if as_root else []
        )
        yield chromium
        chromium.close()
    # Each test here ends with an emptied database; tests run after these may want the seeds.
    with django_db_blocker.unblock():
        test_database.creation.deserialize_db_from_string(test_database._test_serialized_contents)


def open_page(browser, live_server, viewport: dict):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, accept_downloads=True)
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def page(browser, live_server) -> Iterator:
    """A desktop-sized page in a fresh context: no cookies, no session, no language chosen."""
    context, page = open_page(browser, live_server, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone(browser, live_server) -> Iterator:
    """A phone-sized page in a fresh context."""
    context, page = open_page(browser, live_server, PHONE)
    yield page
    context.close()


def switch_language(page, language: str, current: str = "en") -> None:
    """Choose the interface language with the switcher every page has, as a person would."""
    page.get_by_label(WORDS[current]["Language"], exact=True).select_option(label=LANGUAGE_NAMES[language])
    page.get_by_role("button", name=WORDS[current]["Switch"], exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def log_in(page, username: str, language: str = "en") -> None:
    """Open the login page, switch to ``language`` there, and log in through the form."""
    page.goto("/login/")
    if language != "en":
        switch_language(page, language)
    words = WORDS[language]
    screenshot(page, "login", language)
    page.get_by_label(words["User name"]).fill(username)
    page.get_by_label(words["Password"]).fill(PASSWORD)
    page.get_by_role("button", name=words["Log in"], exact=True).click()
    page.wait_for_url(lambda url: "/login/" not in url)


def screenshot(page, name: str, language: str) -> Path:
    """Save the whole page as test-artifacts/screenshots/<name>-<language>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{language}.png"
    page.screenshot(path=path, full_page=True)
    return path


def menu_link(name: str) -> re.Pattern:
    """A menu link by its name, whatever count of waiting work the menu adds after it."""
    return re.compile(rf"^{re.escape(name)}(\s|$)")
