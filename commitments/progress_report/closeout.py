"""The close-out report of a plan that has ended: how many of its lines were implemented by its end,
its lines by final status and pillar, and which lines later plans carry forward and which not.

Read from the database once, in one language (``build``), laid out as the progress report's blocks
(``layout``: Heading, Paragraph, Table), and drawn by the progress report's own renderers: HTML (and
through it PDF) with its template and stylesheet, Word with its ``WordReport``; the spreadsheet puts
each table on a sheet of its own.
"""

from __future__ import annotations

import datetime
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook

from ..cells import keep_as_text
from ..models import ActionLine, LineLink, Plan, Status
from . import docx, html, pdf, wording, xlsx
from .build import LANGUAGES, prepared_by, typeset
from .content import StatusInfo, Text
from .document import PORTRAIT_WIDTH, Heading, Layout, Paragraph, Row, Table, status_width, text_width

LINE_CHARACTERS = 140  # of a line's text in the lists


@dataclass
class PartInfo:
    code: str
    title: Text


@dataclass
class ClosedLine:
    code: str
    part: str  # the part's code
    text: Text
    status: str | None  # the final status's code; None when it has none yet
    how: str  # FinalStatus.How, "" without one
    successors: list[str] = field(default_factory=list)  # "2.8.1", or "plan-code:2.8.1" of a second plan


@dataclass
class CloseOutContent:
    """What the close-out report says, in one language. It has the attributes of a progress report's
    content (``ReportContent``) that ``wording`` and the renderers read."""

    language: str
    plan_code: str
    plan_title: str
    period_label: str  # the plan's years
    as_of: datetime.datetime
    prepared_by: str
    statuses: list[StatusInfo]
    parts: list[PartInfo]
    lines: list[ClosedLine]
    later_plans: list[str]  # the names of the plans that carry lines forward
    meeting: str = ""
    is_final: bool = False  # every line has its final status

    def status(self, code: str | None) -> StatusInfo | None:
        return next((status for status in self.statuses if status.code == code), None)

    @property
    def implemented(self) -> int:
        done = {status.code for status in self.statuses if status.counts_as_implemented}
        return sum(1 for line in self.lines if line.status in done)

    @property
    def carried_forward(self) -> list[ClosedLine]:
        return [line for line in self.lines if line.successors]

    @property
    def not_carried_forward(self) -> list[ClosedLine]:
        return [line for line in self.lines if not line.successors]


def later_plans(content) -> str:
    """The plans that continue this one, named in running text: "the Plan of Action 2026–2030"."""
    if not content.later_plans:
        return ""
    # Translators: a plan's name in running text; English puts "the" before it, Chinese nothing.
    return _("the %(plans)s") % {"plans": wording.sentence_list(content, content.later_plans)}


def build(plan: Plan, language: str) -> CloseOutContent:
    """The close-out report of ``plan`` in ``language`` ("en" or "zh"), as of now: four queries."""
    if language not in LANGUAGES:
        raise ValueError(f"Unknown report language {language!r}")
    with translation.override(LANGUAGES[language]):
        lines = list(
            ActionLine.objects.for_plan(plan).in_source().select_related("part", "final_status__status")
            .in_code_order()
        )  # fmt: skip
        later = successors_of(plan)
        later_plans = sorted({successor.plan for links in later.values() for successor in links},
                             key=lambda p: (p.first_year, p.code))  # fmt: skip
        main = later_plans[0] if later_plans else None
        title = plan.localized("title", language)
        return CloseOutContent(
            language=language,
            plan_code=plan.code,
            plan_title=plan_name(plan, language) if title.is_fallback or not title else typeset(title).text,
            period_label=plan.years,
            as_of=timezone.now(),
            prepared_by=prepared_by(language),
            statuses=[
                StatusInfo(s.code, str(s.localized("label", language)), s.colour, s.counts_as_implemented)
                for s in Status.objects.all()
            ],
            parts=[
                PartInfo(part.code, text(part, "title", language)) for part in plan.parts.order_by("number")
            ],
            lines=[
                ClosedLine(
                    line.code,
                    line.part.code,
                    text(line, "text", language),
                    line.final.status.code if line.final else None,
                    line.final.how if line.final else "",
                    [
                        s.code if s.plan == main else f"{plan_name(s.plan, language)} {s.code}"
                        for s in later.get(line.pk, [])
                    ],
                )
                for line in lines
            ],  # fmt: skip
            later_plans=[plan_name(later_plan, language) for later_plan in later_plans],
            is_final=all(line.final for line in lines),
        )


def text(item, name: str, language: str) -> Text:
    """The text as the progress report sets it: Chinese with Chinese punctuation."""
    return typeset(item.localized(name, language))


def plan_name(plan: Plan, language: str) -> str:
    """The plan's short name in ``language``, its years with the Chinese dash in Chinese."""
    name = str(plan.short_name)
    return name.replace("–", "—") if language == "zh" else name


def successors_of(plan: Plan) -> dict[int, list[ActionLine]]:
    """The later lines continuing each line of ``plan`` (confirmed links), by the line's pk."""
    links = LineLink.objects.confirmed().from_plan(plan).select_related("successor__plan")
    found = defaultdict(list)
    for link in sorted(links, key=lambda link: link.successor.order):
        found[link.predecessor_id].append(link.successor)
    return found


# --- the layout ------------------------------------------------------------------------------


def layout(content: CloseOutContent) -> Layout:
    """The report as blocks; call it with the report's language active."""
    titles = [_("Summary"), _("Action lines carried forward"), _("Action lines not carried forward")]
    headings = [wording.section_heading(content, number, title) for number, title in enumerate(titles, 1)]
    body = [
        *summary(content, headings[0]),
        Heading(1, headings[1], "carried-forward"),
        *carried_forward(content),
        Heading(1, headings[2], "not-carried-forward"),
        *not_carried_forward(content),
    ]
    return Layout(cover(content), _("Contents"), body, [])


def document_title(content: CloseOutContent) -> str:
    return _("Close-out report on the implementation of the %(plan)s, %(years)s") % {
        "plan": content.plan_title, "years": wording.period(content),
    }  # fmt: skip


def cover(content: CloseOutContent) -> list[tuple[str, str]]:
    return [
        ("title", content.plan_title),
        (
            "subtitle",
            _("Close-out report on its implementation, %(years)s") % {"years": wording.period(content)},
        ),
        ("prepared", wording.prepared_by(content)),
        ("date", wording.day(content, content.as_of)),
        ("edition", wording.edition(content).upper()),
    ]


def headline(content: CloseOutContent) -> str:
    total = len(content.lines)
    sentence = _(
        "Of the %(total)s action lines of the %(plan)s, %(implemented)s (%(share)s) were implemented."
    )
    return sentence % {
        "plan": content.plan_title, "total": total, "implemented": content.implemented,
        "share": wording.percent(content.implemented / total if total else 0),
    }  # fmt: skip


def summary(content: CloseOutContent, heading: str) -> list:
    counts = Counter(line.status for line in content.lines)
    parts = [wording.status_count(content, status, counts[status.code])
             for status in content.statuses if counts[status.code]]  # fmt: skip
    breakdown = _("By final status: %(statuses)s.") % {"statuses": wording.sentence_list(content, parts)}
    blocks = [Heading(1, heading, "introduction"), Paragraph(headline(content), "headline")]
    blocks.append(Paragraph(breakdown if parts else _("No action line has a final status yet.")))
    if counts[None] and parts:
        missing = ngettext(
            "%(count)s action line has no final status yet.",
            "%(count)s action lines have no final status yet.",
            counts[None],
        )  # fmt: skip
        blocks.append(Paragraph(missing % {"count": counts[None]}))
    carried, total = len(content.carried_forward), len(content.lines)
    later = later_plans(content) or _("a later plan")
    blocks.append(Paragraph(
        ngettext("%(carried)s of the %(total)s action lines is carried forward into %(later)s.",
                 "%(carried)s of the %(total)s action lines are carried forward into %(later)s.", carried)
        % {"carried": carried, "total": total, "later": later}
    ))  # fmt: skip
    hows = Counter(line.how for line in content.lines if line.how)
    blocks.append(Paragraph(
        _("Final statuses carried from the last confirmed status of a reporting period: %(carried)s; set by "
          "the secretariat: %(set)s.") % {"carried": hows["carried"], "set": hows["set"]},
        "note",
    ))  # fmt: skip
    blocks.append(by_part(content))
    return blocks


def by_part(content: CloseOutContent) -> Table:
    headers = [_("Pillar"), *(status.label for status in content.statuses), _("No final status"), _("Total")]
    numbers = [max(text_width(header) + 4, 12.0) for header in headers[1:]]
    rows = []
    for part in [*content.parts, None]:
        lines = [line for line in content.lines if part is None or line.part == part.code]
        counts = Counter(line.status for line in lines)
        cells = [counts[status.code] for status in content.statuses] + [counts[None], len(lines)]
        name = pillar(content, part) if part else _("All pillars")
        rows.append(Row([name, *map(str, cells)], "" if part else "total", part.code if part else ""))
    widths = [PORTRAIT_WIDTH - sum(numbers), *numbers]
    return Table("final-status", _("Action lines by final status and pillar"), headers, rows, widths,
                 set(range(1, len(headers))))  # fmt: skip


def pillar(content: CloseOutContent, part: PartInfo) -> str:
    return wording.marked(content, part.title) if part.title.text else part.code


def grouped(content: CloseOutContent, lines: list[ClosedLine], cells) -> list[Row]:
    """Rows of ``lines`` under a row naming each pillar."""
    rows = []
    for part in content.parts:
        chosen = [line for line in lines if line.part == part.code]
        if chosen:
            rows.append(Row([wording.pillar_heading(content, part)], "group", part.code))
            rows += [Row(cells(line), key=line.code) for line in chosen]
    return rows


def line_text(content: CloseOutContent, line: ClosedLine) -> str:
    return wording.marked(
        content,
        Text(wording.abridged(line.text.text, LINE_CHARACTERS), line.text.language, line.text.is_fallback),
    )


def final_label(content: CloseOutContent, line: ClosedLine) -> str:
    status = content.status(line.status)
    return status.label if status else _("No final status")


def carried_forward(content: CloseOutContent) -> list:
    lines = content.carried_forward
    if not lines:
        return [Paragraph(_("No action line of this plan is carried forward into a later plan."))]
    separator = "、" if wording.is_chinese(content) else ", "
    widths = [16, 0, status_width(content), 32]
    widths[1] = PORTRAIT_WIDTH - sum(widths)
    rows = grouped(content, lines, lambda line: [
        line.code, line_text(content, line), final_label(content, line), separator.join(line.successors)
    ])  # fmt: skip
    later = later_plans(content)
    headers = [_("Code"), _("Action line"), _("Final status"), _("Continued by")]
    caption = _("Action lines carried forward into %(later)s") % {"later": later}
    return [Table("carried-forward", caption, headers, rows, widths)]


def not_carried_forward(content: CloseOutContent) -> list:
    lines = content.not_carried_forward
    if not lines:
        return [Paragraph(_("Every action line of this plan is carried forward into a later plan."))]
    widths = [16, 0, status_width(content)]
    widths[1] = PORTRAIT_WIDTH - sum(widths)
    rows = grouped(
        content, lines, lambda line: [line.code, line_text(content, line), final_label(content, line)]
    )
    headers = [_("Code"), _("Action line"), _("Final status")]
    return [Table("not-carried-forward", _("Action lines not carried forward"), headers, rows, widths)]


# --- the formats -----------------------------------------------------------------------------


def formats() -> list[str]:
    return ["docx", "html", "xlsx", *(["pdf"] if pdf.available() else [])]


def render(content: CloseOutContent, fmt: str) -> bytes:
    with translation.override(wording.interface_language(content)):
        return {"docx": render_docx, "html": render_html, "xlsx": render_xlsx, "pdf": render_pdf}[fmt](
            content
        )


def file_name(content: CloseOutContent, fmt: str) -> str:
    """e.g. close-out-report-poa-2021-2025-zh.docx"""
    return f"close-out-report-{content.plan_code}-{content.language}.{fmt}"


def render_html(content: CloseOutContent) -> bytes:
    document = layout(content)
    context = {
        "content": content, "layout": document, "contents": document.contents(), "chart": "",
        "html_language": "zh-Hans" if content.language == "zh" else "en-GB", "annex_heading": "",
        "title": document_title(content), "stylesheet": html.stylesheet(),
        "footer_css": html.css_string(f"{content.plan_title} · {wording.edition(content)} · "),
    }  # fmt: skip
    return render_to_string("commitments/report/document.html", context).encode()


def render_pdf(content: CloseOutContent) -> bytes:
    return pdf.print_html(render_html(content))


class CloseOutWord(docx.WordReport):
    """The progress report's Word document, written from the close-out report's layout."""

    def write(self) -> None:
        self.write_layout(layout(self.content))
        self.document.core_properties.title = document_title(self.content)
        self.document.core_properties.comments = wording.day(self.content, self.content.as_of)


def render_docx(content: CloseOutContent) -> bytes:
    report = CloseOutWord(content)
    report.write()
    output = io.BytesIO()
    report.document.save(output)
    return output.getvalue()


def sheet_names() -> dict[str, str]:
    return {
        "final-status": _("By final status"),
        "carried-forward": _("Carried forward"),
        "not-carried-forward": _("Not carried forward"),
    }


def render_xlsx(content: CloseOutContent) -> bytes:
    """A summary sheet with the report's sentences, then each table on a sheet of its own."""
    document = layout(content)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = xlsx.sheet_name(_("Summary"))
    sheet.append([document_title(content)])
    tables = [block for block in document.body if isinstance(block, Table)]
    for block in document.body:
        if isinstance(block, Paragraph):
            sheet.append([block.text])
    sheet.column_dimensions["A"].width = 100
    for block in tables:
        table = workbook.create_sheet(xlsx.sheet_name(sheet_names()[block.name]))
        table.append(block.headers)
        for row in block.rows:
            table.append(row.cells if row.kind != "group" else [row.cells[0]])
        xlsx.header_row(table, 1, len(block.headers))
        for index, width in enumerate(block.widths):
            table.column_dimensions[chr(ord("A") + index)].width = max(width * 0.55, 10)
        table.freeze_panes = "A2"
        xlsx.print_setup(table, "1:1")
    workbook.properties.title = document_title(content)
    workbook.properties.language = "zh-CN" if content.language == "zh" else "en-GB"
    keep_as_text(workbook)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
