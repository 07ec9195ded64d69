"""The plan and action line pages, in both interface languages."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("commitments:plan-detail", args=["poa-2026-2030"]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get(reverse("login")).status_code == 200


def test_the_plan_list_shows_every_plan_with_its_line_count(client, reader):
    client.force_login(reader)
    response = client.get(reverse("commitments:plan-list"))
    assert response.status_code == 200
    counts = {plan.code: plan.line_count for plan in response.context["plans"]}
    assert counts == {"poa-2026-2030": 199, "poa-2021-2025": 200, "csp-poa-2022-2025": 48, "js-sd-2022": 14}


def test_the_plan_page_lists_parts_areas_and_lines_in_document_order(
    client, reader, django_assert_max_num_queries
):
    client.force_login(reader)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("commitments:plan-detail", args=["poa-2026-2030"]))
    html = response.content.decode()
    assert html.index("Political and security cooperation") < html.index(">1.1.1<") < html.index(">2.10.1<")
    assert html.index(">2.9.4<") < html.index(">2.10.1<") < html.index(">6.3<")
    parts = response.context["outline"]
    assert [part.code for part, _ in parts] == ["1", "2", "3", "4", "5", "6"]
    assert parts[4][1][0][0] is None and [line.code for line in parts[4][1][0][1]] == ["5.1"]


def test_a_chinese_only_plan_is_marked_not_yet_translated_in_english(client, reader):
    client.force_login(reader)
    html = client.get(reverse("commitments:plan-detail", args=["js-sd-2022"])).content.decode()
    assert "Not yet translated" in html
    assert "重申坚持发展导向和发展优先" in html


def test_the_line_page_shows_both_texts_side_by_side(client, reader, django_assert_max_num_queries):
    client.force_login(reader)
    with django_assert_max_num_queries(10):  # 12 with updates: tests/test_review.py
        response = client.get(reverse("commitments:line-detail", args=["poa-2026-2030", "2.6.6"]))
    html = response.content.decode()
    assert "Promote policy and regulations exchanges and dialogues on artificial intelligence" in html
    assert "促进人工智能治理政策法规交流和对话" in html
    assert '<section lang="en">' in html and '<section lang="zh-Hans">' in html


def test_an_unknown_line_is_a_404(client, reader):
    client.force_login(reader)
    assert client.get(reverse("commitments:line-detail", args=["poa-2026-2030", "9.9.9"])).status_code == 404


def test_the_interface_speaks_chinese_after_switching(client, reader):
    client.force_login(reader)
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("commitments:plan-detail", args=["poa-2026-2030"])).content.decode()
    assert "政治安全合作" in html
    assert ">行动计划</a>" in html  # "Plans", from the translation catalogue
    assert "Plans" not in html
    assert 'lang="zh-hans"' in html


def test_the_admin_lists_action_lines_for_an_administrator(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("admin:commitments_actionline_changelist") + "?q=SOM-DOC")
    assert response.status_code == 200
    assert "1.4.5" in response.content.decode()


def test_lines_outside_areas_stand_in_document_order_between_areas(client, reader):
    client.force_login(reader)
    response = client.get(reverse("commitments:plan-detail", args=["poa-2021-2025"]))
    first_part = response.context["outline"][0][1]
    sections = [
        (area.code if area else None, [line.code for line in lines][:1]) for area, lines in first_part
    ]
    assert sections == [
        ("1.1", ["1.1.1"]), (None, ["1.2"]), ("1.3", ["1.3.1"]), ("1.4", ["1.4.1"]), ("1.5", ["1.5.1"]),
        ("1.6", ["1.6.1"]), (None, ["1.7"]), ("1.8", ["1.8.1"]),
    ]  # fmt: skip
