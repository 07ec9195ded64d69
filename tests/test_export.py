"""export_commitments: every line of a plan, in document order, as JSON or CSV."""

import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

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


def test_an_unknown_plan_is_a_clear_error():
    with pytest.raises(CommandError, match="No plan with code 'poa-1999'. Plans: .*poa-2026-2030"):
        export("--plan", "poa-1999")
