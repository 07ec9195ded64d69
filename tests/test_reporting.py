"""A focal point reports: my lines, the update form with activities and evidence, conflicts."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commitments.models import Activity, Evidence, Fund, Status, StatusUpdate

from .conftest import line, make_update, own
from .test_uploads import HTML, WINDOWS_EXECUTABLE, make_docx, make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(period, owner, focal_point):
    transport = line("poa-2026-2030", "2.8.1")
    own(transport, owner)
    return make_update(transport, period, owner, focal_point)


def form_data(update, **overrides) -> dict:
    """What the browser posts for an update with no activity or evidence rows filled in."""
    return {
        "version": update.version, "status": Status.objects.get(code="ongoing").pk,
        "narrative_en": "The 2026 ATM+China meeting adopted the work plan.", "narrative_zh": "",
        "activities-TOTAL_FORMS": 2, "activities-INITIAL_FORMS": 0,
        "evidence-TOTAL_FORMS": 2, "evidence-INITIAL_FORMS": 0, "save": "",
    } | overrides  # fmt: skip


def edit(client, update, **overrides):
    return client.post(reverse("commitments:update-edit", args=[update.pk]), form_data(update, **overrides))


def test_my_lines_lists_the_lines_my_organisation_owns_with_this_periods_state(client, draft, focal_point):
    own(line("poa-2026-2030", "2.8.2"), draft.organisation, role="supporting")
    client.force_login(focal_point)
    response = client.get(reverse("commitments:my-lines"))
    rows = [(o.line.code, update.state if update else None) for o, _, update in response.context["rows"]]
    assert rows == [("2.8.1", "draft"), ("2.8.2", None)]
    assert "2 updates are still due." in response.content.decode()


def test_my_lines_says_when_i_am_nobodys_focal_point(client, reader):
    client.force_login(reader)
    assert (
        "You are not a focal point of any organisation yet."
        in client.get(reverse("commitments:my-lines")).content.decode()
    )


def test_a_focal_point_starts_an_update_from_a_line_they_own(client, period, owner, focal_point):
    ownership = own(line("poa-2026-2030", "2.8.3"), owner)
    client.force_login(focal_point)
    response = client.post(reverse("commitments:update-start", args=[ownership.pk]))
    update = StatusUpdate.objects.get(line=ownership.line, period=period, organisation=owner)
    assert response.url == reverse("commitments:update-edit", args=[update.pk])
    assert update.state == "draft" and update.author == focal_point


def test_no_update_starts_when_no_period_is_open(client, plan_2026, owner, focal_point):
    ownership = own(line("poa-2026-2030", "2.8.3"), owner)
    client.force_login(focal_point)
    response = client.post(reverse("commitments:update-start", args=[ownership.pk]), follow=True)
    assert "No reporting period of this plan is open for updates." in response.content.decode()
    assert not StatusUpdate.objects.exists()


def test_an_update_is_saved_with_its_activities_and_evidence_files_and_links(
    client, draft, focal_point, evidence_root
):
    client.force_login(focal_point)
    response = edit(
        client,
        draft,
        **{
            "activities-0-date": "2026-03-03",
            "activities-0-title_en": "ATM+China meeting",
            "activities-0-kind": "meeting",
            "activities-0-place_en": "Hanoi",
            "activities-0-organisers": "Viet Nam, China",
            "evidence-0-title_en": "Joint statement",
            "evidence-0-date": "2026-03-04",
            "evidence-0-upload": SimpleUploadedFile("joint statement.pdf", make_pdf(), "application/pdf"),
            "evidence-1-title_en": "Work plan",
            "evidence-1-upload": SimpleUploadedFile("plan.docx", make_docx()),
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.narrative_en.startswith("The 2026 ATM+China meeting") and draft.version == 2
    assert [(a.title_en, a.place_en, a.kind) for a in draft.activities.all()] == [
        ("ATM+China meeting", "Hanoi", "meeting")
    ]
    pdf, docx = draft.evidence.order_by("title_en")
    assert (pdf.original_name, pdf.content_type, pdf.size) == (
        "joint statement.pdf",
        "application/pdf",
        len(make_pdf()),
    )
    assert pdf.file.name.startswith("evidence/") and "joint" not in pdf.file.name
    assert (evidence_root / pdf.file.name).read_bytes() == make_pdf()
    assert docx.original_name == "plan.docx"


def test_evidence_is_downloaded_under_its_original_name_by_a_reader(
    client, draft, focal_point, reader, evidence_root
):
    client.force_login(focal_point)
    edit(
        client,
        draft,
        **{
            "evidence-0-title_en": "Minutes",
            "evidence-0-upload": SimpleUploadedFile("../../etc/minutes\u202e.pdf", make_pdf()),
        },
    )
    evidence = Evidence.objects.get()
    assert evidence.original_name == "minutes.pdf"
    client.force_login(reader)
    response = client.get(reverse("commitments:evidence-download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="minutes.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == make_pdf()


@pytest.mark.parametrize(
    "name, content, message",
    [
        (
            "report.pdf",
            HTML,
            "Only PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX), OpenDocument text (ODT), PNG and JPEG "
            "files can be uploaded.",
        ),
        ("setup.pdf", WINDOWS_EXECUTABLE, "Only PDF, Word (DOCX)"),
        ("report.docx", make_pdf(), "but its name ends in .docx"),
    ],
)
def test_a_refused_file_leaves_a_clear_error_and_saves_nothing(
    client, draft, focal_point, name, content, message
):
    client.force_login(focal_point)
    response = edit(
        client,
        draft,
        narrative_en="Changed",
        **{
            "activities-0-date": "2026-03-03",
            "activities-0-title_en": "Meeting",
            "activities-0-kind": "meeting",
            "evidence-0-title_en": "Report",
            "evidence-0-upload": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 200
    errors = response.context["editor"].evidence.forms[0].errors["upload"]
    assert message in errors[0]
    draft.refresh_from_db()
    assert draft.narrative_en == "" and draft.version == 1
    assert not Activity.objects.exists() and not Evidence.objects.exists()


def test_an_oversized_file_is_refused_with_the_limit(client, draft, focal_point, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    client.force_login(focal_point)
    big = make_pdf() + b" " * 2048
    response = edit(
        client,
        draft,
        **{"evidence-0-title_en": "Big", "evidence-0-upload": SimpleUploadedFile("big.pdf", big)},
    )
    assert response.context["editor"].evidence.forms[0].errors["upload"] == ["The file is larger than 1 KB."]


def test_the_update_form_stores_an_activitys_chinese_title_and_place_its_fund_and_amount(
    client, draft, focal_point
):
    accf = Fund.objects.get(acronym="ACCF")
    client.force_login(focal_point)
    response = edit(
        client,
        draft,
        **{
            "activities-0-title_en": "Workshop on smart ports", "activities-0-title_zh": "智慧港口研讨会",
            "activities-0-place_en": "Nanning", "activities-0-place_zh": "南宁",
            "activities-0-kind": "training", "activities-0-date": "2026-05-12",
            "activities-0-fund": accf.pk, "activities-0-amount_usd": "120000",
            "evidence-0-title_zh": "研讨会纪要", "evidence-0-link": "https://example.org/summary",
        },
    )  # fmt: skip
    assert response.status_code == 302
    activity = draft.activities.get()
    assert (activity.title_en, activity.title_zh, activity.place_en, activity.place_zh) == (
        "Workshop on smart ports", "智慧港口研讨会", "Nanning", "南宁",
    )  # fmt: skip
    assert (activity.fund, activity.amount_usd) == (accf, Decimal("120000.00"))
    assert draft.evidence.get().title_zh == "研讨会纪要"


def test_the_update_form_refuses_an_amount_without_a_fund_and_saves_nothing(client, draft, focal_point):
    client.force_login(focal_point)
    response = edit(
        client,
        draft,
        narrative_en="Changed",
        **{
            "activities-0-title_en": "Workshop", "activities-0-kind": "training",
            "activities-0-date": "2026-05-12", "activities-0-amount_usd": "5000",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["editor"].activities.forms[0].non_field_errors() == [
        "Name the fund that provides the amount."
    ]
    assert "Name the fund that provides the amount." in response.content.decode()
    draft.refresh_from_db()
    assert draft.narrative_en == "" and draft.version == 1 and not Activity.objects.exists()


def test_an_activity_or_evidence_needs_a_title_in_one_language_or_the_other(client, draft, focal_point):
    client.force_login(focal_point)
    response = edit(
        client,
        draft,
        **{
            "activities-0-kind": "meeting", "activities-0-date": "2026-05-12",
            "evidence-0-link": "https://example.org/minutes",
        },
    )  # fmt: skip
    editor = response.context["editor"]
    assert editor.activities.forms[0].non_field_errors() == [
        "Give the activity a title in English or Chinese."
    ]
    assert editor.evidence.forms[0].non_field_errors() == ["Give the evidence a title in English or Chinese."]
    assert not Activity.objects.exists() and not Evidence.objects.exists()


def test_the_update_form_offers_the_funds_by_name_in_the_interface_language(client, draft, focal_point):
    client.force_login(focal_point)
    url = reverse("commitments:update-edit", args=[draft.pk])
    assert ">ASEAN–China Cooperation Fund</option>" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    page = client.get(url).content.decode()
    assert ">中国—东盟合作基金</option>" in page and "标题（中文）" in page and "金额（美元）" in page


def test_a_chinese_only_activity_is_shown_in_english_marked_not_yet_translated_with_its_fund_and_amount(
    client, draft, focal_point
):
    Activity.objects.create(
        update=draft, date=datetime.date(2026, 5, 12), title_zh="智慧港口研讨会", place_zh="南宁",
        fund=Fund.objects.get(acronym="ACCF"), amount_usd=Decimal("120000"),
    )  # fmt: skip
    Evidence.objects.create(update=draft, title_zh="研讨会纪要", link="https://example.org/summary")
    client.force_login(focal_point)
    page = client.get(draft.get_absolute_url()).content.decode()
    title, marker = '<span lang="zh-Hans">智慧港口研讨会</span>', '<span class="badge untranslated">'
    assert f"{title} {marker}Not yet translated</span>" in page
    assert '<span lang="zh-Hans">南宁</span>' in page
    assert "ASEAN–China Cooperation Fund · USD 120,000" in page
    assert '<span lang="zh-Hans">研讨会纪要</span> <span class="badge untranslated">' in page


def test_an_activity_in_both_languages_is_shown_in_the_interface_language_without_a_marker(
    client, draft, focal_point
):
    Activity.objects.create(
        update=draft, date=datetime.date(2026, 5, 12), title_en="Workshop on smart ports",
        title_zh="智慧港口研讨会", fund=Fund.objects.get(acronym="ACCF"), amount_usd=Decimal("1500.5"),
    )  # fmt: skip
    client.force_login(focal_point)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    page = client.get(draft.get_absolute_url()).content.decode()
    assert '<span lang="zh-Hans">智慧港口研讨会</span>' in page and "Workshop on smart ports" not in page
    assert "中国—东盟合作基金 · 1500.50美元" in page
    assert "badge untranslated" not in page


def test_evidence_needs_a_file_or_a_link(client, draft, focal_point):
    client.force_login(focal_point)
    response = edit(client, draft, **{"evidence-0-title_en": "Photos"})
    assert response.context["editor"].evidence.forms[0].errors["link"] == ["Upload a file or give a link."]


def test_errors_are_in_chinese_for_a_chinese_interface(client, draft, focal_point):
    client.force_login(focal_point)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    response = edit(client, draft, status="", submit="", **{"activities-0-title_zh": "会议"})
    editor = response.context["editor"]
    assert editor.form.errors["status"] == ["提交前请选择进展状态。"]
    assert editor.activities.forms[0].errors["date"] == ["这个字段是必填项。"]


def test_submitting_sends_the_update_for_review_and_locks_it(client, draft, focal_point):
    client.force_login(focal_point)
    response = edit(client, draft, submit="")
    draft.refresh_from_db()
    assert draft.state == "submitted"
    assert response.url == draft.get_absolute_url()
    response = client.get(reverse("commitments:update-edit", args=[draft.pk]), follow=True)
    assert "This update can no longer be edited." in response.content.decode()


def test_submitting_a_delayed_update_without_a_reason_is_refused_on_the_reason_field(
    client, draft, focal_point
):
    client.force_login(focal_point)
    response = edit(client, draft, status=Status.objects.get(code="delayed").pk, submit="")
    assert response.status_code == 200
    assert response.context["editor"].form.errors == {
        "reason_en": ["Say why the line is delayed, in English or Chinese, before submitting."]
    }
    draft.refresh_from_db()
    assert (draft.state, draft.status, draft.version) == ("draft", None, 1)
    assert not draft.transitions.exists()


def test_a_delayed_draft_is_saved_without_a_reason_which_only_submitting_needs(client, draft, focal_point):
    client.force_login(focal_point)
    edit(client, draft, status=Status.objects.get(code="delayed").pk)
    draft.refresh_from_db()
    assert (draft.state, draft.status.code, draft.reason_en) == ("draft", "delayed", "")


def test_a_delayed_update_with_a_reason_only_in_chinese_is_submitted_with_it(client, draft, focal_point):
    client.force_login(focal_point)
    delayed = Status.objects.get(code="delayed").pk
    response = edit(client, draft, status=delayed, reason_zh="东道国需要更多筹备时间。", submit="")
    assert response.url == draft.get_absolute_url()
    draft.refresh_from_db()
    assert (draft.state, draft.reason_en, draft.reason_zh) == ("submitted", "", "东道国需要更多筹备时间。")


def test_a_status_an_administrator_flags_as_needing_a_reason_needs_one_in_the_form(
    client, draft, focal_point
):
    Status.objects.filter(code="ongoing").update(needs_reason=True)
    client.force_login(focal_point)
    response = edit(client, draft, submit="")
    assert response.context["editor"].form.errors["reason_en"] == [
        "Say why the line is ongoing, in English or Chinese, before submitting."
    ]
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_the_update_page_shows_the_reason_in_each_language_given(client, draft, focal_point, reader):
    draft.status = Status.objects.get(code="discontinued")
    draft.narrative_en = "Both sides agreed not to pursue the follow-up activities."
    draft.reason_en, draft.reason_zh = "Funding could not be secured.", "未能落实资金。"
    draft.save()
    draft.submit(by=focal_point)
    client.force_login(reader)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Reason for the delay (English)" in page and "<p>Funding could not be secured.</p>" in page
    assert "Reason for the delay (Chinese)" in page and "<p>未能落实资金。</p>" in page


def test_the_update_page_has_no_reason_section_when_none_was_given(client, draft, reader):
    client.force_login(reader)
    assert "Reason for the delay" not in client.get(draft.get_absolute_url()).content.decode()


def test_a_second_edit_of_the_same_version_is_refused_and_shows_the_authors_text_back(
    client, draft, focal_point
):
    client.force_login(focal_point)
    stale = form_data(draft, narrative_en="My text, typed while someone else saved.")
    edit(client, draft, narrative_en="The other person's text.")
    response = client.post(reverse("commitments:update-edit", args=[draft.pk]), stale)
    html = response.content.decode()
    assert "Someone else saved this update while you were editing it" in html
    assert "My text, typed while someone else saved." in html  # still in the form
    assert "The other person&#x27;s text." in html  # what is saved now
    draft.refresh_from_db()
    assert draft.narrative_en == "The other person's text."
    # The form now carries the saved version: saving again is a deliberate choice.
    assert response.context["editor"].form.data["version"] == draft.version


def test_withdrawn_evidence_stays_in_the_history(client, draft, focal_point):
    evidence = Evidence.objects.create(update=draft, title_en="Old link", link="https://example.org/old")
    client.force_login(focal_point)
    edit(client, draft, withdraw=[evidence.pk])
    evidence.refresh_from_db()
    assert evidence.is_withdrawn and evidence.withdrawn_by == focal_point
    assert [record.withdrawn_at is None for record in evidence.history.order_by("history_id")] == [
        True,
        False,
    ]


def test_a_returned_update_shows_the_comment_and_can_be_resubmitted(client, draft, focal_point, secretariat):
    draft.status, draft.narrative_en = Status.objects.get(code="ongoing"), "The meeting was held."
    draft.save()
    draft.submit(by=focal_point)
    draft.return_for_changes(by=secretariat, comment="Please add the meeting's date.")
    client.force_login(focal_point)
    assert (
        "Please add the meeting&#x27;s date."
        in client.get(reverse("commitments:update-edit", args=[draft.pk])).content.decode()
    )
    edit(client, StatusUpdate.objects.get(pk=draft.pk), submit="")
    assert [t.to_state for t in draft.transitions.all()] == ["submitted", "returned", "submitted"]
