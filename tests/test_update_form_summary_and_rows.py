"""The update form on its own, without JavaScript: an error summary that links to each wrong field
and takes the focus, blank rows not marked as required, and a button for one more activity row."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from commitments.models import Activity

from . import test_reporting
from .test_reporting import edit, form_data

draft = test_reporting.draft  # a fixture: a focal point's draft update

pytestmark = pytest.mark.django_db


def summary_links(html: str) -> list[tuple[str, str]]:
    section = re.search(r'<section id="errors".*?</section>', html, re.S)
    return re.findall(r'<li><a href="#([^"]+)"[^>]*>([^<]+)</a>', section.group(0)) if section else []


def test_a_refused_update_starts_with_a_summary_linking_to_each_wrong_field(client, draft, focal_point):
    client.force_login(focal_point)
    response = edit(
        client, draft, status="", submit="",
        **{"activities-1-title_en": "Workshop", "activities-1-date": "2026-13-40", "evidence-0-link": "nope"},
    )  # fmt: skip
    html = response.content.decode()
    links = summary_links(html)
    assert [target for target, _message in links] == [
        "id_status", "id_activities-1-kind", "id_activities-1-date",
        "id_evidence-0-link", "id_evidence-0-link", "evidence-0-row",
    ]  # fmt: skip
    assert links[2][1] == "Activity 2: Date: Enter a valid date."
    assert links[5][1] == "Evidence 1: Give the evidence a title in English or Chinese."
    assert all(f'id="{target}"' in html for target, _message in links)  # each link leads to a field
    assert html.index('id="errors"') < html.index('<form method="post" enctype')
    assert re.search(r'<a href="#id_status" autofocus>', html)  # the focus starts on the first error
    assert not Activity.objects.exists()


def test_an_update_without_errors_shows_no_error_summary(client, draft, focal_point):
    client.force_login(focal_point)
    response = client.get(reverse("commitments:update-edit", args=[draft.pk]))
    assert 'id="errors"' not in response.content.decode()


def test_the_error_summary_is_in_chinese_for_a_chinese_interface(client, draft, focal_point):
    client.force_login(focal_point)
    client.cookies["django_language"] = "zh-hans"
    response = edit(client, draft, **{"activities-0-title_en": "Workshop", "activities-0-date": "2026-13-40"})
    assert response.status_code == 200
    with translation.override("zh-hans"):
        invalid_date = translation.gettext("Enter a valid date.")
    assert invalid_date != "Enter a valid date."
    messages = [message for _target, message in summary_links(response.content.decode())]
    assert len(messages) == 2 and messages[1].endswith(invalid_date)


def test_blank_activity_and_evidence_rows_do_not_mark_their_fields_as_required(client, draft, focal_point):
    client.force_login(focal_point)
    html = client.get(reverse("commitments:update-edit", args=[draft.pk])).content.decode()
    blank_row = re.search(r'id="activities-0-row">.*?</div>\s*</div>', html, re.S).group(0)
    assert 'id="id_activities-0-date"' in blank_row
    assert "*</span>" not in blank_row


def test_a_saved_activity_row_marks_its_required_fields(client, draft, focal_point):
    Activity.objects.create(update=draft, date="2026-03-01", title_en="Dialogue", kind="meeting")
    client.force_login(focal_point)
    html = client.get(reverse("commitments:update-edit", args=[draft.pk])).content.decode()
    saved_row = re.search(r'id="activities-0-row">.*?</div>\s*</div>', html, re.S).group(0)
    assert "*</span>" in saved_row


def test_adding_an_activity_row_shows_one_more_blank_row_and_keeps_what_was_typed(client, draft, focal_point):
    client.force_login(focal_point)
    typed = form_data(
        draft, add_activity="", narrative_en="Typed, not yet saved",
        **{"activities-0-title_en": "Workshop", "activities-0-kind": "training",
           "activities-0-date": "2026-05-12"},
    )  # fmt: skip
    del typed["save"]
    response = client.post(reverse("commitments:update-edit", args=[draft.pk]), typed)
    assert response.status_code == 200
    editor = response.context["editor"]
    assert len(editor.activities.forms) == 3
    html = response.content.decode()
    assert 'id="id_activities-2-title_en"' in html and 'name="activities-TOTAL_FORMS" value="3"' in html
    assert "Typed, not yet saved" in html and 'value="Workshop"' in html
    assert 'id="errors"' not in html
    draft.refresh_from_db()
    assert draft.narrative_en == "" and not Activity.objects.exists()  # nothing was saved


def test_the_form_has_a_button_to_add_an_activity_row(client, draft, focal_point):
    client.force_login(focal_point)
    html = client.get(reverse("commitments:update-edit", args=[draft.pk])).content.decode()
    assert (
        '<button type="submit" name="add_activity" class="secondary">Add another activity row</button>'
        in html
    )
