"""The organisations of seeds/organisations.toml, and the owners they suggest for the lines naming them."""

import re
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


# The owner suggestions page: filters, several decisions at once, in place, an area's owner


SUGGESTIONS = "/owners/suggestions/"
DECIDE = "/owners/suggestions/decide/"
ASSIGN = "/owners/areas/assign/"


def suggestion(code: str, acronym: str) -> Ownership:
    return Ownership.objects.get(line=line(PLAN, code), organisation__acronym=acronym)


def signed_in(client, user):
    if user is not None:
        client.force_login(user)
    return client


def test_the_page_shows_a_lines_text_once_however_many_bodies_it_names(client, secretariat):
    page = (
        signed_in(client, secretariat)
        .get(SUGGESTIONS, {"area": line(PLAN, "1.4.5").area_id})
        .content.decode()
    )
    text = line(PLAN, "1.4.5").text_en
    assert page.count(text[:40]) == 1
    assert 'value="' + str(suggestion("1.4.5", "SOM-DOC").pk) + '"' in page
    assert 'value="' + str(suggestion("1.4.5", "JWG-DOC").pk) + '"' in page


def test_the_page_filters_by_pillar_area_and_organisation(client, secretariat):
    client = signed_in(client, secretariat)
    transport = line(PLAN, "2.8.1")
    by_area = client.get(SUGGESTIONS, {"area": transport.area_id}).context["page"].object_list
    assert {found.area_id for found in by_area} == {transport.area_id}
    by_part = client.get(SUGGESTIONS, {"part": transport.part_id}).context["count"]
    assert 0 < by_part < 98
    page = client.get(SUGGESTIONS, {"organisation": "ATM+China"})
    atm = Ownership.objects.suggested().filter(organisation__acronym="ATM+China")
    assert [found.code for found in page.context["page"].object_list] == ["2.8.1", "2.8.2"]
    assert page.context["count"] == atm.count() == 2


def test_the_organisation_filter_names_each_body_in_the_interface_language(client, secretariat):
    client = signed_in(client, secretariat)
    english = client.get(SUGGESTIONS).content.decode()
    assert "ATM+China — ASEAN-China Transport Ministers&#x27; Meeting" in english
    chinese = client.get(SUGGESTIONS, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "ATM+China — 中国—东盟交通部长会议" in chinese
    assert "建议的负责机构" in chinese or "Owner suggestions" not in chinese.split("<main", 1)[1]


def test_an_unknown_filter_value_shows_the_page_not_an_error(client, secretariat):
    response = signed_in(client, secretariat).get(SUGGESTIONS, {"area": "99999999", "organisation": "NOPE"})
    assert response.status_code == 200


def test_several_suggestions_are_confirmed_at_once_each_with_its_role(client, secretariat):
    som, jwg, atm = (
        suggestion("1.4.5", "SOM-DOC"),
        suggestion("1.4.5", "JWG-DOC"),
        suggestion("2.8.1", "ATM+China"),
    )
    response = signed_in(client, secretariat).post(
        DECIDE,
        {"suggestions": [som.pk, jwg.pk, atm.pk], f"role-{som.pk}": "lead", "decision": "confirm",
         "query": "part=2&page=1"},
    )  # fmt: skip
    assert owners("1.4.5") == {
        "SOM-DOC": ("lead", State.CONFIRMED),
        "JWG-DOC": ("supporting", State.CONFIRMED),
    }
    assert owners("2.8.1") == {"ATM+China": ("lead", State.CONFIRMED)}
    assert suggestion("1.4.5", "SOM-DOC").history.first().history_user == secretariat
    assert response.status_code == 302
    assert response["Location"].startswith(f"{SUGGESTIONS}?part=2&page=1#")


def test_several_suggestions_are_rejected_at_once_and_the_others_wait(client, secretariat):
    som, jwg = suggestion("1.4.5", "SOM-DOC"), suggestion("1.4.5", "JWG-DOC")
    signed_in(client, secretariat).post(DECIDE, {"suggestions": [som.pk], "decision": "reject"})
    assert owners("1.4.5") == {
        "SOM-DOC": ("supporting", State.REJECTED),
        "JWG-DOC": ("supporting", State.SUGGESTED),
    }
    assert Ownership.objects.suggested().count() == 97
    assert jwg.pk


def test_after_deciding_the_page_returns_to_the_group_it_left(client, secretariat):
    som = suggestion("1.4.5", "SOM-DOC")
    response = signed_in(client, secretariat).post(DECIDE, {"suggestions": [som.pk], "decision": "confirm"})
    assert response["Location"] == f"{SUGGESTIONS}#line-{som.line_id}"  # JWG-DOC still waits there
    jwg = suggestion("1.4.5", "JWG-DOC")
    response = client.post(DECIDE, {"suggestions": [jwg.pk], "decision": "confirm"})
    following = Ownership.objects.suggested().filter(
        line__sort_key__gt=jwg.line.sort_key, line__plan=jwg.line.plan
    )
    next_line = following.order_by("line__sort_key").first().line_id
    assert response["Location"] == f"{SUGGESTIONS}#line-{next_line}"


def test_a_decision_without_a_ticked_suggestion_says_so_and_changes_nothing(client, secretariat):
    response = signed_in(client, secretariat).post(DECIDE, {"decision": "confirm"}, follow=True)
    assert "Select at least one suggestion." in response.content.decode()
    assert Ownership.objects.suggested().count() == 98


def test_an_unknown_role_is_refused_and_nothing_is_decided(client, secretariat):
    som = suggestion("1.4.5", "SOM-DOC")
    client = signed_in(client, secretariat)
    client.post(DECIDE, {"suggestions": [som.pk], f"role-{som.pk}": "boss", "decision": "confirm"})
    assert suggestion("1.4.5", "SOM-DOC").state == State.SUGGESTED


def test_a_suggestion_decided_meanwhile_by_another_officer_stays_as_they_decided(
    client, secretariat, administrator
):
    som = suggestion("1.4.5", "SOM-DOC")
    som.reject(by=administrator)
    signed_in(client, secretariat).post(DECIDE, {"suggestions": [som.pk], "decision": "confirm"})
    assert suggestion("1.4.5", "SOM-DOC").state == State.REJECTED


@pytest.mark.parametrize("role", ["anonymous", "reader", "focal_point"])
def test_only_the_secretariat_may_decide_suggestions(client, request, role):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    som = suggestion("1.4.5", "SOM-DOC")
    response = signed_in(client, user).post(DECIDE, {"suggestions": [som.pk], "decision": "confirm"})
    assert response.status_code in (302, 403) and (role != "anonymous" or "/login" in response["Location"])
    if role != "anonymous":
        assert response.status_code == 403
    assert suggestion("1.4.5", "SOM-DOC").state == State.SUGGESTED
    assert signed_in(client, user).get(SUGGESTIONS).status_code in (302, 403)


@pytest.mark.parametrize("url", [DECIDE, ASSIGN])
def test_deciding_and_assigning_answer_only_a_post(client, secretariat, url):
    assert signed_in(client, secretariat).get(url).status_code == 405


def test_the_administrator_decides_too(client, administrator):
    som = suggestion("1.4.5", "SOM-DOC")
    signed_in(client, administrator).post(DECIDE, {"suggestions": [som.pk], "decision": "confirm"})
    assert suggestion("1.4.5", "SOM-DOC").state == State.CONFIRMED


def area_lines(code: str) -> list[ActionLine]:
    area = line(PLAN, code).area
    return list(ActionLine.objects.filter(area=area).in_source())


def test_assigning_an_area_first_shows_its_lines_and_saves_nothing(client, secretariat):
    area = line(PLAN, "2.8.1").area
    response = signed_in(client, secretariat).post(
        ASSIGN, {"area": area.pk, "organisation": "ATM+China — ASEAN-China Transport Ministers' Meeting",
                 "role": "lead"},
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert f"of the {len(area_lines('2.8.1'))} lines of area" in page
    assert "suggestion confirmed" in page and "added as owner" in page
    assert owners("2.8.1") == {"ATM+China": ("lead", State.SUGGESTED)}


def test_an_owner_is_given_every_line_of_an_area_once_confirmed_with_history(client, secretariat):
    lines = area_lines("2.8.1")
    response = signed_in(client, secretariat).post(
        ASSIGN, {"area": lines[0].area_id, "organisation": "atm+china", "role": "lead", "confirmed": "1",
                 "query": "organisation=ATM%2BChina"},
    )  # fmt: skip
    assert response["Location"] == f"{SUGGESTIONS}?organisation=ATM%2BChina#assign"
    ownerships = Ownership.objects.filter(organisation__acronym="ATM+China", line__in=lines)
    assert ownerships.count() == len(lines)
    assert set(ownerships.values_list("state", "role")) == {(State.CONFIRMED, "lead")}
    assert all(
        o.decided_by == secretariat and o.history.first().history_user == secretariat for o in ownerships
    )


def test_assigning_an_area_again_changes_nothing(client, secretariat):
    lines = area_lines("2.8.1")
    data = {"area": lines[0].area_id, "organisation": "ATM+China", "role": "lead", "confirmed": "1"}
    signed_in(client, secretariat).post(ASSIGN, data)
    records = sum(o.history.count() for o in Ownership.objects.filter(organisation__acronym="ATM+China"))
    response = client.post(ASSIGN, data, follow=True)
    assert f"0 added, 0 confirmed or given the role, {len(lines)} already so" in response.content.decode()
    assert (
        sum(o.history.count() for o in Ownership.objects.filter(organisation__acronym="ATM+China")) == records
    )


def test_an_organisation_the_picker_does_not_know_is_refused_with_a_clear_error(client, secretariat):
    area = line(PLAN, "2.8.1").area
    response = signed_in(client, secretariat).post(
        ASSIGN, {"area": area.pk, "organisation": "Ministry of Nowhere", "role": "lead", "confirmed": "1"}
    )
    assert "No organisation is called “Ministry of Nowhere”" in response.content.decode()
    assert owners("2.8.1") == {"ATM+China": ("lead", State.SUGGESTED)}


def test_the_refusal_is_in_chinese_for_a_chinese_reader(client, secretariat):
    area = line(PLAN, "2.8.1").area
    response = signed_in(client, secretariat).post(
        ASSIGN, {"area": area.pk, "organisation": "??", "role": "lead"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200 and 'lang="zh-hans"' in response.content.decode()


@pytest.mark.parametrize("role", ["anonymous", "reader", "focal_point"])
def test_only_the_secretariat_may_assign_an_area(client, request, role):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    area = line(PLAN, "2.8.1").area
    data = {"area": area.pk, "organisation": "ATM+China", "role": "lead", "confirmed": "1"}
    response = signed_in(client, user).post(ASSIGN, data)
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert owners("2.8.1") == {"ATM+China": ("lead", State.SUGGESTED)}


@pytest.mark.parametrize(
    "text, acronym",
    [("ACCC", "ACCC"), ("accc", "ACCC"), ("ACCC (Climate Change)", "ACCC (Climate Change)"),
     ("ATM+China — anything after the dash", "ATM+China"), ("中国—东盟交通部长会议", "ATM+China"),
     ("ASEAN-China Transport Ministers' Meeting", "ATM+China")],
)  # fmt: skip
def test_the_owner_picker_resolves_an_acronym_or_a_name_in_either_language(text, acronym):
    assert Organisation.objects.find(text).acronym == acronym


def test_the_owner_picker_resolves_nothing_it_cannot_name_alone():
    assert Organisation.objects.find("") is None
    assert Organisation.objects.find("ASEAN") is None


def test_the_line_page_owner_picker_lists_names_in_the_interface_language(client, secretariat):
    client = signed_in(client, secretariat)
    page = client.get(line(PLAN, "2.8.1").get_absolute_url()).content.decode()
    assert 'list="id_organisation-choices"' in page
    assert '<option value="ATM+China — ASEAN-China Transport Ministers&#x27; Meeting">' in page
    chinese = client.get(
        line(PLAN, "2.8.1").get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert '<option value="ATM+China — 中国—东盟交通部长会议">' in chinese


def test_an_owner_typed_by_name_is_added_on_the_line_page(client, secretariat):
    target = line(PLAN, "1.1.2")
    signed_in(client, secretariat).post(
        f"/lines/{target.pk}/owners/", {"organisation": "ACCC — whatever", "role": "lead"}
    )
    assert owners("1.1.2") == {"ACCC": ("lead", State.CONFIRMED)}


def test_an_unknown_owner_typed_on_the_line_page_is_named_in_the_error(client, secretariat):
    target = line(PLAN, "1.1.2")
    response = signed_in(client, secretariat).post(
        f"/lines/{target.pk}/owners/", {"organisation": "Ministry of Nowhere", "role": "lead"}, follow=True
    )
    assert "No organisation is called “Ministry of Nowhere”" in response.content.decode()
    assert owners("1.1.2") == {}


def test_no_two_elements_of_the_suggestions_page_share_an_id(client, secretariat):
    page = signed_in(client, secretariat).get(SUGGESTIONS).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
