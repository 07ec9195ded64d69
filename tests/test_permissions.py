"""The permission matrix: every role against every page and action, GET and POST.

Allowed means the page answers 200, or the action redirects and has its effect; refused means
403 for a signed-in user and the login page for an anonymous visitor, and no effect at all.
"""

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from commitments.models import Evidence, Ownership, PeriodStatus, Plan, ReportingPeriod, Status, StatusUpdate

from .conftest import line, make_period, make_update, own
from .test_uploads import make_pdf

pytestmark = pytest.mark.django_db

CAST = ["administrator", "secretariat", "focal_point", "other_focal_point", "reader", "anonymous"]
READERS = {"administrator", "secretariat", "focal_point", "other_focal_point", "reader"}
SECRETARIAT = {"administrator", "secretariat"}
OWNER = {"focal_point"}


@pytest.fixture
def world(plan_2026, period, owner, other_owner, focal_point, other_focal_point, secretariat, evidence_root):
    ongoing = Status.objects.get(code="ongoing")
    reported, submitted_line, unreported, approved_line = (
        line("poa-2026-2030", code) for code in ("2.8.1", "2.8.2", "2.8.3", "2.8.5")
    )
    for owned in (reported, submitted_line, unreported, approved_line):
        own(owned, owner)
    own(line("poa-2026-2030", "1.1.1"), other_owner)
    draft = make_update(reported, period, owner, focal_point, status=ongoing, narrative_en="First draft.")
    submitted = make_update(submitted_line, period, owner, focal_point, status=ongoing, narrative_en="Held.")
    submitted.submit(by=focal_point)
    approved = make_update(approved_line, period, owner, focal_point, status=ongoing, narrative_en="Done.")
    approved.submit(by=focal_point)
    approved.approve(by=secretariat)
    evidence = Evidence(
        update=approved, title_en="Minutes", original_name="minutes.pdf", content_type="application/pdf"
    )
    evidence.file.save("evidence/2026/minutes-test.pdf", ContentFile(make_pdf()), save=True)
    suggestion = Ownership.objects.create(
        line=line("poa-2026-2030", "2.8.4"), organisation=other_owner, state=Ownership.State.SUGGESTED
    )
    closed = make_period(Plan.objects.get(code="poa-2021-2025"), label="2024–2025", is_open=False)
    return SimpleNamespace(
        draft=draft, submitted=submitted, unreported=unreported, approved=approved, evidence=evidence,
        suggestion=suggestion, period=period, closed=closed, owner=owner, other_owner=other_owner,
        ongoing=ongoing, plan=plan_2026,
    )  # fmt: skip


@dataclass
class Action:
    name: str
    url: Callable
    allowed: set
    data: Callable = lambda w: {}
    done: Callable | None = None  # for a POST: whether the action took effect


PAGES = [
    Action("register", lambda w: reverse("commitments:register"), READERS),
    Action("register export", lambda w: reverse("commitments:register-export", args=["xlsx"]), READERS),
    Action("dashboard", lambda w: reverse("commitments:dashboard"), READERS),
    Action("progress report page", lambda w: reverse("commitments:report"), READERS),
    Action("plan list", lambda w: reverse("commitments:plan-list"), READERS),
    Action("plan page", lambda w: reverse("commitments:plan-detail", args=[w.plan.code]), READERS),
    Action("line page", lambda w: w.draft.line.get_absolute_url(), READERS),
    Action("my lines", lambda w: reverse("commitments:my-lines"), READERS),
    Action("update page", lambda w: w.draft.get_absolute_url(), READERS),
    Action(
        "evidence download", lambda w: reverse("commitments:evidence-download", args=[w.evidence.pk]), READERS
    ),
    Action("update form", lambda w: reverse("commitments:update-edit", args=[w.draft.pk]), OWNER),
    Action("review queue", lambda w: reverse("commitments:review-queue"), SECRETARIAT),
    Action("owner suggestions", lambda w: reverse("commitments:owner-suggestions"), SECRETARIAT),
    Action(
        "reporting periods", lambda w: reverse("commitments:period-list", args=[w.plan.code]), SECRETARIAT
    ),
    Action("period form", lambda w: reverse("commitments:period-edit", args=[w.period.pk]), SECRETARIAT),
    Action(
        "period status form",
        lambda w: reverse("commitments:period-status", args=[w.approved.line_id, w.period.pk]),
        SECRETARIAT,
    ),
]


def state_of(update: StatusUpdate) -> str:
    return StatusUpdate.objects.get(pk=update.pk).state


ACTIONS = [
    Action(
        "start an update",
        lambda w: reverse("commitments:update-start", args=[w.unreported.ownerships.get().pk]),
        OWNER,
        done=lambda w: StatusUpdate.objects.filter(line=w.unreported).exists(),
    ),
    Action(
        "edit an update",
        lambda w: reverse("commitments:update-edit", args=[w.draft.pk]),
        OWNER,
        data=lambda w: {
            "version": w.draft.version,
            "status": w.ongoing.pk,
            "narrative_en": "Second draft.",
            "narrative_zh": "",
            "activities-TOTAL_FORMS": 0,
            "activities-INITIAL_FORMS": 0,
            "evidence-TOTAL_FORMS": 0,
            "evidence-INITIAL_FORMS": 0,
            "save": "",
        },  # fmt: skip
        done=lambda w: StatusUpdate.objects.get(pk=w.draft.pk).narrative_en == "Second draft.",
    ),
    Action(
        "approve an update",
        lambda w: reverse("commitments:update-review", args=[w.submitted.pk]),
        SECRETARIAT,
        data=lambda w: {"decision": "approve", "version": w.submitted.version, "comment": ""},
        done=lambda w: state_of(w.submitted) == "approved",
    ),
    Action(
        "return an update",
        lambda w: reverse("commitments:update-review", args=[w.submitted.pk]),
        SECRETARIAT,
        data=lambda w: {"decision": "return", "version": w.submitted.version, "comment": "Add the date."},
        done=lambda w: state_of(w.submitted) == "returned",
    ),
    Action(
        "approve several updates",
        lambda w: reverse("commitments:review-bulk"),
        SECRETARIAT,
        data=lambda w: {"decision": "approve", "updates": [w.submitted.pk], "comment": ""},
        done=lambda w: state_of(w.submitted) == "approved",
    ),
    Action(
        "confirm a period status",
        lambda w: reverse("commitments:period-status", args=[w.approved.line_id, w.period.pk]),
        SECRETARIAT,
        data=lambda w: {"status": w.ongoing.pk, "reason": ""},
        done=lambda w: PeriodStatus.objects.confirmed().filter(line=w.approved.line_id).exists(),
    ),
    Action(
        "add an owner",
        lambda w: reverse("commitments:owner-add", args=[w.unreported.pk]),
        SECRETARIAT,
        data=lambda w: {"organisation": w.other_owner.acronym, "role": "supporting"},
        done=lambda w: w.unreported.ownerships.confirmed().filter(organisation=w.other_owner).exists(),
    ),
    Action(
        "confirm a suggested owner",
        lambda w: reverse("commitments:ownership-confirm", args=[w.suggestion.pk]),
        SECRETARIAT,
        data=lambda w: {"role": "lead"},
        done=lambda w: Ownership.objects.get(pk=w.suggestion.pk).state == "confirmed",
    ),
    Action(
        "reject a suggested owner",
        lambda w: reverse("commitments:ownership-reject", args=[w.suggestion.pk]),
        SECRETARIAT,
        done=lambda w: Ownership.objects.get(pk=w.suggestion.pk).state == "rejected",
    ),
    Action(
        "create a period",
        lambda w: reverse("commitments:period-list", args=[w.plan.code]),
        SECRETARIAT,
        data=lambda w: {
            "label": "2027–2028",
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
            "deadline": "2027-11-30",
        },  # fmt: skip
        done=lambda w: ReportingPeriod.objects.filter(label="2027–2028").exists(),
    ),
    Action(
        "set a period's data cut-off",
        lambda w: reverse("commitments:period-edit", args=[w.period.pk]),
        SECRETARIAT,
        data=lambda w: {
            "label": w.period.label,
            "starts_on": w.period.starts_on.isoformat(),
            "ends_on": w.period.ends_on.isoformat(),
            "deadline": w.period.deadline.isoformat(),
            "cutoff_on": "2026-11-15",
        },  # fmt: skip
        done=lambda w: str(ReportingPeriod.objects.get(pk=w.period.pk).cutoff_on) == "2026-11-15",
    ),
    Action(
        "close a period",
        lambda w: reverse("commitments:period-close", args=[w.period.pk]),
        SECRETARIAT,
        done=lambda w: not ReportingPeriod.objects.get(pk=w.period.pk).is_open,
    ),
    Action(
        "open a period",
        lambda w: reverse("commitments:period-open", args=[w.closed.pk]),
        SECRETARIAT,
        done=lambda w: ReportingPeriod.objects.get(pk=w.closed.pk).is_open,
    ),
]


def sign_in(client, role: str, request):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))


def assert_refused(response, role: str):
    if role == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_each_role_sees_only_the_pages_it_may(client, world, request, role, page):
    sign_in(client, role, request)
    response = client.get(page.url(world))
    if role in page.allowed:
        assert response.status_code == 200
    else:
        assert_refused(response, role)


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.name)
def test_each_role_can_post_only_the_actions_it_may(client, world, request, role, action):
    sign_in(client, role, request)
    response = client.post(action.url(world), action.data(world))
    if role in action.allowed:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert action.done(world)
    else:
        assert_refused(response, role)
        assert not action.done(world)


# These are forms on a page of their own, which a GET shows.
WITH_A_PAGE = {"edit an update", "confirm a period status", "create a period", "set a period's data cut-off"}
POST_ONLY = [action for action in ACTIONS if action.name not in WITH_A_PAGE]


@pytest.mark.parametrize("action", POST_ONLY, ids=lambda action: action.name)
def test_an_action_cannot_be_taken_by_a_get_request(client, world, administrator, action):
    client.force_login(administrator)
    assert client.get(action.url(world)).status_code == 405
    assert not action.done(world)


def test_a_user_with_no_role_reads_nothing(client, world, django_user_model):
    client.force_login(
        django_user_model.objects.create_user("nobody", "nobody@example.org", "pw-Nobody-2026")
    )
    response = client.get(reverse("commitments:plan-list"))
    assert response.status_code == 403
    assert "does not have the role" in response.content.decode()


def test_a_focal_point_cannot_edit_an_update_once_their_organisation_no_longer_owns_the_line(
    client, world, focal_point, secretariat
):
    world.draft.line.ownerships.get(organisation=world.owner).reject(by=secretariat)
    client.force_login(focal_point)
    assert client.get(reverse("commitments:update-edit", args=[world.draft.pk])).status_code == 403


def test_withdrawn_evidence_is_downloaded_only_by_the_secretariat(client, world, reader, secretariat):
    world.evidence.withdraw(by=secretariat)
    url = reverse("commitments:evidence-download", args=[world.evidence.pk])
    client.force_login(reader)
    assert client.get(url).status_code == 403
    client.force_login(secretariat)
    assert client.get(url).status_code == 200


def test_the_admin_lets_the_secretariat_change_owners_but_never_delete(client, world, secretariat):
    client.force_login(secretariat)
    ownership = world.suggestion
    assert client.get(reverse("admin:commitments_ownership_change", args=[ownership.pk])).status_code == 200
    assert (
        client.post(
            reverse("admin:commitments_ownership_delete", args=[ownership.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Ownership.objects.filter(pk=ownership.pk).exists()
    status = Status.objects.get(code="delayed")
    response = client.post(reverse("admin:commitments_status_change", args=[status.pk]), {"label_en": "Late"})
    assert response.status_code == 403
    assert Status.objects.get(pk=status.pk).label_en == "Delayed"


@pytest.mark.parametrize("role", ["focal_point", "other_focal_point", "reader"])
def test_the_admin_is_closed_to_focal_points_and_reviewers(client, world, request, role):
    sign_in(client, role, request)
    response = client.get(reverse("admin:commitments_statusupdate_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_an_administrator_edits_statuses_in_the_admin(client, world, administrator):
    client.force_login(administrator)
    status = Status.objects.get(code="delayed")
    response = client.post(
        reverse("admin:commitments_status_change", args=[status.pk]),
        {
            "code": "delayed",
            "label_en": "Behind schedule",
            "label_zh": "进度滞后",
            "colour": "#b82e40",
            "order": 50,
        },  # fmt: skip
    )
    assert response.status_code == 302
    assert Status.objects.get(pk=status.pk).label_en == "Behind schedule"


def test_a_status_colour_must_be_a_colour(client, world, administrator):
    client.force_login(administrator)
    status = Status.objects.get(code="delayed")
    response = client.post(
        reverse("admin:commitments_status_change", args=[status.pk]),
        {"code": "delayed", "label_en": "Delayed", "label_zh": "延迟", "colour": "red;x:y", "order": 50},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"colour": ["Give a colour as # and six hex digits."]}
    assert Status.objects.get(pk=status.pk).colour == "#b82e40"
