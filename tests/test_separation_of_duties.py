"""Separation of duties: nobody approves, returns or confirms the status of an update they wrote
or submitted, whatever their groups, superusers included; another officer does."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from commitments.models import PeriodStatus, Status, StatusUpdate
from commitments.models.tracking import OwnWork

from .conftest import line, make_update, make_user, own

pytestmark = pytest.mark.django_db

OWN_UPDATE = "You wrote or submitted this update: another officer reviews it."
OWN_LINE = "You wrote or submitted an update of this line: another officer confirms its status."
OWN_NOTE = "Your own update: another officer reviews it."


@pytest.fixture
def officer_and_focal_point(owner):
    """A secretariat officer who is also a focal point of the owning organisation."""
    user = make_user("dual", "Secretariat officer", is_staff=True)
    user.groups.add(Group.objects.get(name="Focal point"))
    owner.focal_points.add(user)
    return user


@pytest.fixture
def superuser_focal_point(administrator, owner):
    owner.focal_points.add(administrator)
    return administrator


def written(author, period, organisation, code: str = "2.8.1", role: str = "lead") -> StatusUpdate:
    action_line = line("poa-2026-2030", code)
    if not action_line.ownerships.filter(organisation=organisation).exists():
        own(action_line, organisation, role)
    return make_update(
        action_line, period, organisation, author,
        status=Status.objects.get(code="ongoing"), narrative_en=f"Progress on {code}.",
    )  # fmt: skip


def submitted(author, period, organisation, code: str = "2.8.1", role: str = "lead") -> StatusUpdate:
    update = written(author, period, organisation, code, role)
    update.submit(by=author)
    return update


def trail(update: StatusUpdate) -> tuple:
    """What a decision would change: the state, the steps and the versions in the history."""
    update.refresh_from_db()
    return update.state, list(update.transitions.values_list("to_state", "by")), update.history.count()


def review(client, update: StatusUpdate, decision: str, comment: str = "Please add the date."):
    return client.post(
        reverse("commitments:update-review", args=[update.pk]),
        {"decision": decision, "version": update.version, "comment": comment},
        follow=True,
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def review_form_of(update: StatusUpdate) -> str:
    return f'action="{reverse("commitments:update-review", args=[update.pk])}"'


# On the model


@pytest.mark.parametrize("decision", ["approve", "return"])
def test_an_officer_who_is_a_focal_point_cannot_approve_or_return_their_own_update(
    period, owner, officer_and_focal_point, decision
):
    update = submitted(officer_and_focal_point, period, owner)
    before = trail(update)
    with pytest.raises(OwnWork, match=OWN_UPDATE):
        if decision == "approve":
            update.approve(by=officer_and_focal_point)
        else:
            update.return_for_changes(by=officer_and_focal_point, comment="Please add the date.")
    assert trail(update) == before


@pytest.mark.parametrize("decision", ["approve", "return"])
def test_a_superuser_who_is_a_focal_point_cannot_approve_or_return_their_own_update(
    period, owner, superuser_focal_point, decision
):
    update = submitted(superuser_focal_point, period, owner)
    before = trail(update)
    with pytest.raises(OwnWork):
        if decision == "approve":
            update.approve(by=superuser_focal_point)
        else:
            update.return_for_changes(by=superuser_focal_point, comment="Please add the date.")
    assert trail(update) == before


def test_an_officer_cannot_approve_an_update_they_submitted_but_did_not_write(
    period, owner, focal_point, officer_and_focal_point
):
    update = written(focal_point, period, owner)
    update.submit(by=officer_and_focal_point)
    with pytest.raises(OwnWork):
        update.approve(by=officer_and_focal_point)
    assert StatusUpdate.objects.get(pk=update.pk).state == "submitted"


def test_an_officer_cannot_approve_an_update_they_wrote_that_another_focal_point_submitted(
    period, owner, focal_point, officer_and_focal_point
):
    update = written(officer_and_focal_point, period, owner)
    update.submit(by=focal_point)
    with pytest.raises(OwnWork):
        update.approve(by=officer_and_focal_point)
    assert StatusUpdate.objects.get(pk=update.pk).state == "submitted"


def test_whoever_submitted_an_update_once_cannot_approve_it_after_another_resubmits_it(
    period, owner, focal_point, officer_and_focal_point, secretariat
):
    update = written(focal_point, period, owner)
    update.submit(by=officer_and_focal_point)
    update.return_for_changes(by=secretariat, comment="Please add the date.")
    update.submit(by=focal_point)
    with pytest.raises(OwnWork):
        update.approve(by=officer_and_focal_point)
    assert StatusUpdate.objects.get(pk=update.pk).state == "submitted"


def test_an_update_loaded_with_its_steps_still_knows_who_submitted_it_since(
    period, owner, focal_point, officer_and_focal_point
):
    update = StatusUpdate.objects.with_details().get(pk=written(focal_point, period, owner).pk)
    update.submit(by=officer_and_focal_point)
    with pytest.raises(OwnWork):
        update.approve(by=officer_and_focal_point)


def test_another_officer_approves_the_update_its_author_could_not(
    period, owner, officer_and_focal_point, secretariat
):
    update = submitted(officer_and_focal_point, period, owner)
    with pytest.raises(OwnWork):
        update.approve(by=officer_and_focal_point)
    update.approve(by=secretariat, comment="Thank you.")
    assert [(step.to_state, step.by) for step in update.transitions.all()] == [
        ("submitted", officer_and_focal_point),
        ("approved", secretariat),
    ]


def test_another_officer_returns_the_update_its_author_could_not(
    period, owner, officer_and_focal_point, secretariat
):
    update = submitted(officer_and_focal_point, period, owner)
    with pytest.raises(OwnWork):
        update.return_for_changes(by=officer_and_focal_point, comment="Add the date.")
    update.return_for_changes(by=secretariat, comment="Add the date.")
    assert StatusUpdate.objects.get(pk=update.pk).state == "returned"


def test_nobody_confirms_the_period_status_of_a_line_whose_approved_update_they_wrote(
    period, owner, officer_and_focal_point, secretariat
):
    submitted(officer_and_focal_point, period, owner).approve(by=secretariat)
    period_status = PeriodStatus.objects.get(line__code="2.8.1", line__plan__code="poa-2026-2030")
    history = period_status.history.count()
    with pytest.raises(OwnWork, match=OWN_LINE):
        period_status.confirm(by=officer_and_focal_point)
    period_status.refresh_from_db()
    assert period_status.confirmed_at is None and period_status.history.count() == history
    period_status.confirm(by=secretariat)
    assert period_status.confirmed_by == secretariat


def test_nobody_confirms_the_period_status_of_a_line_whose_supporting_update_they_submitted(
    period, owner, other_owner, focal_point, other_focal_point, officer_and_focal_point, secretariat
):
    submitted(other_focal_point, period, other_owner, role="lead").approve(by=secretariat)
    supporting = written(focal_point, period, owner, role="supporting")
    supporting.submit(by=officer_and_focal_point)
    supporting.approve(by=secretariat)
    period_status = PeriodStatus.objects.get(line=supporting.line, period=period)
    with pytest.raises(OwnWork):
        period_status.confirm(by=officer_and_focal_point)
    assert PeriodStatus.objects.get(pk=period_status.pk).confirmed_at is None


def test_a_superuser_who_is_a_focal_point_cannot_confirm_the_status_of_their_own_line(
    period, owner, superuser_focal_point, secretariat
):
    update = submitted(superuser_focal_point, period, owner)
    update.approve(by=secretariat)
    period_status = PeriodStatus.objects.get(line=update.line, period=period)
    with pytest.raises(OwnWork):
        period_status.confirm(by=superuser_focal_point)
    assert PeriodStatus.objects.get(pk=period_status.pk).confirmed_at is None


# Through the pages


@pytest.mark.parametrize("decision", ["approve", "return"])
def test_the_decision_on_ones_own_update_is_refused_with_the_reason(
    client, period, owner, officer_and_focal_point, decision
):
    update = submitted(officer_and_focal_point, period, owner)
    before = trail(update)
    client.force_login(officer_and_focal_point)
    response = review(client, update, decision)
    assert f"2.8.1 TEST-OWNER: {OWN_UPDATE}" in messages_of(response)
    assert trail(update) == before


def test_a_superuser_who_is_a_focal_point_is_refused_the_decision_on_their_own_update(
    client, period, owner, superuser_focal_point
):
    update = submitted(superuser_focal_point, period, owner)
    before = trail(update)
    client.force_login(superuser_focal_point)
    response = review(client, update, "approve")
    assert f"2.8.1 TEST-OWNER: {OWN_UPDATE}" in messages_of(response)
    assert trail(update) == before


def test_confirming_the_status_of_ones_own_line_is_refused_with_the_reason(
    client, period, owner, officer_and_focal_point, secretariat
):
    update = submitted(officer_and_focal_point, period, owner)
    update.approve(by=secretariat)
    period_status = PeriodStatus.objects.get(line=update.line, period=period)
    history = period_status.history.count()
    client.force_login(officer_and_focal_point)
    response = client.post(
        reverse("commitments:period-status", args=[update.line_id, period.pk]),
        {"status": update.status_id, "reason": ""},
        follow=True,
    )
    assert f"2.8.1: {OWN_LINE}" in messages_of(response)
    period_status.refresh_from_db()
    assert period_status.confirmed_at is None and period_status.history.count() == history


def test_the_update_page_offers_the_decision_to_another_officer_only(
    client, period, owner, officer_and_focal_point, secretariat
):
    update = submitted(officer_and_focal_point, period, owner)
    client.force_login(officer_and_focal_point)
    page = client.get(update.get_absolute_url()).content.decode()
    assert review_form_of(update) not in page and OWN_NOTE in page
    client.force_login(secretariat)
    page = client.get(update.get_absolute_url()).content.decode()
    assert review_form_of(update) in page and OWN_NOTE not in page


def test_the_review_queue_shows_ones_own_update_without_its_buttons(
    client, period, owner, other_owner, officer_and_focal_point, other_focal_point
):
    mine = submitted(officer_and_focal_point, period, owner, "2.8.1")
    theirs = submitted(other_focal_point, period, other_owner, "2.8.2")
    client.force_login(officer_and_focal_point)
    response = client.get(reverse("commitments:review-queue"))
    page = response.content.decode()
    assert [update.pk for update in response.context["queue"]] == [mine.pk, theirs.pk]
    assert review_form_of(mine) not in page and review_form_of(theirs) in page
    assert f'name="updates" value="{mine.pk}"' not in page
    assert f'name="updates" value="{theirs.pk}"' in page
    assert page.count(OWN_NOTE) == 1


def test_the_review_queue_offers_to_confirm_only_the_lines_of_other_officers(
    client, period, owner, other_owner, officer_and_focal_point, other_focal_point, secretariat
):
    mine = submitted(officer_and_focal_point, period, owner, "2.8.1")
    theirs = submitted(other_focal_point, period, other_owner, "2.8.2")
    for update in (mine, theirs):
        update.approve(by=secretariat)
    client.force_login(officer_and_focal_point)
    page = client.get(reverse("commitments:review-queue")).content.decode()
    assert reverse("commitments:period-status", args=[mine.line_id, period.pk]) not in page
    assert reverse("commitments:period-status", args=[theirs.line_id, period.pk]) in page
    assert page.count(OWN_LINE) == 1
    status_page = client.get(reverse("commitments:period-status", args=[mine.line_id, period.pk]))
    assert OWN_LINE in status_page.content.decode() and b'name="reason"' not in status_page.content


def test_bulk_approval_approves_the_others_and_refuses_ones_own_update(
    client, period, owner, other_owner, officer_and_focal_point, other_focal_point
):
    mine = submitted(officer_and_focal_point, period, owner, "2.8.1")
    theirs = submitted(other_focal_point, period, other_owner, "2.8.2")
    client.force_login(officer_and_focal_point)
    response = client.post(
        reverse("commitments:review-bulk"),
        {"decision": "approve", "updates": [mine.pk, theirs.pk]},
        follow=True,
    )
    assert messages_of(response) == [f"2.8.1 TEST-OWNER: {OWN_UPDATE}", "1 update decided."]
    assert StatusUpdate.objects.get(pk=mine.pk).state == "submitted"
    assert StatusUpdate.objects.get(pk=theirs.pk).state == "approved"


# Not around the rule through the admin


def test_the_admin_cannot_confirm_a_period_status_or_name_who_confirmed_it(
    client, officer_and_focal_point, period, owner
):
    update = submitted(officer_and_focal_point, period, owner)
    period_status = PeriodStatus.objects.create(line=update.line, period=period)
    client.force_login(officer_and_focal_point)

    add = client.get(reverse("admin:commitments_periodstatus_add"))
    change = client.get(reverse("admin:commitments_periodstatus_change", args=[period_status.pk]))

    assert add.status_code == 403
    assert 'name="status"' not in change.content.decode()
    assert 'name="confirmed_by"' not in change.content.decode()


def test_the_admin_cannot_rewrite_a_submitted_update(client, administrator, focal_point, period, owner):
    update = submitted(focal_point, period, owner)
    client.force_login(administrator)

    page = client.get(reverse("admin:commitments_statusupdate_change", args=[update.pk])).content.decode()

    assert 'name="narrative_en"' not in page and 'name="status"' not in page
