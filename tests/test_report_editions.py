"""Finalised editions of the progress report: frozen content and files, withdrawn only by administrators."""

import datetime
import hashlib

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from commitments.models import EditionFile, PeriodStatus, ReportEdition
from commitments.models.reports import FrozenEdition
from commitments.progress_report.build import build_report
from commitments.progress_report.content import ReportContent

from .conftest import line, make_period, make_user
from .test_report_content import PLAN, comparable, confirm, milliseconds, reported, status

pytestmark = pytest.mark.django_db


def render_text(content: ReportContent) -> bytes:
    """A stand-in renderer: the counts as text, so a test can see what a file was made from."""
    return f"{content.language} {sorted(content.overall.counts.items())} {content.meeting}".encode()


RENDERERS = {"docx": render_text, "html": lambda content: b"<html>" + render_text(content)}


def finalise(plan, period, by, language: str = "en", meeting: str = "PMC 10+1 Session, July 2027"):
    return ReportEdition.finalise(plan, period, language, meeting, by=by, renderers=RENDERERS)


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


def test_finalising_stores_the_content_and_a_file_per_format(
    plan_2026, period, secretariat, confirmed, evidence_root
):
    edition = finalise(plan_2026, period, secretariat)

    edition.refresh_from_db()
    report = edition.report
    assert report.is_final and report.meeting == "PMC 10+1 Session, July 2027"
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


def test_a_final_edition_has_no_changes_since_final(plan_2026, period, secretariat, confirmed, evidence_root):
    finalise(plan_2026, period, secretariat)

    assert finalise(plan_2026, period, secretariat).report.changes_since_final == []


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
            plan_2026, period, "en", "", by=secretariat, renderers=RENDERERS | {"xlsx": broken}
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
    assert finalise(plan_2026, period, group_admin).finalised_by == group_admin
    assert ReportEdition.objects.count() == 2


def test_an_administrator_withdraws_an_edition_with_a_reason_and_it_stays_listed(
    plan_2026, period, secretariat, administrator, confirmed, evidence_root
):
    edition = finalise(plan_2026, period, secretariat)

    edition.withdraw(by=administrator, reason="Wrong meeting")

    edition.refresh_from_db()
    assert edition.is_withdrawn and edition.withdrawn_by == administrator
    assert edition.withdrawal_reason == "Wrong meeting"
    assert list(ReportEdition.objects.for_period(period)) == [edition]
    assert not ReportEdition.objects.current().exists()
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
    plan_2026, period, secretariat, confirmed, evidence_root, django_assert_max_num_queries
):
    first = finalise(plan_2026, period, secretariat)
    second = finalise(plan_2026, period, secretariat, language="zh")
    for _ in range(3):
        finalise(plan_2026, period, secretariat)

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
    finalise(plan_2026, period, secretariat)
    # After the edition, a third line is confirmed for the earlier period: the edition does not see it.
    confirm(line(PLAN, "2.1.1"), period, "ongoing", secretariat)
    confirm(line(PLAN, "1.1.2"), following, "completed", secretariat)

    content = build_report(plan_2026, following, "en")

    assert content.compared_with.startswith("2026–2027, final edition of ")
    assert content.overall.previous_counts["ongoing"] == 1  # the edition's count, not today's 2
    assert content.overall.delta("planned") == -1
    assert content.overall.delta("completed") == 1


def test_a_withdrawn_edition_or_another_language_is_not_compared_with(
    plan_2026, period, following, secretariat, administrator, confirmed, evidence_root
):
    finalise(plan_2026, period, secretariat, language="zh")
    finalise(plan_2026, period, secretariat).withdraw(by=administrator, reason="Wrong figures")

    content = build_report(plan_2026, following, "en")

    assert content.compared_with.startswith("2026–2027, as of ")
    assert build_report(plan_2026, following, "zh").compared_with.startswith("2026–2027")
    assert "final" not in content.compared_with


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

    assert draft.changes_since_final == ["1.1.1: Ongoing → Completed", "2.1.1: newly confirmed as Delayed"]
    assert chinese.changes_since_final == []  # no Chinese edition yet
    finalise(plan_2026, period, secretariat, language="zh")
    assert build_report(plan_2026, period, "zh").changes_since_final == []


def test_a_draft_lists_a_line_no_longer_confirmed(plan_2026, period, secretariat, confirmed, evidence_root):
    finalise(plan_2026, period, secretariat)
    period_status = PeriodStatus.objects.get(line=line(PLAN, "1.1.2"), period=period)
    period_status.confirmed_at = None
    period_status.save()

    assert build_report(plan_2026, period, "en").changes_since_final == [
        "1.1.2: no longer confirmed (was Planned)"
    ]


def test_a_chinese_draft_names_the_changed_statuses_in_chinese(
    plan_2026, period, secretariat, confirmed, evidence_root
):
    finalise(plan_2026, period, secretariat, language="zh")
    PeriodStatus.objects.get(line=line(PLAN, "1.1.1"), period=period).confirm(
        by=secretariat, status=status("completed"), reason="Finished"
    )

    assert build_report(plan_2026, period, "zh").changes_since_final == ["1.1.1：正在实施 → 已完成"]


def test_a_draft_built_for_the_editions_cutoff_is_the_edition_but_for_being_a_draft(
    plan_2026, period, secretariat, confirmed, evidence_root
):
    edition = finalise(plan_2026, period, secretariat)
    confirm(line(PLAN, "3.1.1"), period, "ongoing", secretariat)

    draft = build_report(plan_2026, period, "en", as_of=edition.as_of, meeting=edition.meeting, is_final=True)

    assert comparable(draft) == comparable(edition.report)


def test_the_query_count_stays_fixed_when_comparing(
    plan_2026, period, following, secretariat, confirmed, evidence_root, django_assert_max_num_queries
):
    with django_assert_max_num_queries(21):  # the previous period's figures are read: nine queries more
        build_report(plan_2026, following, "en")
    finalise(plan_2026, following, secretariat)
    finalise(plan_2026, period, secretariat)

    with django_assert_max_num_queries(12):  # the previous edition and this period's final edition
        build_report(plan_2026, following, "en")
