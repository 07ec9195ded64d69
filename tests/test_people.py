"""People and organisations without the admin: the secretariat invites, gives roles and organisations,
deactivates (never deletes), and adds and edits organisations; every change is recorded."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.urls import reverse

from commitments.models import Organisation, Person, PersonChange, Role

from .conftest import make_organisation, make_user

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "reader", "focal_point", "other_focal_point", "secretariat", "administrator"]
MANAGERS = {"secretariat", "administrator"}
NEW_PASSWORD = "a-longer-passphrase-2026"


@pytest.fixture
def cast(administrator, reader, focal_point, other_focal_point, secretariat):
    return {
        "anonymous": None, "reader": reader, "focal_point": focal_point,
        "other_focal_point": other_focal_point, "secretariat": secretariat, "administrator": administrator,
    }  # fmt: skip


@pytest.fixture
def newcomer(owner):
    """A focal point of the owning organisation, whom nobody in the cast is."""
    user = make_user("newcomer", "Focal point")
    owner.focal_points.add(user)
    return Person.objects.get(pk=user.pk)


def as_(client, user):
    if user is not None:
        client.force_login(user)
    return client


def refused(response) -> bool:
    """403 for a signed-in user without the right; the log-in page for an anonymous visitor."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url.startswith(reverse("login"))
    )


def invite(client, email="new.person@example.org", roles=("Focal point",), organisations=(), **extra):
    data = {"email": email, "roles": list(roles), "organisations": [o.pk for o in organisations]}
    return client.post(reverse("commitments:person-invite"), data | extra)


def invitation_link(message) -> str:
    return re.search(r"http://testserver-site(/reset/\S+/)", message.body).group(1)


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = "http://testserver-site"


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


# Who may do what, each member of the cast, POST and GET


@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_and_administrators_invite(
    client, cast, role, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(as_(client, cast[role]), organisations=[owner])
    invited = get_user_model().objects.filter(email="new.person@example.org")
    if role in MANAGERS:
        assert response.status_code == 302 and invited.exists() and len(mail.outbox) == 1
    else:
        assert refused(response) and not invited.exists() and not mail.outbox


@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_and_administrators_change_roles_and_organisations(
    client, cast, role, newcomer, other_owner
):
    data = {"roles": ["Reviewer"], "organisations": [other_owner.pk]}
    response = as_(client, cast[role]).post(reverse("commitments:person-edit", args=[newcomer.pk]), data)
    if role in MANAGERS:
        assert response.status_code == 302
        assert newcomer.roles == ["Reviewer"] and list(newcomer.organisations.all()) == [other_owner]
    else:
        assert refused(response)
        assert newcomer.roles == ["Focal point"] and newcomer.organisations.get().acronym == "TEST-OWNER"


@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_and_administrators_deactivate(client, cast, role, newcomer):
    response = as_(client, cast[role]).post(reverse("commitments:person-deactivate", args=[newcomer.pk]))
    newcomer.refresh_from_db()
    assert newcomer.is_active is (role not in MANAGERS)
    assert (response.status_code == 302 and not refused(response)) if role in MANAGERS else refused(response)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_and_administrators_reactivate(client, cast, role, newcomer, secretariat):
    newcomer.deactivate(by=make_user("officer-2", "Secretariat officer"))
    response = as_(client, cast[role]).post(reverse("commitments:person-reactivate", args=[newcomer.pk]))
    newcomer.refresh_from_db()
    assert newcomer.is_active is (role in MANAGERS)
    if role not in MANAGERS:
        assert refused(response)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_and_administrators_send_an_invitation_again(
    client, cast, role, owner, django_capture_on_commit_callbacks
):
    invited = Person.objects.invite(
        email="late@example.org",
        roles=["Reviewer"],
        organisations=[],
        by=make_user("o2", "Secretariat officer"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = as_(client, cast[role]).post(reverse("commitments:person-reinvite", args=[invited.pk]))
    assert len(mail.outbox) == (1 if role in MANAGERS else 0)
    if role not in MANAGERS:
        assert refused(response)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_and_administrators_add_organisations(client, cast, role):
    data = {"acronym": "NEW-BODY", "name_en": "New body", "name_zh": "新机构", "kind": "mechanism"}
    response = as_(client, cast[role]).post(reverse("commitments:organisation-add"), data)
    assert Organisation.objects.filter(acronym="NEW-BODY").exists() is (role in MANAGERS)
    if role not in MANAGERS:
        assert refused(response)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_and_administrators_edit_organisations(client, cast, role, other_owner):
    data = {"acronym": "TEST-OTHER", "name_en": "Renamed body", "name_zh": "改名机构", "kind": "asean-body"}
    response = as_(client, cast[role]).post(
        reverse("commitments:organisation-edit", args=[other_owner.pk]), data
    )
    other_owner.refresh_from_db()
    assert (other_owner.name_en == "Renamed body") is (role in MANAGERS)
    if role not in MANAGERS:
        assert refused(response)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_and_administrators_see_the_lists(client, cast, role):
    for name in ("person-list", "organisation-list", "person-invite", "organisation-add"):
        response = as_(client, cast[role]).get(reverse(f"commitments:{name}"))
        assert response.status_code == 200 if role in MANAGERS else refused(response)


def test_getting_the_forms_changes_nothing(client, secretariat, newcomer, other_owner):
    client.force_login(secretariat)
    for name, args in [("person-edit", [newcomer.pk]), ("organisation-edit", [other_owner.pk])]:
        assert client.get(reverse(f"commitments:{name}", args=args)).status_code == 200
    assert client.get(reverse("commitments:person-invite")).status_code == 200
    assert not PersonChange.objects.exists() and other_owner.history.count() == 1


def test_reactivating_and_inviting_again_are_posted_only(client, secretariat, newcomer):
    client.force_login(secretariat)
    for name in ("person-reactivate", "person-reinvite"):
        assert client.get(reverse(f"commitments:{name}", args=[newcomer.pk])).status_code == 405


# Deactivation


def test_deactivating_asks_for_confirmation_first_and_changes_nothing(client, secretariat, newcomer):
    client.force_login(secretariat)
    page = client.get(reverse("commitments:person-deactivate", args=[newcomer.pk]))
    assert page.status_code == 200 and "Yes, deactivate" in page.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.is_active and not newcomer.changes.exists()


def test_deactivating_keeps_the_account_and_records_who_did_it(client, secretariat, newcomer):
    client.force_login(secretariat)
    client.post(reverse("commitments:person-deactivate", args=[newcomer.pk]))
    newcomer.refresh_from_db()
    assert not newcomer.is_active
    change = newcomer.changes.get()
    assert (change.action, change.by) == (PersonChange.Action.DEACTIVATED, secretariat)
    page = client.get(reverse("commitments:person-edit", args=[newcomer.pk])).content.decode()
    assert "deactivated" in page and "secretariat" in page


def test_a_deactivated_person_cannot_log_in(client, secretariat, newcomer):
    newcomer.deactivate(by=secretariat)
    log_in(client, "newcomer", "pw-Tracker-2026")
    assert "_auth_user_id" not in client.session


def test_a_person_with_a_record_cannot_be_deleted(secretariat, newcomer):
    from django.db.models import ProtectedError

    newcomer.deactivate(by=secretariat)
    with pytest.raises(ProtectedError):
        newcomer.delete()


# Separation of duties


@pytest.mark.parametrize("who", ["secretariat", "administrator"])
def test_nobody_deactivates_or_changes_their_own_account(client, cast, who):
    user = cast[who]
    client.force_login(user)
    assert client.post(reverse("commitments:person-deactivate", args=[user.pk])).status_code == 403
    assert client.post(reverse("commitments:person-edit", args=[user.pk]), {"roles": []}).status_code == 403
    user.refresh_from_db()
    assert user.is_active


def test_a_secretariat_officer_cannot_invite_an_administrator_or_an_officer(client, secretariat):
    client.force_login(secretariat)
    for role in ("Administrator", "Secretariat officer"):
        response = invite(client, email=f"{role[:5].lower()}@example.org", roles=[role])
        assert response.status_code == 200 and response.context["form"].errors["roles"]
    assert (
        not get_user_model().objects.filter(email__endswith="@example.org", username__contains="@").exists()
    )


def test_a_secretariat_officer_cannot_make_someone_an_officer(client, secretariat, newcomer, owner):
    client.force_login(secretariat)
    data = {"roles": ["Focal point", "Secretariat officer"], "organisations": [owner.pk]}
    response = client.post(reverse("commitments:person-edit", args=[newcomer.pk]), data)
    assert response.status_code == 200 and response.context["form"].errors["roles"]
    assert newcomer.roles == ["Focal point"]


def test_the_rule_on_the_model_refuses_it_too(secretariat, newcomer, owner):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        newcomer.assign(roles=["Administrator"], organisations=[owner], by=secretariat)
    assert "roles" in error.value.message_dict and newcomer.roles == ["Focal point"]


@pytest.mark.parametrize("role", ["Administrator", "Secretariat officer"])
def test_a_secretariat_officer_cannot_change_an_administrator_or_another_officer(client, secretariat, role):
    senior = make_user("senior", role)
    client.force_login(secretariat)
    assert client.post(reverse("commitments:person-deactivate", args=[senior.pk])).status_code == 403
    assert client.post(reverse("commitments:person-edit", args=[senior.pk]), {"roles": []}).status_code == 403
    senior.refresh_from_db()
    assert senior.is_active and senior.groups.filter(name=role).exists()
    listing = client.get(reverse("commitments:person-list")).content.decode()
    assert reverse("commitments:person-edit", args=[senior.pk]) not in listing


def test_a_secretariat_officer_cannot_deactivate_a_superuser(client, secretariat, administrator):
    client.force_login(secretariat)
    assert client.post(reverse("commitments:person-deactivate", args=[administrator.pk])).status_code == 403


def test_an_administrator_makes_a_secretariat_officer(client, administrator, newcomer):
    client.force_login(administrator)
    response = client.post(
        reverse("commitments:person-edit", args=[newcomer.pk]), {"roles": ["Secretariat officer"]}
    )
    assert response.status_code == 302 and newcomer.roles == ["Secretariat officer"]
    assert not newcomer.organisations.exists()  # none was ticked, and an officer needs none


def test_a_focal_point_needs_an_organisation(client, secretariat):
    client.force_login(secretariat)
    response = invite(client, roles=["Focal point"], organisations=[])
    assert response.status_code == 200 and response.context["form"].errors["organisations"]
    assert not get_user_model().objects.filter(email="new.person@example.org").exists()


def test_changes_keep_groups_that_are_no_roles(secretariat, newcomer, owner):
    other_group = Group.objects.create(name="Newsletter")
    newcomer.groups.add(other_group)
    newcomer.assign(roles=["Reviewer"], organisations=[], by=secretariat)
    assert set(newcomer.groups.values_list("name", flat=True)) == {"Reviewer", "Newsletter"}


# The history


def test_each_change_of_roles_and_organisations_is_recorded_with_who_and_before_and_after(
    client, secretariat, newcomer, other_owner
):
    client.force_login(secretariat)
    data = {"roles": ["Focal point", "Reviewer"], "organisations": [other_owner.pk]}
    client.post(reverse("commitments:person-edit", args=[newcomer.pk]), data)
    changes = {change.action: change for change in newcomer.changes.all()}
    assert set(changes) == {PersonChange.Action.ROLES, PersonChange.Action.ORGANISATIONS}
    assert (changes["roles"].before, changes["roles"].after) == (["Focal point"], ["Focal point", "Reviewer"])
    assert (changes["organisations"].before, changes["organisations"].after) == (
        ["TEST-OWNER"],
        ["TEST-OTHER"],
    )
    assert all(change.by == secretariat for change in changes.values())
    client.post(reverse("commitments:person-edit", args=[newcomer.pk]), data)  # the same again
    assert newcomer.changes.count() == 2


# The invitation


def test_the_invitation_link_sets_a_password_and_the_person_logs_in(
    client, secretariat, owner, site_url, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, email="Mei.Lin@Example.org", organisations=[owner])
    person = Person.objects.with_email("mei.lin@example.org").get()
    assert response.url == reverse("commitments:person-edit", args=[person.pk])
    assert person.username == "mei.lin@example.org" and not person.has_usable_password()
    assert person.roles == ["Focal point"] and list(person.organisations.all()) == [owner]
    assert person.changes.get().action == PersonChange.Action.INVITED
    (message,) = mail.outbox
    assert message.to == ["Mei.Lin@example.org"] and "\n" not in message.subject
    client.logout()
    form_page = client.get(invitation_link(message), follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.url == reverse("password_reset_complete")
    log_in(client, "mei.lin@example.org", NEW_PASSWORD)
    assert client.session["_auth_user_id"] == str(person.pk)
    again = client.get(invitation_link(message), follow=True)
    assert not again.context["validlink"]  # it works once


def test_an_expired_invitation_link_is_refused(
    client, secretariat, owner, site_url, settings, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, organisations=[owner])
    client.logout()
    later = datetime.datetime.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    page = client.get(invitation_link(mail.outbox[0]), follow=True)
    assert page.status_code == 200 and not page.context["validlink"]
    assert "it has expired" in page.content.decode()


def test_the_invitation_is_written_in_english_and_chinese_with_the_same_link(
    client, secretariat, owner, site_url, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, organisations=[owner])
    body = mail.outbox[0].body
    english, chinese = body.split("—" * 30)
    assert "Test owning body" in english and "测试牵头机构" in chinese  # each in its own language
    assert len(set(re.findall(r"/reset/\S+/", body))) == 1
    assert "[ASEAN–China tracker]" in mail.outbox[0].subject


def test_the_inviter_may_choose_chinese_only(
    client, secretariat, owner, site_url, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, organisations=[owner], language="zh-hans")
    body = mail.outbox[0].body
    assert "测试牵头机构" in body and "Test owning body" not in body and "—" * 30 not in body


def test_inviting_an_address_that_has_an_account_is_a_field_error(client, secretariat, newcomer):
    client.force_login(secretariat)
    response = invite(client, email="NEWCOMER@example.org", roles=["Reviewer"])
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "Someone with this e-mail address has an account already."
    ]
    assert get_user_model().objects.filter(email__iexact="newcomer@example.org").count() == 1


def test_a_user_name_taken_by_someone_else_gets_a_number(secretariat):
    make_user("ana@example.org", email="ana.old@example.org")
    person = Person.objects.invite(
        email="ana@example.org", roles=["Reviewer"], organisations=[], by=secretariat
    )
    assert person.username == "ana@example.org-2"


def test_an_invitation_sent_again_has_a_working_link(
    client, secretariat, site_url, django_capture_on_commit_callbacks
):
    person = Person.objects.invite(
        email="late@example.org", roles=["Reviewer"], organisations=[], by=secretariat
    )
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("commitments:person-reinvite", args=[person.pk]))
    client.logout()
    assert client.get(invitation_link(mail.outbox[0]), follow=True).context["validlink"]


# The People list


def test_the_people_list_shows_roles_organisations_activity_and_last_log_in(client, secretariat, newcomer):
    client.force_login(secretariat)
    page = client.get(reverse("commitments:person-list")).content.decode()
    assert "newcomer" in page and "Focal point" in page and "TEST-OWNER" in page and "Never" in page


def test_the_people_list_filters_by_role_organisation_and_active(
    client, secretariat, newcomer, reader, other_focal_point, owner
):
    newcomer_2 = make_user("newcomer-2", "Focal point")
    owner.focal_points.add(newcomer_2)
    Person.objects.get(pk=newcomer_2.pk).deactivate(by=secretariat)
    client.force_login(secretariat)

    def listed(**query):
        page = client.get(reverse("commitments:person-list"), query).context["page"]
        return sorted(person.username for person in page)

    assert listed(role="Reviewer") == ["reader"]
    assert listed(organisation=owner.pk) == ["newcomer", "newcomer-2"]
    assert listed(organisation=owner.pk, active="yes") == ["newcomer"]
    assert listed(active="no") == ["newcomer-2"]
    assert "secretariat" in listed(role="nonsense")  # not a choice: no filter


def test_the_people_list_is_paginated_and_keeps_its_filters(client, secretariat):
    for number in range(55):
        make_user(f"reviewer-{number:02}", "Reviewer")
    client.force_login(secretariat)
    response = client.get(reverse("commitments:person-list"), {"role": "Reviewer"})
    assert len(response.context["page"].object_list) == 50
    assert "?role=Reviewer&amp;page=2" in response.content.decode()
    second = client.get(reverse("commitments:person-list"), {"role": "Reviewer", "page": 2})
    assert len(second.context["page"].object_list) == 5


# Organisations


def test_an_organisation_added_and_edited_is_kept_in_its_history_with_who(client, secretariat):
    client.force_login(secretariat)
    data = {"acronym": "NEW-BODY", "name_en": "New body", "name_zh": "新机构", "kind": "mechanism"}
    client.post(reverse("commitments:organisation-add"), data)
    body = Organisation.objects.get(acronym="NEW-BODY")
    client.post(reverse("commitments:organisation-edit", args=[body.pk]), data | {"name_en": "Renamed body"})
    history = list(body.history.order_by("history_date"))
    assert [record.name_en for record in history] == ["New body", "Renamed body"]
    assert all(record.history_user == secretariat for record in history)


def test_the_organisations_list_filters_by_kind(client, secretariat, owner):
    make_organisation(acronym="TEST-STATE", kind=Organisation.Kind.MEMBER_STATE)
    client.force_login(secretariat)
    page = client.get(reverse("commitments:organisation-list"), {"kind": "mechanism"}).context["page"]
    assert "TEST-OWNER" in [o.acronym for o in page.paginator.object_list]
    assert all(o.kind == "mechanism" for o in page.paginator.object_list)


def test_an_acronym_taken_whatever_its_case_is_a_field_error(client, secretariat, owner):
    client.force_login(secretariat)
    data = {"acronym": "test-owner", "name_en": "Twin", "name_zh": "", "kind": "mechanism"}
    response = client.post(reverse("commitments:organisation-add"), data)
    assert response.context["form"].errors["acronym"] == ["An organisation with this acronym exists already."]
    assert Organisation.objects.with_acronym("TEST-OWNER").count() == 1


def test_a_missing_name_is_a_translated_field_error(client, secretariat):
    client.force_login(secretariat)
    client.post(reverse("set_language"), {"language": "zh-hans"})
    data = {"acronym": "NEW-BODY", "name_en": "", "name_zh": "", "kind": "mechanism"}
    response = client.post(reverse("commitments:organisation-add"), data)
    assert response.context["form"].errors["name_en"] == ["这个字段是必填项。"]


# Both languages and the menu


def test_the_pages_read_in_chinese(client, secretariat, newcomer):
    client.force_login(secretariat)
    client.post(reverse("set_language"), {"language": "zh-hans"})
    organisations = client.get(reverse("commitments:organisation-list")).content.decode()
    assert "简称" in organisations and "类型" in organisations and "东盟部门机构" in organisations
    people = client.get(reverse("commitments:person-list")).content.decode()
    assert "角色" in people and "机构" in people and 'lang="zh-hans"' in people


@pytest.mark.parametrize("role", ROLES[1:])
def test_the_menu_links_to_people_and_organisations_for_the_secretariat_only(client, cast, role):
    page = as_(client, cast[role]).get(reverse("commitments:plan-list")).content.decode()
    for name in ("person-list", "organisation-list"):
        assert (f'href="{reverse(f"commitments:{name}")}"' in page) is (role in MANAGERS)


def test_roles_are_the_groups_of_the_migrations():
    assert set(Group.objects.filter(name__in=Role.values).values_list("name", flat=True)) == set(Role.values)


def test_the_record_of_changes_is_read_only_in_the_admin(client, administrator, secretariat, newcomer):
    change = newcomer.deactivate(by=secretariat)
    client.force_login(administrator)
    assert client.get(reverse("admin:commitments_personchange_changelist")).status_code == 200
    assert client.get(reverse("admin:commitments_personchange_change", args=[change.pk])).status_code == 200
    client.post(reverse("admin:commitments_personchange_delete", args=[change.pk]), {"post": "yes"})
    assert PersonChange.objects.filter(pk=change.pk).exists()
