"""The app's drafts of the report's prose, from the reviewed data: a summary per pillar and the way
forward. A secretariat officer edits them on the report page (``ReportText``); the report prints
the officer's text where there is one. Call with the report's language active.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Activity
from . import wording
from .content import ActivityInfo, AreaInfo, PillarInfo, ReportContent, distinct

ACTIVITIES_PER_AREA = 2
# Which activities a summary names first: the secretariat's highlights, then meetings and projects.
KIND_ORDER = {kind: order for order, kind in enumerate(Activity.Kind.values)}  # meetings, then projects …


def pillar_summary(content: ReportContent, pillar: PillarInfo) -> list[str]:
    """The pillar's figures in a paragraph, then one paragraph per area that has activities to name."""
    tally = pillar.tally
    if tally.reported == 0:
        return [
            _("No report was received for the %(total)s action lines under %(pillar)s in this period.")
            % {"total": tally.total, "pillar": wording.pillar_name(pillar)}
        ]
    first = _(
        "Of the %(total)s action lines under %(pillar)s, %(implemented)s (%(share)s) have been implemented "
        "or are being implemented."
    ) % {
        "total": tally.total,
        "pillar": wording.pillar_name(pillar),
        "implemented": content.implemented(tally),
        "share": wording.percent(content.share(tally)),
    }
    paragraphs = [join(content, first, wording.status_breakdown(content, tally), funding(content, pillar))]
    for area in pillar.areas:
        named = main_activities(area)
        if named:
            paragraphs.append(area_sentence(content, pillar, area, named))
    return paragraphs


def main_activities(area: AreaInfo) -> list[ActivityInfo]:
    activities = distinct(activity for line in area.lines for activity in line.activities())
    activities.sort(key=lambda a: (not a.is_highlight, KIND_ORDER.get(a.kind, 9), a.date))
    return sorted(activities[:ACTIVITIES_PER_AREA], key=lambda a: a.date)


def area_sentence(content: ReportContent, pillar: PillarInfo, area: AreaInfo, activities) -> str:
    items = [named(content, activity) for activity in activities]
    # An area of its own, or the pillar's lines outside any area.
    topic = area.title.text if area.code else wording.pillar_name(pillar)
    return _("%(area)s: the main activities included %(activities)s.") % {
        "area": topic,
        "activities": wording.sentence_list(content, items),
    }


def named(content: ReportContent, activity: ActivityInfo) -> str:
    """An activity as the running text names it: "the 29th ASEAN–China Summit (Singapore, …)"."""
    text = wording.activity_line(content, activity)
    if content.language == "en" and activity.title.language == "en" and not text.lower().startswith("the "):
        return f"the {text}"
    return text


def funding(content: ReportContent, pillar: PillarInfo) -> str:
    funded = [activity for activity in pillar.activities() if activity.fund and activity.amount]
    if not funded:
        return ""
    return ngettext(
        "%(count)s activity under this pillar was supported with %(amount)s in funding.",
        "%(count)s activities under this pillar were supported with %(amount)s in funding.",
        len(funded),
    ) % {
        "count": len(funded),
        "amount": wording.usd(content, sum(activity.amount for activity in funded)),
    }


def way_forward(content: ReportContent) -> list[str]:
    tally = content.overall
    delayed = len(content.troubled())
    paragraphs = [
        _(
            "ASEAN and China will continue to implement the Plan of Action through the existing ASEAN–China "
            "mechanisms, sectoral bodies and agencies, drawing on the ASEAN–China Cooperation Fund and other "
            "funds."
        )
    ]
    follow_up = []
    if tally.no_report:
        follow_up.append(
            ngettext(
                "The owning bodies are encouraged to report on the %(count)s action line for which no "
                "report was received before the next report.",
                "The owning bodies are encouraged to report on the %(count)s action lines for which no "
                "report was received before the next report.",
                tally.no_report,
            )
            % {"count": tally.no_report}
        )
    if delayed:
        follow_up.append(
            ngettext(
                "Next steps should be agreed for the %(count)s action line that is delayed or discontinued.",
                "Next steps should be agreed for the %(count)s action lines that are delayed or "
                "discontinued.",
                delayed,
            )
            % {"count": delayed}
        )
    if follow_up:
        paragraphs.append(join(content, *follow_up))
    return paragraphs


def join(content: ReportContent, *sentences: str) -> str:
    separator = "" if wording.is_chinese(content) else " "
    return separator.join(sentence for sentence in sentences if sentence)
