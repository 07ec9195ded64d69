"""The organisations of seeds/organisations.toml, and the owners they suggest for the lines naming them."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from commitments.models import ActionLine, Organisation, Ownership
from commitments.owners import OrganisationsFileError, import_organisations, read_organisations

from .conftest import SEEDS, line

pytestmark = pytest.mark.django_db

PLAN = "poa-2026-2030"
State = Ownership.State


def owners(code: str) -> dict[str, tuple[str, str]]:
    """The line's owners: acronym → (role, state)."""
    ownerships = Ownership.objects.filter(line=line(PLAN, code)).select_related("organisation")
    return {o.organisation.acronym: (o.role, o.state) for o in ownerships}


def import_seeds(*args: str, seeds=SEEDS) -> str:
    output = StringIO()
    call_command("import_seeds", *args, seeds=seeds, stdout=output, stderr=StringIO())
    return output.getvalue()


def write_organisations(folder, text: str) -> None:
    (folder / "organisations.toml").write_text(text, encoding="utf-8")


HEADER = 'suggest_for = ["poa-2026-2030"]\n'
TABLE = """
[[organisation]]
acronym = "NEW-ORG"
name_en = "A new organisation"
name_zh = "新机构"
kind = "mechanism"
patterns = ["Fin-tech area"]
"""
FIRST = TABLE.replace("NEW-ORG", "FIRST-ORG").replace("Fin-tech area", "AI governance")


def test_the_plans_organisations_are_seeded_with_both_names():
    assert Organisation.objects.count() == 95
    assert not Organisation.objects.filter(name_en="").exists()
    assert not Organisation.objects.filter(name_zh="").exists()
    transport = Organisation.objects.get(acronym="ATM+China")
    assert (transport.name_en, transport.name_zh, transport.kind) == (
        "ASEAN-China Transport Ministers' Meeting",
        "中国—东盟交通部长会议",
        Organisation.Kind.MECHANISM,
    )
    kinds = {kind: Organisation.objects.filter(kind=kind).count() for kind in Organisation.Kind.values}
    assert kinds == {
        "asean-body": 18,
        "chinese-agency": 3,
        "mechanism": 63,
        "member-state": 10,
        "secretariat": 1,
    }


def test_2_8_1_gets_the_atm_china_suggested_as_its_lead():
    assert owners("2.8.1") == {"ATM+China": ("lead", State.SUGGESTED)}


def test_1_4_5_gets_som_doc_and_jwg_doc_suggested_as_supporting_owners():
    assert owners("1.4.5") == {
        "SOM-DOC": ("supporting", State.SUGGESTED),
        "JWG-DOC": ("supporting", State.SUGGESTED),
    }


def test_the_review_line_gets_the_four_mechanisms_that_review_the_plan():
    assert set(owners("6.3")) == {"ASEAN-China Summit", "PMC 10+1", "SOC", "JCC"}


def test_a_line_that_names_no_body_gets_no_suggestion():
    assert owners("1.1.2") == {}
    assert owners("2.6.6") == {}


def test_an_acronym_inside_a_longer_name_does_not_count():
    assert "ADMM" not in owners("1.1.4") and "ADMM-Plus" in owners("1.1.4")
    assert set(owners("1.5.3")) == {"AICHR", "ACWC", "ACW", "ACMW"}
    assert "ACW" not in owners("3.1.9")  # ACWCC


def test_the_2026_plan_has_98_suggestions_on_52_lines_27_of_them_with_a_lead():
    suggestions = Ownership.objects.suggested().filter(line__plan__code=PLAN)
    assert suggestions.count() == 98
    assert suggestions.values("line").distinct().count() == 52
    assert suggestions.filter(role=Ownership.Role.LEAD).count() == 27
    assert not Ownership.objects.exclude(line__plan__code=PLAN).exists()


def test_every_organisation_with_patterns_is_named_by_a_line_of_the_plan():
    seeds = read_organisations(SEEDS / "organisations.toml")
    lines = list(ActionLine.objects.filter(plan__code=PLAN))
    unnamed = [
        seed.acronym
        for seed in seeds.organisations
        if seed.patterns and not any(map(seed.is_named_in, lines))
    ]
    assert unnamed == []


def test_a_rejected_suggestion_stays_rejected_after_a_reimport(administrator):
    suggestion = Ownership.objects.get(line=line(PLAN, "2.8.1"), organisation__acronym="ATM+China")
    suggestion.reject(by=administrator)
    assert "owner suggestions: 0 new" in import_seeds("--plan", PLAN)
    assert owners("2.8.1") == {"ATM+China": ("lead", State.REJECTED)}


def test_a_confirmed_suggestion_is_left_as_the_secretariat_decided(administrator):
    suggestion = Ownership.objects.get(line=line(PLAN, "1.4.5"), organisation__acronym="SOM-DOC")
    suggestion.confirm(by=administrator, role=Ownership.Role.LEAD)
    import_organisations(SEEDS)
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.role, suggestion.decided_by) == (
        State.CONFIRMED,
        "lead",
        administrator,
    )
    assert suggestion.history.count() == 2


def test_a_second_run_creates_nothing_and_says_so():
    counts = Organisation.objects.count(), Ownership.objects.count()
    output = import_seeds()
    assert (Organisation.objects.count(), Ownership.objects.count()) == counts
    assert (
        "Organisations: 0 created, 0 updated, 0 kept as staff edited them, 95 unchanged; "
        "owner suggestions: 0 new." in output
    )
    assert "poa-2026-2030: 0 owners suggested, 98 already there and left as they are." in output
    assert "Nothing changed." in output


def test_a_removed_suggestion_comes_back_only_when_its_plan_is_imported():
    Ownership.objects.filter(line=line(PLAN, "2.8.1")).delete()
    import_seeds("--plan", "js-sd-2022")
    assert owners("2.8.1") == {}
    assert "owner suggestions: 1 new" in import_seeds("--plan", PLAN)
    assert owners("2.8.1") == {"ATM+China": ("lead", State.SUGGESTED)}


def test_a_name_staff_edited_is_kept_and_one_the_file_changed_is_updated(seeds_copy):
    edited = Organisation.objects.get(acronym="ACC")
    edited.name_en = "ASEAN-China Centre (Beijing)"
    edited.save()
    path = seeds_copy / "organisations.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('name_en = "ASEAN-China Centre"', 'name_en = "The ASEAN-China Centre"').replace(
            'name_en = "East Asia Forum"', 'name_en = "The East Asia Forum"'
        ),
        encoding="utf-8",
    )
    report = import_organisations(seeds_copy)
    assert (report.loaded.kept, report.loaded.updated) == (["ACC"], ["EAF"])
    assert Organisation.objects.get(acronym="ACC").name_en == "ASEAN-China Centre (Beijing)"
    assert Organisation.objects.get(acronym="EAF").name_en == "The East Asia Forum"


def test_a_new_organisation_in_the_file_is_created_and_suggested(tmp_path):
    write_organisations(tmp_path, HEADER + TABLE)
    report = import_organisations(tmp_path)
    assert report.loaded.created == ["NEW-ORG"]
    assert owners("2.2.4")["NEW-ORG"] == ("lead", State.SUGGESTED)


@pytest.mark.parametrize(
    "broken, message",
    [
        (TABLE.replace('name_zh = "新机构"\n', ""), "organisation “NEW-ORG”: name_zh is missing or empty"),
        (TABLE.replace('"mechanism"', '"committee"'), "organisation “NEW-ORG”: unknown kind “committee”"),
        (
            TABLE.replace("Fin-tech area", "other") + TABLE,
            "organisation “NEW-ORG”: the acronym is used twice",
        ),
        (TABLE.replace('acronym = "NEW-ORG"\n', ""), "organisation #2: acronym is missing or empty"),
        (TABLE.replace("patterns", "pattern"), "organisation “NEW-ORG”: unknown field pattern"),
        (TABLE.replace("[[organisation]]", "[[organisation]"), "organisations.toml: "),
    ],
)
def test_a_malformed_organisations_file_fails_with_a_clear_message_and_saves_nothing(
    tmp_path, broken, message
):
    write_organisations(tmp_path, HEADER + FIRST + broken)
    counts = Organisation.objects.count(), Ownership.objects.count()
    with pytest.raises(OrganisationsFileError, match="organisations.toml") as error:
        import_organisations(tmp_path)
    assert message in str(error.value)
    assert (Organisation.objects.count(), Ownership.objects.count()) == counts


def test_the_command_fails_loudly_on_a_malformed_organisations_file(seeds_copy):
    write_organisations(seeds_copy, HEADER + FIRST + TABLE.replace('"mechanism"', '"committee"'))
    errors = StringIO()
    with pytest.raises(CommandError, match="1 document"):
        call_command("import_seeds", seeds=seeds_copy, plans=[PLAN], stdout=StringIO(), stderr=errors)
    assert "unknown kind “committee”" in errors.getvalue()
    assert "nothing loaded from this file" in errors.getvalue()
    assert not Organisation.objects.filter(acronym__in=["FIRST-ORG", "NEW-ORG"]).exists()
