"""The report as a Word file a secretariat can edit before submission.

Real heading styles (Title, Heading 1 for pillars, 2 for areas, 3 for lines) so that Word's
navigation pane and table of contents work; the table of contents is a field Word fills when the
file is opened. Tables repeat their header row on every page, the footer numbers the pages, and
the East Asian font and language are set so that Chinese text is shown and proofed as Chinese.
"""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from . import wording
from .chart import status_by_pillar_png
from .content import LineInfo, ReportContent, Tally, UpdateInfo

CHINESE_BODY_FONT = "SimSun"  # Word's own; LibreOffice and others substitute Noto Sans/Serif CJK
CHINESE_HEADING_FONT = "SimHei"
MARKER_COLOUR = RGBColor(0xA3, 0x3B, 0x00)
# Pillars and areas; the lines (Heading 3) are reached through the navigation pane, not 199 TOC entries.
TOC_INSTRUCTION = 'TOC \\o "1-2" \\h \\z \\u'
# Widths of the annex's columns in millimetres, on an A4 page with 20 mm margins (170 mm).
ANNEX_WIDTHS = (18, 80, 22, 32, 18)
UNCONFIRMED_WIDTHS = (18, 110, 42)


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
                         "List Bullet", "Table Grid", "Caption"]
        }  # fmt: skip
        self.style["Table text"] = self.table_text_style()
        set_up(self.document, content, self.style)

    def write(self) -> None:
        self.cover()
        self.contents()
        self.summary()
        if self.content.changes_since_final:
            self.changes()
        for pillar in self.content.pillars:
            heading = self.paragraph(wording.pillar_heading(pillar), "Heading 1")
            heading.paragraph_format.page_break_before = True
            self.paragraph(wording.headline(self.content, pillar.tally))
            for area in pillar.areas:
                title = wording.area_heading(pillar, area)
                if title:
                    self.paragraph(title, "Heading 2")
                for line in area.lines:
                    self.line(line)
        self.unconfirmed()
        self.annex()

    # --- sections ---------------------------------------------------------------------------

    def cover(self) -> None:
        content = self.content
        self.paragraph(content.plan_title, "Title")
        self.paragraph(_("Progress report %(period)s") % {"period": content.period_label}, "Subtitle")
        self.paragraph(wording.as_of(content))
        if content.meeting:
            self.paragraph(wording.prepared_for(content))
        mark = self.paragraph("")
        run = mark.add_run(wording.edition(content).upper())
        run.bold = True
        run.font.size = Pt(20)
        if not content.is_final:
            run.font.color.rgb = MARKER_COLOUR
        self.paragraph(wording.generated(content))

    def contents(self) -> None:
        self.document.add_page_break()
        self.paragraph(_("Contents"), "TOC Heading")
        field(
            self.paragraph(""),
            TOC_INSTRUCTION,
            _("Right-click here and choose “Update field” to show the contents."),
        )

    def summary(self) -> None:
        content = self.content
        heading = self.paragraph(_("Executive summary"), "Heading 1")
        heading.paragraph_format.page_break_before = True
        self.paragraph("").add_run(wording.headline(content, content.overall)).bold = True
        self.paragraph(wording.compared_with(content))
        headers = [_("Pillar"), *wording.tally_headers(content)]
        table = self.table(headers)
        for pillar in content.pillars:
            self.tally_row(table, pillar.code, pillar.tally)
        self.tally_row(table, _("All pillars"), content.overall, bold=True)
        self.paragraph(_("Lines by status"), "Caption")
        self.document.add_picture(io.BytesIO(status_by_pillar_png(content)), width=Mm(165))

    def changes(self) -> None:
        self.paragraph(_("Changes since the final edition"), "Heading 1")
        for change in self.content.changes_since_final:
            self.paragraph(change, "List Bullet")

    def line(self, line: LineInfo) -> None:
        content = self.content
        self.paragraph(line.code, "Heading 3")
        text = self.paragraph(line.abridged)
        self.marker(text, line.text)
        facts = self.paragraph("")
        facts.add_run(_("Status") + ": ").bold = True
        facts.add_run(wording.status_label(content, line.status))
        facts.add_run("   " + _("Owners") + ": ").bold = True
        facts.add_run(wording.owners(line))
        if not line.updates:
            self.paragraph("").add_run(_("No approved update for this period.")).italic = True
        for update in line.updates:
            self.update(update)

    def update(self, update: UpdateInfo) -> None:
        narrative = self.paragraph("")
        narrative.add_run(f"{update.organisation}: ").bold = True
        narrative.add_run(update.narrative.text)
        self.marker(narrative, update.narrative)
        for activity in update.activities:
            place = f", {activity.place}" if activity.place else ""
            self.paragraph(f"{wording.day(activity.date)} — {activity.title}{place}", "List Bullet")
        if update.evidence:
            evidence = self.paragraph("")
            evidence.add_run(_("Evidence") + ": ").bold = True
            evidence.add_run("; ".join(update.evidence))

    def unconfirmed(self) -> None:
        lines = self.content.unconfirmed()
        self.paragraph(
            _("Lines without a confirmed status"), "Heading 1"
        ).paragraph_format.page_break_before = True
        self.paragraph(
            _("%(count)s of %(total)s action lines have no confirmed status for the period.")
            % {"count": len(lines), "total": self.content.overall.total}
        )
        if not lines:
            return
        table = self.table([_("Code"), _("Text"), _("Owners")], UNCONFIRMED_WIDTHS)
        for line in lines:
            self.row(table, [line.code, line.abridged, wording.owners(line)], UNCONFIRMED_WIDTHS)

    def annex(self) -> None:
        content = self.content
        self.paragraph(_("Annex: all action lines"), "Heading 1").paragraph_format.page_break_before = True
        headers = [_("Code"), _("Text"), _("Status"), _("Owners"), _("Last activity")]
        table = self.table(headers, ANNEX_WIDTHS)
        for line in content.lines():
            cells = [
                line.code, line.text.text, wording.status_label(content, line.status), wording.owners(line),
                wording.day(line.last_activity),
            ]  # fmt: skip
            self.row(table, cells, ANNEX_WIDTHS)

    # --- building blocks --------------------------------------------------------------------

    def paragraph(self, text: str, style: str = "Normal"):
        paragraph = self.document.add_paragraph(text)
        if style != "Normal":
            # By its id: python-docx's ``style=`` scans every style of the document each time.
            paragraph._p.style = self.style[style].style_id
        return paragraph

    def marker(self, paragraph, text) -> None:
        """The visible mark of a text in the other language than the report's."""
        marker = wording.fallback_marker(text)
        if marker:
            run = paragraph.add_run(f" [{marker}]")
            run.italic = True
            run.font.color.rgb = MARKER_COLOUR

    def table(self, headers: list[str], widths: tuple[int, ...] | None = None):
        """A Table Grid table with a bold header row that Word repeats at the top of every page."""
        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = self.style["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        header = table.rows[0]
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        header._tr.get_or_add_trPr().append(repeat)
        if widths:
            table.autofit = False
            for column, width in zip(table.columns, widths, strict=True):
                column.width = Mm(width)
        self.row(table, headers, widths, bold=True, row=header)
        return table

    def row(self, table, texts: list[str], widths=None, *, bold: bool = False, row=None) -> None:
        cells = (row if row is not None else table.add_row()).cells
        for index, (cell, text) in enumerate(zip(cells, texts, strict=True)):
            if widths:  # Word takes the widths of the cells, LibreOffice those of the grid
                cell.width = Mm(widths[index])
            paragraph = cell.paragraphs[0]
            paragraph._p.style = self.style["Table text"].style_id
            run = paragraph.add_run(str(text))
            if bold:
                run.bold = True

    def tally_row(self, table, label: str, tally: Tally, *, bold: bool = False) -> None:
        texts = [label] + [f"{count} ({change})" if change else str(count) for count, change in
                           wording.tally_row(self.content, tally)]  # fmt: skip
        self.row(table, texts, bold=bold)

    def table_text_style(self):
        """Smaller text without spacing, so that a table of 199 lines stays readable and short."""
        style = self.document.styles.add_style("Table text", WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = self.document.styles["Normal"]
        style.font.size = Pt(9)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.line_spacing = 1.0
        return style


def set_up(document, content: ReportContent, style: dict) -> None:
    """A4 pages numbered in the footer, the fonts and language for Chinese, and the file's properties."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{wording.document_title(content)} · {wording.edition(content)} · ")
    field(footer, "PAGE", "1")

    for name in ["Normal", "Table text"]:
        east_asian_font(style[name], CHINESE_BODY_FONT)
    for name in ["Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "TOC Heading"]:
        east_asian_font(style[name], CHINESE_HEADING_FONT)
    language = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    language.set(qn("w:val"), "zh-CN" if content.language == "zh" else "en-GB")
    language.set(qn("w:eastAsia"), "zh-CN")

    settings = document.settings.element
    update = OxmlElement("w:updateFields")  # Word offers to fill the table of contents on opening
    update.set(qn("w:val"), "true")
    settings.find(qn("w:compat")).addprevious(update)

    properties = document.core_properties
    properties.title = wording.document_title(content)
    properties.language = "zh-CN" if content.language == "zh" else "en-GB"
    properties.subject = content.meeting
    properties.author = ""
    properties.comments = wording.as_of(content)


def east_asian_font(style, font: str) -> None:
    """Name the font for Chinese characters, replacing the theme's, which has none in the default theme."""
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.attrib.pop(qn("w:eastAsiaTheme"), None)
    fonts.set(qn("w:eastAsia"), font)


def field(paragraph, instruction: str, placeholder: str) -> None:
    """A Word field (PAGE, TOC …) whose result Word computes; ``placeholder`` shows until it does."""
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
