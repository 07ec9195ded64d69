"""Every page of the tracker, for every member of the cast: read from the URL patterns, as the fuzz
test reads them, so that a page added later is checked without naming it here."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from ..test_fuzz import addresses

ROLES = ["anonymous", "reader", "focal_point", "other_focal_point", "secretariat", "administrator"]
LANGUAGES = ["en", "zh-hans"]


def pages_by_role(cast: dict, world: dict) -> dict[str, list[str]]:
    """The HTML pages each role may open (answered 200 to a GET), by role."""
    found: dict[str, list[str]] = {}
    for role in ROLES:
        client = Client()
        if cast[role]:
            client.force_login(cast[role])
        found[role] = []
        for _name, path, _kwargs in addresses(world):
            response = client.get(path)
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                found[role].append(path)
    return found


def session_cookie(user, live_server_url: str) -> list[dict]:
    """The cookie of a session signed in as ``user``, for a browser context (none for a visitor)."""
    if user is None:
        return []
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_server_url}]


def language_cookie(language: str, live_server_url: str) -> dict:
    return {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server_url}
