"""Every page of the tracker, for every member of the cast: read from the URL patterns, as the fuzz
test reads them, so that a page added later is checked without being named here."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from ..test_fuzz import addresses

ROLES = ["anonymous", "reader", "focal_point", "other_focal_point", "secretariat", "administrator"]
LANGUAGES = ["en", "zh-hans"]
NOT_PAGES = {"health"}


def signed_in(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def pages_of(user, world: dict) -> list[tuple[str, str]]:
    """The pages ``user`` (None: a visitor) may open (those that answer a GET with HTML), as (URL name, path).

    A stored file is no page of the tracker: a frozen report edition is served as it was kept
    (with a Content-Disposition), and is checked by the report's own tests. Nor is the load
    balancer's /health/ (plain text, tests/test_health.py), whose checks run on an event loop of
    their own, which this thread, holding Playwright's, cannot start.
    """
    client, found = signed_in(user), []
    for name, path, _kwargs in addresses(world):
        if name in NOT_PAGES:
            continue
        response = client.get(path)
        if (
            response.status_code == 200
            and response.get("Content-Type", "").startswith("text/html")
            and not response.has_header("Content-Disposition")
        ):
            found.append((name, path))
    return found


def pages_by_role(cast: dict, world: dict) -> dict[str, list[str]]:
    """The paths of the pages each role may open, by role."""
    return {role: [path for _name, path in pages_of(cast[role], world)] for role in ROLES}


def cookies(user, language: str, url: str) -> list[dict]:
    """A browser's cookies for ``user`` (None: a visitor) reading the tracker in ``language``."""
    jar = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url}]
    if user is not None:
        session = signed_in(user).cookies[settings.SESSION_COOKIE_NAME].value
        jar.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": url})
    return jar
