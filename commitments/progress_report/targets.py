"""The report's quantified targets: each target of the plan's lines with its progress as of the cut-off.

The targets themselves are part of the plan, read as they are now, like the lines' texts; the values
towards them are those of updates approved by the cut-off, in any period, read from their history
as ``build.py`` reads the updates. The progress is ``Target.progress``, the rule the line page and
the dashboard show, on the day of the cut-off. Drawn in section II, after the table of statuses.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Plan, StatusUpdate, Target, TargetValue
from ..models.continuity import amount_in
from .content import ReportContent, TargetInfo
from .document import PORTRAIT_WIDTH, Heading, Paragraph, Row, Table
from .wording import day, usd


def read_targets(plan: Plan, as_of: datetime.datetime, language: str) -> list[TargetInfo]:
    """The plan's targets and their progress at ``as_of``: one query, and two more for a plan with
    targets. Call it with the report's language active."""
    from .build import bilingual, latest

    plan_targets = list(
        Target.objects.for_plan(plan).select_related("line").order_by("line__sort_key", "key")
    )
    if not plan_targets:
        return []
    approved = StatusUpdate.history.as_of(as_of).filter(state=StatusUpdate.State.APPROVED, line__plan=plan)
    approved_ids = {row["id"] for row in latest(approved)}
    reported = defaultdict(int)
    values = TargetValue.history.as_of(as_of).filter(target__line__plan=plan)
    for row in latest(values, "update_id", "target_id", "value"):
        if row["update_id"] in approved_ids:
            reported[row["target_id"]] += row["value"]
    on = timezone.localtime(as_of).date()
    found = []
    for target in plan_targets:
        progress = target.progress(reported[target.pk], on=on)
        found.append(
            TargetInfo(
                line=target.line.code,
                measure=bilingual(target.measure_en, target.measure_zh, language),
                unit=target.unit,
                unit_label=target.localized_unit,
                value=target.value,
                baseline=target.baseline,
                starts_on=target.starts_on,
                ends_on=target.ends_on,
                reported=progress.reported,
                expected=progress.expected,
                share_percent=progress.share_percent,
                is_behind=progress.is_behind,
            )  # fmt: skip
        )
    return found


def amount(content: ReportContent, target: TargetInfo, number: int) -> str:
    if target.unit == "USD":
        return usd(content, number)
    return amount_in(number, target.unit_label, content.language)


# mm: line, target, reported, share, expected, progress; the page's text width in all
WIDTHS = [16, PORTRAIT_WIDTH - 126, 30, 18, 30, 32]


def blocks(content: ReportContent) -> list:
    """A heading, a sentence and the table of the targets; nothing for a plan without targets."""
    if not content.targets:
        return []
    behind = sum(target.is_behind for target in content.targets)
    rows = [
        Row([
            target.line,
            _("%(measure)s: %(value)s by %(ends)s") % {
                "measure": target.measure.text, "value": amount(content, target, target.value),
                "ends": day(content, target.ends_on),
            },
            amount(content, target, target.reported),
            f"{target.share_percent:.1f}%",
            amount(content, target, target.expected),
            _("Behind") if target.is_behind else _("On track"),
        ], key=target.line)
        for target in content.targets
    ]  # fmt: skip
    headers = [_("Line"), _("Target"), _("Reported to date"), _("Share"), _("Expected by now"), _("Progress")]
    return [
        Heading(2, _("Quantified targets"), "targets"),
        Paragraph(
            ngettext(
                "%(behind)s of the %(count)s quantified target of the action lines is behind the straight "
                "line from its baseline at the start to the target at the end.",
                "%(behind)s of the %(count)s quantified targets of the action lines are behind the straight "
                "line from their baseline at the start to the target at the end.",
                len(content.targets),
            )
            % {"behind": behind, "count": len(content.targets)}
            + " "
            + _(
                "Reported to date: the baseline and the values of the updates approved by %(as_of)s; "
                "expected by now: where the straight line is on that day."
            )
            % {"as_of": day(content, content.as_of)}
        ),
        Table("targets", _("Quantified targets"), headers, rows, WIDTHS, {2, 3, 4}),
    ]
