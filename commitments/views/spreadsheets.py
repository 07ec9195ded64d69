"""Reporting by spreadsheet: the secretariat downloads a period's template and uploads filled copies.

An upload is read and kept, then shown row by row with what confirming would do; nothing
reaches the updates until an officer confirms, and then all rows are submitted or none.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from .. import spreadsheets
from ..checking import CREATE, ERROR, SAVE, SKIP, UPDATE
from ..forms import ReportUploadForm
from ..models import ReportingPeriod, ReportUpload
from ..models.spreadsheets import UploadRefused
from ..models.tracking import EditConflict, IllegalTransition
from ..permissions import reviewer_of_updates_required

ROWS_PER_PAGE = 100
EARLIER_UPLOADS = 10
# The preview's row filters: what ?show= may ask for, and the outcomes each one lists.
SHOWN = {"all": None, "errors": {ERROR}, "submit": {CREATE, UPDATE}, "skipped": {SKIP}}
# The same for the rows of the sheet "Targets"; the blank ones, a few per line, are not listed.
TARGETS_SHOWN = {"all": {SAVE, ERROR}, "errors": {ERROR}, "submit": {SAVE}, "skipped": set()}


@require_GET
@reviewer_of_updates_required
def template_download(request, pk: int):
    period = get_object_or_404(ReportingPeriod.objects.select_related("plan"), pk=pk)
    response = HttpResponse(spreadsheets.reporting_template(period), content_type=spreadsheets.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, spreadsheets.template_filename(period))
    return response


@require_http_methods(["GET", "POST"])
@reviewer_of_updates_required
def upload(request, pk: int):
    period = get_object_or_404(ReportingPeriod.objects.select_related("plan"), pk=pk)
    posted = (request.POST, request.FILES) if request.method == "POST" else ()
    form = ReportUploadForm(*posted, period=period)
    if form.is_valid():
        filled = form.cleaned_data["file"]
        report = ReportUpload.objects.create(
            period=period, uploaded_by=request.user, original_name=form.display_name,
            rows=filled.rows, target_rows=filled.target_rows,
        )  # fmt: skip
        report.show()  # what confirming expects to find, should the officer confirm without looking again
        return redirect(report)
    # Their names only: the rows (up to thousands each) are not read here.
    earlier = ReportUpload.objects.for_period(period).latest_first().select_related("uploaded_by")
    earlier = earlier.defer("rows", "target_rows")
    context = {"period": period, "form": form, "earlier": earlier[:EARLIER_UPLOADS]}
    return render(request, "commitments/upload_form.html", context)


@require_http_methods(["GET", "POST"])
@reviewer_of_updates_required
def upload_preview(request, pk: int):
    report = get_object_or_404(
        ReportUpload.objects.select_related("period__plan", "uploaded_by", "confirmed_by"), pk=pk
    )
    if request.method == "POST":
        return confirm(request, report)
    preview = report.show()
    show = request.GET.get("show") if request.GET.get("show") in SHOWN else "all"
    rows = [row for row in preview.rows if SHOWN[show] is None or row.outcome in SHOWN[show]]
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    targets = [row for row in preview.targets if row.outcome in TARGETS_SHOWN[show]]
    context = {
        "upload": report, "preview": preview, "counts": preview.counts, "show": show, "page": page,
        "targets": targets,
    }  # fmt: skip
    return render(request, "commitments/upload_preview.html", context)


def confirm(request, report: ReportUpload):
    """Submit the upload's updates, or say why not; either way, back to its page."""
    try:
        submitted = report.confirm(by=request.user)
    except (UploadRefused, EditConflict, IllegalTransition) as refusal:
        messages.error(request, _("Nothing was saved. %(reason)s") % {"reason": refusal})
    else:
        messages.success(
            request,
            ngettext("%(count)d update submitted.", "%(count)d updates submitted.", submitted)
            % {"count": submitted},
        )
    return redirect(report)
