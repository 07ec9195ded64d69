"""What the secretariat decides about the progress report: its texts and highlights, and the final
editions, frozen content and files withdrawn only by administrators."""

import datetime
import hashlib
import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from commitments.models import Activity, EditionFile, Part, PeriodStatus, ReportEdition, ReportText
from commitments.models.reports import FrozenEdition
from commitments.models.tracking import EditConflict
from commitments.progress_report.build import build_report
from commitments.progress_report.content import ReportContent

from .conftest import line, make_period, make_user
from .test_report_content import (
    PLAN,
    add_activity,
    british,
    chinese,
    comparable,
    confirm,
    milliseconds,
    pillar_info,
    reported,
    status,
)

pytestmark = pytest.mark.django_db

SUMMIT = {"en": "the 29th ASEAN–China Summit, October 2026", "zh": "第29次中国—东盟领导人会议，2026年10月"}


def render_text(content: ReportContent) -> bytes:
    """A stand-in renderer: the counts as text, so a test can see what a file was made from."""
    return f"{content.language} {sorted(content.overall.counts.items())} {content.meeting}".encode()


RENDERERS = {"docx": render_text, "html": lambda content: b"<html>" + render_text(content)}


def finalise(plan, period, by, language: str = "en"):
    content = build_report(plan, period, language, is_final=True)
    return ReportEdition.finalise(plan, period, content, by=by, renderers=RENDERERS)


def pillar(plan, code: str = "1") -> Part:
    return Part.objects.get(plan=plan, code=code)


def save_edit(period, part, by, expected_version, text_en: str = "", text_zh: str = "") -> ReportText:
    section = ReportText.Section.PILLAR if part else ReportText.Section.WAY_FORWARD
    return ReportText.save_edit(
        period, section, part, text_en=text_en, text_zh=text_zh, by=by, expected_version=expected_version
    )


@pytest.fixture
def confirmed(period, owner, focal_point, secretariat):
    reported(period, owner, focal_point, secretariat, {"1.1.1": "ongoing", "1.1.2": "planned"})


@pytest.fixture
def following(plan_2026, period):
    period.close_for_updates()
    return make_period(
        plan_2026, label="2027–2028", starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31), deadline=datetime.date(2027, 11, 30),
    )  # fmt: skip


# The officer's texts


def test_an_officers_text_is_stored_with_its_author_and_a_new_version_each_time(
    plan_2026, period, secretariat, administrator
):
    first = save_edit(period, pillar(plan_2026), secretariat, None, " Dialogue deepened. ", "对话不断深化。")
    second = save_edit(period, pillar(plan_2026), administrator, 1, "Dialogue deepened further.")

    stored = ReportText.objects.get()
    assert stored.pk == first.pk == second.pk
    assert (stored.text_en, stored.text_zh, stored.version) == ("Dialogue deepened further.", "", 2)
    assert stored.edited_by == administrator and stored.key == "pillar-1"
    assert first.text_en == "Dialogue deepened."  # stripped


def test_an_officers_text_keeps_every_version_in_its_history(plan_2026, period, secretariat, administrator):
    save_edit(period, None, secretariat, None, "First.")
    save_edit(period, None, administrator, 1, "Second.")
    save_edit(period, None, secretariat, 2, "Third.")

    text = ReportText.objects.get()
    assert text.key == "way-forward"
    records = text.history.order_by("history_id")
    assert [(record.text_en, record.version, record.edited_by) for record in records] == [
        ("First.", 1, secretariat), ("Second.", 2, administrator), ("Third.", 3, secretariat),
    ]  # fmt: skip


def test_an_edit_on_a_stale_version_is_refused_and_changes_nothing(plan_2026, period, secretariat):
    save_edit(period, pillar(plan_2026), secretariat, None, "First.")
    save_edit(period, pillar(plan_2026), secretariat, 1, "Second.")

    with pytest.raises(EditConflict):
        save_edit(period, pillar(plan_2026), secretariat, 1, "Edited from the first.")

    stored = ReportText.objects.get()
    assert (stored.text_en, stored.version) == ("Second.", 2)


@pytest.mark.parametrize("code", ["1", None], ids=["pillar", "way-forward"])
def test_of_two_officers_starting_from_the_draft_the_second_to_save_is_refused(
    plan_2026, period, secretariat, administrator, code
):
    part = pillar(plan_2026, code) if code else None
    save_edit(period, part, secretariat, None, "The first officer's text.")

    with pytest.raises(EditConflict):
        save_edit(period, part, administrator, None, "The second officer's text.")

    assert ReportText.objects.get().text_en == "The first officer's text."


def test_an_edit_expecting_a_version_when_there_is_no_text_is_refused(plan_2026, period, secretariat):
    with pytest.raises(EditConflict):
        save_edit(period, pillar(plan_2026), secretariat, 3, "Text.")

    assert not ReportText.objects.exists()


def test_only_the_secretariat_and_administrators_edit_the_reports_texts(
    plan_2026, period, secretariat, administrator, focal_point, reader
):
    for user in (focal_point, reader, make_user("nobody")):
        with pytest.raises(PermissionDenied):
            save_edit(period, pillar(plan_2026), user, None, "Not allowed.")
    assert not ReportText.objects.exists()

    save_edit(period, pillar(plan_2026), secretariat, None, "By the secretariat.")
    save_edit(period, pillar(plan_2026), administrator, 1, "By a superuser.")
    save_edit(period, pillar(plan_2026), make_user("group-admin", "Administrator"), 2, "By an administrator.")
    assert ReportText.objects.get().version == 3


def test_a_pillar_of_another_plan_is_refused(period, secretariat):
    other = Part.objects.get(plan__code="poa-2021-2025", code="7")

    with pytest.raises(ValidationError):
        save_edit(period, other, secretariat, None, "Wrong plan.")

    assert not ReportText.objects.exists()


def test_the_roles_get_permission_to_edit_the_reports_texts():
    def may_edit(group: str) -> bool:
        return Group.objects.get(name=group).permissions.filter(codename="change_reporttext").exists()

    assert may_edit("Secretariat officer") and may_edit("Administrator")
    assert not may_edit("Focal point") and not may_edit("Reviewer")


# Highlights


def test_choosing_highlights_makes_exactly_the_chosen_activities_highlights(
    plan_2026, period, secretariat, confirmed
):
    workshop = Activity.objects.get(update__line__code="1.1.1")
    visit = add_activity(workshop.update, title_en="Visit")
    elsewhere = Activity.objects.get(update__line__code="1.1.2")
    of_the_line = Activity.objects.filter(update__line__code="1.1.1")

    assert of_the_line.choose_highlights({workshop.pk, visit.pk, elsewhere.pk}, by=secretariat) == 2
    assert set(Activity.objects.highlighted()) == {workshop, visit}  # only among the activities given

    assert of_the_line.choose_highlights({visit.pk}, by=secretariat) == 1
    assert set(Activity.objects.highlighted()) == {visit}
    assert [record.highlighted_at is None for record in workshop.history.order_by("history_id")] == [
        True, False, True,
    ]  # fmt: skip


def test_choosing_highlights_among_some_activities_leaves_the_others_alone(
    plan_2026, period, secretariat, confirmed
):
    elsewhere = Activity.objects.get(update__line__code="1.1.2")
    Activity.objects.all().choose_highlights({elsewhere.pk}, by=secretariat)

    Activity.objects.filter(update__line__code="1.1.1").choose_highlights(set(), by=secretariat)

    assert list(Activity.objects.highlighted()) == [elsewhere]


def test_only_the_secretariat_and_administrators_choose_highlights(
    plan_2026, period, secretariat, administrator, focal_point, reader, confirmed
):
    ids = set(Activity.objects.values_list("pk", flat=True))

    for user in (focal_point, reader):
        with pytest.raises(PermissionDenied):
            Activity.objects.all().choose_highlights(ids, by=user)
    assert not Activity.objects.highlighted().exists()

    assert Activity.objects.all().choose_highlights(ids, by=administrator) == 2
    assert Activity.objects.all().choose_highlights(set(), by=make_user("group-admin", "Administrator")) == 2


# Finalising


def test_finalising_stores_the_content_and_a_file_per_format(
    plan_2026, period, secretariat, confirmed, evidence_root
):
    edition = finalise(plan_2026, period, secretariat)

    edition.refresh_from_db()
    report = edition.report
    assert report.is_final
    assert report.overall.counts["ongoing"] == 1 and report.overall.counts["planned"] == 1
    assert (edition.plan, edition.period, edition.language, edition.finalised_by) == (
        plan_2026, period, "en", secretariat,
    )  # fmt: skip
    assert milliseconds(edition.as_of) == report.as_of  # JSON keeps milliseconds
    assert sorted(file.format for file in edition.files.all()) == ["docx", "html"]
    docx = edition.file("docx")
    data = docx.read()
    assert data == render_text(report)
    assert (docx.size, docx.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert (evidence_root / docx.file.name).exists()
    assert docx.file_name == "poa-2026-2030-2026-2027-en.docx"


def test_finalising_stores_the_periods_summit_in_the_editions_language(
    plan_2026, period, secretariat, administrator, confirmed, evidence_root
):
    without_summit = finalise(plan_2026, period, secretariat)
    assert without_summit.meeting == ""
    without_summit.withdraw(by=administrator, reason="The Summit was not set yet.")

    period.meeting_en, period.meeting_zh = SUMMIT["en"], SUMMIT["zh"]
    period.save()

    for language in ("en", "zh"):
        edition = ReportEdition.objects.get(pk=finalise(plan_2026, period, secretariat, language).pk)
        assert edition.meeting == edition.report.meeting == SUMMIT[language]
        assert edition.file("docx").read().decode().endswith(SUMMIT[language])


def test_an_edition_stores_the_officers_text_and_later_edits_do_not_change_it(
    plan_2026, period, owner, focal_point, secretariat, confirmed, evidence_root
):
    save_edit(period, pillar(plan_2026), secretariat, None, "Dialogue deepened.\n\nTwo meetings.", "对话。")
    save_edit(period, None, secretariat, None, "We will continue.")
    edition = finalise(plan_2026, period, secretariat)
    chinese = finalise(plan_2026, period, secretariat, "zh")

    save_edit(period, pillar(plan_2026), secretariat, 1, "Rewritten after the edition.")
    reported(period, owner, focal_point, secretariat, {"1.1.3": "completed"})

    stored = ReportEdition.objects.get(pk=edition.pk).report
    assert pillar_info(stored, "1").summary == ["Dialogue deepened.", "Two meetings."]
    assert pillar_info(stored, "1").summary_edited and stored.way_forward == ["We will continue."]
    assert pillar_info(ReportEdition.objects.get(pk=chinese.pk).report, "1").summary == ["对话。"]
    now = pillar_info(build_report(plan_2026, period, "en"), "1")
    assert now.summary == ["Rewritten after the edition."]
    assert now.draft != pillar_info(stored, "1").draft


def test_a_final_edition_has_no_changes_since_final(plan_2026, period, secretariat, confirmed, evidence_root):
    finalise(plan_2026, period, secretariat)
    confirm(line(PLAN, "1.1.1"), period, "completed", secretariat, reason="Finished")

    # A draft in Chinese would list the change since the English edition; the final one does not.
    assert finalise(plan_2026, period, secretariat, language="zh").report.changes_since_final == []


def test_later_edits_to_updates_and_statuses_do_not_change_an_edition(
    plan_2026, period, owner, focal_point, secretariat, confirmed, evidence_root
):
    edition = ReportEdition.objects.get(pk=finalise(plan_2026, period, secretariat).pk)
    content, files = edition.content, {file.format: file.read() for file in edition.files.all()}

    PeriodStatus.objects.get(line=line(PLAN, "1.1.1"), period=period).confirm(
        by=secretariat, status=status("completed"), reason="Done"
    )
    reported(period, owner, focal_point, secretariat, {"2.1.1": "delayed"})
    update = line(PLAN, "1.1.2").updates.get()
    update.narrative_en = "Changed later."
    update.save()

    edition = ReportEdition.objects.get(pk=edition.pk)
    assert edition.content == content
    assert {file.format: file.read() for file in edition.files.all()} == files
    assert build_report(plan_2026, period, "en").overall.counts["completed"] == 1


def test_an_edition_refuses_to_be_changed_or_deleted(
    plan_2026, period, secretariat, confirmed, evidence_root
):
    edition = finalise(plan_2026, period, secretariat)

    edition.content = {"tampered": True}
    with pytest.raises(FrozenEdition):
        edition.save()
    with pytest.raises(FrozenEdition):
        edition.save(update_fields=["content"])
    with pytest.raises(FrozenEdition):
        edition.delete()
    with pytest.raises(FrozenEdition):
        edition.file("docx").save()
    with pytest.raises(FrozenEdition):
        edition.file("docx").delete()
    assert ReportEdition.objects.get(pk=edition.pk).content != {"tampered": True}


def test_a_failing_renderer_leaves_no_edition_and_no_file(
    plan_2026, period, secretariat, confirmed, evidence_root
):
    def broken(content):
        raise RuntimeError("renderer failed")

    with pytest.raises(RuntimeError):
        ReportEdition.finalise(
            plan_2026,
            period,
            build_report(plan_2026, period, "en", is_final=True),
            by=secretariat,
            renderers=RENDERERS | {"xlsx": broken},
        )

    assert not ReportEdition.objects.exists() and not EditionFile.objects.exists()
    assert [path for path in evidence_root.rglob("*") if path.is_file()] == []


def test_only_the_secretariat_or_administrators_finalise(
    plan_2026, period, secretariat, administrator, focal_point, reader, confirmed, evidence_root
):
    for user in (focal_point, reader):
        with pytest.raises(PermissionDenied):
            finalise(plan_2026, period, user)
    assert finalise(plan_2026, period, administrator).finalised_by == administrator
    group_admin = make_user("group-admin", "Administrator")
    assert finalise(plan_2026, period, group_admin, language="zh").finalised_by == group_admin
    assert ReportEdition.objects.count() == 2


# Withdrawing


def test_an_administrator_withdraws_an_edition_with_a_reason_and_it_stays_listed(
    plan_2026, period, secretariat, administrator, confirmed, evidence_root
):
    edition = finalise(plan_2026, period, secretariat)

    edition.withdraw(by=administrator, reason="Wrong meeting")

    edition.refresh_from_db()
    assert edition.is_withdrawn and edition.withdrawn_by == administrator
    assert edition.withdrawal_reason == "Wrong meeting"
    assert list(ReportEdition.objects.for_period(period)) == [edition]
    assert not ReportEdition.objects.not_withdrawn().exists()
    assert list(ReportEdition.objects.withdrawn()) == [edition]
    assert edition.file("docx").read()  # the files stay
    assert [record.withdrawn_at is None for record in edition.history.order_by("history_date")] == [
        True,
        False,
    ]


def test_a_member_of_the_administrator_group_may_withdraw(
    plan_2026, period, secretariat, confirmed, evidence_root
):
    edition = finalise(plan_2026, period, secretariat)

    edition.withdraw(by=make_user("group-admin", "Administrator"), reason="Superseded")

    assert edition.is_withdrawn


def test_the_secretariat_and_others_cannot_withdraw(
    plan_2026, period, secretariat, focal_point, reader, confirmed, evidence_root
):
    edition = finalise(plan_2026, period, secretariat)

    for user in (secretariat, focal_point, reader):
        with pytest.raises(PermissionDenied):
            edition.withdraw(by=user, reason="No")
    assert not ReportEdition.objects.get(pk=edition.pk).is_withdrawn


def test_withdrawing_needs_a_reason_and_happens_once(
    plan_2026, period, secretariat, administrator, confirmed, evidence_root
):
    edition = finalise(plan_2026, period, secretariat)

    with pytest.raises(ValidationError) as refused:
        edition.withdraw(by=administrator, reason="  ")
    assert "withdrawal_reason" in refused.value.message_dict
    edition.withdraw(by=administrator, reason="Superseded")
    with pytest.raises(ValidationError):
        edition.withdraw(by=administrator, reason="Again")


def test_editions_list_latest_first_with_their_files_in_few_queries(
    plan_2026, period, secretariat, administrator, confirmed, evidence_root, django_assert_max_num_queries
):
    first = finalise(plan_2026, period, secretariat)
    second = finalise(plan_2026, period, secretariat, language="zh")
    for language in ("en", "zh", "en"):
        edition = ReportEdition.objects.not_withdrawn().for_period(period).in_language(language).get()
        edition.withdraw(by=administrator, reason="Finalised again.")
        finalise(plan_2026, period, secretariat, language)

    with django_assert_max_num_queries(2):
        editions = list(ReportEdition.objects.for_period(period).with_files().latest_first())
        names = [(edition.period.label, edition.file("docx").file_name) for edition in editions]

    assert editions[-2:] == [second, first]
    assert len(names) == 5


def test_the_roles_get_permissions_on_editions():
    readers = [Group.objects.get(name=name) for name in ("Reviewer", "Focal point", "Secretariat officer")]
    for group in readers:
        assert group.permissions.filter(codename="view_reportedition").exists()
    assert (
        Group.objects.get(name="Secretariat officer")
        .permissions.filter(codename="add_reportedition")
        .exists()
    )
    assert not Group.objects.get(name="Reviewer").permissions.filter(codename="add_reportedition").exists()
    assert (
        Group.objects.get(name="Administrator").permissions.filter(codename="change_reportedition").exists()
    )


# Comparison


def test_the_next_periods_report_compares_against_the_last_finalised_edition(
    plan_2026, period, following, secretariat, administrator, confirmed, evidence_root
):
    edition = finalise(plan_2026, period, secretariat)
    chinese_edition = finalise(plan_2026, period, secretariat, "zh")
    # After the edition, a third line is confirmed for the earlier period: the edition does not see it.
    confirm(line(PLAN, "2.1.1"), period, "ongoing", secretariat)
    confirm(line(PLAN, "1.1.2"), following, "completed", secretariat)

    content = build_report(plan_2026, following, "en")

    assert content.compared_with == f"the final report for 2026–2027 of {british(edition.finalised_at)}"
    in_chinese = build_report(plan_2026, following, "zh").compared_with
    assert in_chinese == f"{chinese(chinese_edition.finalised_at)}定稿的2026—2027报告"
    assert content.overall.previous_counts["ongoing"] == 1  # the edition's count, not today's 2
    assert content.overall.delta("planned") == -1
    assert content.overall.delta("completed") == 1
    assert [info.code for info in content.lines() if info.completed_in_period] == ["1.1.2"]


def test_a_withdrawn_edition_is_not_compared_with(
    plan_2026, period, following, secretariat, administrator, confirmed, evidence_root
):
    finalise(plan_2026, period, secretariat).withdraw(by=administrator, reason="Wrong figures")

    content = build_report(plan_2026, following, "en")

    assert content.compared_with.startswith("the figures for 2026–2027 as of ")


def test_without_an_edition_in_its_language_a_report_compares_with_the_other_languages(
    plan_2026, period, following, secretariat, confirmed, evidence_root
):
    finalise(plan_2026, period, secretariat, language="zh")
    confirm(line(PLAN, "1.1.1"), period, "completed", secretariat, reason="Finished")  # after the edition

    english, chinese = (build_report(plan_2026, following, language) for language in ("en", "zh"))

    # Both compare with the one final edition, so both state the same change.
    assert english.compared_with.startswith("the final report for 2026–2027 of ")
    assert english.overall.previous_counts == chinese.overall.previous_counts
    assert (
        english.overall.previous_counts["ongoing"] == 1 and english.overall.previous_counts["completed"] == 0
    )


def test_an_edition_of_an_older_content_schema_is_not_compared_with(
    plan_2026, period, following, secretariat, administrator, confirmed, evidence_root
):
    current = finalise(plan_2026, period, secretariat)
    content = dict(current.content)
    content.pop("schema")
    # The way an edition finalised before the schema existed was stored: stored as such, since an
    # edition is never changed, and it takes the place of the current one, withdrawn first.
    current.withdraw(by=administrator, reason="Replaced by the older schema's edition")
    ReportEdition.objects.create(
        plan=plan_2026, period=period, language="en", as_of=current.as_of, content=content,
        finalised_by=secretariat, finalised_at=current.finalised_at + datetime.timedelta(seconds=1),
    )  # fmt: skip
    confirm(line(PLAN, "1.1.1"), period, "completed", secretariat, reason="Finished")

    assert build_report(plan_2026, following, "en").compared_with.startswith("the figures for 2026–2027")
    assert build_report(plan_2026, period, "en").changes_since_final == []


def test_a_draft_after_finalisation_lists_what_changed_since(
    plan_2026, period, owner, focal_point, secretariat, confirmed, evidence_root
):
    finalise(plan_2026, period, secretariat)
    PeriodStatus.objects.get(line=line(PLAN, "1.1.1"), period=period).confirm(
        by=secretariat, status=status("completed"), reason="Finished"
    )
    reported(period, owner, focal_point, secretariat, {"2.1.1": "delayed"})

    draft = build_report(plan_2026, period, "en")
    chinese = build_report(plan_2026, period, "zh")

    assert draft.changes_since_final == ["1.1.1: Ongoing → Completed", "2.1.1: no report received → Delayed"]
    # Without a Chinese edition, the English one is what changed since.
    assert chinese.changes_since_final == ["1.1.1：正在实施 → 已完成", "2.1.1：未收到报告 → 延迟"]
    finalise(plan_2026, period, secretariat, language="zh")
    assert build_report(plan_2026, period, "zh").changes_since_final == []


def test_a_draft_lists_a_line_whose_confirmation_was_withdrawn_with_the_owners_status(
    plan_2026, period, secretariat, confirmed, evidence_root
):
    PeriodStatus.objects.get(line=line(PLAN, "1.1.2"), period=period).confirm(
        by=secretariat, status=status("ongoing"), reason="Work has started."
    )
    finalise(plan_2026, period, secretariat)
    period_status = PeriodStatus.objects.get(line=line(PLAN, "1.1.2"), period=period)
    period_status.confirmed_at = None
    period_status.save()

    assert build_report(plan_2026, period, "en").changes_since_final == ["1.1.2: Ongoing → Planned"]


def test_a_chinese_draft_names_the_changed_statuses_in_chinese(
    plan_2026, period, owner, focal_point, secretariat, confirmed, evidence_root
):
    finalise(plan_2026, period, secretariat, language="zh")
    PeriodStatus.objects.get(line=line(PLAN, "1.1.1"), period=period).confirm(
        by=secretariat, status=status("completed"), reason="Finished"
    )
    reported(period, owner, focal_point, secretariat, {"2.1.1": "delayed"})

    assert build_report(plan_2026, period, "zh").changes_since_final == [
        "1.1.1：正在实施 → 已完成", "2.1.1：未收到报告 → 延迟",
    ]  # fmt: skip


def test_a_draft_built_for_the_editions_cutoff_is_the_edition_but_for_being_a_draft(
    plan_2026, period, secretariat, confirmed, evidence_root
):
    period.meeting_en = SUMMIT["en"]
    period.save()
    edition = finalise(plan_2026, period, secretariat)
    confirm(line(PLAN, "3.1.1"), period, "ongoing", secretariat)

    draft = build_report(plan_2026, period, "en", as_of=edition.as_of, is_final=True)

    assert comparable(draft) == comparable(edition.report)


def test_the_query_count_stays_fixed_when_comparing(
    plan_2026, period, following, secretariat, confirmed, evidence_root, django_assert_max_num_queries
):
    # The previous period's figures are read: eleven queries more; and one for the quantified targets.
    with django_assert_max_num_queries(25):
        build_report(plan_2026, following, "en")
    finalise(plan_2026, following, secretariat)
    finalise(plan_2026, period, secretariat)

    with django_assert_max_num_queries(15):  # the previous edition and this period's final edition
        build_report(plan_2026, following, "en")


def test_each_editions_withdraw_form_has_ids_of_its_own(
    client, plan_2026, period, secretariat, administrator, confirmed, evidence_root
):
    finalise(plan_2026, period, secretariat)
    finalise(plan_2026, period, secretariat, "zh")
    client.force_login(administrator)
    html = client.get(reverse("commitments:report"), {"plan": plan_2026.code}).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len([name for name in ids if name.startswith("id_withdraw_")]) == 2
    assert len(ids) == len(set(ids))
