"""The close-out page: the secretariat gives the lines of an ended plan their final statuses, several
at once and after a confirmation; everyone else is refused."""

import pytest
from django.conf import settings

from commitments.models import FinalStatus, Status

from .conftest import line, make_user
from .test_close_out import OLD, confirmed, old_periods  # noqa: F401 (a fixture)
from .test_html_is_valid import check, needs_java

pytestmark = pytest.mark.django_db

PAGE = f"/close-out/{OLD}/"
SET = f"/close-out/{OLD}/set/"
CARRY = f"/close-out/{OLD}/carry/"


def signed_in(client, user):
    if user is not None:
        client.force_login(user)
    return client


def ticked(*codes: str) -> list[str]:
    return [f"{line(OLD, code).pk}:0" for code in codes]


def completed() -> int:
    return Status.objects.get(code="completed").pk


def test_the_page_lists_the_lines_of_the_ended_plan_and_offers_its_report(client, secretariat):
    page = signed_in(client, secretariat).get(PAGE)
    assert page.context["page"].paginator.count == line(OLD, "1.1.1").plan.lines.in_source().count()
    text = page.content.decode()
    assert f'value="{line(OLD, "1.1.1").pk}:0"' in text
    assert f"/close-out/{OLD}/report.docx?language=zh" in text


def test_the_page_costs_the_same_few_queries_whatever_the_number_of_lines(
    client, secretariat, django_assert_num_queries
):
    client = signed_in(client, secretariat)
    FinalStatus.set_several({line(OLD, "1.1.1").pk: 0}, Status.objects.get(code="completed"), by=secretariat)
    with django_assert_num_queries(9):
        full = client.get(PAGE)
    part = line(OLD, "1.1.1").part_id
    with django_assert_num_queries(10):  # one more: the pillar chosen is looked up
        few = client.get(PAGE, {"part": part, "final": "completed"})
    assert len(full.context["page"].object_list) == 25 > len(few.context["page"].object_list) == 1


def test_the_page_filters_by_pillar_and_by_final_status(client, secretariat):
    FinalStatus.set_several({line(OLD, "1.1.1").pk: 0}, Status.objects.get(code="delayed"), by=secretariat)
    client = signed_in(client, secretariat)
    delayed = client.get(PAGE, {"final": "delayed"}).context["page"].object_list
    assert [found.code for found in delayed] == ["1.1.1"]
    without = client.get(PAGE, {"final": "none"}).context["page"].paginator.count
    assert without == line(OLD, "1.1.1").plan.lines.in_source().count() - 1
    pillar = client.get(PAGE, {"part": line(OLD, "1.1.1").part_id}).context["page"].object_list
    assert {found.part_id for found in pillar} == {line(OLD, "1.1.1").part_id}


def test_a_filter_matching_nothing_says_so_and_an_unknown_one_is_ignored(client, secretariat):
    client = signed_in(client, secretariat)
    assert (
        "No action line matches these filters." in client.get(PAGE, {"final": "completed"}).content.decode()
    )
    response = client.get(PAGE, {"part": "99999999999999999999", "final": "nope", "page": "x"})
    assert response.status_code == 200


def test_a_plan_that_has_not_ended_shows_why_it_cannot_be_closed_out(client, secretariat):
    response = signed_in(client, secretariat).get("/close-out/poa-2026-2030/")
    assert "has not ended" in response.content.decode()
    assert "page" not in response.context.keys()


def test_the_list_names_the_ended_plans_only(client, secretariat):
    plans = signed_in(client, secretariat).get("/close-out/").context["plans"]
    assert [plan.code for plan in plans] == ["csp-poa-2022-2025", "js-sd-2022", OLD]


def test_setting_asks_for_a_confirmation_first_and_changes_nothing_until_then(client, secretariat):
    response = signed_in(client, secretariat).post(
        SET, {"lines": ticked("1.1.1", "1.1.2"), "status": completed()}
    )
    assert response.status_code == 200
    assert "these 2 action lines will be “Completed”" in response.content.decode()
    assert not FinalStatus.objects.exists()


def test_several_lines_get_their_final_status_once_confirmed(client, secretariat):
    values = {
        "lines": ticked("1.1.1", "1.1.2"),
        "status": completed(),
        "note": "SOC 2026",
        "query": "final=none",
    }
    response = signed_in(client, secretariat).post(SET, {**values, "confirmed": "1"}, follow=True)
    finals = FinalStatus.objects.filter(line__plan__code=OLD)
    assert {(final.line.code, final.status.code, final.note, final.set_by) for final in finals} == {
        ("1.1.1", "completed", "SOC 2026", secretariat), ("1.1.2", "completed", "SOC 2026", secretariat)
    }  # fmt: skip
    assert "2 lines have their final status." in response.content.decode()
    assert response.redirect_chain[0][0] == f"{PAGE}?final=none#lines"


def test_a_line_changed_by_another_officer_meanwhile_is_named_and_left_as_they_set_it(client, secretariat):
    other = make_user("other-officer", "Secretariat officer")
    values = {"lines": ticked("1.1.1", "1.1.2"), "status": completed(), "confirmed": "1"}
    FinalStatus.set_several({line(OLD, "1.1.1").pk: 0}, Status.objects.get(code="delayed"), by=other)
    response = signed_in(client, secretariat).post(SET, values, follow=True)
    assert "changed the final status of 1.1.1 meanwhile" in response.content.decode()
    assert FinalStatus.objects.get(line=line(OLD, "1.1.1")).status.code == "delayed"
    assert FinalStatus.objects.get(line=line(OLD, "1.1.2")).status.code == "completed"


@pytest.mark.parametrize(
    ("lines", "message"),
    [([], "Tick at least one action line."), (["abc"], "Select a valid choice."),
     (["99999999999999999999:0"], "Select a valid choice."),
     (["{new}:0"], "Tick action lines of this plan only.")],
)  # fmt: skip
def test_ticks_that_are_no_lines_of_the_plan_are_refused_with_a_message(client, secretariat, lines, message):
    new = line("poa-2026-2030", "2.8.1").pk
    lines = [value.replace("{new}", str(new)) for value in lines]
    values = {"lines": lines, "status": completed(), "confirmed": "1"}
    response = signed_in(client, secretariat).post(SET, values, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FinalStatus.objects.exists()


def test_carrying_asks_for_a_confirmation_then_carries(client, secretariat, old_periods):  # noqa: F811
    confirmed(OLD, "1.1.1", "ongoing", old_periods[1], secretariat)
    client = signed_in(client, secretariat)
    asked = client.post(CARRY).content.decode()
    total = line(OLD, "1.1.1").plan.lines.in_source().count()
    assert f"1 of the {total} action lines without a final status" in asked
    assert not FinalStatus.objects.exists()
    response = client.post(CARRY, {"confirmed": "1"}, follow=True)
    assert FinalStatus.objects.get().line == line(OLD, "1.1.1")
    assert "1 line has its last confirmed status as final status." in response.content.decode()


def test_closing_out_a_plan_that_has_not_ended_is_refused_with_a_message(client, secretariat):
    response = signed_in(client, secretariat).post(
        "/close-out/poa-2026-2030/carry/", {"confirmed": "1"}, follow=True
    )
    # The rule's own message, which the page for a plan not ended does not say.
    assert "Plan of Action 2026–2030 has not ended: its lines get" in response.content.decode()
    assert not FinalStatus.objects.exists()


@pytest.mark.parametrize("action", ["set", "carry"])
def test_a_plan_that_has_not_ended_is_refused_before_any_confirmation_is_asked(client, secretariat, action):
    values = {"lines": [f"{line('poa-2026-2030', '2.8.1').pk}:0"], "status": completed()}
    response = signed_in(client, secretariat).post(f"/close-out/poa-2026-2030/{action}/", values, follow=True)
    assert response.redirect_chain[0][0] == "/close-out/poa-2026-2030/#lines"
    assert "Plan of Action 2026–2030 has not ended" in response.content.decode()
    assert "will be" not in response.content.decode()  # no confirmation asked


def test_the_list_of_ended_plans_costs_the_same_queries_whatever_is_closed_out(
    client, secretariat, django_assert_num_queries
):
    client = signed_in(client, secretariat)
    with django_assert_num_queries(4):
        client.get("/close-out/")
    FinalStatus.set_several({line(OLD, "1.1.1").pk: 0}, Status.objects.get(code="completed"), by=secretariat)
    with django_assert_num_queries(4):
        page = client.get("/close-out/")
    assert {plan.code: plan.final_count for plan in page.context["plans"]}[OLD] == 1


@pytest.mark.parametrize("role", ["anonymous", "reader", "focal_point"])
def test_only_the_secretariat_opens_the_page_sets_or_carries(client, request, role):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    client = signed_in(client, user)
    expected = 302 if user is None else 403
    assert client.get(PAGE).status_code == expected
    assert client.get("/close-out/").status_code == expected
    values = {"lines": ticked("1.1.1"), "status": completed(), "confirmed": "1"}
    assert client.post(SET, values).status_code == expected
    assert client.post(CARRY, {"confirmed": "1"}).status_code == expected
    assert not FinalStatus.objects.exists()


def test_setting_and_carrying_take_a_post_only(client, secretariat):
    client = signed_in(client, secretariat)
    assert client.get(SET).status_code == 405
    assert client.get(CARRY).status_code == 405


def test_the_menu_and_the_plan_page_lead_to_the_close_out(client, secretariat, reader):
    page = signed_in(client, secretariat).get(f"/plans/{OLD}/").content.decode()
    assert 'href="/close-out/"' in page and f'href="{PAGE}"' in page
    client.force_login(reader)
    page = client.get(f"/plans/{OLD}/").content.decode()
    assert f'href="{PAGE}"' not in page and f"/close-out/{OLD}/report.html?language=en" in page
    assert "/close-out/poa-2026-2030/report" not in client.get("/plans/poa-2026-2030/").content.decode()


@needs_java
def test_the_pages_are_valid_html_in_both_languages(client, secretariat, tmp_path):
    client = signed_in(client, secretariat)
    files = []
    for language in ("en", "zh-hans"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        pages = {
            "list": client.get("/close-out/"), "page": client.get(PAGE), "plan": client.get(f"/plans/{OLD}/"),
            "running": client.get("/close-out/poa-2026-2030/"), "carry": client.post(CARRY),
            "set": client.post(SET, {"lines": ticked("1.1.1"), "status": completed(), "note": "<&>"}),
        }  # fmt: skip
        for name, response in pages.items():
            assert response.status_code == 200, name
            files.append(tmp_path / f"{name}-{language}.html")
            files[-1].write_bytes(response.content)
    assert check(files) == []
