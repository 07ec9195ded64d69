"""The report laid out once, as headings, paragraphs, lists and tables, for every format to draw.

Word (``docx.py``) and HTML (``html.py``, and through it the PDF) walk the same blocks, so the
report says the same thing in the same order whatever the format: cover, contents, I. Introduction,
II. Overall assessment, III. Progress by pillar, IV. Meetings and review, V. Funding, VI. Challenges
and way forward, then the annex, the matrix of every line, on landscape pages.

Each line of the plan appears once in the annex; in the body, a line is named at most once: among
the key achievements when it was completed in the period, or among the challenges when it is
delayed or discontinued. A line with no report received is counted in the body and listed only in
the annex. Call ``layout`` with the report's language active.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import wording
from .content import LineInfo, ReportContent, Text

PORTRAIT_WIDTH = 170  # mm of text on an A4 page with 20 mm margins
LANDSCAPE_WIDTH = 257
HEADER_POINTS = 8  # the size of table headers, which the column widths must fit
REASON_CHARACTERS = 260  # of an owner's explanation of a delay, in the challenges table
LINE_IN_TABLE = 110  # characters of a line's text where the body names it
LINE_IN_LIST = 150
ACTIVITIES_IN_ANNEX = 4


@dataclass
class Heading:
    kind: ClassVar[str] = "heading"
    level: int  # 1: a numbered section or the annex; 2: a pillar or subsection; 3: a run-in heading
    text: str
    anchor: str
    in_contents: bool = True


@dataclass
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    text: str
    style: str = ""  # "headline" (bold, the sentence Leaders can quote), "note"
    lead: str = ""  # a run-in heading, in bold before the text


@dataclass
class Bullets:
    kind: ClassVar[str] = "bullets"
    items: list[str]


@dataclass
class Row:
    cells: list[str]
    kind: str = ""  # "group": one cell spanning the row; "total": bold
    key: str = ""  # a line code or status code, for tests and styling


@dataclass
class Table:
    kind: ClassVar[str] = "table"
    name: str  # "status", "meetings", "funds", "funding-pillars", "funded", "challenges", "annex"
    caption: str
    headers: list[str]
    rows: list[Row]
    widths: list[float]  # mm, summing to the page's text width
    numeric: set[int] = field(default_factory=set)  # columns of figures, right-aligned


@dataclass
class Chart:
    kind: ClassVar[str] = "chart"
    caption: str


@dataclass
class Layout:
    cover: list[tuple[str, str]]  # (role, text): title, subtitle, meeting, prepared, date, edition
    contents_title: str
    body: list  # blocks
    annex: list  # blocks, on landscape pages

    def contents(self) -> list[Heading]:
        return [
            block for block in [*self.body, *self.annex] if isinstance(block, Heading) and block.in_contents
        ]


def layout(content: ReportContent) -> Layout:
    from . import targets  # which draws its table with this module's blocks

    sections = dict(wording.numbered_sections(content))
    body = [
        *introduction(content, sections["introduction"]),
        *assessment(content, sections["assessment"]),
        *targets.blocks(content),
        *pillars(content, sections["pillars"]),
        *meetings(content, sections["meetings"]),
        *funding(content, sections["funding"]),
        *challenges(content, sections["challenges"]),
    ]
    if content.changes_since_final:
        body += [
            Heading(1, _("Changes since the final edition of this period"), "changes"),
            Paragraph(_("This list is printed in drafts only."), "note"),
            Bullets(content.changes_since_final),
        ]
    return Layout(cover(content), _("Contents"), body, annex(content))


def cover(content: ReportContent) -> list[tuple[str, str]]:
    return [
        ("title", content.plan_title),
        ("subtitle", wording.cover_subtitle(content)),
        ("meeting", wording.submitted_to(content)),
        ("prepared", wording.prepared_by(content)),
        ("date", wording.cover_date(content)),
        ("edition", wording.edition(content).upper()),
    ]


def introduction(content: ReportContent, heading: str) -> list:
    values = {
        "plan": content.plan_title,
        "period": wording.period(content),
        "starts": wording.day(content, content.period_starts),
        "ends": wording.day(content, content.period_ends),
        "as_of": wording.day(content, content.as_of),
        "body": content.prepared_by,
    }
    return [
        Heading(1, heading, "introduction"),
        Paragraph(
            _(
                "Section 6.3 of the %(plan)s provides that the plan is reviewed through the PMC 10+1 "
                "Session with China and the meetings of the ASEAN–China Senior Officials' Consultations and "
                "the ASEAN–China Joint Cooperation Committee, and that a progress report on its "
                "implementation is submitted every year to the ASEAN–China Summit through the PMC 10+1 "
                "Session."
            )
            % values
        ),
        Paragraph(
            _(
                "This report covers %(period)s, from %(starts)s to %(ends)s, and reflects the information "
                "received by %(as_of)s. It was prepared by the %(body)s from the reports of the ASEAN "
                "sectoral bodies, Chinese ministries and agencies and ASEAN–China mechanisms that lead and "
                "support the action lines, as reviewed by the %(body)s."
            )
            % values
        ),
        Paragraph(wording.coverage(content)),
    ]


def assessment(content: ReportContent, heading: str) -> list:
    overall = content.overall
    widths = tally_widths(content)
    rows = [
        Row(
            [wording.pillar_name(pillar), *map(str, wording.tally_cells(content, pillar.tally))],
            key=pillar.code,
        )
        for pillar in content.pillars
    ]
    rows.append(Row([_("All pillars"), *map(str, wording.tally_cells(content, overall))], "total"))
    return [
        Heading(1, heading, "assessment"),
        Paragraph(wording.headline(content, overall), "headline"),
        Paragraph(wording.status_breakdown(content, overall)),
        Paragraph(wording.change(content)),
        Table(
            "status",
            _("Action lines by status and pillar"),
            [_("Pillar"), *wording.tally_headers(content)],
            rows,
            widths,
            set(range(1, len(widths))),
        ),  # fmt: skip
        Chart(_("Action lines by status and pillar")),
    ]


def pillars(content: ReportContent, heading: str) -> list:
    blocks: list = [Heading(1, heading, "pillars")]
    for pillar in content.pillars:
        blocks.append(Heading(2, wording.pillar_heading(content, pillar), f"pillar-{pillar.code}"))
        blocks += [Paragraph(text) for text in pillar.summary]
        completed = [line for line in pillar.lines() if line.completed_in_period]
        highlights = [activity for activity in pillar.activities() if activity.is_highlight]
        if completed or highlights:
            blocks.append(Heading(3, _("Key achievements"), f"pillar-{pillar.code}-achievements", False))
            blocks.append(
                Bullets([
                    *(completed_line(content, line) for line in completed),
                    *(wording.activity_line(content, activity) for activity in highlights),
                ])
            )  # fmt: skip
    return blocks


def completed_line(content: ReportContent, line: LineInfo) -> str:
    return _("Completed: %(line)s") % {"line": wording.line_reference(content, line, LINE_IN_LIST)}


def meetings(content: ReportContent, heading: str) -> list:
    held = content.meetings()
    blocks: list = [
        Heading(1, heading, "meetings"),
        Paragraph(
            ngettext(
                "The implementation of the plan is reviewed through the PMC 10+1 Session with China, the "
                "ASEAN–China Senior Officials' Consultations and the ASEAN–China Joint Cooperation "
                "Committee (section 6.3(a)). %(count)s meeting was reported for the period.",
                "The implementation of the plan is reviewed through the PMC 10+1 Session with China, the "
                "ASEAN–China Senior Officials' Consultations and the ASEAN–China Joint Cooperation "
                "Committee (section 6.3(a)). %(count)s meetings were reported for the period, by the "
                "mechanisms and bodies below.",
                len(held),
            )
            % {"count": len(held)}
        ),
    ]
    by_body = defaultdict(list)
    for meeting in held:
        by_body[meeting.body].append(meeting)
    separator = "；" if wording.is_chinese(content) else "; "
    for body in sorted(by_body):
        listed = sorted(by_body[body], key=lambda m: (m.date, m.title.text))
        text = separator.join(wording.activity_line(content, meeting) for meeting in listed)
        blocks.append(Paragraph(text + ("。" if wording.is_chinese(content) else "."), lead=body))
    return blocks


def funding(content: ReportContent, heading: str) -> list:
    funded = content.funded()  # with a fund named, with or without an amount
    blocks: list = [Heading(1, heading, "funding")]
    if not funded:
        blocks.append(
            Paragraph(_("No funding of activities was reported for the period (section 6.1 of the plan)."))
        )
        return blocks
    total = sum((activity.amount or 0 for activity in funded), Decimal(0))
    blocks.append(
        Paragraph(
            ngettext(
                "Section 6.1 of the plan provides for funding from ASEAN Member States and China, including "
                "the ASEAN–China Cooperation Fund and other funds. %(count)s activity reported funding, "
                "with amounts totalling %(total)s.",
                "Section 6.1 of the plan provides for funding from ASEAN Member States and China, including "
                "the ASEAN–China Cooperation Fund and other funds. %(count)s activities reported funding, "
                "with amounts totalling %(total)s.",
                len(funded),
            )
            % {"count": len(funded), "total": wording.usd(content, total)}
        )
    )
    blocks.append(sum_table(content, "funds", _("Funding by fund"), _("Fund"), funded, lambda a: a.fund))
    pillar_of = {
        line.code: wording.pillar_name(pillar) for pillar in content.pillars for line in pillar.lines()
    }
    order = [wording.pillar_name(pillar) for pillar in content.pillars]
    blocks.append(
        sum_table(content, "funding-pillars", _("Funding by pillar"), _("Pillar"), funded,
                  lambda a: pillar_of[a.line], order)
    )  # fmt: skip
    rows = [
        Row([wording.activity_line(content, activity), activity.fund,
             wording.usd(content, activity.amount) or "—"], key=activity.line)
        for activity in sorted(funded, key=lambda a: (a.date, a.title.text))
    ]  # fmt: skip
    headers = [_("Activity"), _("Fund"), _("Amount")]
    blocks.append(Table("funded", _("Funded activities"), headers, rows, [100, 44, 26], {2}))
    return blocks


def sum_table(content, name, caption, label, funded, key, order=None) -> Table:
    counts, amounts = defaultdict(int), defaultdict(Decimal)
    for activity in funded:
        counts[key(activity)] += 1
        amounts[key(activity)] += activity.amount or 0
    names = [name for name in order if name in counts] if order else sorted(counts, key=lambda n: -amounts[n])
    rows = [Row([n, str(counts[n]), wording.usd(content, amounts[n])]) for n in names]
    rows.append(Row([_("Total"), str(len(funded)), wording.usd(content, sum(amounts.values()))], "total"))
    return Table(name, caption, [label, _("Activities"), _("Amount")], rows, [100, 30, 40], {1, 2})


def challenges(content: ReportContent, heading: str) -> list:
    troubled = content.troubled()
    unreported = content.overall.no_report
    blocks: list = [Heading(1, heading, "challenges")]
    if troubled:
        blocks.append(
            Paragraph(
                ngettext(
                    "%(count)s action line is delayed or discontinued; the reason given by its owners "
                    "follows.",
                    "%(count)s action lines are delayed or discontinued; the reasons given by their owners "
                    "follow.",
                    len(troubled),
                )
                % {"count": len(troubled)}
            )
        )
        rows = [
            Row([wording.line_reference(content, line, LINE_IN_TABLE),
                 wording.status_label(content, line.status), reason(content, line)], key=line.code)
            for line in troubled
        ]  # fmt: skip
        headers = [_("Action line"), _("Status"), _("Reason given")]
        widths = [62, status_width(content), 0]
        widths[2] = PORTRAIT_WIDTH - widths[0] - widths[1]
        blocks.append(Table("challenges", _("Delayed and discontinued action lines"), headers, rows, widths))
    else:
        blocks.append(Paragraph(_("No action line is delayed or discontinued.")))
    if unreported:
        blocks.append(
            Paragraph(
                _(
                    "No report was received for %(count)s of the %(total)s action lines; they are marked in "
                    "the annex. Their owners are invited to report before the next review."
                )
                % {"count": unreported, "total": content.overall.total}
            )
        )
    blocks.append(Heading(2, _("Way forward"), "way-forward"))
    blocks += [Paragraph(text) for text in content.way_forward]
    return blocks


def reason(content: ReportContent, line: LineInfo) -> str:
    """Why the owners say the line is delayed or discontinued, each account shortened on its own and
    marked when in the other language; where an owner gave no reason, its account of progress."""
    texts = [update.reason or update.narrative for update in line.updates]
    texts = [text for text in texts if text.text]
    limit = REASON_CHARACTERS // max(len(texts), 1)
    shortened = [
        wording.marked(content, Text(wording.abridged(text.text, limit), text.language, text.is_fallback))
        for text in texts
    ]
    return " ".join(shortened) if shortened else "—"


def annex(content: ReportContent) -> list:
    rows = []
    for pillar in content.pillars:
        rows.append(Row([wording.pillar_heading(content, pillar)], "group", pillar.code))
        for line in pillar.lines():
            rows.append(
                Row([line.code, annex_text(content, line), annex_activities(content, line),
                     wording.lead_body(line) or "—", wording.status_label(content, line.status)],
                    key=line.code)
            )  # fmt: skip
    widths = [16, 92, 82, 37, 0]
    widths[4] = max(status_width(content), LANDSCAPE_WIDTH - sum(widths[:4]))
    widths[1] = LANDSCAPE_WIDTH - sum(widths) + widths[1]
    headers = [_("Code"), _("Action line"), _("Activities in the period"), _("Lead body"), _("Status")]
    return [
        Heading(1, wording.annex_heading(), "annex"),
        Table("annex", "", headers, rows, widths),  # the heading above names it
    ]


def annex_text(content: ReportContent, line: LineInfo) -> str:
    return wording.marked(content, Text(line.abridged, line.text.language, line.text.is_fallback))


def annex_activities(content: ReportContent, line: LineInfo) -> str:
    activities = line.activities()
    shown = [wording.activity_line(content, activity) for activity in activities[:ACTIVITIES_IN_ANNEX]]
    more = len(activities) - len(shown)
    if more > 0:
        shown.append(_("and %(count)s more") % {"count": more})
    return "; ".join(shown) if not wording.is_chinese(content) else "；".join(shown)


# --- widths ----------------------------------------------------------------------------------


def text_width(text: str, points: float = HEADER_POINTS) -> float:
    """How wide, in mm, the longest word of ``text`` is at ``points`` in a bold sans-serif face,
    generously: a Chinese character is one em, a Latin one 0.62 em."""
    words = text.split() or [""]
    em = points * 0.3528
    return max(sum(1.0 if ord(ch) > 0x2E80 else 0.62 for ch in word) for word in words) * em


CELL_PADDING = 4.0  # mm: the cell margins on both sides, and a little air


def status_width(content: ReportContent) -> float:
    """A column wide enough for the longest word of any status label."""
    labels = [status.label for status in content.statuses] + [_("No report received"), _("Status")]
    return max(max(text_width(label, 9) for label in labels) + CELL_PADDING, 18)


def tally_widths(content: ReportContent) -> list[float]:
    """The pillar's name takes what the counts leave; each count column fits its header's longest word."""
    numbers = [max(text_width(header) + CELL_PADDING, 12.0) for header in wording.tally_headers(content)]
    return [PORTRAIT_WIDTH - sum(numbers), *numbers]
