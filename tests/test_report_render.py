"""The Summit progress report as its readers get it: the Word, web, spreadsheet and PDF files of the
realistic sample (``manage.py load_report_sample``), opened and read back.

The sample is loaded once for the module, in a transaction rolled back at its end; each test reads
the files made from it and the figures the database gives independently of the report's code.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html import unescape

import docx
import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from docx.oxml.ns import qn
from PIL import ImageFont

from commitments import progress_report
from commitments.models import (
    ActionLine,
    Organisation,
    Ownership,
    Part,
    PeriodStatus,
    Plan,
    ReportingPeriod,
    ReportText,
    StatusUpdate,
)
from commitments.progress_report import document
from commitments.progress_report.build import build_report

# The module's sample is loaded in the test database, which this mark makes sure is set up.
pytestmark = pytest.mark.django_db

PLAN = "poa-2026-2030"
OFFICER_TEXT = {
    "en": "The officer's own summary of economic cooperation.\n\nA second paragraph the officer wrote.",
    "zh": "秘书处撰写的经济合作综述。\n\n秘书处撰写的第二段。",
}
# What the report must never say: it is written for Leaders, not for the people running the workflow.
WORKFLOW_WORDS = {
    "en": ["not confirmed", "no owner", "approved update", "proposed status", "unconfirmed", "draft update",
           "no approved", "awaiting"],
    "zh": ["未确认", "无负责机构", "已批准", "拟议状态", "待审"],
}  # fmt: skip
CHINESE = "\u3400-\u9fff"
HALF_WIDTH_NEXT_TO_CHINESE = re.compile(rf"[{CHINESE}][,:;()!?]|[,:;()!?][{CHINESE}]")
SPACE_BETWEEN_CHINESE_AND_DIGIT = re.compile(rf"[{CHINESE}] \d|\d [{CHINESE}]")


def naming(code: str) -> re.Pattern:
    """A line's code where the text names the line: not inside a longer code, nor where it cites a
    section of the plan ("section 6.3(b)", "第6.3条")."""
    return re.compile(rf"(?<![\d.])(?<!ection )(?<!第){re.escape(code)}(?![\d.]*\d)(?!条)")


SECTIONS = {
    "en": ["I. Introduction", "II. Overall assessment", "III. Progress by pillar", "IV. Meetings and review",
           "V. Funding", "VI. Challenges and way forward", "Annex: implementation matrix"],
    "zh": ["一、引言", "二、总体评估", "三、分领域进展", "四、会议与评估", "五、资金", "六、挑战与下一步工作",
           "附件：落实情况一览表"],
}  # fmt: skip


@dataclass
class Sample:
    """The files of the sample report in each language, and what the database says about it."""

    files: dict[tuple[str, str], bytes] = field(default_factory=dict)  # (language, format) → bytes
    total: int = 0
    reported: int = 0  # lines with a reviewed update or a confirmed status
    bodies: int = 0
    implemented: int = 0
    codes: list[str] = field(default_factory=list)
    chinese_names: dict[str, str] = field(default_factory=dict)  # acronym → Chinese name, of the owners
    pillar_names: dict[str, list[str]] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)  # line → the English reason its owner gave


def load_sample(*options: str) -> tuple[Plan, ReportingPeriod]:
    call_command("load_report_sample", *options, stdout=io.StringIO())
    plan = Plan.objects.get(code=PLAN)
    period = next(
        p for p in ReportingPeriod.objects.for_plan(plan) if StatusUpdate.objects.in_period(p).exists()
    )
    return plan, period


def officer():
    user = get_user_model().objects.create_user("report-officer", "officer@example.org", "pw-Tracker-2026")
    user.groups.add(Group.objects.get(name="Secretariat officer"))
    return user


def figures(plan: Plan, period: ReportingPeriod, sample: Sample) -> None:
    """The sample's figures, counted from the tables themselves, not through the report's code."""
    lines = ActionLine.objects.for_plan(plan).in_source()
    approved = StatusUpdate.objects.approved().in_period(period)
    confirmed = PeriodStatus.objects.confirmed().filter(period=period, status__isnull=False)
    reported = set(approved.values_list("line_id", flat=True)) | set(
        confirmed.values_list("line_id", flat=True)
    )
    sample.total = lines.count()
    sample.reported = len(reported)
    sample.bodies = approved.values("organisation").distinct().count()
    status_of = {row.line_id: row.status.code for row in confirmed.select_related("status")}
    leads = set(Ownership.objects.confirmed().filter(role="lead").values_list("line_id", "organisation_id"))
    # Until the secretariat confirms a status, the line has the one its lead reported, or another owner's.
    for update in sorted(
        approved.select_related("status"), key=lambda u: (u.line_id, u.organisation_id) not in leads
    ):
        status_of.setdefault(update.line_id, update.status.code)
    sample.implemented = sum(code in ("ongoing", "completed") for code in status_of.values())
    for update in approved.exclude(reason_en="").select_related("line"):
        if status_of.get(update.line_id) in ("delayed", "discontinued"):
            sample.reasons[update.line.code] = update.reason_en
    sample.codes = list(lines.order_by("sort_key").values_list("code", flat=True))
    owners = Organisation.objects.filter(ownerships__line__plan=plan, ownerships__state="confirmed").exclude(
        name_zh=""
    )
    sample.chinese_names = dict(owners.values_list("acronym", "name_zh"))
    parts = Part.objects.filter(plan=plan).order_by("number")
    sample.pillar_names = {"en": [p.title_en for p in parts], "zh": [p.title_zh for p in parts]}


@pytest.fixture(scope="module")
def sample(django_db_setup, django_db_blocker) -> Sample:
    result = Sample()
    with django_db_blocker.unblock(), transaction.atomic():
        plan, period = load_sample()
        by = officer()
        economic = Part.objects.get(plan=plan, code="2")
        texts = {"text_en": OFFICER_TEXT["en"], "text_zh": OFFICER_TEXT["zh"]}
        ReportText.save_edit(period, "pillar", economic, **texts, by=by, expected_version=None)
        figures(plan, period, result)
        for language in ("en", "zh"):
            content = build_report(plan, period, language)
            for fmt, render in progress_report.renderers().items():
                if fmt != "pdf":
                    result.files[language, fmt] = render(content)
        transaction.set_rollback(True)
    return result


# --- reading the files back --------------------------------------------------------------------


def word(sample: Sample, language: str) -> docx.document.Document:
    return docx.Document(io.BytesIO(sample.files[language, "docx"]))


def word_texts(document) -> list[str]:
    """Every paragraph and table cell of a Word file, in order."""
    texts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return texts


def headings(document, level: int = 1) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def body_text(document) -> str:
    """The Word file's text before the annex: paragraphs and the body's tables."""
    annex = document.tables[-1]
    texts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        if table._tbl is not annex._tbl:
            texts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def html_text(sample: Sample, language: str) -> str:
    html = sample.files[language, "html"].decode()
    html = re.sub(r"<style>.*?</style>|<svg.*?</svg>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "\n", html))


def workbook_texts(sample: Sample, language: str) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(sample.files[language, "xlsx"]))
    return [
        str(cell.value)
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


# --- what the report says ----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_word_report_has_its_sections_in_the_order_of_an_executive_report(sample, language):
    assert headings(word(sample, language)) == SECTIONS[language]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_web_report_has_the_same_sections_in_the_same_order(sample, language):
    text = html_text(sample, language)
    positions = [text.index(f"\n{heading}\n", text.index("report-body") if "report-body" in text else 0)
                 for heading in SECTIONS[language]]  # fmt: skip
    assert positions == sorted(positions)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_contents_show_every_section_without_a_field_to_update(sample, language):
    document = word(sample, language)
    contents = [p.text for p in document.paragraphs if p.style.name == "Contents"]
    assert [entry for entry in contents if entry in SECTIONS[language]] == SECTIONS[language]
    assert len(contents) == len(SECTIONS[language]) + 7  # and the six pillars and the way forward
    assert not document.element.findall(".//" + qn("w:instrText"), None) or "TOC" not in "".join(
        code.text for code in document.element.iter(qn("w:instrText"))
    )  # no field: nothing for Word to update


def test_the_coverage_and_the_headline_agree_with_the_database(sample):
    text = body_text(word(sample, "en"))
    share = f"{sample.reported / sample.total * 100:.0f}%"
    assert (
        f"Reports were received for {sample.reported} of the {sample.total} action lines ({share}) from "
        f"{sample.bodies} bodies." in text
    )
    implemented = f"{sample.implemented / sample.total * 100:.0f}%"
    assert (
        f"{sample.implemented} of the {sample.total} action lines ({implemented}) have been implemented or "
        "are being implemented." in text
    )
    assert sample.reported >= 120


def test_the_chinese_headline_gives_the_same_figures(sample):
    text = body_text(word(sample, "zh"))
    assert f"在{sample.total}项行动措施中，已收到{sample.reported}项" in text
    assert f"在{sample.total}项行动措施中，{sample.implemented}项" in text


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_line_is_in_the_annex_once_and_in_the_body_at_most_once(sample, language):
    document = word(sample, language)
    annex = document.tables[-1]
    codes = [row.cells[0].text for row in annex.rows[1:] if row.cells[0].text != row.cells[-1].text]
    assert codes == sample.codes
    body = body_text(document)
    for code in sample.codes:
        named = [match.start() for match in naming(code).finditer(body)]
        assert len(named) <= 1, [body[max(0, at - 80) : at + 40] for at in named]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_an_unreported_line_says_no_report_received_in_the_annex_only(sample, language):
    document = word(sample, language)
    label = {"en": "No report received", "zh": "未收到报告"}[language]
    annex = document.tables[-1]
    unreported = [row.cells[0].text for row in annex.rows[1:] if row.cells[-1].text == label]
    assert len(unreported) == sample.total - sample.reported
    body = body_text(document)
    assert not [code for code in unreported if naming(code).search(body)]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_no_workflow_vocabulary_reaches_any_format(sample, language):
    texts = [
        *word_texts(word(sample, language)),
        html_text(sample, language),
        *workbook_texts(sample, language),
    ]
    text = "\n".join(texts).lower()
    for phrase in WORKFLOW_WORDS[language]:
        assert phrase not in text, phrase


def test_the_pillars_are_named_in_the_summary_table_and_the_chart(sample):
    for language in ("en", "zh"):
        summary = word(sample, language).tables[0]
        assert [row.cells[0].text for row in summary.rows[1:-1]] == sample.pillar_names[language]
    svg = sample.files["en", "html"].decode()
    for name in sample.pillar_names["en"]:
        assert name in svg


def test_the_officers_text_replaces_the_draft_of_its_pillar(sample):
    for language in ("en", "zh"):
        paragraphs = [p.text for p in word(sample, language).paragraphs]
        first, second = OFFICER_TEXT[language].split("\n\n")
        assert first in paragraphs and second in paragraphs
        assert first in html_text(sample, language)


def test_dates_are_british_in_english_and_chinese_in_chinese(sample):
    english, chinese = body_text(word(sample, "en")), body_text(word(sample, "zh"))
    months = "January|February|March|April|May|June|July|August|September|October|November|December"
    assert re.search(rf"\b\d{{1,2}} ({months}) 20\d\d\b", english)
    assert not re.search(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\. \d", english)
    assert re.search(r"20\d\d年\d{1,2}月\d{1,2}日", chinese)
    assert not re.search(r"\d %", english + chinese)  # "38%", never "38 %"


# --- Chinese throughout ------------------------------------------------------------------------


def test_the_chinese_report_has_no_half_width_punctuation_next_to_chinese(sample):
    texts = [
        *word_texts(word(sample, "zh")),
        *html_text(sample, "zh").split("\n"),
        *workbook_texts(sample, "zh"),
    ]
    offending = [text for text in texts if HALF_WIDTH_NEXT_TO_CHINESE.search(text)]
    assert offending == []


def test_the_chinese_report_puts_no_space_between_chinese_and_digits(sample):
    texts = [*word_texts(word(sample, "zh")), *html_text(sample, "zh").split("\n")]
    offending = [text for text in texts if SPACE_BETWEEN_CHINESE_AND_DIGIT.search(text)]
    assert offending == []


def test_the_chinese_report_names_bodies_by_their_chinese_names(sample):
    document = word(sample, "zh")
    annex = document.tables[-1]
    leads = {row.cells[3].text for row in annex.rows[1:] if row.cells[0].text != row.cells[-1].text} - {"—"}
    assert leads and leads <= set(sample.chinese_names.values())
    meetings = SECTIONS["zh"].index("四、会议与评估")
    paragraphs = document.paragraphs
    start, end = (
        next(i for i, p in enumerate(paragraphs) if p.text == heading and p.style.name == "Heading 1")
        for heading in SECTIONS["zh"][meetings : meetings + 2]
    )
    mechanisms = {p.runs[0].text.rstrip("：") for p in paragraphs[start:end] if p.runs and p.runs[0].bold}
    assert mechanisms and not mechanisms & set(sample.chinese_names)
    assert mechanisms & set(sample.chinese_names.values())


def test_the_chinese_report_numbers_its_headings_as_the_chinese_plan_does(sample):
    document = word(sample, "zh")
    assert all(re.match(r"^[一二三四五六]、", text) for text in headings(document)[:-1])
    assert [text[:3] for text in headings(document, 2)[:6]] == [
        "（一）",
        "（二）",
        "（三）",
        "（四）",
        "（五）",
        "（六）",
    ]
    title = document.paragraphs[[p.style.name for p in document.paragraphs].index("Title")].text
    assert "2026—2030" in title


def test_english_in_the_chinese_report_is_tagged_english_so_that_words_are_not_broken(sample):
    for language in ("en", "zh"):
        document = word(sample, language)
        defaults = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
        assert defaults.get(qn("w:val")) == "en-GB"
        assert defaults.get(qn("w:eastAsia")) == "zh-CN"
        assert "zh-CN" not in [lang.get(qn("w:val")) for lang in document.element.iter(qn("w:lang"))]


# --- Word's layout -----------------------------------------------------------------------------


def test_table_rows_never_split_across_pages_and_headers_repeat(sample):
    document = word(sample, "en")
    for table in document.tables:
        rows = table._tbl.tr_lst
        assert all(row.trPr is not None and row.trPr.find(qn("w:cantSplit")) is not None for row in rows)
        assert rows[0].trPr.find(qn("w:tblHeader")) is not None


def test_the_annex_is_on_landscape_pages(sample):
    sections = word(sample, "en").sections
    assert sections[0].page_width < sections[0].page_height
    assert sections[-1].page_width > sections[-1].page_height


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_status_columns_are_wide_enough_for_their_longest_word(sample, language):
    font = bold_font()
    summary = word(sample, language).tables[0]
    grid = summary._tbl.tblGrid.findall(qn("w:gridCol"))
    for cell, column in zip(summary.rows[0].cells[1:], grid[1:], strict=True):
        longest = max(cell.text.split(), key=lambda w: font.getlength(w))
        needed = font.getlength(longest) / 72 * 25.4  # points to mm, at 8 points
        room = int(column.get(qn("w:w"))) / 20 / 72 * 25.4 - 2 * document.CELL_PADDING / 3
        assert needed <= room, f"{longest!r} needs {needed:.1f} mm of {room:.1f}"


def bold_font() -> ImageFont.FreeTypeFont:
    """A bold sans-serif at 8 points, a little wider than Word's Calibri, to measure with."""
    for path, index in [("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
                        ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 0)]:  # fmt: skip
        try:
            return ImageFont.truetype(path, 8, index=index)
        except OSError:
            continue
    pytest.fail("No bold sans-serif font to measure with: install fonts-noto-cjk (see the README).")


# --- the spreadsheet ---------------------------------------------------------------------------


def test_the_summary_sheet_styles_its_header_row_and_prints_landscape_on_one_page_wide(sample):
    book = openpyxl.load_workbook(io.BytesIO(sample.files["en", "xlsx"]))
    summary = book["Summary"]
    header = next(row[0].row for row in summary.iter_rows() if row[0].value == "Pillar")
    assert summary.cell(header, 1).font.bold and summary.cell(header, 1).fill.fgColor.rgb.endswith("E8ECF1")
    assert not summary.cell(header - 1, 1).fill.fgColor.rgb.endswith("E8ECF1")
    assert summary.cell(header + 1, 1).value == sample.pillar_names["en"][0]
    for sheet in book:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows


def test_the_annex_sheet_has_every_line_with_its_narratives_and_activities(sample):
    sheet = openpyxl.load_workbook(io.BytesIO(sample.files["en", "xlsx"]))["Annex"]
    header = [cell.value for cell in sheet[1]]
    rows = [
        dict(zip(header, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)
    ]
    assert [row["Code"] for row in rows] == sample.codes
    reported = [row for row in rows if row["Status"] != "No report received"]
    assert len(reported) == sample.reported
    assert all(row["Progress reported"] for row in reported if row["Activities in the period"])
    assert sum(bool(row["Activities in the period"]) for row in reported) > 100


# --- the chart ---------------------------------------------------------------------------------


def test_the_word_chart_is_a_picture_labelled_with_the_pillars(sample):
    assert len(word(sample, "en").inline_shapes) == 1


def test_chinese_in_the_english_report_is_always_marked_as_such_even_when_shortened(sample):
    document = word(sample, "en")
    texts = word_texts(document)
    chinese = [text for text in texts if re.search(f"[{CHINESE}]", text)]
    assert chinese  # the sample has narratives and titles only in Chinese
    assert [text for text in chinese if "[only in Chinese]" not in text] == []


@pytest.mark.parametrize("language", ["en", "zh"])
def test_each_meeting_is_listed_once_though_reported_for_several_lines(sample, language):
    document = word(sample, language)
    paragraphs = document.paragraphs
    start, end = (
        next(i for i, p in enumerate(paragraphs) if p.text == heading and p.style.name == "Heading 1")
        for heading in SECTIONS[language][3:5]
    )
    separator = "；" if language == "zh" else "; "
    meetings = [
        entry for p in paragraphs[start:end] if p.runs and p.runs[0].bold
        for entry in "".join(run.text for run in p.runs[1:]).rstrip("。.").split(separator)
    ]  # fmt: skip
    assert len(meetings) > 50 and len(meetings) == len(set(meetings))


def test_the_challenges_quote_the_reasons_the_owners_gave(sample):
    challenges = next(
        table for table in word(sample, "en").tables if table.rows[0].cells[-1].text == "Reason given"
    )
    quoted = {row.cells[0].text.split()[0]: row.cells[-1].text for row in challenges.rows[1:]}
    assert sample.reasons and set(sample.reasons) <= set(quoted)
    for code, reason in sample.reasons.items():
        assert quoted[code].startswith(reason[:60]), (code, quoted[code], reason)


def test_the_chinese_word_file_adds_no_space_between_chinese_and_digits_on_the_page(sample):
    defaults = word(sample, "zh").styles.element.find(qn("w:docDefaults"))
    assert {element.get(qn("w:val")) for element in defaults.iter(qn("w:autoSpaceDN"))} == {"0"}
    assert {element.get(qn("w:val")) for element in defaults.iter(qn("w:autoSpaceDE"))} == {"0"}
