"""The import of the five real source documents: structure, texts and order."""

import datetime

import pytest

from commitments.models import ActionLine, Area, Plan

from .conftest import line

pytestmark = pytest.mark.django_db


def lines_per_part(code: str) -> list[tuple[str, int]]:
    plan = Plan.objects.get(code=code)
    return [(part.code, part.lines.count()) for part in plan.parts.all()]


def lines_per_area(code: str) -> dict[str, int]:
    return {area.code: area.lines.count() for area in Area.objects.filter(plan__code=code)}


def test_all_four_plans_are_imported_with_their_metadata():
    plans = {plan.code: plan for plan in Plan.objects.all()}
    assert set(plans) == {"poa-2026-2030", "poa-2021-2025", "csp-poa-2022-2025", "js-sd-2022"}
    assert plans["poa-2026-2030"].kind == Plan.Kind.PLAN_OF_ACTION
    assert (plans["poa-2026-2030"].first_year, plans["poa-2026-2030"].last_year) == (2026, 2030)
    assert plans["poa-2026-2030"].title_en.startswith("Plan of Action to Implement the ASEAN-China")
    assert plans["poa-2026-2030"].title_zh == "中国—东盟全面战略伙伴关系行动计划（2026—2030）"
    assert plans["csp-poa-2022-2025"].kind == Plan.Kind.ANNEX
    assert plans["csp-poa-2022-2025"].parent == plans["poa-2021-2025"]
    assert plans["js-sd-2022"].kind == Plan.Kind.JOINT_STATEMENT
    assert plans["js-sd-2022"].adopted_on == datetime.date(2022, 11, 11)
    assert plans["poa-2026-2030"].adopted_on is None


def test_the_2026_plan_has_six_parts_and_199_lines():
    assert lines_per_part("poa-2026-2030") == [("1", 29), ("2", 82), ("3", 70), ("4", 14), ("5", 1), ("6", 3)]
    assert ActionLine.objects.filter(plan__code="poa-2026-2030").count() == 199


def test_the_2026_plan_has_its_areas_with_their_line_counts():
    assert lines_per_area("poa-2026-2030") == {
        "1.1": 5, "1.2": 1, "1.3": 2, "1.4": 7, "1.5": 3, "1.6": 3, "1.7": 8,
        "2.1": 9, "2.2": 10, "2.3": 9, "2.4": 2, "2.5": 1, "2.6": 8, "2.7": 6, "2.8": 7,
        "2.9": 4, "2.10": 6, "2.11": 3, "2.12": 4, "2.13": 2, "2.14": 3, "2.15": 6,
        "2.16": 1, "2.17": 1,
        "3.1": 10, "3.2": 1, "3.3": 11, "3.4": 9, "3.5": 8, "3.6": 2, "3.7": 4, "3.8": 2,
        "3.9": 6, "3.10": 12, "3.11": 3, "3.12": 2,
        "4.1": 2, "4.2": 4, "4.3": 2, "4.4": 1, "4.5": 3, "4.6": 2,
    }  # fmt: skip


def test_every_line_of_the_2026_plan_has_both_texts():
    lines = ActionLine.objects.filter(plan__code="poa-2026-2030")
    assert not lines.filter(text_en="").exists()
    assert not lines.filter(text_zh="").exists()


def test_the_2026_parts_and_areas_have_titles_in_both_languages(plan_2026):
    titles = [(part.title_en, part.title_zh) for part in plan_2026.parts.all()]
    assert titles[0] == ("Political and security cooperation", "政治安全合作")
    assert titles[5] == ("Implementation arrangements and monitoring", "落实与监督")
    area = Area.objects.get(plan=plan_2026, code="2.6")
    assert (area.title_en, area.title_zh) == (
        "Digital and Artificial Intelligence Cooperation",
        "数字与人工智能合作",
    )


def test_first_and_last_lines_of_the_2026_plan_carry_both_texts():
    first, last = line("poa-2026-2030", "1.1.1"), line("poa-2026-2030", "4.6.2")
    assert first.text_en.startswith("Continue ASEAN-China consultations and cooperation through annual")
    assert first.text_zh.startswith("举行年度中国—东盟领导人会议")
    assert last.text_en.endswith("and other mechanisms.")
    assert last.text_zh.startswith("依托东亚论坛")


def test_a_line_split_by_a_page_break_is_joined():
    split = line("poa-2026-2030", "1.5.1")
    assert split.text_en.endswith(
        "and other relevant human rights declarations and instruments "
        "to which all ASEAN Member States are party;"
    )
    assert "-" not in split.text_en.split("other")[1][:3]
    health = line("poa-2026-2030", "3.1.3")
    assert "One Health approaches; in strengthening health systems" in health.text_en
    biodiversity = line("poa-2026-2030", "3.10.10")
    assert "China-ASEAN Environmental Cooperation Centre (CAEC)" in biodiversity.text_en
    crime = line("poa-2026-2030", "1.7.6")
    assert "打击电信网络诈骗和网络赌博犯罪" in crime.text_zh


def test_trailing_dots_in_numbers_are_ignored():
    assert Area.objects.get(plan__code="poa-2026-2030", code="2.2").title_en == "Finance"
    assert line("poa-2026-2030", "2.8.7").text_en.startswith("Promote connectivity cooperation")


def test_a_chinese_area_whose_only_line_has_no_number_gets_line_one():
    tac = line("poa-2026-2030", "1.2.1")
    assert tac.area.code == "1.2"
    assert tac.text_zh.startswith("弘扬《东南亚友好合作条约》的宗旨和原则")
    assert tac.text_en.startswith("Promote the purpose and principles of the TAC")
    assert line("poa-2026-2030", "2.17.1").text_zh == "加强交流合作，促进住房城乡建设领域可持续发展。"


def test_5_1_and_the_implementation_lines_belong_to_no_area():
    sub_regional = line("poa-2026-2030", "5.1")
    assert sub_regional.area is None and sub_regional.part.code == "5"
    assert sub_regional.text_en.startswith("Continue to strengthen cooperation under the Mekong-Lancang")
    assert sub_regional.text_zh.startswith("继续在澜沧江—湄公河合作")
    assert line("poa-2026-2030", "6.1").text_zh.startswith("利用中国—东盟合作基金")


def test_6_3_keeps_its_sub_items_inside_its_text():
    review = line("poa-2026-2030", "6.3")
    assert review.text_en.splitlines() == [
        "Review this Plan of Action through:",
        "(a) PMC 10+1 Session with China and meetings of the ASEAN-China Senior Officials' "
        "Consultations and ASEAN-China Joint Cooperation Committee; and",
        "(b) Submission of a progress report of the implementation of this Plan of Action to the "
        "annual ASEAN-China Summit through the PMC 10+1 Session with China.",
    ]
    assert review.text_zh.splitlines()[0] == "通过以下方式评估本《行动计划》："
    assert review.text_zh.splitlines()[2].startswith("2.中国—东盟外长会每年向中国—东盟领导人会议提交")


def test_scanning_errors_are_corrected_from_the_reviewed_list():
    mine_action = line("poa-2026-2030", "1.6.3")
    assert "Joint Statement on Strengthening Humanitarian Mine Action Cooperation" in mine_action.text_en
    assert "Strenathenina" not in mine_action.text_en
    assert "criteria-based Roadmap" in line("poa-2026-2030", "4.5.3").text_en


def test_lines_sort_naturally_by_code():
    codes = list(
        ActionLine.objects.filter(plan__code="poa-2026-2030", part__code="2")
        .in_code_order()
        .values_list("code", flat=True)
    )
    assert codes.index("2.10.1") == codes.index("2.9.4") + 1
    assert codes.index("2.2.10") == codes.index("2.2.9") + 1
    descending = list(
        ActionLine.objects.filter(plan__code="poa-2026-2030")
        .order_by("-sort_key")
        .values_list("code", flat=True)
    )
    assert descending[:3] == ["6.3", "6.2", "6.1"]
    assert descending.index("2.9.4") == descending.index("2.10.1") + 1


def test_the_2021_plan_has_eleven_parts_and_200_lines():
    assert lines_per_part("poa-2021-2025") == [
        ("1", 25), ("2", 76), ("3", 72), ("4", 5), ("5", 7), ("6", 2),
        ("7", 1), ("8", 4), ("9", 1), ("10", 4), ("11", 3),
    ]  # fmt: skip
    assert lines_per_area("poa-2021-2025") == {
        "1.1": 3, "1.3": 2, "1.4": 7, "1.5": 2, "1.6": 7, "1.8": 2,
        "2.1": 6, "2.2": 7, "2.3": 8, "2.4": 3, "2.5": 3, "2.6": 6, "2.7": 6, "2.8": 6,
        "2.9": 12, "2.10": 7, "2.13": 4, "2.14": 6,
        "3.1": 10, "3.2": 8, "3.3": 9, "3.4": 3, "3.5": 7, "3.6": 15, "3.7": 11, "3.8": 4, "3.9": 5,
    }  # fmt: skip


def test_chinese_only_lines_keep_the_label_as_printed_and_have_no_english_yet():
    coc = line("poa-2021-2025", "1.4.7")
    assert coc.label == "一、(四)7."
    assert coc.text_zh.startswith("推动“准则”磋商取得实质进展")
    assert coc.text_en == ""
    assert not coc.is_translated
    assert not ActionLine.objects.filter(plan__code="poa-2021-2025").exclude(text_en="").exists()


def test_2021_items_are_areas_in_one_part_and_lines_in_another():
    anti_corruption = line("poa-2021-2025", "1.7")
    assert anti_corruption.area is None
    assert anti_corruption.heading_zh == "加强反腐合作"
    assert anti_corruption.text_zh == "有效落实《中国-东盟全面加强反腐败有效合作联合声明》。"
    customs = line("poa-2021-2025", "2.11")
    assert customs.label == "二、(十一)" and customs.text_zh.startswith("继续通过中国-东盟海关署长磋商")
    assert line("poa-2021-2025", "4.1").text_zh.startswith("开展能力建设,充分利用资源")
    assert line("poa-2021-2025", "2.13.1").area.title_zh == "推进中小微企业及初创企业合作"


def test_2021_parts_without_items_have_their_paragraph_as_their_line():
    narrowing_gap = line("poa-2021-2025", "7.1")
    assert narrowing_gap.label == "七、" and narrowing_gap.part.title_zh == "东盟一体化倡议与缩小发展差距"
    assert narrowing_gap.text_zh.startswith("通过加强基础设施建设")
    assert line("poa-2021-2025", "9.1").text_zh.startswith("继续在澜沧江—湄公河合作")


def test_2021_sub_points_stay_inline_and_the_review_line_keeps_its_points():
    finance = line("poa-2021-2025", "2.2.1")
    assert "(1)促进贸易投资本币结算" in finance.text_zh and "(5)" in finance.text_zh
    review = line("poa-2021-2025", "11.3")
    assert len(review.text_zh.splitlines()) == 3


def test_the_annex_has_five_parts_and_48_lines_without_areas():
    assert lines_per_part("csp-poa-2022-2025") == [("1", 4), ("2", 5), ("3", 21), ("4", 12), ("5", 6)]
    assert lines_per_area("csp-poa-2022-2025") == {}
    covid = line("csp-poa-2022-2025", "2.1")
    assert "中方向东盟国家提供1.5亿剂新冠疫苗援助" in covid.text_zh
    assert "疫苗联合生产和技术转让" in covid.text_zh  # continued across a page break
    assert line("csp-poa-2022-2025", "1.1").part.title_zh == "共护和平"


def test_the_joint_statement_has_its_fourteen_decisions_as_lines():
    statement = Plan.objects.get(code="js-sd-2022")
    decisions = list(statement.lines.in_code_order())
    assert [decision.code for decision in decisions] == [str(n) for n in range(1, 15)]
    assert decisions[0].label == "一、"
    assert decisions[0].text_zh == (
        "重申坚持发展导向和发展优先，通过共商共建深化合作，建设有意义、实质性、互利的中国－东盟全面"
        "战略伙伴关系，促进和平、安宁、繁荣和可持续发展；"
    )
    assert decisions[13].text_zh.endswith("为循环经济和可持续发展等领域的政策制定提供支持。")
    assert statement.preamble_zh.startswith(
        "我们，中华人民共和国和东南亚国家联盟（东盟）成员国，于 2022 年 11 月 11 日"
    )
    assert statement.parts.get().title_zh == "特此决定"


def test_filtering_lines_by_pillar_or_area_is_one_query(django_assert_num_queries, plan_2026):
    part = plan_2026.parts.get(code="2")
    area = Area.objects.get(plan=plan_2026, code="2.6")
    with django_assert_num_queries(1):
        assert len(list(ActionLine.objects.in_part(part))) == 82
    with django_assert_num_queries(1):
        assert [line.code for line in ActionLine.objects.in_area(area).in_code_order()][-1] == "2.6.8"
