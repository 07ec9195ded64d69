"""The progress report's Word, HTML and spreadsheet files, rendered from report content made here."""

from __future__ import annotations

import datetime
import io
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import docx
import openpyxl
import pytest
from django.utils import translation
from docx.oxml.ns import qn

from commitments.progress_report import chart, html, xlsx
from commitments.progress_report import docx as word
from commitments.progress_report.content import (
    ActivityInfo,
    AreaInfo,
    LineInfo,
    OwnerInfo,
    PillarInfo,
    ReportContent,
    StatusInfo,
    Tally,
    Text,
    UpdateInfo,
)

# The default vocabulary (migration 0003): code, English, Chinese, colour, counts as implemented.
STATUSES = [
    ("not-started", "Not started", "尚未启动", "#9aa5b1", False),
    ("planned", "Planned", "已规划", "#5b8def", False),
    ("ongoing", "Ongoing", "正在实施", "#f0a202", True),
    ("completed", "Completed", "已完成", "#2e9e5b", True),
    ("delayed", "Delayed", "延迟", "#d1495b", False),
    ("discontinued", "Discontinued", "已终止", "#6c757d", False),
]
PILLARS = {
    "en": {"1": "Political and security cooperation", "2": "Economic cooperation"},
    "zh": {"1": "政治安全合作", "2": "经济合作"},
}
AREAS = {
    "en": {"1.1": "Strategic dialogue", "1.2": "Non-traditional security"},
    "zh": {"1.1": "战略对话", "1.2": "非传统安全"},
}
# Each line's confirmed status (None: not confirmed), by pillar and area; pillar 2's lines are in no area.
STRUCTURE = {
    "1": {
        "1.1": {"1.1.1": "ongoing", "1.1.2": "completed", "1.1.3": None},
        "1.2": {"1.2.1": "delayed", "1.2.2": "ongoing"},
    },
    "2": {"": {"2.1": None, "2.2": "not-started", "2.3": "completed"}},
}
LONG = "Deepen cooperation on connectivity, digital economy and green development " * 6
WORDS = {
    "en": {"text": "Strengthen the dialogue {code}. " + LONG,
           "narrative": "Two meetings were held on {code}."},
    "zh": {"text": "加强对话与合作{code}。" + "深化互联互通、数字经济和绿色发展合作。" * 20,
           "narrative": "就{code}举行了两次会议。"},
}  # fmt: skip
PLAN_TITLES = {"en": "ASEAN–China Plan of Action 2026–2030", "zh": "东盟—中国行动计划（2026–2030）"}
FALLBACK_LINE = "1.1.2"  # its narrative exists only in the other language


def make_content(language: str = "en", *, is_final: bool = False, compared: bool = True, **overrides):
    """A small report: two pillars, the second with its lines outside any area, two lines not confirmed."""
    other = "zh" if language == "en" else "en"
    statuses = [
        StatusInfo(code, label_zh if language == "zh" else label_en, colour, implemented)
        for code, label_en, label_zh, colour, implemented in STATUSES
    ]
    pillars = []
    for pillar_code, areas in STRUCTURE.items():
        area_infos = []
        for area_code, lines in areas.items():
            infos = [make_line(code, status, language, other) for code, status in lines.items()]
            title = Text(AREAS[language].get(area_code, ""), language)
            area_infos.append(AreaInfo(area_code, title, tally(infos, compared), infos))
        lines = [line for area in area_infos for line in area.lines]
        title = Text(PILLARS[language][pillar_code], language)
        pillars.append(PillarInfo(pillar_code, title, tally(lines, compared), area_infos))
    every_line = [line for pillar in pillars for area in pillar.areas for line in area.lines]
    values = dict(
        language=language, plan_code="poa-2026-2030",
        plan_title=PLAN_TITLES[language],
        period_label="2026–2027", period_starts=datetime.date(2026, 1, 1),
        period_ends=datetime.date(2026, 12, 31),
        as_of=datetime.datetime(2027, 1, 31, 12, 0, tzinfo=datetime.UTC),
        generated_at=datetime.datetime(2027, 2, 3, 9, 30, tzinfo=datetime.UTC),
        meeting="PMC 10+1 Session, July 2027", is_final=is_final, statuses=statuses,
        overall=tally(every_line, compared), pillars=pillars,
        compared_with="2025–2026 (final edition of 2026-07-01)" if compared else None,
    )  # fmt: skip
    values.update(overrides)
    return ReportContent(**values)


def make_line(code: str, status: str | None, language: str, other: str) -> LineInfo:
    text = WORDS[language]["text"].format(code=code)
    abridged = text[: ReportContent.ABRIDGED - 1] + "…" if len(text) > ReportContent.ABRIDGED else text
    owners = [
        OwnerInfo("ASEC", "ASEAN Secretariat", "lead", "牵头" if language == "zh" else "Lead"),
        OwnerInfo(
            "MOFA", "Ministry of Foreign Affairs", "supporting", "协助" if language == "zh" else "Supporting"
        ),
    ]
    updates = []
    if status is not None:
        fallback = code == FALLBACK_LINE
        narrative = Text(WORDS[other if fallback else language]["narrative"].format(code=code),
                         other if fallback else language, is_fallback=fallback)  # fmt: skip
        activities = [ActivityInfo(datetime.date(2026, 5, 12), f"Workshop {code}", "Jakarta")]
        updates.append(UpdateInfo("ASEC", narrative, activities, [f"Minutes {code}"]))
    last_activity = datetime.date(2026, 5, 12) if updates else None
    return LineInfo(code, Text(text, language), abridged, owners, status, updates, last_activity)


def tally(lines: list[LineInfo], compared: bool) -> Tally:
    counts = Counter(line.status for line in lines if line.status)
    every = {code: counts.get(code, 0) for code, *_rest in STATUSES}
    not_confirmed = sum(1 for line in lines if line.status is None)
    result = Tally(every, not_confirmed, len(lines))
    if compared:  # last year one line fewer was ongoing, and it was not confirmed
        previous = dict(every)
        moved = 1 if previous["ongoing"] else 0
        previous["ongoing"] -= moved
        result.previous_counts, result.previous_not_confirmed = previous, not_confirmed + moved
    return result


def make_full_content(language: str = "en", lines: int = 199) -> ReportContent:
    """The size of the 2026–2030 plan: five pillars of areas of lines, every line with updates."""
    content = make_content(language)
    template = content.pillars[0].areas[0].lines[0]
    statuses = [code for code, *_rest in STATUSES] + [None]
    pillars = []
    for p in range(1, 6):
        areas = []
        for a in range(1, 9):
            infos = [
                LineInfo(f"{p}.{a}.{n}", template.text, template.abridged, template.owners,
                         statuses[(p * 41 + a * 7 + n) % len(statuses)], template.updates * 2,
                         template.last_activity)
                for n in range(1, 6) if (p, a, n) != (5, 8, 5)  # 199 lines
            ]  # fmt: skip
            areas.append(AreaInfo(f"{p}.{a}", Text(f"Area {p}.{a}", language), tally(infos, True), infos))
        pillar_lines = [line for area in areas for line in area.lines]
        pillars.append(PillarInfo(str(p), Text(f"Pillar {p}", language), tally(pillar_lines, True), areas))
    content.pillars = pillars
    content.overall = tally(content.lines(), True)
    return content


# --- reading the files back -------------------------------------------------------------------


def open_word(content: ReportContent):
    return docx.Document(io.BytesIO(word.render(content)))


def paragraphs(document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def table_texts(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def open_sheets(content: ReportContent):
    return openpyxl.load_workbook(io.BytesIO(xlsx.render(content)))


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.tag, self.attrs, self.children, self.parts = tag, attrs, [], []

    @property
    def text(self) -> str:
        return "".join(part if isinstance(part, str) else part.text for part in self.parts)

    def find_all(self, tag: str, **attrs: str) -> list[Node]:
        found = []
        for child in self.children:
            if child.tag == tag and all(child.attrs.get(k.rstrip("_")) == v for k, v in attrs.items()):
                found.append(child)
            found.extend(child.find_all(tag, **attrs))
        return found

    def has_class(self, name: str) -> bool:
        return name in (self.attrs.get("class") or "").split()


class Tree(HTMLParser):
    """Enough of a DOM to check the report's structure, with the standard library's parser."""

    VOID = {"meta", "link", "col", "br", "img", "input", "hr", "path", "rect"}

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.styles: list[str] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        self.stack[-1].parts.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self.stack[-1].tag != tag:
            self.stack.pop()
        self.stack.pop()

    def handle_data(self, data):
        self.stack[-1].parts.append(data)
        if self.stack[-1].tag == "style":
            self.styles.append(data)


def parse(content: ReportContent) -> Tree:
    return Tree(html.render(content).decode())


def say(language: str, text: str) -> str:
    with translation.override("zh-hans" if language == "zh" else "en"):
        return translation.gettext(text)


def annex_counts(statuses: list[str]) -> dict[str, int]:
    return dict(Counter(statuses))


# --- Word -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh"])
def test_word_report_has_a_title_and_a_heading_for_every_pillar_area_and_line(language):
    content = make_content(language)
    document = open_word(content)

    assert paragraphs(document, "Title") == [content.plan_title]
    headings = paragraphs(document, "Heading 1")
    assert f"1. {PILLARS[language]['1']}" in headings
    assert f"2. {PILLARS[language]['2']}" in headings
    assert paragraphs(document, "Heading 2") == [
        f"1.1 {AREAS[language]['1.1']}",
        f"1.2 {AREAS[language]['1.2']}",
    ]
    assert paragraphs(document, "Heading 3") == [line.code for line in content.lines()]


def test_word_report_in_chinese_has_its_headings_and_texts_in_chinese():
    document = open_word(make_content("zh"))

    assert "1. 政治安全合作" in paragraphs(document, "Heading 1")
    assert say("zh", "Executive summary") in paragraphs(document, "Heading 1")
    body = "\n".join(p.text for p in document.paragraphs)
    assert "加强对话与合作1.1.1。" in body
    assert "正在实施" in body


def test_word_report_has_a_table_of_contents_that_word_fills():
    document = open_word(make_content())

    instructions = [node.text for node in document.element.body.iter(qn("w:instrText"))]
    assert any('TOC \\o "1-2" \\h \\z \\u' in text for text in instructions)
    assert any("Update field" in p.text for p in document.paragraphs)
    assert document.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"


def test_word_tables_have_one_row_per_line_and_repeat_their_header_row():
    content = make_content()
    document = open_word(content)

    summary, unconfirmed, annex = document.tables
    assert len(summary.rows) == 1 + len(content.pillars) + 1
    assert [row[0] for row in table_texts(unconfirmed)[1:]] == ["1.1.3", "2.1"]
    assert [row[0] for row in table_texts(annex)[1:]] == [line.code for line in content.lines()]
    for table in document.tables:
        assert table.style.name == "Table Grid"
        header = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
        assert header is not None and header.get(qn("w:val")) == "true"
        assert all(
            table.rows[1]._tr.trPr is None or table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
            for _ in [0]
        )


def test_word_footer_numbers_the_pages():
    document = open_word(make_content())

    footer = document.sections[0].footer._element
    assert any(node.text.strip() == "PAGE" for node in footer.iter(qn("w:instrText")))


def test_word_report_has_the_chart_as_a_picture_on_an_a4_page():
    document = open_word(make_content())

    assert len(document.inline_shapes) == 1
    picture = document.part.related_parts[
        document.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    ]
    assert picture.content_type == "image/png"
    assert round(document.sections[0].page_width.mm) == 210


@pytest.mark.parametrize(("language", "proofing"), [("en", "en-GB"), ("zh", "zh-CN")])
def test_word_report_sets_the_east_asian_font_and_the_language(language, proofing):
    document = open_word(make_content(language))

    for style in ["Normal", "Heading 1", "Heading 2", "Title"]:
        fonts = document.styles[style].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) in {word.CHINESE_BODY_FONT, word.CHINESE_HEADING_FONT}
        assert fonts.get(qn("w:eastAsiaTheme")) is None
    defaults = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert defaults.get(qn("w:val")) == proofing
    assert defaults.get(qn("w:eastAsia")) == "zh-CN"
    assert document.core_properties.language == proofing


@pytest.mark.parametrize(("language", "marker"), [("en", "only in Chinese"), ("zh", "only in English")])
def test_word_report_marks_a_narrative_shown_in_the_other_language(language, marker):
    document = open_word(make_content(language))

    narratives = [p.text for p in document.paragraphs if p.text.startswith("ASEC: ")]
    fallback = [text for text in narratives if FALLBACK_LINE in text]
    other = "zh" if language == "en" else "en"
    narrative = WORDS[other]["narrative"].format(code=FALLBACK_LINE)
    assert fallback == [f"ASEC: {narrative} [{say(language, marker)}]"]
    assert all("[" not in text for text in narratives if FALLBACK_LINE not in text)


@pytest.mark.parametrize(
    ("is_final", "shown", "not_shown"), [(False, "DRAFT", "FINAL"), (True, "FINAL", "DRAFT")]
)
def test_word_cover_says_whether_the_report_is_a_draft_or_final(is_final, shown, not_shown):
    document = open_word(make_content(is_final=is_final))

    cover = [p.text for p in document.paragraphs[:8]]
    assert shown in cover
    assert not_shown not in cover
    assert f"Prepared for {make_content().meeting}" in cover
    assert document.sections[0].footer.paragraphs[0].text.count(shown.capitalize()) == 1


def test_word_report_lists_and_counts_the_lines_without_a_confirmed_status():
    document = open_word(make_content())

    assert "Lines without a confirmed status" in paragraphs(document, "Heading 1")
    body = [p.text for p in document.paragraphs]
    assert "2 of 8 action lines have no confirmed status for the period." in body
    assert body.count("Status: Not confirmed   Owners: ASEC (Lead), MOFA (Supporting)") == 2


def test_word_summary_counts_agree_with_the_body_and_the_annex():
    content = make_content()
    document = open_word(content)

    summary, _unconfirmed, annex = document.tables
    headers, *rows = table_texts(summary)
    overall = dict(zip(headers[1:], rows[-1][1:], strict=True))
    in_annex = annex_counts([row[2] for row in table_texts(annex)[1:]])
    for status in content.statuses:
        count = overall[status.label].split(" ")[0]
        assert int(count) == in_annex.get(status.label, 0) == content.overall.counts[status.code]
    assert int(overall["Not confirmed"].split(" ")[0]) == in_annex["Not confirmed"] == 2
    assert overall["Ongoing"] == "2 (+1)"  # with the change since the report compared with
    assert overall["Not confirmed"] == "2 (−1)"
    assert "4 of 8 action lines (50 %) implemented or ongoing" in [p.text for p in document.paragraphs]


def test_word_report_without_a_report_to_compare_with_shows_counts_without_changes():
    document = open_word(make_content(compared=False))

    headers, *rows = table_texts(document.tables[0])
    assert rows[-1][1:] == ["1", "0", "2", "2", "1", "0", "2", "8"]
    assert "There is no earlier report to compare with." in [p.text for p in document.paragraphs]


def test_word_report_lists_the_changes_since_the_final_edition_when_there_are_some():
    changes = ["1.1.1: Ongoing → Completed", "2.2: Not confirmed → Not started"]
    with_changes = open_word(make_content(changes_since_final=changes))
    without = open_word(make_content())

    assert "Changes since the final edition" in paragraphs(with_changes, "Heading 1")
    assert paragraphs(with_changes, "List Bullet")[:2] == changes
    assert "Changes since the final edition" not in paragraphs(without, "Heading 1")


def test_word_report_of_the_whole_plan_has_every_line_in_its_annex():
    content = make_full_content()
    document = open_word(content)

    assert len(document.tables[-1].rows) == 1 + 199
    assert len(paragraphs(document, "Heading 3")) == 199


# --- HTML -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "lang"), [("en", "en"), ("zh", "zh-Hans")])
def test_html_report_is_a_standalone_document_with_a_heading_per_pillar_and_area(language, lang):
    content = make_content(language)
    tree = parse(content)

    (document,) = tree.root.find_all("html")
    assert document.attrs["lang"] == lang
    assert [h1.text for h1 in tree.root.find_all("h1")] == [content.plan_title]
    pillars = [section for section in tree.root.find_all("section") if section.has_class("report-pillar")]
    assert [section.find_all("h2")[0].text for section in pillars] == [
        f"1. {PILLARS[language]['1']}", f"2. {PILLARS[language]['2']}"
    ]  # fmt: skip
    assert [h3.text for h3 in pillars[0].find_all("h3")] == [
        f"1.1 {AREAS[language]['1.1']}",
        f"1.2 {AREAS[language]['1.2']}",
    ]
    assert pillars[1].find_all("h3") == []  # its lines are in no area
    assert not tree.root.find_all("link") and not tree.root.find_all("script")  # nothing fetched


def test_html_report_inlines_its_print_stylesheet_and_its_chart():
    tree = parse(make_content())

    css = "".join(tree.styles)
    assert re.search(r"@page\s*{[^}]*size:\s*A4", css)
    assert "@media print" in css
    assert re.search(r"\.report-pillar[^{]*{[^}]*break-before:\s*page", css)
    assert re.search(r"thead\s*{\s*display:\s*table-header-group", css)
    assert re.search(r"\.report-contents\s*{\s*display:\s*none", css)
    (svg,) = tree.root.find_all("svg")
    assert svg.attrs["role"] == "img"


def test_html_summary_counts_agree_with_the_annex():
    content = make_content()
    tree = parse(content)

    (tally,) = [table for table in tree.root.find_all("table") if table.has_class("report-tally")]
    (overall,) = tally.find_all("tfoot")
    shown = {cell.attrs["data-status"]: cell.find_all("span")[0].text for cell in overall.find_all("td")}
    (annex,) = [table for table in tree.root.find_all("table") if table.has_class("report-annex-table")]
    rows = annex.find_all("tbody")[0].find_all("tr")
    assert len(rows) == len(content.lines())
    in_annex = annex_counts([row.attrs["data-status"] for row in rows])
    for code in [*content.overall.counts, "not-confirmed"]:
        assert int(shown[code]) == in_annex.get(code, 0)
    assert shown["total"] == "8"
    body = [p.text for p in tree.root.find_all("p")]
    assert "4 of 8 action lines (50 %) implemented or ongoing" in body
    assert "2 of 8 action lines have no confirmed status for the period." in body
    statuses = [
        span.attrs["data-status"] for span in tree.root.find_all("span") if span.has_class("report-status")
    ]
    assert annex_counts(statuses) == in_annex  # the body says the same line by line


def test_html_report_shows_the_changes_since_the_compared_report_and_the_fallback_marker():
    tree = parse(make_content())

    (overall,) = tree.root.find_all("tfoot")
    changes = {cell.attrs["data-status"]: cell.text for cell in overall.find_all("td")}
    assert changes["ongoing"] == "2 (+1)"
    assert changes["not-confirmed"] == "2 (−1)"
    markers = [span.text for span in tree.root.find_all("span") if span.has_class("report-fallback")]
    assert markers == ["[only in Chinese]"]


def test_html_report_in_chinese_says_so_in_its_labels():
    tree = parse(make_content("zh"))

    headers = [th.text for th in tree.root.find_all("th")]
    assert {"编号", "状态", "正在实施", "未确认"} <= set(headers)
    assert translation.get_language() == "en"  # the report's language does not leak out


def test_html_report_of_the_whole_plan_has_every_line_in_its_annex():
    tree = parse(make_full_content("zh"))

    (annex,) = [table for table in tree.root.find_all("table") if table.has_class("report-annex-table")]
    assert len(annex.find_all("tbody")[0].find_all("tr")) == 199
    assert len([s for s in tree.root.find_all("section") if s.has_class("report-pillar")]) == 5


# --- spreadsheet ------------------------------------------------------------------------------


def test_spreadsheet_has_the_annex_with_one_row_per_line_under_a_frozen_bold_header():
    content = make_content()
    sheet = open_sheets(content).worksheets[0]

    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Code", "Pillar", "Area", "Text", "Status", "Owners", "Last activity")
    assert [row[0] for row in rows[1:]] == [line.code for line in content.lines()]
    assert rows[1][1:3] == ("1", "1.1") and rows[6][1:3] == ("2", None)  # pillar 2's lines are in no area
    assert rows[1][4:6] == ("Ongoing", "ASEC (Lead), MOFA (Supporting)")
    assert rows[3][4] == "Not confirmed" and rows[3][6] is None
    assert rows[1][6].date() == datetime.date(2026, 5, 12)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:G9"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet["D2"].alignment.wrap_text
    assert sheet.column_dimensions["D"].width == 70


def test_spreadsheet_in_chinese_has_chinese_labels_and_texts():
    sheet = open_sheets(make_content("zh")).worksheets[0]

    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编号"
    assert rows[1][4] == "正在实施"
    assert rows[1][3].startswith("加强对话与合作1.1.1。")
    assert rows[1][5] == "ASEC (牵头), MOFA (协助)"


def test_spreadsheet_summary_counts_agree_with_the_annex():
    content = make_content()
    annex, summary = open_sheets(content).worksheets

    assert summary.title == "Summary"
    in_annex = annex_counts([row[4] for row in annex.iter_rows(min_row=2, values_only=True)])
    rows = list(summary.iter_rows(values_only=True))
    header = next(index for index, row in enumerate(rows) if row[0] == "Pillar")
    labels = rows[header]
    overall = dict(zip(labels, rows[header + len(content.pillars) + 1], strict=True))
    assert overall["Pillar"] == "All pillars"
    for status in content.statuses:
        assert overall[status.label] == in_annex.get(status.label, 0)
    assert overall["Not confirmed"] == in_annex["Not confirmed"] == 2
    assert overall["Total"] == 8
    assert overall["Implemented or ongoing"] == 4
    pillar_one = dict(zip(labels, rows[header + 1], strict=True))
    assert (pillar_one["Ongoing"], pillar_one["Total"]) == (2, 5)


def test_spreadsheet_of_the_whole_plan_has_a_row_per_line():
    sheet = open_sheets(make_full_content()).worksheets[0]

    assert sheet.max_row == 1 + 199


# --- chart ------------------------------------------------------------------------------------


def chart_image(content: ReportContent):
    from PIL import Image

    return Image.open(io.BytesIO(chart.status_by_pillar_png(content)))


def test_chart_is_a_png_with_a_bar_per_pillar():
    small, full = chart_image(make_content("zh")), chart_image(make_full_content())

    assert small.format == full.format == "PNG"
    assert small.width == full.width
    assert full.height > small.height  # five pillars take more room than two


def test_chart_is_drawn_even_without_any_font_installed(monkeypatch):
    monkeypatch.setattr(chart, "FONTS", [])
    monkeypatch.setattr(chart, "found_by_fontconfig", lambda: [])

    font, can_label = chart.legend_font("zh", 26)
    assert not can_label
    assert chart_image(make_content("zh")).format == "PNG"


def test_chart_labels_the_statuses_in_chinese_when_a_chinese_font_is_installed():
    if not any(Path(path).exists() for path, _index, chinese in chart.FONTS if chinese):
        pytest.skip("no Chinese font installed (Debian: fonts-noto-cjk)")

    _font, can_label = chart.legend_font("zh", 26)
    assert can_label


# --- all formats ------------------------------------------------------------------------------


def test_renderers_make_no_database_query(db, django_assert_num_queries):
    content = make_content("zh")

    with django_assert_num_queries(0):
        for renderer in [word, html, xlsx]:
            assert renderer.render(content)


def test_a_plan_without_lines_renders_in_every_format():
    empty = Tally({code: 0 for code, *_rest in STATUSES}, 0, 0)
    content = make_content(pillars=[], overall=empty, compared_with=None)

    assert "0 of 0 action lines have no confirmed status for the period." in [
        p.text for p in open_word(content).paragraphs
    ]
    assert "0 of 0 action lines (0 %) implemented or ongoing" in html.render(content).decode()
    assert open_sheets(content).worksheets[0].max_row == 1
