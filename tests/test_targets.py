"""The quantified targets of the 2022–2025 annex, seeded from seeds/targets.toml."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from commitments.models import Target
from commitments.targets import TargetsFileError, load_targets

from .conftest import SEEDS, line

pytestmark = pytest.mark.django_db

ANNEX = "csp-poa-2022-2025"


def import_seeds(seeds=SEEDS) -> str:
    output = StringIO()
    call_command("import_seeds", seeds=seeds, stdout=output, stderr=StringIO())
    return output.getvalue()


def targets() -> dict[str, tuple]:
    return {
        f"{t.line.code} {t.key}": (
            t.value,
            t.unit,
            t.baseline,
            t.starts_on.isoformat(),
            t.ends_on.isoformat(),
        )
        for t in Target.objects.select_related("line")
    }


def test_every_target_of_the_annex_has_its_exact_number_unit_and_dates():
    assert targets() == {
        "2.1 covid-vaccine-doses": (
            150_000_000,
            "doses",
            0,
            "2022-01-01",
            "2025-12-31",
        ),  # 1.5亿剂, no period
        "3.6 agricultural-imports": (
            150_000_000_000,
            "USD",
            0,
            "2022-01-01",
            "2026-12-31",
        ),  # 自2022年起5年内
        "3.7 amro-trust-fund": (3_000_000, "USD", 0, "2022-01-01", "2025-12-31"),  # 300 万美元, no period
        "3.13 technologies": (1_000, "technologies", 0, "2022-01-01", "2025-12-31"),  # 1000 项, no period
        "3.13 young-scientists": (300, "scientists", 0, "2022-01-01", "2026-12-31"),  # 自2022年起5年内
        "4.3 development-assistance": (1_500_000_000, "USD", 0, "2022-01-01", "2024-12-31"),  # 在3年内
    }
    assert set(Target.objects.values_list("line__plan__code", flat=True)) == {ANNEX}


def test_each_target_quotes_words_its_line_contains_and_says_what_it_counts_in_both_languages():
    for target in Target.objects.select_related("line"):
        assert target.quote in target.line.text_zh
        assert target.measure_en and target.measure_zh
    scientists = Target.objects.get(key="young-scientists")
    assert scientists.quote == "自 2022 年起 5 年内支持 300 名东盟青年科学家来华交流"


def test_importing_again_changes_no_target():
    assert "Targets: 0 created, 0 updated, 6 unchanged." in import_seeds()
    assert Target.objects.count() == 6


def test_a_changed_target_in_the_file_updates_the_target(seeds_copy):
    path = seeds_copy / "targets.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("value = 300  #", "value = 350  #"), encoding="utf-8"
    )
    assert "Targets: 0 created, 1 updated, 5 unchanged." in import_seeds(seeds_copy)
    assert Target.objects.get(key="young-scientists").value == 350


def test_a_quotation_the_text_no_longer_contains_fails_the_import_and_loads_nothing(seeds_copy):
    path = seeds_copy / "targets.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("value = 300  #", "value = 350  #").replace("1.5亿剂", "2亿剂"), encoding="utf-8"
    )
    with pytest.raises(CommandError):
        import_seeds(seeds_copy)
    with pytest.raises(TargetsFileError, match=f"target {ANNEX}:2.1 covid-vaccine-doses no longer matches"):
        load_targets(seeds_copy)
    assert Target.objects.get(key="young-scientists").value == 300  # nothing of the file was loaded


def test_a_source_text_that_changed_fails_the_import_of_its_target(seeds_copy):
    annex = seeds_copy / f"{ANNEX}.zh.txt"
    annex.write_text(
        annex.read_text(encoding="utf-8").replace("15 亿美元发展援助", "20 亿美元发展援助"), encoding="utf-8"
    )
    with pytest.raises(CommandError):
        import_seeds(seeds_copy)  # the new text is imported; the target that quotes the old one is not
    quotation = "“中国将自 2022 年起在 3 年内向东盟提供 15 亿美元发展援助” not found"
    with pytest.raises(TargetsFileError, match=quotation):
        load_targets(seeds_copy)
    assert Target.objects.get(key="development-assistance").value == 1_500_000_000


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('line = "4.3"', 'line = "9.9"'), "no such line"),
        (("value = 300  #", 'value = "300"  #'), "value must be a whole number"),
        (("ends_on = 2024-12-31", "ends_on = 2021-12-31"), "ends_on must be after starts_on"),
        (('unit = "doses"', 'unit = "doses"\ncolour = "red"'), "unknown field colour"),
    ],
)
def test_a_mistake_in_the_targets_file_names_the_target_and_loads_nothing(seeds_copy, change, message):
    path = seeds_copy / "targets.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(*change), encoding="utf-8")
    with pytest.raises(TargetsFileError, match=message):
        load_targets(seeds_copy)


def test_exported_records_carry_the_targets_with_their_numbers():
    output = StringIO()
    call_command("export_commitments", "--plan", ANNEX, stdout=output, stderr=StringIO())
    records = {record["code"]: record for record in json.loads(output.getvalue())}
    assert [(t["value"], t["unit"]) for t in records["2.1"]["targets"]] == [(150000000, "doses")]
    assert records["3.6"]["targets"][0] | {"measure_en": "", "measure_zh": ""} == {
        "key": "agricultural-imports", "value": 150000000000, "unit": "USD", "baseline": 0,
        "starts_on": "2022-01-01", "ends_on": "2026-12-31", "measure_en": "", "measure_zh": "",
        "quote": "自 2022 年起 5 年内从东盟国家进口 1500 亿美元农产品",
    }  # fmt: skip
    assert [t["key"] for t in records["3.13"]["targets"]] == ["technologies", "young-scientists"]
    assert records["1.1"]["targets"] == []


def test_the_csv_export_gives_the_targets_as_text():
    output = StringIO()
    call_command("export_commitments", "--plan", ANNEX, "--format", "csv", stdout=output, stderr=StringIO())
    assert "development-assistance: 1500000000 USD (2022-01-01/2024-12-31)" in output.getvalue()


def test_a_target_must_end_after_it_starts():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Target.objects.create(
            line=line(ANNEX, "4.3"), key="backwards", measure_en="x", measure_zh="x", unit="USD", value=1,
            starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2024, 1, 1), quote="x",
        )  # fmt: skip
