"""Log-in security: the page a locked-out attempt gets, the secretariat's unlocking, and the password
reset by e-mail. The rule itself (how many failures, for how long) is in tracker/settings.py."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ..models import LoginAttempt
from ..permissions import account_unlocker_required


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The log-in page again, saying why the attempt was refused (django-axes' AXES_LOCKOUT_CALLABLE).

    Axes calls this for the failure that reaches the limit and for every attempt while the lock
    lasts, whose password it does not check.
    """
    minutes = cooloff_minutes()
    lockout_message = ngettext(
        "Too many failed log-ins for this user name or from this address. Log-in is refused, even "
        "with the right password, until %(minutes)d minute has passed since the last failure. Try "
        "again then, or ask the secretariat to unlock your account.",
        "Too many failed log-ins for this user name or from this address. Log-in is refused, even "
        "with the right password, until %(minutes)d minutes have passed since the last failure. Try "
        "again then, or ask the secretariat to unlock your account.",
        minutes,
    ) % {"minutes": minutes}
    context = {
        "form": AuthenticationForm(request, initial={"username": request.POST.get("username", "")}),
        "next": request.POST.get("next", ""),
        "lockout_message": lockout_message,
    }
    return render(request, "registration/login.html", context, status=429)


@account_unlocker_required
def lockout_list(request):
    context = {
        "lockouts": LoginAttempt.objects.lockouts(),
        "limit": settings.AXES_FAILURE_LIMIT,
        "minutes": cooloff_minutes(),
    }
    return render(request, "commitments/lockouts.html", context)


@require_POST
@account_unlocker_required
def lockout_unlock(request):
    lockout = LoginAttempt.objects.lockout(
        username=request.POST.get("username"), ip_address=request.POST.get("ip_address")
    )
    if lockout is None:
        messages.info(request, _("This user name or address is not locked out (any more)."))
    else:
        LoginAttempt.objects.unlock(lockout, by=request.user)
        messages.success(
            request, _("%(name)s may log in again.") % {"name": lockout.username or lockout.ip_address}
        )
    return redirect("commitments:lockouts")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail, its link on SITE_URL like every link the tracker mails.

    Django would build the link from the Host header of the request that asked for the reset.
    """

    email_template_name = "registration/password_reset_email.txt"

    def form_valid(self, form):
        hours = settings.PASSWORD_RESET_TIMEOUT // 3600
        self.extra_email_context = {"site_url": settings.SITE_URL, "hours": hours}
        return super().form_valid(form)
