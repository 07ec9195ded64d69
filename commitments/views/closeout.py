"""Closing out an ended plan: the secretariat gives its lines their final statuses, several at once
and after a confirmation, and whoever reads the plans downloads its close-out report."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ..closeout_forms import CloseOutFilterForm, FinalStatusForm
from ..models import FinalStatus, Plan, Status, interface_language
from ..models.closeout import has_ended, lines_to_close
from ..models.plans import NO_STATUS
from ..permissions import closer_required, reader_required
from ..progress_report import CONTENT_TYPES, closeout
from ..progress_report.pdf import PdfUnavailable
from .reports import report_styles_allowed

LINES_PER_PAGE = 25


@closer_required
def close_out_list(request):
    finals = Count(
        "lines", filter=Q(lines__final_status__isnull=False, lines__missing_from_source_since=None)
    )
    plans = (
        Plan.objects.with_source_line_counts().annotate(final_count=finals).order_by("-first_year", "code")
    )
    return render(request, "commitments/close_out_list.html", {"plans": [p for p in plans if has_ended(p)]})


@closer_required
def close_out(request, code: str):
    plan = get_object_or_404(Plan, code=code)
    if not has_ended(plan):
        return render(request, "commitments/close_out.html", {"plan": plan, "ended": False})
    statuses = list(Status.objects.all())
    filters = CloseOutFilterForm(plan, request.GET or None, statuses=statuses)
    page = Paginator(lines_to_close(plan, **filters.chosen()), LINES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    by_code = {status.code: status for status in statuses}
    for line in page.object_list:
        line.last_status = by_code.get(line.current_status_code)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "plan": plan, "ended": True, "filters": filters, "page": page, "query": query.urlencode(),
        "form": FinalStatusForm(plan), "report_formats": closeout.formats(),
    }  # fmt: skip
    return render(request, "commitments/close_out.html", context)


def back_to_page(request, plan: Plan):
    """The close-out page as the officer left it: the same filters and page."""
    query = QueryDict(request.POST.get("query", "")).urlencode()
    return redirect(
        f"{reverse('commitments:close-out', args=[plan.code])}{'?' if query else ''}{query}#lines"
    )


@require_POST
@closer_required
def close_out_set(request, code: str):
    plan = get_object_or_404(Plan, code=code)
    form = FinalStatusForm(plan, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return back_to_page(request, plan)
    if "confirmed" not in request.POST:
        context = {"plan": plan, "form": form, "lines": form.chosen_lines(), "action": "set"}
        return render(request, "commitments/close_out_confirm.html", context)
    try:
        outcome = form.save(by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return back_to_page(request, plan)
    count = len(outcome.set)
    messages.success(
        request,
        ngettext("%(count)d line has its final status.", "%(count)d lines have their final status.", count)
        % {"count": count},
    )
    if outcome.changed_meanwhile:
        messages.warning(
            request,
            _("Another officer changed the final status of %(lines)s meanwhile; it is left as they set it.")
            % {"lines": ", ".join(line.code for line in outcome.changed_meanwhile)},
        )
    return back_to_page(request, plan)


@require_POST
@closer_required
def close_out_carry(request, code: str):
    plan = get_object_or_404(Plan, code=code)
    if "confirmed" not in request.POST:
        without = lines_to_close(plan, final=NO_STATUS)
        context = {
            "plan": plan, "action": "carry", "without": without.count(),
            "carried": without.filter(current_status_code__isnull=False).count(),
        }  # fmt: skip
        return render(request, "commitments/close_out_confirm.html", context)
    try:
        outcome = FinalStatus.carry(plan, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return back_to_page(request, plan)
    carried, left = len(outcome.carried), len(outcome.unconfirmed)
    messages.success(
        request,
        ngettext(
            "%(count)d line has its last confirmed status as final status.",
            "%(count)d lines have their last confirmed status as final status.",
            carried,
        )
        % {"count": carried}
        + " "
        + ngettext(
            "%(left)d line has no confirmed status to carry: set its final status.",
            "%(left)d lines have no confirmed status to carry: set their final status.",
            left,
        )
        % {"left": left},
    )
    return back_to_page(request, plan)


@reader_required
@report_styles_allowed
def close_out_report(request, code: str, fmt: str):
    """The close-out report in ``fmt``, in the language asked for (?language=en|zh), else the page's."""
    plan = get_object_or_404(Plan, code=code)
    if not has_ended(plan) or fmt not in closeout.formats():
        raise Http404
    language = request.GET.get("language")
    content = closeout.build(plan, language if language in ("en", "zh") else interface_language())
    try:
        document = closeout.render(content, fmt)
    except PdfUnavailable as error:
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(document, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(
        fmt != "html", closeout.file_name(content, fmt)
    )
    return response
