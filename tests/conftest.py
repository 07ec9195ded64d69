import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from commitments.models import ActionLine, Plan

SEEDS = Path(settings.SEEDS_DIR)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Import the real source documents once; each test runs in a transaction on top."""
    with django_db_blocker.unblock():
        call_command("import_seeds", verbosity=0, stdout=open("/dev/null", "w"))


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


@pytest.fixture
def reader(django_user_model):
    return django_user_model.objects.create_user("reader", "reader@example.org", "pw-Reader-2026")


def make_organisation(**overrides):
    from commitments.models import Organisation

    values = {
        "acronym": "ATM+China",
        "name_en": "ASEAN-China Transport Ministers' Meeting",
        "name_zh": "中国—东盟交通部长会议",
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


def make_update(line, period, organisation, author, **overrides):
    from commitments.models import StatusUpdate

    return StatusUpdate.objects.create(
        line=line, period=period, organisation=organisation, author=author, **overrides
    )
