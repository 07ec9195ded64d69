"""The review queue filters by pillar, owner and state, shows each line's text, and pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from commitments.models import ActionLine, Part, StatusUpdate

from .conftest import line
from .test_review import submitted_update

pytestmark = pytest.mark.django_db

QUEUE = reverse("commitments:review-queue")


def listed(client, **params) -> list[str]:
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return [f"{update.line.code} {update.organisation}" for update in response.context["queue"]]


@pytest.fixture
def updates(period, owner, other_owner, focal_point, other_focal_point, secretariat):
    """Three submitted updates in two pillars from two owners, one approved, one returned."""
    submitted_update("1.1.1", period, owner, focal_point)
    submitted_update("2.8.1", period, owner, focal_point)
    submitted_update("2.8.2", period, other_owner, other_focal_point)
    submitted_update("2.8.3", period, owner, focal_point).approve(by=secretariat)
    submitted_update("2.8.4", period, owner, focal_point).return_for_changes(by=secretariat, comment="More.")


def test_the_queue_lists_the_submitted_updates_unless_asked_otherwise(client, updates, secretariat):
    client.force_login(secretariat)
    assert listed(client) == ["1.1.1 TEST-OWNER", "2.8.1 TEST-OWNER", "2.8.2 TEST-OTHER"]


def test_the_queue_filters_by_pillar(client, updates, secretariat):
    client.force_login(secretariat)
    pillar = Part.objects.get(plan__code="poa-2026-2030", code="2")
    assert listed(client, part=pillar.pk) == ["2.8.1 TEST-OWNER", "2.8.2 TEST-OTHER"]


def test_the_queue_filters_by_owner(client, updates, secretariat):
    client.force_login(secretariat)
    assert listed(client, owner="TEST-OTHER") == ["2.8.2 TEST-OTHER"]


def test_the_queue_filters_by_state(client, updates, secretariat):
    client.force_login(secretariat)
    assert listed(client, state="approved") == ["2.8.3 TEST-OWNER"]
    assert listed(client, state="returned", owner="TEST-OWNER") == ["2.8.4 TEST-OWNER"]


def test_the_filters_combine(client, updates, secretariat):
    client.force_login(secretariat)
    pillar = Part.objects.get(plan__code="poa-2026-2030", code="2")
    assert listed(client, part=pillar.pk, owner="TEST-OWNER") == ["2.8.1 TEST-OWNER"]


def test_nonsense_filters_show_the_queue_not_an_error(client, updates, secretariat):
    client.force_login(secretariat)
    assert listed(client, state="nonsense", part="x", owner="NOBODY", page="-1") == [
        "1.1.1 TEST-OWNER", "2.8.1 TEST-OWNER", "2.8.2 TEST-OTHER",
    ]  # fmt: skip


def test_no_decision_is_offered_on_an_update_that_is_not_submitted(client, updates, secretariat):
    client.force_login(secretariat)
    page = client.get(QUEUE, {"state": "approved"}).content.decode()
    assert "2.8.3" in page
    assert 'name="decision"' not in page and 'name="updates"' not in page


def test_an_empty_filter_says_so(client, updates, secretariat):
    client.force_login(secretariat)
    response = client.get(QUEUE, {"owner": "TEST-OWNER", "state": "draft"})
    assert "No update matches these filters." in response.content.decode()


def test_the_choices_are_names_in_the_interface_language(client, updates, secretariat):
    client.force_login(secretariat)
    english = client.get(QUEUE).content.decode()
    assert '<option value="TEST-OWNER">Test owning body (TEST-OWNER)</option>' in english
    assert ">Approved</option>" in english
    client.post(reverse("set_language"), {"language": "zh-hans"})
    chinese = client.get(QUEUE).content.decode()
    assert '<option value="TEST-OWNER">测试牵头机构 (TEST-OWNER)</option>' in chinese
    assert ">已批准</option>" in chinese
    pillar = Part.objects.get(plan__code="poa-2026-2030", code="2")
    assert f">2. {pillar.title_zh}" in chinese


def test_each_card_shows_the_lines_text_in_the_interface_language(client, updates, secretariat):
    client.force_login(secretariat)
    assert escape(line("poa-2026-2030", "2.8.1").text_en) in client.get(QUEUE).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans"})
    assert escape(line("poa-2026-2030", "2.8.1").text_zh) in client.get(QUEUE).content.decode()


def test_the_queue_pages_and_the_pages_keep_the_filters(
    client, plan_2026, period, focal_point, owner, secretariat
):
    for action_line in ActionLine.objects.for_plan(plan_2026).in_code_order()[:22]:
        submitted_update(action_line.code, period, owner, focal_point)
    client.force_login(secretariat)
    first = client.get(QUEUE, {"owner": "TEST-OWNER"})
    assert len(first.context["queue"]) == 20 and first.context["page"].paginator.count == 22
    assert 'href="?owner=TEST-OWNER&amp;page=2"' in first.content.decode()
    second = client.get(QUEUE, {"owner": "TEST-OWNER", "page": 2})
    assert len(second.context["queue"]) == 2


def test_the_queues_queries_do_not_grow_with_its_length(
    client, period, owner, focal_point, secretariat, django_assert_max_num_queries
):
    for code in ("2.8.1", "2.8.2"):
        submitted_update(code, period, owner, focal_point)
    client.force_login(secretariat)
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as few:
        client.get(QUEUE)
    for code in ("2.8.3", "2.8.4", "2.8.5", "2.8.6"):
        submitted_update(code, period, owner, focal_point)
    with django_assert_max_num_queries(len(few)):
        client.get(QUEUE)


def test_a_decision_from_a_filtered_queue_goes_back_to_it(client, updates, secretariat):
    client.force_login(secretariat)
    update = StatusUpdate.objects.get(line__code="2.8.2", line__plan__code="poa-2026-2030")
    page = client.get(QUEUE, {"owner": "TEST-OTHER"}).content.decode()
    assert 'name="next" value="/review/?owner=TEST-OTHER"' in page
    response = client.post(
        reverse("commitments:update-review", args=[update.pk]),
        {"decision": "approve", "version": update.version, "next": "/review/?owner=TEST-OTHER"},
    )
    assert response.url == "/review/?owner=TEST-OTHER"
