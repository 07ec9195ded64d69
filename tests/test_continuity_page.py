"""The continuity page: the secretariat confirms or rejects suggested links, or links two lines itself."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from commitments.models import LineLink

from .conftest import line

pytestmark = pytest.mark.django_db

PAGE = "/continuity/"
DECIDE = "/continuity/decide/"
LINK = "/continuity/link/"
NEW, OLD, ANNEX, STATEMENT = "poa-2026-2030", "poa-2021-2025", "csp-poa-2022-2025", "js-sd-2022"


@pytest.fixture(autouse=True)
def suggested(db):
    call_command("suggest_links", stdout=StringIO())


def link(old_plan: str, old: str, new: str) -> LineLink:
    return LineLink.objects.get(predecessor=line(old_plan, old), successor=line(NEW, new))


def signed_in(client, user):
    if user is not None:
        client.force_login(user)
    return client


def plan_pk(code: str) -> int:
    return line(code, "1" if code == STATEMENT else "1.1" if code == ANNEX else "1.1.1").plan_id


def test_the_page_shows_both_texts_side_by_side_with_their_differences_marked(client, secretariat):
    fund = link(ANNEX, "3.20", "2.8.4")
    query = {"part": line(NEW, "2.8.4").part_id, "earlier": ANNEX}
    page = signed_in(client, secretariat).get(PAGE, query).content.decode()
    group = page.split(f'id="line-{fund.successor_id}"', 1)[1].split('class="suggestion-group"', 1)[0]
    assert f'value="{fund.pk}"' in group
    # 鼓励有兴趣的东盟国家探讨利用中国—东盟海上合作基金开展新项目，进一步推进海上务实合作；
    # → 利用中国—东盟海上合作基金开展新项目，深化海上务实合作；
    earlier = (
        "<del>鼓励有兴趣的东盟国家探讨</del>利用中国—东盟海上合作基金开展新项目，"
        "<del>进一步推进</del>海上务实合作"
    )
    assert earlier in group
    assert "利用中国—东盟海上合作基金开展新项目，<ins>深化</ins>海上务实合作" in group
    assert "similarity 0.63" in group


def test_the_page_filters_by_pillar_and_by_earlier_plan(client, secretariat):
    client = signed_in(client, secretariat)
    transport = line(NEW, "2.8.1")
    by_part = client.get(PAGE, {"part": transport.part_id})
    assert {found.part_id for found in by_part.context["page"].object_list} == {transport.part_id}
    assert 0 < by_part.context["count"] < LineLink.objects.count()
    by_plan = client.get(PAGE, {"earlier": STATEMENT})
    shown = [link for found in by_plan.context["page"].object_list for link in found.link_suggestions]
    assert {link.predecessor.plan.code for link in shown} == {STATEMENT}
    assert by_plan.context["count"] == LineLink.objects.filter(predecessor__plan__code=STATEMENT).count()


def test_an_unknown_filter_value_shows_the_page_not_an_error(client, secretariat):
    response = signed_in(client, secretariat).get(PAGE, {"part": "99999999999999999999", "earlier": "nope"})
    assert response.status_code == 200


def test_the_page_costs_the_same_few_queries_whatever_the_number_of_lines_and_links(
    client, secretariat, django_assert_num_queries
):
    client = signed_in(client, secretariat)
    with django_assert_num_queries(11):
        full = client.get(PAGE)
    with django_assert_num_queries(14):  # more: the filters look up the plan and the pillar chosen
        few = client.get(PAGE, {"earlier": STATEMENT, "part": line(NEW, "2.10.3").part_id})
    assert len(full.context["page"].object_list) == 20 > len(few.context["page"].object_list)


def test_several_links_are_confirmed_at_once_and_the_page_returns_where_it_was(client, secretariat):
    chosen = [link(OLD, "11.1", "6.1"), link(ANNEX, "2.5", "1.5.2"), link(STATEMENT, "3", "4.2.2")]
    response = signed_in(client, secretariat).post(
        DECIDE, {"links": [c.pk for c in chosen], "decision": "confirm", "query": "earlier=js-sd-2022"}
    )
    assert [LineLink.objects.get(pk=c.pk).state for c in chosen] == ["confirmed"] * 3
    assert chosen[0].history.first().history_user == secretariat
    assert response["Location"].startswith(f"{PAGE}?earlier=js-sd-2022#")


def test_several_links_are_rejected_at_once_and_the_others_wait(client, secretariat):
    wrong = link(OLD, "2.8.1", "3.1.1")
    waiting = LineLink.objects.suggested().count()
    response = signed_in(client, secretariat).post(DECIDE, {"links": [wrong.pk], "decision": "reject"})
    assert LineLink.objects.get(pk=wrong.pk).state == "rejected"
    assert LineLink.objects.suggested().count() == waiting - 1
    assert response["Location"] == f"{PAGE}#line-{wrong.successor_id}"  # 3.1.1 has others waiting


def test_a_decision_without_a_ticked_link_says_so_and_changes_nothing(client, secretariat):
    response = signed_in(client, secretariat).post(DECIDE, {"decision": "confirm"}, follow=True)
    assert "Select at least one suggested link." in response.content.decode()
    assert not LineLink.objects.exclude(state="suggested").exists()


@pytest.mark.parametrize(
    ("links", "message"),
    [(["abc"], "is not a valid value."), (["99999999999999999999"], "is not a valid value."),
     (["0"], "Select a valid choice. 0 is not one of the available choices.")],
)  # fmt: skip
def test_a_link_that_is_no_link_is_refused_with_a_message_not_an_error(client, secretariat, links, message):
    response = signed_in(client, secretariat).post(
        DECIDE, {"links": links, "decision": "confirm"}, follow=True
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LineLink.objects.exclude(state="suggested").exists()


def test_an_unknown_decision_is_refused_and_nothing_is_decided(client, secretariat):
    chosen = link(OLD, "11.1", "6.1")
    signed_in(client, secretariat).post(DECIDE, {"links": [chosen.pk], "decision": "merge"})
    assert LineLink.objects.get(pk=chosen.pk).state == "suggested"


def test_an_officer_links_two_lines_by_plan_and_code(client, secretariat):
    # 3.6 of the annex (1500 亿美元农产品进口) was suggested nowhere near 2.3.5; the officer links it.
    response = signed_in(client, secretariat).post(
        LINK,
        {
            "earlier_plan": plan_pk(ANNEX),
            "earlier_code": "3.6",
            "later_plan": plan_pk(NEW),
            "later_code": "2.3.5",
        },
        follow=True,
    )
    made = link(ANNEX, "3.6", "2.3.5")
    assert (made.state, made.decided_by, made.score) == ("confirmed", secretariat, None)
    assert "Plan of Action 2026–2030 2.3.5 now continues Annex 2022–2025 3.6." in response.content.decode()


def test_linking_a_line_that_does_not_exist_names_it_and_makes_nothing(client, secretariat):
    before = LineLink.objects.count()
    response = signed_in(client, secretariat).post(
        LINK,
        {
            "earlier_plan": plan_pk(OLD),
            "earlier_code": "99.9",
            "later_plan": plan_pk(NEW),
            "later_code": "2.8.1",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Plan of Action 2021–2025 has no line 99.9." in response.content.decode()
    assert LineLink.objects.count() == before


def test_linking_a_line_to_one_of_an_earlier_plan_is_refused_with_the_reason(client, secretariat):
    before = LineLink.objects.count()
    response = signed_in(client, secretariat).post(
        LINK,
        {
            "earlier_plan": plan_pk(NEW),
            "earlier_code": "2.8.1",
            "later_plan": plan_pk(OLD),
            "later_code": "2.8.1",
        },
        follow=True,
    )
    assert "does not end before" in response.content.decode()
    assert LineLink.objects.count() == before


def test_a_bad_link_form_is_refused_with_a_message_not_an_error(client, secretariat):
    response = signed_in(client, secretariat).post(
        LINK, {"earlier_plan": "x", "later_code": "1" * 50}, follow=True
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode() or "This field is required." in response.content.decode()


def test_the_page_speaks_chinese_to_a_chinese_reader(client, secretariat):
    page = signed_in(client, secretariat).get(PAGE, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "行动计划（2021–2025）" in page or "2021–2025" in page
    assert '<html lang="zh' in page


@pytest.mark.parametrize("role", ["anonymous", "reader", "focal_point"])
def test_only_the_secretariat_may_see_the_page_and_decide(client, request, role):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    chosen = link(OLD, "11.1", "6.1")
    client = signed_in(client, user)
    decided = client.post(DECIDE, {"links": [chosen.pk], "decision": "confirm"})
    made = client.post(
        LINK,
        {
            "earlier_plan": plan_pk(ANNEX),
            "earlier_code": "3.6",
            "later_plan": plan_pk(NEW),
            "later_code": "2.3.5",
        },
    )
    expected = 302 if role == "anonymous" else 403
    assert (decided.status_code, made.status_code, client.get(PAGE).status_code) == (expected,) * 3
    assert LineLink.objects.get(pk=chosen.pk).state == "suggested"
    assert not LineLink.objects.filter(predecessor=line(ANNEX, "3.6"), successor=line(NEW, "2.3.5")).exists()


def test_the_administrator_decides_too(client, administrator):
    chosen = link(OLD, "11.1", "6.1")
    signed_in(client, administrator).post(DECIDE, {"links": [chosen.pk], "decision": "confirm"})
    assert LineLink.objects.get(pk=chosen.pk).state == "confirmed"


@pytest.mark.parametrize("url", [DECIDE, LINK])
def test_deciding_and_linking_answer_only_a_post(client, secretariat, url):
    assert signed_in(client, secretariat).get(url).status_code == 405


def test_the_menu_offers_the_page_to_the_secretariat_only(client, secretariat, reader):
    assert f'href="{PAGE}"' in signed_in(client, secretariat).get("/plans/").content.decode()
    assert f'href="{PAGE}"' not in signed_in(client, reader).get("/plans/").content.decode()


def test_no_two_elements_of_the_page_share_an_id(client, secretariat):
    page = signed_in(client, secretariat).get(PAGE).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
