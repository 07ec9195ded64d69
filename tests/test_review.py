"""The secretariat reviews: the queue, decisions one by one or in bulk, period statuses, the line page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from commitments.models import Activity, Evidence, Fund, PeriodStatus, Status, StatusUpdate

from .conftest import line, make_period, make_update, own, while_open

pytestmark = pytest.mark.django_db


def status(code: str) -> Status:
    return Status.objects.get(code=code)


def submitted_update(code, period, organisation, author, role="lead", **values) -> StatusUpdate:
    action_line = line("poa-2026-2030", code)
    if not action_line.ownerships.filter(organisation=organisation).exists():
        own(action_line, organisation, role)
    values = {"status": status("ongoing"), "narrative_en": f"Progress on {code}."} | values
    update = make_update(action_line, period, organisation, author, **values)
    update.submit(by=author)
    return update


def test_the_queue_lists_submitted_updates_oldest_first(client, period, owner, focal_point, secretariat):
    first = submitted_update("2.8.2", period, owner, focal_point)
    second = submitted_update("2.8.1", period, owner, focal_point)
    make_update(line("poa-2026-2030", "2.8.3"), period, owner, focal_point)  # a draft is not for review
    client.force_login(secretariat)
    queue = client.get(reverse("commitments:review-queue")).context["queue"]
    assert [update.pk for update in queue] == [first.pk, second.pk]


def test_the_queue_shows_the_change_since_the_last_approved_update(
    client, plan_2026, period, owner, focal_point, secretariat
):
    last_year = make_period(
        plan_2026,
        label="2025–2026",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
        deadline=datetime.date(2025, 11, 30),
        is_open=False,
    )
    with while_open(last_year):
        earlier = submitted_update(
            "2.8.1", last_year, owner, focal_point, narrative_en="The meeting was planned in Hanoi."
        )
    earlier.approve(by=secretariat)
    submitted_update("2.8.1", period, owner, focal_point, narrative_en="The meeting was held in Hanoi.")
    client.force_login(secretariat)
    response = client.get(reverse("commitments:review-queue"))
    assert response.context["queue"][0].previous == earlier
    assert "The meeting was <del>planned</del><ins>held</ins> in Hanoi." in response.content.decode()


def test_an_officer_approves_in_place_and_the_author_is_told(
    client, period, owner, focal_point, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    update = submitted_update("2.8.1", period, owner, focal_point)
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("commitments:update-review", args=[update.pk]),
            {
                "decision": "approve",
                "version": update.version,
                "comment": "Thank you.",
                "next": reverse("commitments:review-queue"),
            },
        )
    assert response.url == reverse("commitments:review-queue")
    update.refresh_from_db()
    assert update.state == "approved"
    assert [message.to for message in mailoutbox] == [[focal_point.email]]


def test_returning_needs_a_comment(client, period, owner, focal_point, secretariat):
    update = submitted_update("2.8.1", period, owner, focal_point)
    client.force_login(secretariat)
    response = client.post(
        reverse("commitments:update-review", args=[update.pk]),
        {"decision": "return", "version": update.version, "comment": " "},
    )
    assert response.context["review_form"].errors["comment"] == [
        "Say what needs to change when returning an update."
    ]
    assert StatusUpdate.objects.get(pk=update.pk).state == "submitted"


def test_a_decision_on_a_changed_update_is_refused(client, period, owner, focal_point, secretariat):
    update = submitted_update("2.8.1", period, owner, focal_point)
    seen = update.version
    update.return_for_changes(by=secretariat, comment="Add the date.")
    client.force_login(secretariat)
    response = client.post(
        reverse("commitments:update-review", args=[update.pk]),
        {"decision": "approve", "version": seen},
        follow=True,
    )
    assert "This update changed since you opened it" in response.content.decode()
    assert StatusUpdate.objects.get(pk=update.pk).state == "returned"


def test_several_updates_are_approved_at_once(client, period, owner, focal_point, secretariat):
    updates = [submitted_update(code, period, owner, focal_point) for code in ("2.8.1", "2.8.2", "2.8.3")]
    client.force_login(secretariat)
    response = client.post(
        reverse("commitments:review-bulk"),
        {"decision": "approve", "updates": [u.pk for u in updates[:2]]},
        follow=True,
    )
    assert "2 updates decided." in response.content.decode()
    assert [StatusUpdate.objects.get(pk=u.pk).state for u in updates] == ["approved", "approved", "submitted"]


def test_returning_several_updates_needs_a_comment_and_keeps_the_selection(
    client, period, owner, focal_point, secretariat
):
    updates = [submitted_update(code, period, owner, focal_point) for code in ("2.8.1", "2.8.2")]
    client.force_login(secretariat)
    response = client.post(
        reverse("commitments:review-bulk"), {"decision": "return", "updates": [updates[0].pk]}
    )
    assert response.context["bulk_form"].errors["comment"] == [
        "Say what needs to change when returning updates."
    ]
    assert f'value="{updates[0].pk}" form="bulk" checked' in response.content.decode()
    assert StatusUpdate.objects.submitted().count() == 2


def test_a_line_whose_updates_are_all_approved_waits_for_its_period_status(
    client, period, owner, other_owner, focal_point, other_focal_point, secretariat
):
    lead = submitted_update("2.8.1", period, owner, focal_point)
    supporting = submitted_update("2.8.1", period, other_owner, other_focal_point, role="supporting")
    supporting.status = status("completed")
    lead.approve(by=secretariat)
    client.force_login(secretariat)
    assert client.get(reverse("commitments:review-queue")).context["to_confirm"] == []
    supporting.approve(by=secretariat)
    [row] = client.get(reverse("commitments:review-queue")).context["to_confirm"]
    assert (row["line"].code, row["period"], row["proposed"]) == ("2.8.1", period, status("ongoing"))
    assert PeriodStatus.objects.get(line=lead.line, period=period).proposed == status("ongoing")


def test_confirming_another_status_than_the_lead_owners_needs_a_reason(
    client, period, owner, focal_point, secretariat
):
    update = submitted_update("2.8.1", period, owner, focal_point)
    update.approve(by=secretariat)
    url = reverse("commitments:period-status", args=[update.line_id, period.pk])
    client.force_login(secretariat)
    response = client.post(url, {"status": status("delayed").pk, "reason": ""})
    assert response.context["form"].errors["reason"] == [
        "Give a reason when the status differs from the lead owner's."
    ]
    assert not PeriodStatus.objects.confirmed().exists()
    client.post(url, {"status": status("delayed").pk, "reason": "The second phase slipped to 2027."})
    confirmed = PeriodStatus.objects.confirmed().get()
    assert (confirmed.proposed, confirmed.status, confirmed.confirmed_by) == (
        status("ongoing"),
        status("delayed"),
        secretariat,
    )
    assert client.get(reverse("commitments:review-queue")).context["to_confirm"] == []


def test_the_line_page_shows_owners_current_status_timeline_and_history(
    client, period, owner, focal_point, secretariat, reader, django_assert_max_num_queries
):
    update = submitted_update("2.8.1", period, owner, focal_point, narrative_en="The ATM+China met in Hanoi.")
    Activity.objects.create(
        update=update, date=datetime.date(2026, 3, 3), title_en="28th ATM+China", place_en="Hanoi"
    )
    Evidence.objects.create(update=update, title_en="Joint statement", link="https://asean.org/statement")
    update.approve(by=secretariat)
    PeriodStatus.propose(update.line, period).confirm(by=secretariat)
    client.force_login(reader)
    # 23: two of them the lines it continues and the lines that continue it (issue 15).
    with django_assert_max_num_queries(23):
        response = client.get(update.line.get_absolute_url())
    html = response.content.decode()
    assert "<title>2.8.1 · ASEAN–China commitment tracker</title>" in html
    assert html.count("<h2>History</h2>") == 1
    assert response.context["current"].status == status("ongoing")
    owners = [(o.organisation.acronym, o.state) for o in response.context["ownerships"]]
    assert owners == [("TEST-OWNER", "confirmed"), ("ATM+China", "suggested")]  # the seeds suggest ATM+China
    assert "The ATM+China met in Hanoi." in html and "28th ATM+China" in html and "Joint statement" in html
    subjects = [entry.subject for entry in response.context["history"]]
    assert "period status" in subjects and f"status update: {owner}" in subjects
    assert f"owner: {owner}" in subjects


def test_the_line_history_names_an_activity_by_its_title_in_the_interface_language_and_its_fund(
    client, period, owner, focal_point, secretariat, reader
):
    update = submitted_update("2.8.1", period, owner, focal_point)
    Activity.objects.create(
        update=update, date=datetime.date(2026, 3, 3), title_zh="智慧港口研讨会",
        fund=Fund.objects.get(acronym="ACCF"), amount_usd=Decimal("5000"),
    )  # fmt: skip
    update.approve(by=secretariat)
    client.force_login(reader)
    history = client.get(update.line.get_absolute_url()).context["history"]
    (created,) = [entry for entry in history if entry.subject.startswith("activity")]
    assert created.subject == "activity: 智慧港口研讨会"
    assert {(str(change.field), change.after) for change in created.changes} >= {
        ("funded by", "ACCF"), ("amount (USD)", Decimal("5000.00")),
    }  # fmt: skip


def test_the_line_page_runs_the_same_number_of_queries_whatever_the_number_of_updates(
    client, plan_2026, period, owner, other_owner, focal_point, other_focal_point, secretariat, reader,
    django_assert_num_queries,
):  # fmt: skip
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = line("poa-2026-2030", "2.8.1").get_absolute_url()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.force_login(reader)
    submitted_update("2.8.1", period, owner, focal_point).approve(by=secretariat)
    one = queries()
    for year in (2023, 2024, 2025):
        earlier = make_period(
            plan_2026,
            label=str(year),
            starts_on=datetime.date(year, 1, 1),
            ends_on=datetime.date(year, 12, 31),
            deadline=datetime.date(year, 11, 30),
            is_open=False,
        )
        for organisation, author in ((owner, focal_point), (other_owner, other_focal_point)):
            with while_open(earlier):
                update = submitted_update("2.8.1", earlier, organisation, author)
            Activity.objects.create(
                update=update, date=datetime.date(year, 3, 3), title_en=f"Meeting {year}",
                fund=Fund.objects.get(acronym="ACCF"), amount_usd=Decimal("5000"),
            )  # fmt: skip
            Evidence.objects.create(
                update=update, title_en=f"Report {year}", link="https://example.org/report"
            )
            update.approve(by=secretariat)
    assert queries() == one == 12
