"""export_commitments: every line of a plan, in document order, as JSON or CSV."""

import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from commitments.models import Ownership, PeriodStatus, Status

from .conftest import line, make_organisation, make_period, own

pytestmark = pytest.mark.django_db


def export(*args: str) -> str:
    output = StringIO()
    call_command("export_commitments", *args, stdout=output, stderr=StringIO())
    return output.getvalue()


def test_json_export_lists_every_line_in_document_order():
    records = json.loads(export("--plan", "poa-2026-2030", "--format", "json"))
    assert len(records) == 199
    codes = [record["code"] for record in records]
    assert codes[:2] == ["1.1.1", "1.1.2"] and codes[-4:] == ["5.1", "6.1", "6.2", "6.3"]
    assert codes.index("2.10.1") == codes.index("2.9.4") + 1
    first = records[0]
    assert first["part"] == "1" and first["area"] == "1.1"
    assert first["text_zh"].startswith("举行年度中国—东盟领导人会议")
    assert first["text_en"].startswith("Continue ASEAN-China consultations")


def test_csv_export_to_a_file_is_utf8_with_a_bom_for_excel(tmp_path):
    target = tmp_path / "lines.csv"
    call_command(
        "export_commitments",
        "--plan",
        "poa-2021-2025",
        "--format",
        "csv",
        "-o",
        str(target),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 200
    assert {"code", "part", "area", "text_en", "text_zh"} <= set(rows[0])
    anti_corruption = next(row for row in rows if row["code"] == "1.7")
    assert anti_corruption["label"] == "一、(七)" and anti_corruption["text_en"] == ""
    assert anti_corruption["heading_zh"] == "加强反腐合作"


@pytest.fixture
def tracked_lines(plan_2026, administrator) -> list[str]:
    """Three lines of the 2026 plan with a confirmed status, a lead and a supporting owner; 6.1 has none.

    The lead's acronym sorts after the supporting owner's, so alphabetical order alone would fail.
    """
    # Whatever owners the seeds name, these tests name their own.
    Ownership.objects.filter(line__plan=plan_2026, line__code__in=["1.1.1", "2.8.1", "5.1", "6.1"]).delete()
    period = make_period(plan_2026)
    codes = ["1.1.1", "2.8.1", "5.1"]
    for number, code in enumerate(codes):
        tracked = line("poa-2026-2030", code)
        for acronym, role in [(f"TEST-Z{number}", "lead"), (f"TEST-A{number}", "supporting")]:
            own(tracked, make_organisation(acronym=acronym, name_en=f"Organisation {acronym}"), role)
        PeriodStatus.objects.create(line=tracked, period=period).confirm(
            by=administrator, status=Status.objects.get(code="ongoing")
        )
    return codes


def test_json_export_gives_the_current_status_code_and_the_owners_lead_first(tracked_lines):
    records = {record["code"]: record for record in json.loads(export("--plan", "poa-2026-2030"))}
    assert records["2.8.1"]["status"] == "ongoing"
    assert records["2.8.1"]["owners"] == [
        {"acronym": "TEST-Z1", "role": "lead"}, {"acronym": "TEST-A1", "role": "supporting"},
    ]  # fmt: skip
    assert records["6.1"]["status"] is None and records["6.1"]["owners"] == []


def test_csv_export_gives_the_status_code_and_the_owners_as_text(tracked_lines):
    text = export("--plan", "poa-2026-2030", "--format", "csv").removeprefix("\ufeff")
    rows = {row["code"]: row for row in csv.DictReader(StringIO(text))}
    assert rows["5.1"]["status"] == "ongoing"
    assert rows["5.1"]["owners"] == "TEST-Z2 (lead); TEST-A2 (supporting)"
    assert rows["6.1"]["status"] == "" and rows["6.1"]["owners"] == ""


@pytest.mark.parametrize("format", ["json", "csv"])
def test_the_export_takes_seven_queries_however_many_lines_have_owners_and_statuses(
    tracked_lines, format, django_assert_max_num_queries
):
    # The plan, its lines, their confirmed statuses, their confirmed owners, and their links to
    # earlier and to later lines, and their targets.
    with django_assert_max_num_queries(7):
        export("--plan", "poa-2026-2030", "--format", format)


def test_an_unknown_plan_is_a_clear_error():
    with pytest.raises(CommandError, match="No plan with code 'poa-1999'. Plans: .*poa-2026-2030"):
        export("--plan", "poa-1999")
