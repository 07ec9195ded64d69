"""Every e-mail links to the page where its reader takes its action, and that page offers it to them."""

import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import resolve, reverse

from commitments import notifications

from .conftest import line, own
from .test_review import submitted_update

pytestmark = pytest.mark.django_db

SITE = "https://tracker.example.org"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


def links(message) -> list[str]:
    """The paths of the tracker's addresses in each half of ``message``, English then Chinese."""
    halves = message.body.split("—" * 30)
    assert len(halves) == 2
    return [[urlsplit(url).path for url in re.findall(rf"{re.escape(SITE)}\S+", half)] for half in halves]


def action_link(message) -> str:
    """The one address both halves give, after the line's details."""
    english, chinese = links(message)
    assert english[-1] == chinese[-1]
    return english[-1]


def test_the_submission_leads_the_secretariat_to_the_updates_page_with_its_decision(
    client, period, owner, focal_point, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    update = submitted_update("2.8.1", period, owner, focal_point)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.update_submitted(update)
    path = action_link(mailoutbox[0])
    assert resolve(path).url_name == "update-detail"
    client.force_login(secretariat)
    for language in ("en", "zh-hans"):
        client.post(reverse("set_language"), {"language": language})
        page = client.get(path)
        assert page.status_code == 200 and page.context["can_review"]
        decision = reverse("commitments:update-review", args=[update.pk])
        assert f'action="{decision}"' in page.content.decode()
        assert 'name="decision" value="approve"' in page.content.decode()


def test_a_returned_update_leads_its_author_to_its_edit_page(
    client, period, owner, focal_point, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    update = submitted_update("2.8.1", period, owner, focal_point)
    update.return_for_changes(by=secretariat, comment="Name the meeting.")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.update_returned(update, "Name the meeting.")
    path = action_link(mailoutbox[0])
    assert resolve(path).url_name == "update-edit"
    client.force_login(focal_point)
    page = client.get(path)
    assert page.status_code == 200 and page.templates[0].name == "commitments/update_form.html"
    assert 'name="submit"' in page.content.decode()


def test_an_approved_update_leads_its_author_to_the_update(
    client, period, owner, focal_point, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    update = submitted_update("2.8.1", period, owner, focal_point)
    update.approve(by=secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.update_approved(update)
    path = action_link(mailoutbox[0])
    assert path == update.get_absolute_url()
    client.force_login(focal_point)
    page = client.get(path)
    assert page.status_code == 200 and page.context["update"] == update


def test_a_reminder_leads_the_focal_point_to_my_lines_where_they_report(
    client, period, owner, focal_point, mailoutbox
):
    ownership = own(line("poa-2026-2030", "2.8.1"), owner)
    call_command("send_reminders", "--today", "2026-11-20", stdout=open("/dev/null", "w"))
    path = action_link(mailoutbox[0])
    assert path == reverse("commitments:my-lines")
    client.force_login(focal_point)
    for language in ("en", "zh-hans"):
        client.post(reverse("set_language"), {"language": language})
        page = client.get(path).content.decode()
        assert f'action="{reverse("commitments:update-start", args=[ownership.pk])}"' in page
