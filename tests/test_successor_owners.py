"""The owners of an earlier line are proposed as owners of the lines that continue it, once the link
between them is confirmed; the secretariat decides on the Owner suggestions page."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from commitments.models import LineLink, Ownership

from .conftest import line, own

pytestmark = pytest.mark.django_db

NEW, OLD, ANNEX = "poa-2026-2030", "poa-2021-2025", "csp-poa-2022-2025"
DECIDE = "/continuity/decide/"
SUGGESTIONS = "/owners/suggestions/"
State, Role = Ownership.State, Ownership.Role


def suggest(old_plan: str, old: str, new: str) -> LineLink:
    return LineLink.objects.create(predecessor=line(old_plan, old), successor=line(NEW, new), score=0.5)


def ownership(code: str, organisation) -> Ownership | None:
    return Ownership.objects.filter(line=line(NEW, code), organisation=organisation).first()


def propose(*args: str) -> str:
    output = StringIO()
    call_command("propose_owners", *args, stdout=output)
    return output.getvalue()


@pytest.fixture
def health(owner, other_owner):
    """3.1.1 of 2021–2025 (health ministers), owned by two bodies, one confirmed and one suggested,
    and suggested as continued by 3.1.1 of 2026–2030."""
    own(line(OLD, "3.1.1"), owner, role=Role.LEAD)
    Ownership.objects.create(line=line(OLD, "3.1.1"), organisation=other_owner, state=State.SUGGESTED)
    return suggest(OLD, "3.1.1", "3.1.1")


def test_confirming_a_link_proposes_the_earlier_lines_confirmed_owner_for_the_later_line(
    client, secretariat, owner, other_owner, health
):
    client.force_login(secretariat)
    response = client.post(DECIDE, {"links": [health.pk], "decision": "confirm"}, follow=True)
    proposed = ownership("3.1.1", owner)
    assert (proposed.state, proposed.role) == (State.SUGGESTED, Role.LEAD)
    assert proposed.proposed_from == health.predecessor
    assert proposed.history.get().history_change_reason == "proposed from poa-2021-2025:3.1.1"
    assert ownership("3.1.1", other_owner) is None  # only a suggestion on the earlier line: not carried
    page = response.content.decode()
    assert "1 link confirmed." in page and "1 owner of the earlier lines proposed for the later ones" in page


def test_rejecting_a_link_proposes_nobody(client, secretariat, owner, health):
    client.force_login(secretariat)
    client.post(DECIDE, {"links": [health.pk], "decision": "reject"})
    assert ownership("3.1.1", owner) is None


@pytest.mark.parametrize("state", [State.REJECTED, State.CONFIRMED, State.SUGGESTED])
def test_a_later_line_with_an_ownership_for_the_body_in_any_state_keeps_it_as_it_is(
    secretariat, owner, health, state
):
    existing = Ownership.objects.create(
        line=line(NEW, "3.1.1"), organisation=owner, role=Role.SUPPORTING, state=state
    )
    health.confirm(by=secretariat)
    kept = ownership("3.1.1", owner)
    assert (kept.pk, kept.state, kept.role, kept.proposed_from) == (existing.pk, state, Role.SUPPORTING, None)
    assert kept.history.count() == 1


def test_proposing_again_changes_nothing_and_says_so(secretariat, owner, health):
    health.confirm(by=secretariat)
    before = list(Ownership.objects.values_list("pk", "state", "role"))
    assert propose().startswith("0 owners proposed, 1 already owners of the later line (in any state)")
    assert list(Ownership.objects.values_list("pk", "state", "role")) == before


def test_the_command_proposes_the_owners_an_earlier_line_gained_after_its_link_was_confirmed(
    secretariat, owner, other_owner, health
):
    health.confirm(by=secretariat)
    Ownership.objects.get(line=line(OLD, "3.1.1"), organisation=other_owner).confirm(by=secretariat)
    assert propose("--plan", NEW).startswith("1 owners proposed, 1 already owners")
    assert ownership("3.1.1", other_owner).state == State.SUGGESTED


def test_the_command_proposes_only_through_confirmed_links(owner, health):
    assert propose().startswith("0 owners proposed, 0 already")
    assert ownership("3.1.1", owner) is None


def test_the_command_names_an_unknown_plan(db):
    with pytest.raises(CommandError, match="No plan with code poa-1999"):
        propose("--plan", "poa-1999")


def test_a_body_owning_two_lines_a_line_merges_is_proposed_once_as_lead_of_one(secretariat, owner):
    own(line(OLD, "2.8.1"), owner, role=Role.SUPPORTING)
    own(line(ANNEX, "3.20"), owner, role=Role.LEAD)
    links = [suggest(OLD, "2.8.1", "2.8.4"), suggest(ANNEX, "3.20", "2.8.4")]
    LineLink.objects.filter(pk__in=[link.pk for link in links]).decide("confirm", by=secretariat)
    proposed = ownership("2.8.4", owner)
    assert (proposed.role, proposed.proposed_from) == (Role.LEAD, line(ANNEX, "3.20"))
    assert proposed.history.get().history_change_reason == "proposed from csp-poa-2022-2025:3.20 (+1 more)"


def test_a_lead_is_proposed_as_supporting_where_the_later_line_has_a_confirmed_lead(
    secretariat, owner, other_owner, health
):
    own(line(NEW, "3.1.1"), other_owner, role=Role.LEAD)
    health.confirm(by=secretariat)
    assert ownership("3.1.1", owner).role == Role.SUPPORTING


def test_an_officer_linking_two_lines_proposes_the_owners_too_and_is_told(client, secretariat, owner):
    own(line(ANNEX, "3.6"), owner)
    client.force_login(secretariat)
    values = {"earlier_code": "3.6", "later_code": "2.3.5"}
    values |= {"earlier_plan": line(ANNEX, "3.6").plan_id, "later_plan": line(NEW, "2.3.5").plan_id}
    page = client.post("/continuity/link/", values, follow=True).content.decode()
    assert ownership("2.3.5", owner).proposed_from == line(ANNEX, "3.6")
    assert "1 owner of the earlier lines proposed for the later ones" in page


def test_a_proposed_owner_shows_in_the_later_lines_history_without_the_earlier_lines_id(
    client, reader, secretariat, owner, health
):
    health.confirm(by=secretariat)
    client.force_login(reader)
    page = client.get(line(NEW, "3.1.1").get_absolute_url()).content.decode()
    history = page.split('<section class="history">', 1)[1]
    assert owner.acronym in history and "proposed from" not in history


def test_the_owner_suggestions_page_says_which_earlier_line_a_proposal_comes_from(
    client, secretariat, owner, health
):
    health.confirm(by=secretariat)
    client.force_login(secretariat)
    page = client.get(SUGGESTIONS, {"organisation": owner.acronym}).content.decode()
    earlier = line(OLD, "3.1.1")
    assert f'Owner of <a href="{earlier.get_absolute_url()}">Plan of Action 2021–2025 3.1.1</a>' in page


def test_confirming_links_costs_the_same_queries_for_two_links_as_for_six(
    client, secretariat, owner, other_owner, django_assert_num_queries
):
    pairs = [("2.8.1", "2.8.1"), ("3.1.1", "3.1.1"), ("11.1", "6.1"), ("2.12", "2.13.1"), ("2.4.2", "2.12.4"),
             ("2.8.2", "2.8.2")]  # fmt: skip
    links = []
    for old, new in pairs:
        own(line(OLD, old), owner)
        own(line(OLD, old), other_owner, role=Role.SUPPORTING)
        links.append(suggest(OLD, old, new))
    client.force_login(secretariat)
    client.get(SUGGESTIONS)  # the session and the user, loaded once
    with django_assert_num_queries(19) as two:
        client.post(DECIDE, {"links": [link.pk for link in links[:2]], "decision": "confirm"})
    with django_assert_num_queries(len(two.captured_queries)):
        client.post(DECIDE, {"links": [link.pk for link in links[2:]], "decision": "confirm"})
    assert Ownership.objects.suggested().filter(proposed_from__isnull=False).count() == 12
