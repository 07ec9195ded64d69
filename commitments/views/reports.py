"""The Summit progress report: drafts generated on demand, final editions stored and listed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import permissions, progress_report
from ..filters import digits
from ..forms import FinaliseForm, ReportForm, WithdrawForm
from ..models import EditionFile, Plan, ReportEdition, ReportingPeriod, interface_language
from ..permissions import reader_required, report_finaliser_required
from ..progress_report.build import build_report
from .dashboard import chosen_period, chosen_plan


@reader_required
def report_page(request):
    plans = list(Plan.objects.with_line_counts().filter(line_count__gt=0).order_by("-first_year", "code"))
    plan = chosen_plan(plans, request.GET.get("plan"))
    periods = list(ReportingPeriod.objects.for_plan(plan).order_by("-starts_on")) if plan else []
    period = chosen_period(periods, request.GET.get("period"))
    initial = {"plan": plan, "period": period, "language": interface_language()}
    return render_page(request, plan, period, ReportForm(initial=initial, plan=plan))


def render_page(request, plan, period, form, status: int = 200):
    context = {
        "plan": plan, "period": period, "form": form,
        "finalise_form": FinaliseForm(initial={"language": interface_language()}),
        "withdraw_form": WithdrawForm(),
        "may_withdraw": ReportEdition.may_withdraw(request.user),
        "editions": ReportEdition.objects.for_plan(plan).with_files().latest_first() if plan else [],
    }  # fmt: skip
    return render(request, "commitments/report.html", context, status=status)


@reader_required
def report_generate(request):
    """A draft in the chosen format, as of the period's cut-off."""
    plan = Plan.objects.filter(code=request.GET.get("plan")).first()
    form = ReportForm(request.GET, plan=plan)
    if not form.is_valid():
        period = ReportingPeriod.objects.for_plan(plan).filter(pk=digits(request.GET.get("period"))).first()
        return render_page(request, plan, period, form, status=400)
    data = form.cleaned_data
    content = build_report(data["plan"], data["period"], data["language"], meeting=data["meeting"])
    body = progress_report.renderers()[data["format"]](content)
    return file_response(body, data["format"], progress_report.file_name(content, data["format"]))


@require_POST
@report_finaliser_required
def report_finalise(request, period: int):
    period = get_object_or_404(ReportingPeriod.objects.select_related("plan"), pk=period)
    form = FinaliseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        ReportEdition.finalise(period.plan, period, data["language"], data["meeting"], by=request.user,
                               renderers=progress_report.renderers())  # fmt: skip
        messages.success(request, _("The final edition is stored; it will not change."))
    else:
        messages.error(request, _("Nothing was finalised: %(errors)s") % {"errors": errors_text(form)})
    return redirect(page_url(period))


@require_POST
@reader_required
def edition_withdraw(request, pk: int):
    edition = permissions.edition_to_withdraw(request.user, pk)
    form = WithdrawForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(errors_text(form))
        edition.withdraw(by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The edition is withdrawn; it stays listed, marked withdrawn."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(page_url(edition.period))


@reader_required
def edition_download(request, pk: int, fmt: str):
    file = get_object_or_404(EditionFile.objects.select_related("edition__plan", "edition__period"),
                             edition=pk, format=fmt)  # fmt: skip
    return file_response(file.read(), fmt, file.file_name)


def file_response(body: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=progress_report.CONTENT_TYPES[fmt])
    # Encoded for any name: a period label is free text, and may be Chinese.
    response["Content-Disposition"] = content_disposition_header(fmt != "html", name)
    return response


def page_url(period: ReportingPeriod) -> str:
    return f"{reverse('commitments:report')}?plan={period.plan.code}&period={period.pk}"


def errors_text(form) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)
