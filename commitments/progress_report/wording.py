"""What the report says around its content, the same in every format: call these with the report's
language active (each renderer does, with ``translation.override(interface_language(content))``).

Dates are written the British way ("29 November 2026") or the Chinese way (2026年11月29日), shares
as "38%", and headings numbered as the plan numbers them in each language: I./1. in English,
一、/（一）/1. in Chinese, whose dash between years is "—".
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .content import LineInfo, PillarInfo, ReportContent, StatusInfo, Tally, Text

NO_REPORT = "no-report"  # the key of lines with no report, next to the status codes
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
]  # fmt: skip
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
CHINESE_NUMERALS = "一二三四五六七八九十"


HAN = "\u3400-\u9fff\uf900-\ufaff"
FULL_WIDTH = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}
HALF_WIDTH_BESIDE_HAN = re.compile(rf"(?<=[{HAN}])[,:;!?]|[,:;!?](?=[{HAN}])")
BRACKETS_WITH_HAN = re.compile(rf"\(([^()]*[{HAN}][^()]*)\)|(?<=[{HAN}])\(([^()]*)\)|\(([^()]*)\)(?=[{HAN}])")
SPACE_BESIDE_DIGIT = re.compile(rf"(?<=[{HAN}]) +(?=\d)|(?<=\d) +(?=[{HAN}])")


def chinese_typography(text: str) -> str:
    """Chinese text set as Chinese is printed: full-width punctuation next to Chinese characters and
    round brackets around or beside them, and no space between Chinese and digits ("3.0 版" → "3.0版").

    The source documents and owners' texts are kept as written; only the report is typeset.
    """
    text = BRACKETS_WITH_HAN.sub(lambda m: f"（{next(g for g in m.groups() if g is not None)}）", text)
    text = HALF_WIDTH_BESIDE_HAN.sub(lambda m: FULL_WIDTH[m.group()], text)
    return SPACE_BESIDE_DIGIT.sub("", text)


def interface_language(content: ReportContent) -> str:
    return "zh-hans" if content.language == "zh" else "en"


def is_chinese(content: ReportContent) -> bool:
    return content.language == "zh"


# --- numbers, dates and names ----------------------------------------------------------------


def day(content: ReportContent, value: datetime.date | datetime.datetime | None) -> str:
    """29 November 2026, or 2026年11月29日."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if is_chinese(content):
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def period(content: ReportContent, label: str | None = None) -> str:
    """A period's label, with the Chinese dash between years in Chinese."""
    label = content.period_label if label is None else label
    return label.replace("–", "—").replace("-", "—") if is_chinese(content) else label


def percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def usd(content: ReportContent, amount: Decimal | int | None) -> str:
    """USD 1,250,000, or 125万美元 (1,250,500美元 when it is not whole ten thousands); from a hundred
    million up, in whole millions, 1500亿美元 or 12.5亿美元, as Chinese writes large sums."""
    if amount is None:
        return ""
    whole = int(Decimal(amount).quantize(Decimal(1)))
    if not is_chinese(content):
        return f"USD {whole:,}"
    if whole >= 100_000_000 and whole % 1_000_000 == 0:
        return f"{(Decimal(whole) / 100_000_000).normalize():f}亿美元"
    if whole >= 10_000 and whole % 10_000 == 0:
        return f"{whole // 10_000:,}万美元"
    return f"{whole:,}美元"


def abridged(text: str, limit: int) -> str:
    """The text cut before ``limit`` characters at a word boundary (anywhere in Chinese), with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:，；：、") + "…"


def sentence_list(content: ReportContent, items: list[str]) -> str:
    """ "a, b and c", or "a、b和c"."""
    if not items:
        return ""
    if is_chinese(content):
        return items[0] if len(items) == 1 else "、".join(items[:-1]) + "和" + items[-1]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + _(" and ") + items[-1]


def marked(content: ReportContent, text: Text) -> str:
    """The text, followed by the visible mark of its language when it is not the report's."""
    marker = fallback_marker(text)
    if not marker:
        return text.text
    return f"{text.text}［{marker}］" if is_chinese(content) else f"{text.text} [{marker}]"


def fallback_marker(text: Text) -> str:
    """The visible mark of a text shown in the other language, or "" for a text in the report's own."""
    if not text.is_fallback:
        return ""
    return _("only in English") if text.language == "en" else _("only in Chinese")


def lead_body(line: LineInfo) -> str:
    lead = line.lead
    return lead.name if lead else ""


def activity_line(content: ReportContent, activity) -> str:
    """ "Title (Place, 12 September 2026)", or "标题（地点，2026年9月12日）"."""
    where = [marked(content, activity.place)] if activity.place.text else []
    details = [*where, day(content, activity.date)]
    if is_chinese(content):
        return f"{marked(content, activity.title)}（{'，'.join(details)}）"
    return f"{marked(content, activity.title)} ({', '.join(details)})"


def line_reference(content: ReportContent, line: LineInfo, limit: int) -> str:
    """ "1.2.3 Text of the line…", or "1.2.3：行动措施……", the text cut before ``limit`` characters."""
    text = marked(content, Text(abridged(line.text.text, limit), line.text.language, line.text.is_fallback))
    return f"{line.code}：{text}" if is_chinese(content) else f"{line.code} {text}"


# --- headings ---------------------------------------------------------------------------------


def section_heading(content: ReportContent, number: int, title: str) -> str:
    """I. Introduction, or 一、引言."""
    if is_chinese(content):
        return f"{CHINESE_NUMERALS[number - 1]}、{title}"
    return f"{ROMAN[number - 1]}. {title}"


def pillar_heading(content: ReportContent, pillar: PillarInfo) -> str:
    """1. Political and security cooperation, or （一）政治安全合作."""
    number = int(pillar.code) if pillar.code.isdigit() else 0
    if is_chinese(content) and 0 < number <= len(CHINESE_NUMERALS):
        return f"（{CHINESE_NUMERALS[number - 1]}）{pillar.title.text}"
    return f"{pillar.code}. {pillar.title.text}"


def pillar_name(pillar: PillarInfo) -> str:
    return pillar.title.text


SECTIONS = ["introduction", "assessment", "pillars", "meetings", "funding", "challenges"]


def section_titles() -> dict[str, str]:
    return {
        "introduction": _("Introduction"),
        "assessment": _("Overall assessment"),
        "pillars": _("Progress by pillar"),
        "meetings": _("Meetings and review"),
        "funding": _("Funding"),
        "challenges": _("Challenges and way forward"),
    }


def numbered_sections(content: ReportContent) -> list[tuple[str, str]]:
    """Each section's key and numbered heading, in order."""
    titles = section_titles()
    return [(key, section_heading(content, index, titles[key])) for index, key in enumerate(SECTIONS, 1)]


def annex_heading() -> str:
    return _("Annex: implementation matrix")


# --- the cover -------------------------------------------------------------------------------


def document_title(content: ReportContent) -> str:
    return _("Progress report on the implementation of the %(plan)s, %(period)s") % {
        "plan": content.plan_title,
        "period": period(content),
    }


def cover_subtitle(content: ReportContent) -> str:
    return _("Progress report on its implementation for %(period)s") % {"period": period(content)}


def submitted_to(content: ReportContent) -> str:
    """Where the report goes (section 6.3(b) of the plan)."""
    if content.meeting:
        return _("Submitted to %(meeting)s through the PMC 10+1 Session with China") % {
            "meeting": content.meeting
        }
    return _("Submitted to the annual ASEAN–China Summit through the PMC 10+1 Session with China")


def prepared_by(content: ReportContent) -> str:
    return _("Prepared by the %(body)s") % {"body": content.prepared_by}


def edition(content: ReportContent) -> str:
    return _("Final") if content.is_final else _("Draft")


def cover_date(content: ReportContent) -> str:
    return day(content, content.as_of)


def as_of(content: ReportContent) -> str:
    return _("Information as of %(date)s") % {"date": day(content, content.as_of)}


# --- the figures -----------------------------------------------------------------------------


def headline(content: ReportContent, tally: Tally) -> str:
    """ASEAN's wording: "N of the M action lines (x%) have been implemented or are being implemented"."""
    return _(
        "%(implemented)s of the %(total)s action lines (%(share)s) have been implemented or are being "
        "implemented."
    ) % {
        "implemented": content.implemented(tally),
        "total": tally.total,
        "share": percent(content.share(tally)),
    }


def coverage(content: ReportContent) -> str:
    tally = content.overall
    return ngettext(
        "Reports were received for %(reported)s of the %(total)s action lines (%(share)s) from %(bodies)s "
        "body.",
        "Reports were received for %(reported)s of the %(total)s action lines (%(share)s) from %(bodies)s "
        "bodies.",
        content.bodies_reporting,
    ) % {
        "reported": tally.reported,
        "total": tally.total,
        "share": percent(tally.reported / tally.total if tally.total else 0),
        "bodies": content.bodies_reporting,
    }


def status_breakdown(content: ReportContent, tally: Tally) -> str:
    """ "completed 25, ongoing 56 … and delayed 4; no report was received for 74 action lines"."""
    parts = [
        status_count(content, status, tally.counts.get(status.code, 0))
        for status in content.statuses
        if tally.counts.get(status.code, 0)
    ]
    text = _("By status: %(statuses)s.") % {"statuses": sentence_list(content, parts)} if parts else ""
    if tally.no_report:
        text += " " if text and not is_chinese(content) else ""
        text += ngettext(
            "No report was received for %(count)s action line.",
            "No report was received for %(count)s action lines.",
            tally.no_report,
        ) % {"count": tally.no_report}
    return text


def status_count(content: ReportContent, status: StatusInfo, count: int) -> str:
    if is_chinese(content):
        return f"{status.label}{count}项"
    return f"{status.label.lower()} {count}"


def change(content: ReportContent) -> str:
    """The change in lines implemented since the report compared with, or that there is none."""
    before = content.previously_implemented(content.overall)
    if before is None or not content.compared_with:
        return _("This is the first progress report on the plan; there is no earlier report to compare with.")
    now = content.implemented(content.overall)
    values = {"report": content.compared_with, "before": before, "now": now}
    if now == before:
        return (
            _("The number of action lines implemented or being implemented is %(now)s, as in %(report)s.")
            % values
        )
    return (
        _(
            "The number of action lines implemented or being implemented has changed from %(before)s in "
            "%(report)s to %(now)s."
        )
        % values
    )


def tally_headers(content: ReportContent) -> list[str]:
    return [status.label for status in content.statuses] + [_("No report received"), _("Total")]


def tally_cells(content: ReportContent, tally: Tally) -> list[int]:
    return [tally.counts.get(status.code, 0) for status in content.statuses] + [tally.no_report, tally.total]


def status_label(content: ReportContent, code: str | None) -> str:
    status = content.status(code)
    return status.label if status else _("No report received")
