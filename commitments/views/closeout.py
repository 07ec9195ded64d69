"""Closing out an ended plan: the secretariat gives its lines their final statuses, several at once
and after a confirmation, and whoever reads the plans downloads its close-out report."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ..closeout_forms import CloseOutFilterForm, FinalStatusForm
from ..models import ActionLine, FinalStatus, Plan, Status, interface_language
from ..models.closeout import lines_to_close
from ..models.plans import NO_STATUS, listed
from ..permissions import closer_required, reader_required
from ..progress_report import CONTENT_TYPES, closeout
from ..progress_report.pdf import PdfUnavailable
from .decisions import back_to_page as back_to
from .decisions import paged
from .reports import report_styles_allowed

LINES_PER_PAGE = 25


@closer_required
def close_out_list(request):
    finals = Count(
        "lines", filter=Q(lines__final_status__isnull=False, lines__in=ActionLine.objects.in_source())
    )
    plans = (
        Plan.objects.with_source_line_counts().annotate(final_count=finals).order_by("-first_year", "code")
    )
    return render(request, "commitments/close_out_list.html", {"plans": [p for p in plans if p.has_ended()]})


@closer_required
def close_out(request, code: str):
    plan = get_object_or_404(Plan, code=code)
    if not plan.has_ended():
        return render(request, "commitments/close_out.html", {"plan": plan, "ended": False})
    statuses = list(Status.objects.all())
    filters = CloseOutFilterForm(plan, request.GET or None, statuses=statuses)
    lines = lines_to_close(plan, **filters.chosen())
    context = {
        "plan": plan, "ended": True, "filters": filters, "form": FinalStatusForm(plan),
        "report_formats": closeout.formats(), **paged(request, lines, LINES_PER_PAGE),
    }  # fmt: skip
    by_code = {status.code: status for status in statuses}
    for line in context["page"].object_list:
        line.last_status = by_code.get(line.current_status_code)
    return render(request, "commitments/close_out.html", context)


def back_to_page(request, plan: Plan):
    """The close-out page as the officer left it: the same filters and page."""
    return back_to(request, "commitments:close-out", "lines", args=[plan.code])


def ended_plan_or_back(request, code: str) -> tuple[Plan, HttpResponse | None]:
    """The plan, and where to send the officer instead when it has not ended (``refuse_unless_ended``),
    before anything is asked or confirmed."""
    plan = get_object_or_404(Plan, code=code)
    try:
        FinalStatus.refuse_unless_ended([plan])
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return plan, back_to_page(request, plan)
    return plan, None


@require_POST
@closer_required
def close_out_set(request, code: str):
    plan, refused = ended_plan_or_back(request, code)
    if refused:
        return refused
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
            % {"lines": listed(line.code for line in outcome.changed_meanwhile)},
        )
    return back_to_page(request, plan)


@require_POST
@closer_required
def close_out_carry(request, code: str):
    plan, refused = ended_plan_or_back(request, code)
    if refused:
        return refused
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
    if carried or not left:
        messages.success(request, ngettext(
            "%(count)d line has its last confirmed status as final status.",
            "%(count)d lines have their last confirmed status as final status.",
            carried,
        ) % {"count": carried})  # fmt: skip
    if left:
        messages.warning(request, ngettext(
            "%(left)d line has no confirmed status to carry: set its final status.",
            "%(left)d lines have no confirmed status to carry: set their final status.",
            left,
        ) % {"left": left})  # fmt: skip
    return back_to_page(request, plan)


@reader_required
@report_styles_allowed
def close_out_report(request, code: str, fmt: str):
    """The close-out report in ``fmt``, in the language asked for (?language=en|zh), else the page's."""
    plan = get_object_or_404(Plan, code=code)
    if not plan.has_ended() or fmt not in closeout.formats():
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
