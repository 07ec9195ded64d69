import contextlib
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation

from commitments.models import ActionLine, Plan

SEEDS = Path(settings.SEEDS_DIR)
# tests/stack runs against the stack that `make stack` starts: only `make stack-test` collects it.
collect_ignore = [] if os.environ.get("STACK_TEST") else ["stack"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Import the real source documents once; each test runs in a transaction on top.

    A test marked ``transaction=True`` commits, and Django empties the database after it. When
    it is also marked ``serialized_rollback=True``, Django reloads a snapshot of the database
    before it; that snapshot is taken again here so that it holds the seeds as well.
    """
    with django_db_blocker.unblock():
        call_command("import_seeds", verbosity=0, stdout=open("/dev/null", "w"))
        if hasattr(connection, "_test_serialized_contents"):  # taken only when a test asks for it
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The real hasher is slow on purpose; the tests sign in many users and need not be."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english_after_each_test():
    """A request in Chinese leaves Chinese active in the thread (LocaleMiddleware does not undo
    it); without this, a later test reading a translated text outside a request would see Chinese."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def private_files_in_a_temporary_folder(settings, tmp_path):
    """Evidence, editions and report builds are written under the test's own folder, never the
    project's private/ (``evidence_root`` names the same folder for tests that look into it)."""
    settings.EVIDENCE_ROOT = tmp_path / "private"


@pytest.fixture
def plan_2026(db) -> Plan:
    return Plan.objects.get(code="poa-2026-2030")


def line(plan_code: str, code: str) -> ActionLine:
    return ActionLine.objects.select_related("part", "area").get(plan__code=plan_code, code=code)


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    """A writable copy of seeds/, for tests that change a source document."""
    copy = tmp_path / "seeds"
    shutil.copytree(SEEDS, copy)
    for path in copy.iterdir():
        path.chmod(0o644)
    return copy


@pytest.fixture
def administrator(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "pw-Admin-2026")


def generate_report(client, values: dict):
    """POST the report form as the report page does, and follow the build's page to its download.

    A refused form (400) comes back as it is, and a build that failed as its page (with the build
    in its context); a download's streamed body is read into ``content``, as the tests read it.
    """
    response = client.post(reverse("commitments:report-generate"), values)
    if response.status_code != 303:
        return response
    page = client.get(response["Location"])
    build = page.context["build"]
    if build.state != build.State.DONE:
        return page
    download = client.get(reverse("commitments:report-build-download", args=[build.pk]))
    if not download.streaming:
        return download
    read = HttpResponse(b"".join(download.streaming_content), status=download.status_code)
    for header, value in download.items():
        read[header] = value
    read.build = build
    return read


def make_user(username: str, role: str | None = None, **overrides):
    """A user with the given role (a group from migration 0003), or with none."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(
        username, overrides.pop("email", f"{username}@example.org"), "pw-Tracker-2026", **overrides
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def reader(db):
    """A reviewer: reads everything, changes nothing."""
    return make_user("reader", "Reviewer")


def make_organisation(**overrides):
    """A test-only organisation: the seeds' organisations exist already and acronyms are unique."""
    from commitments.models import Organisation

    values = {
        "acronym": "TEST-ORG",
        "name_en": "Test organisation",
        "name_zh": "测试机构",
        "kind": Organisation.Kind.MECHANISM,
    } | overrides
    return Organisation.objects.create(**values)


def make_period(plan, **overrides):
    import datetime

    from commitments.models import ReportingPeriod

    values = {"label": "2026–2027", "starts_on": datetime.date(2026, 1, 1),
              "ends_on": datetime.date(2026, 12, 31), "deadline": datetime.date(2026, 11, 30),
              "is_open": True} | overrides  # fmt: skip
    return ReportingPeriod.objects.create(plan=plan, **values)


@contextlib.contextmanager
def while_open(period):
    """Write the history of ``period``, a closed period, as it was written while it was open: the
    plan's open period is closed meanwhile (updates are changed only in an open period)."""
    from commitments.models import ReportingPeriod

    others = list(ReportingPeriod.objects.for_plan(period.plan_id).open().exclude(pk=period.pk))
    for other in others:
        other.close_for_updates()
    period.open_for_updates()
    yield period
    period.close_for_updates()
    for other in others:
        other.open_for_updates()


def make_update(line, period, organisation, author, **overrides):
    from commitments.models import StatusUpdate

    return StatusUpdate.objects.create(
        line=line, period=period, organisation=organisation, author=author, **overrides
    )


# The cast: one user per role, and two organisations, one owning the lines under test.


@pytest.fixture
def owner(db):
    return make_organisation(acronym="TEST-OWNER", name_en="Test owning body", name_zh="测试牵头机构")


@pytest.fixture
def other_owner(db):
    return make_organisation(acronym="TEST-OTHER", name_en="Test other body", name_zh="测试其他机构")


@pytest.fixture
def secretariat(db):
    return make_user("secretariat", "Secretariat officer", is_staff=True)


@pytest.fixture
def focal_point(owner):
    user = make_user("focal", "Focal point")
    owner.focal_points.add(user)
    return user


@pytest.fixture
def other_focal_point(other_owner):
    user = make_user("focal-other", "Focal point")
    other_owner.focal_points.add(user)
    return user


@pytest.fixture
def period(plan_2026):
    return make_period(plan_2026)


def own(line, organisation, role: str = "lead"):
    from commitments.models import Ownership

    return Ownership.objects.create(line=line, organisation=organisation, role=role, state="confirmed")


@pytest.fixture
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "private"
    return settings.EVIDENCE_ROOT
