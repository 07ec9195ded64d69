"""The report as a Word file a secretariat can edit before submission, drawn from the layout.

Real heading styles (Title, Heading 1 for sections, 2 for pillars) for Word's navigation pane; the
contents are written out as links to the headings, so that they show in Word, LibreOffice and any
PDF made from the file without updating a field. Table rows never split across pages and header
rows repeat; the annex is a landscape section. Text is tagged en-GB and East Asian text zh-CN
(``w:val`` and ``w:eastAsia``), so that each is broken into lines and proofed by its own rules,
with a Chinese font named for Chinese characters.
"""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

from django.utils import translation
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

from . import wording
from .chart import status_by_pillar_png
from .content import ReportContent
from .document import HEADER_POINTS, PORTRAIT_WIDTH, Bullets, Chart, Heading, Paragraph, Table, layout

LATIN_FONT = "Calibri"  # LibreOffice substitutes the metric-compatible Carlito
CHINESE_BODY_FONT = "SimSun"  # Word's own; LibreOffice and others substitute Noto Serif/Sans CJK
CHINESE_HEADING_FONT = "SimHei"
MARKER_COLOUR = RGBColor(0xA3, 0x3B, 0x00)
HEAD_FILL = "E8ECF1"
GROUP_FILL = "F4F6F8"
CELL_MARGIN = 50  # twentieths of a point on each side of a cell's text (about 0.9 mm)
LINE_BREAKS_AND_TABS = re.compile(r"([\t\r\n])")
HEADING_STYLES = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}
# What follows w:autoSpaceDE and w:autoSpaceDN in a paragraph's properties (ECMA-376 CT_PPrBase).
AFTER_AUTO_SPACE = (
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def render(content: ReportContent) -> bytes:
    with translation.override(wording.interface_language(content)):
        report = WordReport(content)
        report.write()
        output = io.BytesIO()
        report.document.save(output)
    return output.getvalue()


class WordReport:
    """One document being written: the styles are looked up once, not for every paragraph."""

    def __init__(self, content: ReportContent) -> None:
        self.content = content
        self.document = Document()
        styles = self.document.styles
        self.style = {
            name: styles[name]
            for name in ["Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "TOC Heading",
                         "List Bullet", "Caption"]
        }  # fmt: skip
        self.style["Table text"] = self.table_text_style()
        self.style["Contents"] = self.contents_style()
        self.bookmarks = 0
        set_up(self.document, content, self.style)

    def write(self) -> None:
        self.write_layout(layout(self.content))

    def write_layout(self, document) -> None:
        """Cover, contents, body, and the annex on landscape pages when there is one."""
        self.cover(document.cover)
        self.contents(document)
        for block in document.body:
            self.block(block)
        if document.annex:
            self.landscape()
        for block in document.annex:
            self.block(block)

    # --- sections ---------------------------------------------------------------------------

    def cover(self, lines: list[tuple[str, str]]) -> None:
        for _spacer in range(4):
            self.paragraph("")
        for role, text in lines:
            if role == "title":
                self.paragraph(text, "Title")
            elif role == "subtitle":
                self.paragraph(text, "Subtitle")
            elif role == "edition":
                run = self.paragraph("").add_run(text)
                run.bold, run.font.size = True, Pt(20)
                if not self.content.is_final:
                    run.font.color.rgb = MARKER_COLOUR
            else:
                self.paragraph(text).paragraph_format.space_after = Pt(6)

    def contents(self, document) -> None:
        """The contents as links to the headings' bookmarks: no field to update, in any program."""
        heading = self.paragraph(document.contents_title, "TOC Heading")
        heading.paragraph_format.page_break_before = True
        for entry in document.contents():
            paragraph = self.paragraph("", "Contents")
            if entry.level > 1:
                paragraph.paragraph_format.left_indent = Mm(8)
            link(paragraph, entry.anchor, entry.text)

    def landscape(self) -> None:
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        section.different_first_page_header_footer = False  # only the cover goes unnumbered
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.left_margin = section.right_margin = Mm(20)
        section.top_margin = section.bottom_margin = Mm(18)

    # --- blocks -----------------------------------------------------------------------------

    def block(self, block) -> None:
        if isinstance(block, Heading):
            paragraph = self.paragraph(block.text, HEADING_STYLES[block.level])
            paragraph.paragraph_format.keep_with_next = True
            # The body starts on the page after the contents; the annex has a section of its own.
            paragraph.paragraph_format.page_break_before = block.anchor == "introduction"
            self.bookmark(paragraph, block.anchor)
        elif isinstance(block, Paragraph):
            paragraph = self.paragraph("")
            if block.lead:
                paragraph.add_run(block.lead + ("：" if self.content.language == "zh" else ": ")).bold = True
            run = paragraph.add_run(block.text)
            run.bold = block.style == "headline"
            run.italic = block.style == "note"
            if self.content.language == "zh" and block.style != "headline" and not block.lead:
                paragraph.paragraph_format.first_line_indent = Pt(21)  # two characters
        elif isinstance(block, Bullets):
            for item in block.items:
                self.paragraph(item, "List Bullet")
        elif isinstance(block, Chart):
            self.paragraph(block.caption, "Caption").paragraph_format.keep_with_next = True
            self.document.add_picture(
                io.BytesIO(status_by_pillar_png(self.content)), width=Mm(PORTRAIT_WIDTH)
            )
        elif isinstance(block, Table):
            self.table(block)

    def table(self, block: Table) -> None:
        if block.caption:
            self.paragraph(block.caption, "Caption").paragraph_format.keep_with_next = True
        table = self.document.add_table(rows=0, cols=len(block.headers))
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        cell_margins(table)
        for column, width in zip(table.columns, block.widths, strict=True):
            column.width = Mm(width)
        # The rows are written as XML in one step, the XML python-docx's calls wrote cell by cell,
        # run by run and property by property, at a tenth of their cost for a table of 200 rows.
        style = self.style["Table text"].style_id
        rows = [
            table_row(block, block.headers, style, header=True, bold=True, size=HEADER_POINTS, fill=HEAD_FILL)
        ]
        for row in block.rows:
            if row.kind == "group":
                rows.append(
                    table_row(block, row.cells, style, bold=True, fill=GROUP_FILL, span=len(block.widths))
                )
            else:
                rows.append(table_row(block, row.cells, style, bold=row.kind == "total"))
        table._tbl.extend(parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(rows)}</w:tbl>"))
        self.paragraph("").paragraph_format.space_after = Pt(2)

    # --- building blocks --------------------------------------------------------------------

    def paragraph(self, text: str, style: str = "Normal"):
        paragraph = self.document.add_paragraph(text)
        if style != "Normal":
            # By its id: python-docx's ``style=`` scans every style of the document each time.
            paragraph._p.style = self.style[style].style_id
        return paragraph

    def bookmark(self, paragraph, name: str) -> None:
        self.bookmarks += 1
        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        start.set(qn("w:id"), str(self.bookmarks))
        start.set(qn("w:name"), f"_{name.replace('-', '_')}")
        end.set(qn("w:id"), str(self.bookmarks))
        paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
        paragraph._p.append(end)

    def table_text_style(self):
        """Smaller text without spacing, so that a table of 199 lines stays readable and short."""
        style = self.document.styles.add_style("Table text", WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = self.document.styles["Normal"]
        style.font.size = Pt(8.5)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.line_spacing = 1.0
        return style

    def contents_style(self):
        style = self.document.styles.add_style("Contents", WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = self.document.styles["Normal"]
        style.paragraph_format.space_after = Pt(3)
        return style


def link(paragraph, anchor: str, text: str) -> None:
    """An internal hyperlink to the bookmark of a heading."""
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("w:anchor"), f"_{anchor.replace('-', '_')}")
    run = OxmlElement("w:r")
    text_element = OxmlElement("w:t")
    text_element.text = text
    text_element.set(qn("xml:space"), "preserve")
    run.append(text_element)
    hyperlink.append(run)
    paragraph._p.append(hyperlink)


def table_row(
    block: Table, texts, style: str, *, header=False, bold=False, size=None, fill=None, span=0
) -> str:
    """A row that never splits across pages (the header row repeats on every page), as WordprocessingML.

    Each cell has its width (Word takes the cells' widths, LibreOffice the grid's), a paragraph of
    the table text style, right-aligned in a column of figures, and one run, bold or explicitly not.
    A group row is one cell spanning the ``span`` columns.
    """
    widths = [sum(block.widths)] if span else block.widths
    shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
    spanning = f'<w:gridSpan w:val="{span}"/>' if span else ""
    run = ("<w:b/>" if bold else '<w:b w:val="0"/>') + (f'<w:sz w:val="{round(size * 2)}"/>' if size else "")
    cells = []
    for index, (text, width) in enumerate(zip(texts, widths, strict=False)):
        align = '<w:jc w:val="right"/>' if index in block.numeric else ""
        cells.append(
            f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{Mm(width).twips}"/>{spanning}{shading}</w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{align}</w:pPr>'
            f"<w:r><w:rPr>{run}</w:rPr>{run_content(str(text))}</w:r></w:p></w:tc>"
        )
    repeat = '<w:tblHeader w:val="true"/>' if header else ""
    return f"<w:tr><w:trPr><w:cantSplit/>{repeat}</w:trPr>{''.join(cells)}</w:tr>"


def run_content(text: str) -> str:
    """A run's text as python-docx writes it: a tab as ``w:tab``, a line break as ``w:br``, the rest
    in ``w:t`` elements that keep their spaces when they start or end with one."""
    content = []
    for piece in LINE_BREAKS_AND_TABS.split(text):
        if piece == "\t":
            content.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            content.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            content.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return "".join(content)


def cell_margins(table) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)


def set_up(document, content: ReportContent, style: dict) -> None:
    """A4 pages numbered in the footer, the fonts and languages, and the file's properties."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    section.different_first_page_header_footer = True  # no number on the cover
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{content.plan_title} · {wording.edition(content)} · ").font.size = Pt(8)
    field(footer, "PAGE", "2")

    for name in ["Normal", "Table text", "Contents", "List Bullet", "Caption"]:
        fonts(style[name], CHINESE_BODY_FONT)
    for name in ["Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "TOC Heading"]:
        fonts(style[name], CHINESE_HEADING_FONT)
    # Latin text is English, East Asian text Chinese, in both reports: with Latin tagged Chinese,
    # LibreOffice breaks English words anywhere ("ADM|M-Plus").
    language = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    language.set(qn("w:val"), "en-GB")
    language.set(qn("w:eastAsia"), "zh-CN")
    if content.language == "zh":
        # Chinese is set without the extra space Word and LibreOffice put between it and Latin text
        # or digits ("2026 年"): the text has none, and the page should show none.
        defaults = (
            document.styles.element.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
        )
        # Word reads it from the defaults, LibreOffice from the styles.
        for properties in [defaults, *(style[name].element.get_or_add_pPr() for name in style)]:
            for name in ("w:autoSpaceDE", "w:autoSpaceDN"):
                element = OxmlElement(name)
                element.set(qn("w:val"), "0")
                # In the place the schema gives it, or Word and LibreOffice ignore it.
                properties.insert_element_before(element, *AFTER_AUTO_SPACE)

    properties = document.core_properties
    properties.title = wording.document_title(content)
    properties.language = "zh-CN" if content.language == "zh" else "en-GB"
    properties.subject = content.meeting
    properties.author = content.prepared_by
    properties.comments = wording.as_of(content)


def fonts(style, chinese: str) -> None:
    """Name the Latin and the Chinese font, replacing the theme's, which has no Chinese one."""
    element = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        element.attrib.pop(qn(attribute), None)
    element.set(qn("w:ascii"), LATIN_FONT)
    element.set(qn("w:hAnsi"), LATIN_FONT)
    element.set(qn("w:eastAsia"), chinese)


def field(paragraph, instruction: str, placeholder: str) -> None:
    """A Word field (PAGE …) whose result Word computes; ``placeholder`` shows until it does."""
    run = paragraph.add_run()._r
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run.extend([begin, code, separate])
    paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)
