"""Which lines of 2026–2030 continue which lines of the plans before it: suggested, then decided."""

import time
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from commitments import continuity
from commitments.models import LineLink, Plan

from .conftest import line

pytestmark = pytest.mark.django_db

NEW = "poa-2026-2030"
OLD = "poa-2021-2025"
ANNEX = "csp-poa-2022-2025"
STATEMENT = "js-sd-2022"

# Pairs checked by reading both Chinese texts: the same named mechanism, fund, document or body.
CHECKED = [
    (OLD, "11.1", "6.1"),  # 利用中国—东盟合作基金……支持落实本《行动计划》项目和活动
    (OLD, "3.1.1", "3.1.1"),  # 中国—东盟卫生部长会议、中国—东盟卫生发展高官会
    (OLD, "2.4.2", "2.12.4"),  # 中国—东盟动植物检疫和食品安全合作部长级会议
    (OLD, "2.12", "2.13.1"),  # 《中国—东盟知识产权（领域）合作谅解备忘录》
    (OLD, "2.8.1", "2.8.1"),  # 中国—东盟交通部长会议
    (ANNEX, "2.5", "1.5.2"),  # 东盟政府间人权委员会
    (ANNEX, "3.20", "2.8.4"),  # 中国—东盟海上合作基金
    (ANNEX, "3.14", "2.3.7"),  # 中国—东盟林业（合作/科学）论坛
    (ANNEX, "4.6", "3.10.8"),  # 《东盟跨境雾霾（烟霾）污染协议》
    (STATEMENT, "3", "4.2.2"),  # “一带一路”倡议与《东盟互联互通总体规划 2025》对接合作的联合声明
    (STATEMENT, "8", "2.10.3"),  # 中国—东盟清洁能源合作中心
]


def suggest(*args: str) -> str:
    output = StringIO()
    call_command("suggest_links", *args, stdout=output)
    return output.getvalue()


def link(old_plan: str, old: str, new: str, new_plan: str = NEW) -> LineLink:
    return LineLink.objects.get(
        predecessor__plan__code=old_plan,
        predecessor__code=old,
        successor__plan__code=new_plan,
        successor__code=new,
    )


def best_predecessor(old_plan: str, new: str) -> str:
    links = LineLink.objects.suggested().from_plan(Plan.objects.get(code=old_plan))
    return links.filter(successor=line(NEW, new)).best_first().first().predecessor.code


def best_successor(old_plan: str, old: str) -> str:
    return LineLink.objects.filter(predecessor=line(old_plan, old)).best_first().first().successor.code


@pytest.fixture
def suggested(db):
    suggest()


def test_each_pair_checked_by_reading_both_texts_is_suggested_first_for_both_its_lines(suggested):
    found = [(plan, best_predecessor(plan, new), best_successor(plan, old)) for plan, old, new in CHECKED]
    assert found == CHECKED


def test_a_decision_of_the_joint_statement_carried_by_two_lines_is_suggested_for_both(suggested):
    # Decision 8 names the energy cooperation of 2.10.2 and the clean energy centre of 2.10.3.
    successors = LineLink.objects.filter(predecessor=line(STATEMENT, "8")).best_first()
    assert [link.successor.code for link in successors[:2]] == ["2.10.3", "2.10.2"]


def test_suggestions_link_every_earlier_plan_to_2026_2030_with_a_score(suggested):
    links = LineLink.objects.into_plan(Plan.objects.get(code=NEW))
    assert set(links.values_list("predecessor__plan__code", flat=True)) == {OLD, ANNEX, STATEMENT}
    assert LineLink.objects.count() == links.count()  # no plan before 2021–2025, the annex or the statement
    assert not links.filter(score__lt=continuity.MIN_SCORE).exists()
    assert link(ANNEX, "2.5", "1.5.2").score == pytest.approx(0.94, abs=0.01)
    assert link(ANNEX, "2.5", "1.5.2").history.first().history_change_reason == continuity.SUGGESTED


def test_a_line_has_at_most_the_best_few_suggestions_of_each_earlier_plan_unless_it_is_among_theirs(
    suggested,
):
    for successor in line(NEW, "2.8.1"), line(NEW, "3.1.1"):
        own = LineLink.objects.filter(successor=successor, predecessor__plan__code=OLD)
        ranked = sorted(own, key=lambda link: -link.score)
        for extra in ranked[continuity.TOP :]:  # kept only because it is among the best of its old line
            best_of_old = LineLink.objects.filter(predecessor=extra.predecessor).best_first()
            assert extra in list(best_of_old[: continuity.TOP])


def test_suggesting_again_keeps_every_decision_and_adds_nothing(suggested, secretariat):
    link(OLD, "2.8.1", "2.8.1").confirm(by=secretariat)
    link(OLD, "2.8.1", "3.1.1").reject(by=secretariat)
    before = LineLink.objects.count()
    output = suggest()
    assert "0 links suggested, 0 rescored" in output
    assert LineLink.objects.count() == before
    assert link(OLD, "2.8.1", "2.8.1").state == LineLink.State.CONFIRMED
    assert link(OLD, "2.8.1", "3.1.1").state == LineLink.State.REJECTED


def test_suggesting_again_brings_a_changed_score_up_to_date_without_a_history_record(suggested):
    changed = link(ANNEX, "3.20", "2.8.4")
    LineLink.objects.filter(pk=changed.pk).update(score=0.1)
    records = changed.history.count()
    assert "1 rescored" in suggest()
    changed.refresh_from_db()
    assert changed.score == pytest.approx(0.6251, abs=0.0001)
    assert changed.history.count() == records


def test_suggesting_links_for_all_plans_takes_under_ten_seconds(db):
    started = time.perf_counter()
    suggest()
    assert time.perf_counter() - started < 10


def test_suggesting_for_an_unknown_plan_names_it(db):
    with pytest.raises(CommandError, match="No plan with code poa-1999"):
        suggest("--plan", "poa-1999")


def test_a_plan_with_no_plan_before_it_gets_no_suggestions(db):
    output = suggest("--plan", OLD)
    assert not LineLink.objects.exists()
    assert "links suggested" not in output


def test_only_a_plan_that_ends_before_another_starts_precedes_it(db):
    plans = {plan.code: plan for plan in Plan.objects.all()}
    assert plans[OLD].precedes(plans[NEW]) and plans[STATEMENT].precedes(plans[NEW])
    assert not plans[OLD].precedes(plans[ANNEX])  # 2021–2025 is still running in 2022
    assert not plans[STATEMENT].precedes(plans[ANNEX])  # both of 2022
    assert not plans[NEW].precedes(plans[OLD])
    assert [plan.code for plan in Plan.objects.preceding(plans[NEW])] == [OLD, ANNEX, STATEMENT]


def test_confirming_a_link_records_who_decided_and_when_in_the_history(suggested, secretariat):
    chosen = link(OLD, "11.1", "6.1")
    chosen.confirm(by=secretariat)
    chosen.refresh_from_db()
    assert (chosen.state, chosen.decided_by, chosen.decided_at is not None) == (
        "confirmed",
        secretariat,
        True,
    )
    assert [record.state for record in chosen.history.all()] == ["confirmed", "suggested"]


def test_rejecting_a_link_records_who_decided(suggested, secretariat):
    chosen = link(OLD, "2.8.1", "3.1.1")
    chosen.reject(by=secretariat)
    chosen.refresh_from_db()
    assert (chosen.state, chosen.decided_by) == ("rejected", secretariat)


def test_deciding_several_leaves_a_link_another_officer_decided_meanwhile(
    suggested, secretariat, administrator
):
    first, second = link(OLD, "11.1", "6.1"), link(ANNEX, "2.5", "1.5.2")
    second.reject(by=administrator)
    decided = LineLink.objects.filter(pk__in=[first.pk, second.pk]).decide("confirm", by=secretariat)
    assert decided.links == 1
    second.refresh_from_db()
    assert (second.state, second.decided_by) == ("rejected", administrator)


def test_an_officer_links_two_lines_the_tracker_did_not_suggest(db, secretariat):
    made = LineLink.link(line(ANNEX, "3.6"), line(NEW, "2.3.5"), by=secretariat)
    assert (made.state, made.score, made.decided_by) == ("confirmed", None, secretariat)


def test_linking_a_rejected_suggestion_confirms_it(suggested, secretariat):
    rejected = link(OLD, "2.8.1", "3.1.1")
    rejected.reject(by=secretariat)
    assert LineLink.link(rejected.predecessor, rejected.successor, by=secretariat).pk == rejected.pk
    rejected.refresh_from_db()
    assert rejected.state == "confirmed"


def test_a_line_cannot_continue_a_line_of_a_plan_that_has_not_ended(db, secretariat):
    with pytest.raises(ValidationError, match="does not end before"):
        LineLink.link(line(NEW, "2.8.1"), line(OLD, "2.8.1"), by=secretariat)
    with pytest.raises(ValidationError):
        LineLink.link(line(OLD, "2.8.1"), line(ANNEX, "3.21"), by=secretariat)
    assert not LineLink.objects.exists()


def test_a_decision_other_than_confirm_or_reject_decides_nothing(suggested, secretariat):
    chosen = link(OLD, "11.1", "6.1")
    with pytest.raises(ValueError, match="'confirmed'"):
        LineLink.objects.filter(pk=chosen.pk).decide("confirmed", by=secretariat)
    chosen.refresh_from_db()
    assert chosen.state == "suggested"
