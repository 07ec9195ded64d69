"""The Summit progress report: the secretariat's texts and highlights, drafts generated on demand,
final editions stored and listed."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import permissions, progress_report
from ..converters import as_id
from ..forms import FinaliseForm, ReportForm, ReportTextEditor, WithdrawForm
from ..models import (
    EditionFile,
    Plan,
    ReportBuild,
    ReportEdition,
    ReportingPeriod,
    ReportText,
    interface_language,
)
from ..models.reports import AlreadyFinal, TamperedFile
from ..models.tracking import EditConflict
from ..permissions import reader_required, report_editor_required, report_finaliser_required
from .dashboard import chosen_period, chosen_plan

# The report's HTML is one self-contained file with its own <style> (and a policy of its own in a
# <meta>, for when it is opened from a disk); served from here, its style must be allowed too.
report_styles_allowed = csp_replace({"style-src": [SELF, UNSAFE_INLINE]})


@reader_required
def report_page(request):
    plans = list(Plan.objects.with_line_counts().filter(line_count__gt=0).order_by("-first_year", "code"))
    plan = chosen_plan(plans, request.GET.get("plan"))
    periods = list(ReportingPeriod.objects.for_plan(plan).order_by("-starts_on")) if plan else []
    period = chosen_period(periods, request.GET.get("period"))
    initial = {"plan": plan, "period": period, "language": interface_language()}
    return render_page(request, plan, period, ReportForm(initial=initial, plan=plan, formats=formats()))


def formats() -> list[str]:
    return list(progress_report.renderers())


def render_page(request, plan, period, form, status: int = 200):
    context = {
        "plan": plan, "period": period, "form": form, "pdf_available": "pdf" in formats(),
        "texts": report_texts(period) if period else [],
        "finalise_form": FinaliseForm(
            initial={"language": interface_language()}, gaps=period.finalising_gaps() if period else ""
        ),
        "may_withdraw": ReportEdition.may_withdraw(request.user),
        "builds_keep_days": settings.REPORT_BUILDS_KEEP_DAYS,
        "builds": ReportBuild.objects.visible_to(request.user).with_context().latest_first()[:10],
        "editions": [
            (edition, WithdrawForm(auto_id=f"id_withdraw_{edition.pk}_%s"))  # one id per edition's form
            for edition in (ReportEdition.objects.for_plan(plan).with_files().latest_first() if plan else [])
        ],
    }  # fmt: skip
    return render(request, "commitments/report.html", context, status=status)


def report_texts(period: ReportingPeriod) -> list[dict]:
    """The report's editable sections, each with the officer's text for the period if there is one."""
    edited = {
        text.key: text for text in ReportText.objects.for_period(period).select_related("part", "edited_by")
    }
    sections = [(f"pillar-{part.code}", str(part)) for part in period.plan.parts.order_by("number")]
    sections.append((ReportText.Section.WAY_FORWARD.value, str(ReportText.Section.WAY_FORWARD.label)))
    return [{"key": key, "title": title, "edited": edited.get(key)} for key, title in sections]


@require_POST
@reader_required
def report_generate(request):
    """Queue a draft in the chosen format, as of the period's cut-off, and show its build's page."""
    plan = Plan.objects.filter(code=request.POST.get("plan")).first()
    form = ReportForm(request.POST, plan=plan, formats=formats())
    if not form.is_valid():
        period = ReportingPeriod.objects.for_plan(plan).filter(pk=as_id(request.POST.get("period"))).first()
        return render_page(request, plan, period, form, status=400)
    data = form.cleaned_data
    build = ReportBuild.request(
        data["plan"], data["period"], data["language"], data["format"], by=request.user
    )
    return see_other(build)


@reader_required
def report_build(request, pk: int):
    """A build's state: being prepared (the page reloads itself), ready to download, or failed."""
    build = permissions.report_build_to_see(request.user, pk)
    return render(request, "commitments/report_build.html", {"build": build, "refresh_seconds": 3})


@require_POST
@reader_required
def report_build_retry(request, pk: int):
    build = permissions.report_build_to_see(request.user, pk)
    return see_other(build.again(by=request.user))


@reader_required
@report_styles_allowed
def report_build_download(request, pk: int):
    build = permissions.report_build_to_see(request.user, pk)
    if build.state != ReportBuild.State.DONE or not build.file:  # a final build's files are its edition's
        raise Http404
    return FileResponse(
        build.file.open("rb"), as_attachment=build.format != "html", filename=build.file_name,
        content_type=progress_report.CONTENT_TYPES[build.format],
    )  # fmt: skip


def see_other(build: ReportBuild) -> HttpResponseRedirect:
    """303: the browser GETs the build's page, whatever it POSTed."""
    response = redirect("commitments:report-build", build.pk)
    response.status_code = 303
    return response


@report_editor_required
def report_text_edit(request, period: int, section: str):
    """A pillar's summary or the way forward, in both languages, and a pillar's highlights."""
    period = get_object_or_404(ReportingPeriod.objects.select_related("plan"), pk=period)
    editor = ReportTextEditor(
        period, section_kind(section), section_part(period, section), request.POST or None
    )
    status = 200
    if request.method == "POST":
        status = 400
        if editor.is_valid():
            try:
                editor.save(by=request.user)
                messages.success(
                    request, _("The report's text is saved; the next report you generate prints it.")
                )
                return redirect(f"{page_url(period)}#texts")
            except EditConflict as error:
                editor.conflict(error)
                status = 409
    title = str(editor.part) if editor.part else str(ReportText.Section.WAY_FORWARD.label)
    context = {"period": period, "editor": editor, "form": editor.form, "title": title}
    return render(request, "commitments/report_text_form.html", context, status=status)


def section_kind(section: str) -> str:
    return ReportText.Section.PILLAR if section.startswith("pillar-") else ReportText.Section.WAY_FORWARD


def section_part(period: ReportingPeriod, section: str):
    """The pillar a section key names ("pillar-2"), None for the way forward; 404 for anything else."""
    if section == ReportText.Section.WAY_FORWARD:
        return None
    code = section.removeprefix("pillar-")
    part = period.plan.parts.filter(code=code).first() if section.startswith("pillar-") else None
    if part is None:
        raise Http404
    return part


@require_POST
@report_finaliser_required
def report_finalise(request, period: int):
    period = get_object_or_404(ReportingPeriod.objects.select_related("plan"), pk=period)
    form = FinaliseForm(request.POST, gaps=period.finalising_gaps())
    if form.is_valid():
        try:
            language = form.cleaned_data["language"]
            return see_other(ReportBuild.request_final(period.plan, period, language, by=request.user))
        except AlreadyFinal as error:
            messages.error(request, _("Nothing was finalised: %(errors)s") % {"errors": error})
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
@report_styles_allowed
def edition_download(request, pk: int, fmt: str):
    file = get_object_or_404(EditionFile.objects.select_related("edition__plan", "edition__period"),
                             edition=pk, format=fmt)  # fmt: skip
    try:
        return file_response(file.read(), fmt, file.file_name)
    except TamperedFile:  # logged by read(); 409: what is stored conflicts with what was finalised
        return render(request, "commitments/edition_tampered.html", {"file": file}, status=409)


def file_response(body: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=progress_report.CONTENT_TYPES[fmt])
    # Encoded for any name: a period label is free text, and may be Chinese.
    response["Content-Disposition"] = content_disposition_header(fmt != "html", name)
    return response


def page_url(period: ReportingPeriod) -> str:
    return f"{reverse('commitments:report')}?plan={period.plan.code}&period={period.pk}"


def errors_text(form) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)
