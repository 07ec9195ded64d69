"""The dashboard: how far a plan has come in a reporting period, each number a door into the register."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from ..charts import status_chart_svg
from ..models import Plan, ReportingPeriod
from ..permissions import reader_required
from ..progress import PlanProgress

OWNERS_PER_PAGE = 25


@reader_required
def dashboard(request):
    # Spelled out: a grouped query drops the model's default ordering.
    plans = list(Plan.objects.with_line_counts().filter(line_count__gt=0).order_by("-first_year", "code"))
    plan = chosen_plan(plans, request.GET.get("plan"))
    periods = list(ReportingPeriod.objects.for_plan(plan).order_by("-starts_on")) if plan else []
    period = chosen_period(periods, request.GET.get("period"))
    context = {"plans": plans, "plan": plan, "periods": periods, "period": period}
    if period:
        progress = PlanProgress(plan, period)
        context |= {
            "progress": progress,
            "chart": status_chart_svg(progress.by_part, progress.statuses),
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
