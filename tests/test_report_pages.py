"""The progress report page, its downloads, the secretariat's texts, finalising and withdrawing
editions, and the command."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from commitments.models import Activity, Part, ReportEdition, ReportText
from commitments.progress_report import pdf
from commitments.progress_report.build import build_report

from .conftest import generate_report, line, make_user
from .test_report_content import add_activity, reported

pytestmark = pytest.mark.django_db

PLAN = "poa-2026-2030"
CAST = ["administrator", "secretariat", "focal_point", "reader"]
OFFICERS = {"administrator", "secretariat"}
LANGUAGES = ("en", "zh")
CONFLICT = "Someone else changed this text while you were editing it."


@pytest.fixture
def confirmed(period, owner, focal_point, secretariat):
    reported(period, owner, focal_point, secretariat, {"1.1.1": "ongoing", "2.6.6": "completed"})
    return period


@pytest.fixture
def no_chromium(monkeypatch):
    """A server without Chromium: PDF is not offered."""
    monkeypatch.setattr(pdf, "chromium", lambda: None)


def generate(client, period, **params):
    values = {"plan": PLAN, "period": period.pk, "language": "en", "format": "html"} | params
    return generate_report(client, values)


def finalise(client, period, **data):
    """Finalise as an officer who ticked both boxes: the period is open and most lines unconfirmed."""
    values = {"language": "en", "understood": "on", "despite_gaps": "on"} | data
    return client.post(reverse("commitments:report-finalise", args=[period.pk]), values)


def text_url(period, section: str = "pillar-1") -> str:
    return reverse("commitments:report-text-edit", args=[period.pk, section])


def page_url(period) -> str:
    return f"{reverse('commitments:report')}?plan={PLAN}&period={period.pk}"


def sign_in(client, request, who: str):
    """Sign in as a member of the cast (tests/conftest.py); "anonymous" stays signed out."""
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))


# The page and drafts


def test_the_report_page_offers_the_plan_and_its_periods(client, reader, confirmed):
    client.force_login(reader)
    response = client.get(reverse("commitments:report"))
    assert response.status_code == 200
    assert response.context["period"] == confirmed
    html = response.content.decode()
    assert "No report of this plan has been finalised yet." in html
    assert "Finalise" not in html  # a reviewer cannot finalise


@pytest.mark.parametrize("who", CAST)
def test_the_report_page_lists_the_texts_to_edit_only_for_officers(client, request, confirmed, who):
    sign_in(client, request, who)

    html = client.get(page_url(confirmed)).content.decode()

    shown = who in OFFICERS
    assert ('id="texts"' in html) == shown
    assert (text_url(confirmed, "pillar-1") in html) == shown
    assert (text_url(confirmed, "way-forward") in html) == shown


def test_the_texts_list_says_who_edited_a_section(client, secretariat, confirmed):
    ReportText.save_edit(confirmed, "way-forward", None, text_en="We will continue.", text_zh="",
                         by=secretariat, expected_version=None)  # fmt: skip
    client.force_login(secretariat)

    texts = {text["key"]: text for text in client.get(page_url(confirmed)).context["texts"]}

    assert list(texts)[:2] == ["pillar-1", "pillar-2"] and list(texts)[-1] == "way-forward"
    assert texts["way-forward"]["edited"].edited_by == secretariat and texts["pillar-1"]["edited"] is None


def test_a_draft_is_generated_in_each_format(client, reader, confirmed):
    client.force_login(reader)
    html = generate(client, confirmed).content.decode()
    assert "<h1" in html and "2.6.6" in html
    docx = generate(client, confirmed, format="docx", language="zh")
    assert (
        docx["Content-Disposition"].startswith("attachment;")
        and "-zh-draft.docx" in docx["Content-Disposition"]
    )
    headings = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs if p.style.name == "Heading 2"]
    assert any("政治安全合作" in heading for heading in headings)
    sheet = load_workbook(io.BytesIO(generate(client, confirmed, format="xlsx").content)).active
    assert sheet.max_row >= 199


def test_a_period_of_another_plan_is_refused_with_a_clear_error(client, reader, confirmed):
    client.force_login(reader)
    response = generate(client, confirmed, plan="poa-2021-2025")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_the_report_form_offers_pdf_first_where_chromium_is_available(client, reader, confirmed, monkeypatch):
    monkeypatch.setattr(pdf, "chromium", lambda: "/usr/bin/chromium")
    client.force_login(reader)

    form = client.get(reverse("commitments:report")).context["form"]

    assert [value for value, _ in form.fields["format"].choices] == ["docx", "html", "xlsx", "pdf"]
    assert form.fields["format"].initial == "pdf"


def test_without_chromium_pdf_is_not_offered_and_asking_for_it_is_refused_with_the_form(
    client, reader, confirmed, no_chromium
):
    client.force_login(reader)

    response = generate(client, confirmed, format="pdf")

    assert response.status_code == 400
    assert "format" in response.context["form"].errors
    html = response.content.decode()
    assert "Select a valid choice" in html and "PDF is not offered" in html
    assert [value for value, _ in response.context["form"].fields["format"].choices] == [
        "docx",
        "html",
        "xlsx",
    ]


def test_a_configured_chromium_that_is_missing_is_not_offered(client, reader, confirmed, settings, tmp_path):
    settings.CHROMIUM = str(tmp_path / "no-such-chromium")
    client.force_login(reader)

    response = generate(client, confirmed, format="pdf")

    assert response.status_code == 400 and "Content-Disposition" not in response
    assert "pdf" not in dict(response.context["form"].fields["format"].choices)


def test_a_chromium_that_fails_gives_a_clear_error_and_no_file(client, reader, confirmed, settings):
    settings.CHROMIUM = "/bin/false"  # found, runs, and fails
    client.force_login(reader)

    response = generate(client, confirmed, format="pdf")

    assert response.status_code == 200 and "Content-Disposition" not in response
    build = response.context["build"]
    assert build.state == "failed" and build.failure_detail.startswith(
        "PDF could not be made: Chromium failed"
    )
    assert (
        "PDF could not be made on this server" in response.content.decode()
        and "Try again" in response.content.decode()
    )


# The secretariat's texts


@pytest.mark.parametrize("who", [*CAST, "anonymous"])
def test_only_officers_open_a_text_to_edit(client, request, confirmed, who):
    sign_in(client, request, who)

    response = client.get(text_url(confirmed))

    if who == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    else:
        assert response.status_code == (200 if who in OFFICERS else 403)


@pytest.mark.parametrize("who", [*CAST, "anonymous"])
def test_only_officers_save_a_text(client, request, confirmed, who):
    sign_in(client, request, who)

    response = client.post(
        text_url(confirmed), {"text_en": "Dialogue deepened.", "text_zh": "", "version": ""}
    )

    if who in OFFICERS:
        assert response.status_code == 302 and response.url == f"{page_url(confirmed)}#texts"
        text = ReportText.objects.get()
        assert (text.text_en, text.part.code, text.edited_by) == (
            "Dialogue deepened.", "1", request.getfixturevalue(who),
        )  # fmt: skip
    else:
        assert response.status_code == (302 if who == "anonymous" else 403)
        assert not ReportText.objects.exists()


def test_the_editor_starts_from_the_drafts_then_from_the_officers_text(client, secretariat, confirmed):
    client.force_login(secretariat)

    form = client.get(text_url(confirmed)).context["form"]

    drafts = {
        language: build_report(confirmed.plan, confirmed, language).pillars[0].draft for language in LANGUAGES
    }
    assert form["text_en"].value() == "\n\n".join(drafts["en"])
    assert form["text_zh"].value() == "\n\n".join(drafts["zh"])
    assert form["version"].value() is None

    client.post(text_url(confirmed), {"text_en": "Dialogue deepened.", "text_zh": "", "version": ""})
    form = client.get(text_url(confirmed)).context["form"]

    assert form["text_en"].value() == "Dialogue deepened."
    assert form["text_zh"].value() == "\n\n".join(drafts["zh"])  # no Chinese text yet: the draft
    assert form["version"].value() == 1


def test_the_way_forward_is_edited_without_highlights(client, secretariat, confirmed):
    client.force_login(secretariat)

    assert "highlights" not in client.get(text_url(confirmed, "way-forward")).context["form"].fields
    client.post(
        text_url(confirmed, "way-forward"), {"text_en": "We will continue.", "text_zh": "", "version": ""}
    )

    text = ReportText.objects.get()
    assert (text.section, text.part, text.text_en) == ("way-forward", None, "We will continue.")
    assert build_report(confirmed.plan, confirmed, "en").way_forward == ["We will continue."]


@pytest.mark.parametrize("section", ["summary", "pillar-", "pillar-99", "pillar-7", "way-forward-2"])
def test_a_section_the_report_does_not_have_is_not_found(client, secretariat, confirmed, section):
    # pillar-7 is a pillar of the 2021–2025 plan, not of this period's.
    assert Part.objects.filter(plan__code="poa-2021-2025", code="7").exists()
    client.force_login(secretariat)

    assert client.get(text_url(confirmed, section)).status_code == 404
    assert client.post(text_url(confirmed, section), {"text_en": "x", "version": ""}).status_code == 404
    assert not ReportText.objects.exists()


def test_a_period_that_does_not_exist_is_not_found(client, secretariat, confirmed):
    client.force_login(secretariat)

    missing = reverse("commitments:report-text-edit", args=[confirmed.pk + 100, "pillar-1"])

    assert client.get(missing).status_code == 404


def test_saving_on_a_stale_version_is_refused_and_keeps_the_typed_text(client, secretariat, confirmed):
    first = Part.objects.get(plan=confirmed.plan, code="1")
    for version, text in [(None, "Version one."), (1, "Version two.")]:
        ReportText.save_edit(
            confirmed, "pillar", first, text_en=text, text_zh="", by=secretariat, expected_version=version
        )
    client.force_login(secretariat)

    response = client.post(text_url(confirmed), {"text_en": "My typed text on pillar one.", "version": "1"})

    assert response.status_code == 409
    html = response.content.decode()
    assert CONFLICT in html and "My typed text on pillar one." in html
    assert ReportText.objects.get().text_en == "Version two."


def test_a_second_officer_starting_from_the_draft_is_refused_after_the_first_saved(
    client, secretariat, administrator, confirmed
):
    client.force_login(secretariat)
    client.post(text_url(confirmed), {"text_en": "First officer.", "version": ""})
    client.force_login(administrator)

    response = client.post(text_url(confirmed), {"text_en": "Second officer.", "version": ""})

    assert response.status_code == 409 and "Second officer." in response.content.decode()
    assert ReportText.objects.get().text_en == "First officer."


def test_the_highlights_are_saved_with_the_text(client, secretariat, confirmed):
    update = line(PLAN, "1.1.1").updates.get()
    workshop = update.activities.get()
    visit = add_activity(update, title_en="Visit")
    elsewhere = Activity.objects.get(update__line__code="2.6.6")  # pillar 2: not offered for pillar 1
    client.force_login(secretariat)

    offered = client.get(text_url(confirmed)).context["form"].fields["highlights"].queryset
    response = client.post(text_url(confirmed), {"text_en": "Text.", "version": "", "highlights": [visit.pk]})

    assert set(offered) == {workshop, visit}
    assert response.status_code == 302
    assert list(Activity.objects.highlighted()) == [visit]
    activities = build_report(confirmed.plan, confirmed, "en").activities()
    assert [activity.title.text for activity in activities if activity.is_highlight] == ["Visit"]
    refused = client.post(
        text_url(confirmed), {"text_en": "Text.", "version": "1", "highlights": [elsewhere.pk]}
    )
    assert refused.status_code == 400 and "highlights" in refused.context["form"].errors
    assert list(Activity.objects.highlighted()) == [visit]


def test_a_conflicting_save_changes_no_highlight(client, secretariat, administrator, confirmed):
    workshop = line(PLAN, "1.1.1").updates.get().activities.get()
    client.force_login(secretariat)
    client.post(text_url(confirmed), {"text_en": "First.", "version": ""})
    client.force_login(administrator)

    response = client.post(
        text_url(confirmed), {"text_en": "Stale.", "version": "", "highlights": [workshop.pk]}
    )

    assert response.status_code == 409
    assert not Activity.objects.highlighted().exists()


def test_after_a_conflict_the_officers_text_is_kept_the_other_shown_and_saving_again_replaces_it(
    client, secretariat, administrator, confirmed
):
    client.force_login(secretariat)
    client.post(text_url(confirmed), {"text_en": "The secretariat's text.", "version": ""})
    client.force_login(administrator)

    conflict = client.post(text_url(confirmed), {"text_en": "The administrator's text.", "version": ""})
    again = client.post(
        text_url(confirmed),
        {"text_en": "The administrator's text.", "version": conflict.context["form"]["version"].value()},
    )

    assert conflict.status_code == 409
    assert "The administrator&#x27;s text." in conflict.content.decode()  # what they typed, kept
    assert "The secretariat&#x27;s text." in conflict.content.decode()  # what is saved, shown
    assert again.status_code == 302
    assert ReportText.objects.get(period=confirmed, part__code="1").text_en == "The administrator's text."


def test_a_text_saved_as_drafted_keeps_following_the_data(client, secretariat, focal_point, owner, confirmed):
    client.force_login(secretariat)
    drafts = client.get(text_url(confirmed)).context["form"].initial
    client.post(
        text_url(confirmed), {"text_en": drafts["text_en"], "text_zh": drafts["text_zh"], "version": ""}
    )
    before = build_report(confirmed.plan, confirmed, "en").pillars[0].summary

    reported(confirmed, owner, focal_point, secretariat, {"1.1.2": "completed"})

    saved = ReportText.objects.get(period=confirmed, part__code="1")
    after = build_report(confirmed.plan, confirmed, "en").pillars[0]
    assert (saved.text_en, saved.text_zh) == ("", "")
    assert after.summary == after.draft != before


# Finalising and withdrawing


def test_a_secretariat_officer_finalises_an_edition_with_a_file_per_format(
    client, secretariat, confirmed, evidence_root, no_chromium
):
    confirmed.meeting_en = "the 29th ASEAN–China Summit, October 2026"
    confirmed.save()
    client.force_login(secretariat)
    response = finalise(client, confirmed)
    assert response.status_code == 303  # to the build's page: the edition is made in the background
    edition = ReportEdition.objects.get()
    assert sorted(f.format for f in edition.files.all()) == ["docx", "html", "xlsx"]
    assert edition.report.overall.counts["completed"] == 1
    assert edition.meeting == "the 29th ASEAN–China Summit, October 2026"
    build_page = client.get(response.url).content.decode()
    assert "The final edition is stored; it will not change." in build_page
    page = client.get(reverse("commitments:report"), {"plan": confirmed.plan.code, "period": confirmed.pk})
    assert "the 29th ASEAN–China Summit, October 2026" in page.content.decode()
    download = client.get(reverse("commitments:edition-download", args=[edition.pk, "docx"]))
    assert download.content == edition.file("docx").read()


def test_finalising_in_chinese_stores_the_periods_summit_in_chinese(
    client, secretariat, confirmed, evidence_root, no_chromium
):
    confirmed.meeting_en, confirmed.meeting_zh = "the 29th ASEAN–China Summit", "第29次中国—东盟领导人会议"
    confirmed.save()
    client.force_login(secretariat)

    finalise(client, confirmed, language="zh")

    assert ReportEdition.objects.get().meeting == "第29次中国—东盟领导人会议"


def test_finalising_needs_the_confirmation(client, secretariat, confirmed, evidence_root):
    client.force_login(secretariat)
    response = finalise(client, confirmed, understood="")
    assert not ReportEdition.objects.exists()
    assert "Nothing was finalised" in client.get(response.url).content.decode()


@pytest.mark.parametrize("role", ["Reviewer", "Focal point"])
def test_only_the_secretariat_finalises(client, confirmed, role, evidence_root):
    client.force_login(make_user("someone", role))
    assert finalise(client, confirmed).status_code == 403
    assert not ReportEdition.objects.exists()


def test_finalising_is_a_post(client, secretariat, confirmed):
    client.force_login(secretariat)
    assert client.get(reverse("commitments:report-finalise", args=[confirmed.pk])).status_code == 405


def test_an_administrator_withdraws_an_edition_with_a_reason_and_it_stays_listed(
    client, secretariat, administrator, confirmed, evidence_root, no_chromium
):
    client.force_login(secretariat)
    finalise(client, confirmed)
    edition = ReportEdition.objects.get()
    url = reverse("commitments:edition-withdraw", args=[edition.pk])
    assert client.post(url, {"reason": "Wrong meeting"}).status_code == 403
    client.force_login(administrator)
    client.post(url, {"reason": ""})
    edition.refresh_from_db()
    assert not edition.is_withdrawn
    client.post(url, {"reason": "Wrong meeting"})
    edition.refresh_from_db()
    assert edition.is_withdrawn and edition.withdrawal_reason == "Wrong meeting"
    page = client.get(reverse("commitments:report")).content.decode()
    assert "Withdrawn" in page and "Wrong meeting" in page


# The command


def test_the_command_writes_the_report_in_the_chosen_language_and_format(confirmed, tmp_path):
    target = tmp_path / "report.docx"
    output = io.StringIO()
    call_command("progress_report", "--plan", PLAN, "--period", "2026-2027", "--lang", "zh",
                 "--format", "docx", "-o", str(target), stdout=output)  # fmt: skip
    assert "199 lines, 2 reported" in output.getvalue()
    document = Document(str(target))
    assert any(
        "正在实施" in cell.text for table in document.tables for row in table.rows for cell in row.cells
    )


def test_the_command_names_the_periods_when_the_period_is_unknown(confirmed, tmp_path):
    with pytest.raises(CommandError, match="its periods: 2026–2027"):
        call_command("progress_report", "--plan", PLAN, "--period", "1999", "-o", str(tmp_path / "x"))
    assert not Path(tmp_path / "x").exists()


# Periods


def test_the_secretariat_sets_a_periods_data_cut_off_on_the_periods_page(client, secretariat, confirmed):
    client.force_login(secretariat)
    url = reverse("commitments:period-edit", args=[confirmed.pk])
    assert "data cut-off" in client.get(url).content.decode()
    values = {
        "label": confirmed.label, "starts_on": confirmed.starts_on.isoformat(),
        "ends_on": confirmed.ends_on.isoformat(), "deadline": confirmed.deadline.isoformat(),
    }  # fmt: skip
    assert client.post(url, values | {"cutoff_on": "2026-11-15"}).status_code == 302
    confirmed.refresh_from_db()
    assert str(confirmed.cutoff_on) == "2026-11-15" and confirmed.label == "2026–2027"
    refused = client.post(url, values | {"cutoff_on": "2020-01-01"})
    assert "The data cut-off cannot be before the period starts." in refused.content.decode()


def test_a_chinese_period_label_keeps_the_download_name_and_attachment(client, reader, confirmed):
    confirmed.label = "二〇二六年度"
    confirmed.save()
    client.force_login(reader)
    response = generate(client, confirmed, format="docx")
    assert response["Content-Disposition"].startswith("attachment; filename")
    assert "docx" in response["Content-Disposition"]


def test_a_refused_draft_still_shows_the_editions_and_the_finalise_form(
    client, secretariat, confirmed, evidence_root, no_chromium
):
    confirmed.meeting_en = "the 29th ASEAN–China Summit, October 2026"
    confirmed.save()
    client.force_login(secretariat)
    finalise(client, confirmed)
    html = generate(client, confirmed, language="xx").content.decode()
    assert "the 29th ASEAN–China Summit, October 2026" in html and "Finalise the report of" in html


@pytest.mark.parametrize("role", ["Reviewer", "Focal point", "Secretariat officer"])
def test_only_administrators_can_withdraw_even_with_an_empty_reason(client, secretariat, confirmed, role,
                                                                    evidence_root, no_chromium):  # fmt: skip
    client.force_login(secretariat)
    finalise(client, confirmed)
    client.force_login(make_user("someone", role))
    url = reverse("commitments:edition-withdraw", args=[ReportEdition.objects.get().pk])
    assert client.post(url, {"reason": ""}).status_code == 403


def test_a_period_cannot_overlap_another_and_its_changes_are_kept_in_its_history(
    client, secretariat, confirmed
):
    client.force_login(secretariat)
    create = reverse("commitments:period-list", args=[PLAN])
    overlapping = {"label": "2026–2027 bis", "starts_on": "2026-06-01", "ends_on": "2027-05-31",
                   "deadline": "2027-04-30"}  # fmt: skip
    assert "This overlaps the period 2026–2027." in client.post(create, overlapping).content.decode()
    following = overlapping | {"label": "2027", "starts_on": "2026-12-31", "ends_on": "2027-12-31"}
    assert client.post(create, following).status_code == 302  # it may start the day the other ends
    url = reverse("commitments:period-edit", args=[confirmed.pk])
    values = {"label": confirmed.label, "starts_on": "2026-01-01", "ends_on": "2026-12-31",
              "deadline": "2026-11-30", "cutoff_on": "2026-11-15"}  # fmt: skip
    client.post(url, values)
    latest = confirmed.history.latest()
    assert str(latest.cutoff_on) == "2026-11-15" and latest.history_user == secretariat
