"""The dashboard: how far a plan has come in a reporting period, each number a door into the register."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ..charts import status_chart_svg
from ..models import Plan, ReportingPeriod, Target
from ..permissions import reader_required
from ..progress import PlanProgress, ProgressRow

OWNERS_PER_PAGE = 25


@reader_required
def dashboard(request):
    # Spelled out: a grouped query drops the model's default ordering.
    plans = list(Plan.objects.with_line_counts().filter(line_count__gt=0).order_by("-first_year", "code"))
    plan = chosen_plan(plans, request.GET.get("plan"))
    periods = list(ReportingPeriod.objects.for_plan(plan).order_by("-starts_on")) if plan else []
    period = chosen_period(periods, request.GET.get("period"))
    today = timezone.localdate()
    context = {"plans": plans, "plan": plan, "periods": periods, "period": period, "today": today}
    if plan:
        context["target_progress"] = Target.objects.for_plan(plan).progress_on(today)  # one query
    if period:
        progress = PlanProgress(plan, period, periods)
        context |= {
            "progress": progress,
            "chart": status_chart_svg(progress.by_part, progress.statuses),
            "part_rows": [(row, row_html(row)) for row in progress.by_part],
            "area_rows": [(row, row_html(row)) for row in progress.by_area],
            "total_row": row_html(progress.overall),
            "owners": Paginator(progress.by_owner, OWNERS_PER_PAGE).get_page(request.GET.get("owners")),
        }
    return render(request, "commitments/dashboard.html", context)


def chosen_plan(plans: list[Plan], code: str | None) -> Plan | None:
    """The plan asked for, else the default one (``Plan.default_among``)."""
    if code:
        for plan in plans:
            if plan.code == code:
                return plan
        raise Http404
    return Plan.default_among(plans)


def chosen_period(periods: list[ReportingPeriod], pk: str | None) -> ReportingPeriod | None:
    """The period asked for if it is the plan's, else the current one (``ReportingPeriod.current_among``).

    A period of another plan is not an error: the form keeps it when only the plan is changed.
    """
    for period in periods:
        if str(period.pk) == pk:
            return period
    return ReportingPeriod.current_among(periods)


# A row of the tables by pillar and by area, written in one step: as template includes, a row and
# each of its numbers, they took half the dashboard's time (docs/benchmarks.md).


def row_html(row: ProgressRow) -> SafeString:
    """The cells of ``row``: its label, a number per status with its change, the total, the share
    implemented and the lines without an update; each number a link to its lines in the register."""
    change = escape(_("change since the previous period"))
    cells = "".join(
        f'<td class="number{"" if cell.count else " zero"}">{number_html(cell.count, cell.url)}'
        + ("" if cell.delta is None else f' <small class="delta" title="{change}">{cell.delta_text}</small>')
        + "</td>"
        for cell in row.cells
    )
    if row.share_percent is None:
        share = "—"
    else:
        share = (
            f'<span class="bar" aria-hidden="true"><span style="width: {row.share_percent}%"></span></span> '
            f"{row.share_percent}%"
        )
        if row.share_delta is not None:
            title = escape(_("change in percentage points since the previous period"))
            share += f' <small class="delta" title="{title}">{row.share_delta_text}</small>'
    return mark_safe(
        f'<th scope="row">{escape(row.label)}</th>\n{cells}\n'
        f'<td class="number">{number_html(row.total, row.total_url)}</td>\n'
        f'<td class="share">{share}</td>\n'
        f'<td class="number{"" if row.without_update else " zero"}">'
        f"{number_html(row.without_update, row.without_update_url)}</td>\n"
    )


def number_html(count: int, url: str | None) -> str:
    return f'<a href="{escape(url)}">{count}</a>' if url else str(count)
