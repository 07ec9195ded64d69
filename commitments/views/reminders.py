"""Reminders from the app: the bodies with lines due, and sending them reminders, with a confirmation."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .. import notifications
from ..forms import ReminderForm
from ..models import ReminderSending, ReportingPeriod
from ..permissions import reminder_sender_required

LAST_SENDINGS = 10


@reminder_sender_required
def reminders(request):
    sendings = ReminderSending.objects.latest_first().select_related("sent_by")
    context = {
        "bodies": notifications.bodies_due(timezone.localdate()),
        "periods": ReportingPeriod.objects.open().select_related("plan"),
        "sendings": sendings.prefetch_related("organisations")[:LAST_SENDINGS],
        "form": ReminderForm(),
    }
    return render(request, "commitments/reminders.html", context)


@require_POST
@reminder_sender_required
def reminders_send(request):
    """The first post shows whom the e-mails go to; the second, with ``send``, sends and records them."""
    form = ReminderForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("commitments:reminders")
    today = timezone.localdate()
    due = notifications.reminders_due(today, None, form.cleaned_data["organisations"])
    if not due:
        messages.error(request, _("The selected bodies have no line due, or no focal point to write to."))
        return redirect("commitments:reminders")
    if "send" not in request.POST:
        return render(request, "commitments/reminders_confirm.html", {"form": form, "reminders": due})
    sending = notifications.send_reminders(due, today, by=request.user)
    messages.success(
        request,
        ngettext(
            "Reminder sent to %(sent)d of %(count)d focal point.",
            "Reminders sent to %(sent)d of %(count)d focal points.",
            len(due),
        )
        % {"sent": sending.sent_count, "count": len(due)},
    )
    if sending.failed:
        messages.error(
            request,
            _("The mail server did not take the e-mails to %(addresses)s; try again later.")
            % {"addresses": ", ".join(sending.failed)},
        )
    return redirect("commitments:reminders")
