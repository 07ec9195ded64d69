"""The close-out report of the 2021–2025 plan, on the real seeds: how many of its lines were
implemented, by final status and pillar, and which lines the 2026–2030 plan carries forward; in
English and Chinese, as HTML, Word, a spreadsheet and PDF."""

import io

import docx
import openpyxl
import pypdf
import pytest
from django.utils import translation

from commitments.models import ActionLine, FinalStatus, LineLink, Plan, Status
from commitments.progress_report import closeout, wording

from .conftest import line

pytestmark = pytest.mark.django_db

OLD, NEW = "poa-2021-2025", "poa-2026-2030"


@pytest.fixture
def closed(secretariat):
    """Three lines of 2021–2025 with a final status; 11.1 continued by 6.1 of 2026–2030 and 2.8.1
    by 2.8.1 and 3.1.1, by confirmed links; a rejected link carries nothing forward."""
    set_final = FinalStatus.set_several
    set_final({line(OLD, "11.1").pk: 0, line(OLD, "2.8.1").pk: 0}, Status.objects.get(code="completed"),
              by=secretariat)  # fmt: skip
    set_final({line(OLD, "1.1.1").pk: 0}, Status.objects.get(code="discontinued"), by=secretariat)
    for old, new in [("11.1", "6.1"), ("2.8.1", "2.8.1"), ("2.8.1", "3.1.1")]:
        LineLink.link(line(OLD, old), line(NEW, new), by=secretariat)
    LineLink.objects.create(predecessor=line(OLD, "1.1.1"), successor=line(NEW, "1.1.1"), state="rejected")
    return Plan.objects.get(code=OLD)


def total() -> int:
    return ActionLine.objects.for_plan(Plan.objects.get(code=OLD)).in_source().count()


def test_the_report_counts_the_lines_implemented_and_lists_what_was_carried_forward(closed):
    content = closeout.build(closed, "en")
    assert (len(content.lines), content.implemented) == (total(), 2)
    carried = {found.code: found.successors for found in content.carried_forward}
    assert carried == {"2.8.1": ["2.8.1", "3.1.1"], "11.1": ["6.1"]}
    assert len(content.not_carried_forward) == total() - 2
    assert content.later_plans == ["Plan of Action 2026–2030"]
    assert not content.is_final  # lines without a final status: a draft


def test_the_english_web_report_says_n_of_m_and_names_the_later_lines(closed, client, reader):
    client.force_login(reader)
    page = client.get(f"/close-out/{OLD}/report.html", {"language": "en"}).content.decode()
    share = f"{2 / total() * 100:.0f}%"
    assert (
        f"Of the {total()} action lines of the Plan of Action 2021–2025, 2 ({share}) were implemented."
        in page
    )
    carried = page.split('class="report-table report-carried-forward"')[1].split("</table>")[0]
    assert '<tr data-key="2.8.1">' in carried and "<td>2.8.1, 3.1.1</td>" in carried
    assert 'data-key="1.1.1"' not in carried  # its link was rejected
    not_carried = page.split('class="report-table report-not-carried-forward"')[1].split("</table>")[0]
    assert 'data-key="1.1.1"' in not_carried and "Discontinued" in not_carried
    assert 'data-key="11.1"' not in not_carried


def test_the_chinese_report_is_in_chinese(closed):
    content = closeout.build(closed, "zh")
    assert content.plan_title == "落实中国—东盟面向和平与繁荣的战略伙伴关系联合宣言的行动计划（2021-2025）"
    page = closeout.render(content, "html").decode()
    assert '<html lang="zh-Hans">' in page
    assert "落实情况结项报告（2021—2025）" in page
    assert f"共{total()}项行动措施，已落实2项（1%）。" in page  # the headline, as a Chinese report puts it
    assert "已完成2项和已终止1项" in page  # the breakdown by final status, in Chinese numbering
    assert "2021—2025" in page and "2026—2030" in page  # the Chinese dash between years
    assert "举行年度中国-东盟领导人会议、" in page  # the line's own text, not marked as another language's
    assert "治理经验分享；" in page  # typeset as Chinese: the source's ";" is "；"
    assert '<section class="report-annex"' not in page  # no annex: no empty landscape page


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_word_report_has_the_headline_the_tables_and_the_lines_carried_forward(closed, language):
    content = closeout.build(closed, language)
    document = docx.Document(io.BytesIO(closeout.render(content, "docx")))
    texts = [paragraph.text for paragraph in document.paragraphs]
    with translation.override(wording.interface_language(content)):
        assert closeout.headline(content) in texts
    assert texts.count(content.plan_title) >= 1  # on the cover
    counts, carried, not_carried = document.tables
    completed = next(s.label for s in content.statuses if s.code == "completed")
    assert completed in [cell.text for cell in counts.rows[0].cells]
    assert counts.rows[-1].cells[-1].text == str(total())
    assert ["2.8.1", "2.8.1、3.1.1" if language == "zh" else "2.8.1, 3.1.1"] in [
        [row.cells[0].text, row.cells[-1].text] for row in carried.rows
    ]
    assert len(not_carried.rows) > total() - 2  # a row per line and one per pillar
    assert document.core_properties.language == ("zh-CN" if language == "zh" else "en-GB")


def test_the_spreadsheet_has_the_summary_and_a_sheet_per_table(closed):
    workbook = openpyxl.load_workbook(io.BytesIO(closeout.render(closeout.build(closed, "en"), "xlsx")))
    assert workbook.sheetnames == ["Summary", "By final status", "Carried forward", "Not carried forward"]
    assert ["11.1", "Completed", "6.1"] == [
        row[i]
        for row in workbook["Carried forward"].iter_rows(values_only=True)
        if row[0] == "11.1"
        for i in (0, 2, 3)
    ]


@pytest.mark.parametrize("fmt", ["docx", "html", "xlsx"])
@pytest.mark.parametrize("language", ["en", "zh"])
def test_each_format_downloads_in_each_language(closed, client, reader, fmt, language):
    client.force_login(reader)
    response = client.get(f"/close-out/{OLD}/report.{fmt}", {"language": language})
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert f"close-out-report-{OLD}-{language}.{fmt}" in disposition
    assert disposition.startswith("inline" if fmt == "html" else "attachment")


def test_a_plan_that_has_not_ended_or_a_format_that_does_not_exist_has_no_report(client, reader):
    client.force_login(reader)
    assert client.get(f"/close-out/{NEW}/report.docx").status_code == 404
    assert client.get(f"/close-out/{OLD}/report.csv").status_code == 404
    assert client.get("/close-out/nope/report.docx").status_code == 404


def test_a_visitor_is_sent_to_log_in(client):
    assert client.get(f"/close-out/{OLD}/report.docx").status_code == 302


def test_the_report_takes_the_same_few_queries_however_many_lines_are_carried(
    closed, django_assert_num_queries
):
    with django_assert_num_queries(4):
        closeout.build(closed, "en")


@pytest.mark.browser
def test_the_pdf_report_prints_the_chinese_of_the_joint_statement(secretariat):
    statement = Plan.objects.get(code="js-sd-2022")
    FinalStatus.set_several(
        {line("js-sd-2022", "3").pk: 0}, Status.objects.get(code="completed"), by=secretariat
    )
    printed = pypdf.PdfReader(io.BytesIO(closeout.render(closeout.build(statement, "zh"), "pdf")))
    text = "".join(page.extract_text() for page in printed.pages)
    assert "关于加强中国" in text and "已完成" in text
