"""The secretariat's running of the tracking: owners of lines, suggestions, reporting periods."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..forms import OwnerForm, OwnershipDecisionForm, PeriodForm
from ..models import ActionLine, Ownership, Plan, ReportingPeriod
from ..permissions import owner_assigner_required, period_runner_required
from . import back_to


@require_POST
@owner_assigner_required
def owner_add(request, line: int):
    line = get_object_or_404(ActionLine.objects.with_structure(), pk=line)
    form = OwnerForm(request.POST)
    if form.is_valid():
        with transaction.atomic():
            ownership, _created = Ownership.objects.get_or_create(
                line=line,
                organisation=form.cleaned_data["organisation"],
                defaults={"decided_by": request.user},
            )
            ownership.confirm(by=request.user, role=form.cleaned_data["role"])
        messages.success(
            request,
            _("%(organisation)s now owns %(line)s.")
            % {"organisation": ownership.organisation, "line": line.code},
        )
    else:
        messages.error(request, next(iter(form.errors.values()))[0])  # which is wrong, translated
    return redirect(line)


@require_POST
@owner_assigner_required
def ownership_decide(request, pk: int, decision: str):
    ownership = get_object_or_404(Ownership.objects.select_related("line__plan", "organisation"), pk=pk)
    form = OwnershipDecisionForm(request.POST)
    if decision == "confirm" and form.is_valid():
        ownership.confirm(by=request.user, role=form.cleaned_data["role"])
        messages.success(
            request,
            _("%(organisation)s confirmed as owner of %(line)s.")
            % {"organisation": ownership.organisation, "line": ownership.line.code},
        )
    elif decision == "reject":
        ownership.reject(by=request.user)
        messages.success(
            request,
            _("%(organisation)s is no longer an owner of %(line)s.")
            % {"organisation": ownership.organisation, "line": ownership.line.code},
        )
    else:
        messages.error(request, _("Choose a role."))
    return back_to(request, ownership.line)


@period_runner_required
def period_list(request, plan: str):
    plan = get_object_or_404(Plan, code=plan)
    form = PeriodForm(request.POST or None, instance=ReportingPeriod(plan=plan))
    if request.method == "POST" and form.is_valid():
        try:
            period = form.save()
        except ValidationError as refusal:  # another officer's period got in first
            form.add_error(None, refusal)
        else:
            messages.success(
                request,
                _("Period %(label)s created; open it when reporting starts.") % {"label": period.label},
            )
            return redirect("commitments:period-list", plan.code)
    periods = ReportingPeriod.objects.for_plan(plan).order_by("-starts_on")
    return render(request, "commitments/period_list.html", {"plan": plan, "periods": periods, "form": form})


@require_http_methods(["GET", "POST"])
@period_runner_required
def period_edit(request, pk: int):
    period = get_object_or_404(ReportingPeriod.objects.select_related("plan"), pk=pk)
    form = PeriodForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("Period %(label)s saved.") % {"label": period.label})
            return redirect("commitments:period-list", period.plan.code)
    return render(
        request, "commitments/period_form.html", {"plan": period.plan, "period": period, "form": form}
    )


@require_POST
@period_runner_required
def period_switch(request, pk: int, action: str):
    period = get_object_or_404(ReportingPeriod.objects.select_related("plan"), pk=pk)
    try:
        with transaction.atomic():
            period.open_for_updates() if action == "open" else period.close_for_updates()
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
    except IntegrityError:  # another officer opened a period at the same moment
        messages.error(request, _("Another period of this plan is open; close it first."))
    else:
        done = (
            _("Period %(label)s is open for updates.") if period.is_open else _("Period %(label)s is closed.")
        )
        messages.success(request, done % {"label": period.label})
    return redirect("commitments:period-list", period.plan.code)
