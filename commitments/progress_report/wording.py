"""What the report says around its content, the same in every format: call these with the report's
language active (each renderer does, with ``translation.override(interface_language(content))``)."""

from __future__ import annotations

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ..progress import signed
from .content import AreaInfo, LineInfo, PillarInfo, ReportContent, Tally, Text

NOT_CONFIRMED = "not-confirmed"  # the key of lines without a confirmed status, next to the status codes


def interface_language(content: ReportContent) -> str:
    return "zh-hans" if content.language == "zh" else "en"


def document_title(content: ReportContent) -> str:
    return _("Progress report %(period)s: %(plan)s") % {
        "period": content.period_label,
        "plan": content.plan_title,
    }


def edition(content: ReportContent) -> str:
    return _("Final") if content.is_final else _("Draft")


def as_of(content: ReportContent) -> str:
    return _("as of %(date)s") % {"date": day(content.as_of)}


def generated(content: ReportContent) -> str:
    return _("Generated on %(moment)s") % {"moment": moment(content.generated_at)}


def prepared_for(content: ReportContent) -> str:
    return _("Prepared for %(meeting)s") % {"meeting": content.meeting} if content.meeting else ""


def compared_with(content: ReportContent) -> str:
    if not content.compared_with:
        return _("There is no earlier report to compare with.")
    return _("Changes are counted since %(report)s.") % {"report": content.compared_with}


def headline(content: ReportContent, tally: Tally) -> str:
    """ "N of M action lines (x %) implemented or ongoing"."""
    return _("%(implemented)s of %(total)s action lines (%(share)s %%) implemented or ongoing") % {
        "implemented": content.implemented(tally),
        "total": tally.total,
        "share": percent(content.share(tally)),
    }


def percent(share: float) -> str:
    return f"{share * 100:.0f}"


def pillar_heading(pillar: PillarInfo) -> str:
    return f"{pillar.code}. {pillar.title.text}"


def area_heading(pillar: PillarInfo, area: AreaInfo) -> str:
    """The area's code and title; for lines outside any area, nothing when they are all the pillar has."""
    if area.code:
        return f"{area.code} {area.title.text}"
    if len(pillar.areas) == 1:
        return ""
    return area.title.text or _("Other action lines")


def status_label(content: ReportContent, code: str | None) -> str:
    status = content.status(code)
    return status.label if status else _("Not confirmed")


def owners(line: LineInfo) -> str:
    """ "ASEC (lead), MOFA (supporting)": the lead first, as the content lists them."""
    return ", ".join(f"{owner.acronym} ({owner.role_label})" for owner in line.owners) or _("No owner")


def fallback_marker(text: Text) -> str:
    """The visible mark of a text shown in the other language, or "" for a text in the report's own."""
    if not text.is_fallback:
        return ""
    return _("only in English") if text.language == "en" else _("only in Chinese")


def delta(value: int | None) -> str:
    """A change as "+3", "−2" or "±0"; "" when there is nothing to compare with."""
    return signed(value)


def tally_row(content: ReportContent, tally: Tally) -> list[tuple[int, str]]:
    """Each status's count and change, then the lines not confirmed and the total (with no change)."""
    cells = [
        (tally.counts.get(status.code, 0), delta(tally.delta(status.code))) for status in content.statuses
    ]
    not_confirmed_change = (
        None if tally.previous_not_confirmed is None else tally.not_confirmed - tally.previous_not_confirmed
    )
    cells.append((tally.not_confirmed, delta(not_confirmed_change)))
    cells.append((tally.total, ""))
    return cells


def tally_headers(content: ReportContent) -> list[str]:
    return [status.label for status in content.statuses] + [_("Not confirmed"), _("Total")]


def day(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return formats.date_format(value, "DATE_FORMAT")


def moment(value: datetime.datetime) -> str:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")
