"""The importer against synthetic documents (each parse error) and changed real ones."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from commitments.importer import import_seeds
from commitments.models import ActionLine, Plan

from .conftest import line

pytestmark = pytest.mark.django_db

DOCUMENTS = """
[[document]]
code = "test-plan"
kind = "plan"
title_en = "Test plan"
title_zh = "测试计划"
first_year = 2026
last_year = 2030
parser = "dotted"
en = { file = "test.en.txt", header_lines = 1, part_heading = "^(\\\\d+)\\\\.\\\\s+([A-Z][A-Z ]+)$" }
zh = { file = "test.zh.txt", header_lines = 1, parser = "chinese", single_paragraph = "area" }
"""

ENGLISH = """Test plan

1. FIRST PART

1.1 First area

1.1.1 Do the first thing

together with its continuation;

- 1.1.2 Do the second thing.

1.2 Second area

1.2.1 Do more.

2. SECOND PART

2.1 The only line of part two.
"""

CHINESE = """测试计划

一、第一部分

（一）第一领域

1.做第一件事；

2.做第二件事。

（二）第二领域

做更多。

二、第二部分

（一）第二部分的唯一一行。
"""


def write_seeds(folder: Path, english: str = ENGLISH, chinese: str = CHINESE, corrections: str = "") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "documents.toml").write_text(DOCUMENTS, encoding="utf-8")
    (folder / "test.en.txt").write_text(english, encoding="utf-8")
    (folder / "test.zh.txt").write_text(chinese, encoding="utf-8")
    (folder / "corrections.toml").write_text(corrections, encoding="utf-8")
    return folder


def failure_of(folder: Path) -> str:
    reports, failures = import_seeds(folder)
    assert reports == [] and len(failures) == 1
    assert not Plan.objects.filter(code="test-plan").exists()
    return failures[0]


def test_a_well_formed_synthetic_plan_is_imported(tmp_path):
    reports, failures = import_seeds(write_seeds(tmp_path / "seeds"))
    assert failures == [] and reports[0].created == ["1.1.1", "1.1.2", "1.2.1", "2.1"]
    first = line("test-plan", "1.1.1")
    assert first.text_en == "Do the first thing together with its continuation;"
    assert first.text_zh == "做第一件事；"
    assert line("test-plan", "1.2.1").text_zh == "做更多。"
    assert line("test-plan", "2.1").area is None


def test_a_missing_number_fails_with_file_line_and_reason(tmp_path):
    broken = ENGLISH.replace("- 1.1.2 Do the second thing.", "- 1.1.3 Do the second thing.")
    message = failure_of(write_seeds(tmp_path / "seeds", english=broken))
    assert "test.en.txt, line 11: action line number out of sequence: expected 1.1.2, found 1.1.3" in message
    assert "nothing imported" in message


def test_an_out_of_sequence_part_fails(tmp_path):
    broken = ENGLISH.replace("2. SECOND PART", "3. SECOND PART").replace("2.1 The only", "3.1 The only")
    message = failure_of(write_seeds(tmp_path / "seeds", english=broken))
    assert "test.en.txt, line 17: part number out of sequence: expected 2, found 3" in message


def test_an_out_of_sequence_chinese_line_fails(tmp_path):
    broken = CHINESE.replace("2.做第二件事。", "3.做第二件事。")
    message = failure_of(write_seeds(tmp_path / "seeds", chinese=broken))
    assert "test.zh.txt, line 9: action line number out of sequence: expected 2, found 3" in message


def test_an_english_heading_with_no_text_under_it_fails(tmp_path):
    broken = ENGLISH.replace("1.2.1 Do more.", "")
    message = failure_of(write_seeds(tmp_path / "seeds", english=broken))
    assert "test.en.txt, line 13: area 1.2 has no text under it" in message


def test_a_chinese_heading_with_no_text_under_it_fails(tmp_path):
    broken = CHINESE.replace("做更多。", "")
    message = failure_of(write_seeds(tmp_path / "seeds", chinese=broken))
    assert "test.zh.txt, line 11: heading 一、（二） has no text under it" in message


def test_a_part_with_no_text_under_it_fails(tmp_path):
    broken = ENGLISH.replace("2.1 The only line of part two.", "")
    message = failure_of(write_seeds(tmp_path / "seeds", english=broken))
    assert "test.en.txt, line 17: part 2 has no text under it" in message


def test_a_count_mismatch_between_english_and_chinese_fails(tmp_path):
    broken = CHINESE.replace("2.做第二件事。", "")
    message = failure_of(write_seeds(tmp_path / "seeds", chinese=broken))
    assert "test.zh.txt, line 5: action lines in area 1.1: 1 in test.zh.txt but 2 in test.en.txt" in message


def test_a_missing_chinese_part_fails(tmp_path):
    broken = CHINESE.split("二、第二部分")[0]
    message = failure_of(write_seeds(tmp_path / "seeds", chinese=broken))
    assert "number of parts: 1 in test.zh.txt but 2 in test.en.txt" in message


def test_an_empty_document_fails(tmp_path):
    message = failure_of(write_seeds(tmp_path / "seeds", chinese="\n\n"))
    assert "test.zh.txt, line 1: the document is empty" in message


def test_a_correction_that_no_longer_matches_fails(tmp_path):
    corrections = """
[[correction]]
plan = "test-plan"
language = "en"
line = "1.2.1"
find = "Do mroe"
replace = "Do more"
reason = "typo"
"""
    message = failure_of(write_seeds(tmp_path / "seeds", corrections=corrections))
    assert (
        "test.en.txt, line 15: the correction of 1.2.1 in seeds/corrections.toml no longer matches" in message
    )


def test_a_matching_correction_is_applied(tmp_path):
    corrections = """
[[correction]]
plan = "test-plan"
language = "zh"
line = "1.2.1"
find = "更多"
replace = "更多的事"
reason = "test"
"""
    import_seeds(write_seeds(tmp_path / "seeds", corrections=corrections))
    assert line("test-plan", "1.2.1").text_zh == "做更多的事。"


def test_a_broken_document_changes_nothing_already_imported(tmp_path):
    folder = write_seeds(tmp_path / "seeds")
    import_seeds(folder)
    write_seeds(folder, english=ENGLISH.replace("Do more.", "Do much more.").replace("1.1.2", "1.1.4"))
    reports, failures = import_seeds(folder)
    assert failures and not reports
    assert line("test-plan", "1.2.1").text_en == "Do more."


def test_the_command_fails_loudly_on_a_broken_document(tmp_path):
    folder = write_seeds(tmp_path / "seeds", english=ENGLISH.replace("1.1.2", "1.1.4"))
    errors = StringIO()
    with pytest.raises(CommandError, match="1 document"):
        call_command("import_seeds", seeds=folder, stdout=StringIO(), stderr=errors)
    assert "expected 1.1.2, found 1.1.4" in errors.getvalue()


def test_a_second_run_on_the_real_seeds_changes_nothing_and_says_so(seeds_copy):
    before = dict(ActionLine.objects.values_list("pk", "updated_at"))
    output = StringIO()
    call_command("import_seeds", seeds=seeds_copy, stdout=output)
    assert "poa-2026-2030: 199 action lines, nothing changed." in output.getvalue()
    assert "Nothing changed." in output.getvalue()
    assert dict(ActionLine.objects.values_list("pk", "updated_at")) == before


def test_reimport_keeps_staff_translations_of_chinese_only_plans(seeds_copy):
    decision = line("js-sd-2022", "1")
    decision.text_en = "Reaffirm our commitment to development as a priority."
    decision.save()
    import_seeds(seeds_copy)
    reloaded = line("js-sd-2022", "1")
    assert reloaded.text_en == "Reaffirm our commitment to development as a priority."
    assert reloaded.pk == decision.pk


def test_reimport_keeps_staff_edits_when_the_source_is_unchanged(seeds_copy):
    edited = line("poa-2026-2030", "2.6.6")
    edited.text_zh = "促进人工智能治理政策法规交流和对话，探讨潜在合作。（秘书处修订）"
    edited.save()
    reports, _ = import_seeds(seeds_copy)
    assert line("poa-2026-2030", "2.6.6").text_zh.endswith("（秘书处修订）")
    assert not reports[0].changed


def test_a_line_whose_source_changed_is_updated_and_reported(seeds_copy):
    path = seeds_copy / "poa-2026-2030.en.txt"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "2.2.4 Explore practical cooperation in Fin-tech area;",
            "2.2.4 Explore practical cooperation in the Fin-tech area;",
        ),
        encoding="utf-8",
    )
    pk = line("poa-2026-2030", "2.2.4").pk
    output = StringIO()
    call_command("import_seeds", seeds=seeds_copy, plans=["poa-2026-2030"], stdout=output)
    changed = line("poa-2026-2030", "2.2.4")
    assert changed.text_en == "Explore practical cooperation in the Fin-tech area;"
    assert changed.pk == pk
    assert "1 updated from the source: 2.2.4" in output.getvalue()


def test_a_source_change_over_a_staff_edit_keeps_the_edit_and_asks_for_review(seeds_copy):
    edited = line("poa-2026-2030", "2.2.4")
    edited.text_en = "Explore practical cooperation in financial technology;"
    edited.save()
    path = seeds_copy / "poa-2026-2030.en.txt"
    path.write_text(
        path.read_text(encoding="utf-8").replace("in Fin-tech area;", "in the Fin-tech area;"),
        encoding="utf-8",
    )
    reports, _ = import_seeds(seeds_copy, only=["poa-2026-2030"])
    assert reports[0].kept == ["2.2.4"]
    assert line("poa-2026-2030", "2.2.4").text_en == "Explore practical cooperation in financial technology;"


def test_a_vanished_line_is_reported_and_never_deleted(seeds_copy):
    path = seeds_copy / "csp-poa-2022-2025.zh.txt"
    text = path.read_text(encoding="utf-8")
    start = text.index("5.6 ")
    path.write_text(text[:start], encoding="utf-8")
    output = StringIO()
    call_command("import_seeds", seeds=seeds_copy, plans=["csp-poa-2022-2025"], stdout=output)
    assert "1 no longer in the source (kept, marked missing): 5.6" in output.getvalue()
    vanished = line("csp-poa-2022-2025", "5.6")
    assert vanished.missing_from_source_since is not None
    assert vanished.text_zh.startswith("支持“2022年东盟青年年”")
    assert ActionLine.objects.filter(plan__code="csp-poa-2022-2025").in_source().count() == 47
