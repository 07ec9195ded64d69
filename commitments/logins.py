"""How django-axes reads a log-in attempt here: its address, its user name, and what a success forgets.

The settings that name these (AXES_CLIENT_IP_CALLABLE, AXES_USERNAME_CALLABLE, AXES_HANDLER) and
the rest of the rule are in tracker/settings.py; the lock-outs and their unlocking are
``LoginAttempt``.
"""

from __future__ import annotations

import ipaddress
import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import ngettext_lazy

USERNAME_LENGTH = AccessAttempt._meta.get_field("username").max_length
security_log = logging.getLogger("commitments.security")

# Django 5.2's Chinese catalogue has this validator message under an older id ("%(min_length)d"),
# so a Chinese page showed it in English: the project's catalogue translates the one Django uses.
PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)


def client_ip(request: HttpRequest) -> str | None:
    """The address a log-in attempt comes from.

    REMOTE_ADDR, unless ``TRUSTED_PROXIES`` says how many reverse proxies stand in front of the
    app. Each proxy appends to X-Forwarded-For the address it received the request from, so the
    client is the TRUSTED_PROXIES-th address from the right; what the client wrote in the header
    itself stands further left and is never read. A header too short or not an address (the
    request did not come through the proxies) leaves REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    if not settings.TRUSTED_PROXIES:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < settings.TRUSTED_PROXIES:
        return remote
    candidate = forwarded[-settings.TRUSTED_PROXIES]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def client_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The user name tried, cut to the length axes stores.

    Django's log-in form does not limit it, and a longer one would make recording the failure
    fail on PostgreSQL (a server error instead of the log-in page). No real user name is as long.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    username = credentials.get(field) if credentials else request.POST.get(field)
    return username[:USERNAME_LENGTH] if isinstance(username, str) else username


class LoginAttemptHandler(AxesDatabaseHandler):
    """Axes' database handler, except that a successful log-in forgets only that user's failures.

    Axes would forget every failure that shares the user name or the address. Then anyone with
    an account could try four passwords for a colleague from the same address, log in as
    themselves to wipe the count, and go on for ever.
    """

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        """Record the failure as axes does, and log it: a failure, the one that locks, or an attempt
        refused during a lock-out."""
        locked_before = getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        username, address = client_username(request, credentials), getattr(request, "axes_ip_address", None)
        if locked_before:
            security_log.warning("Log-in refused during a lock-out: user name %r from %s", username, address)
        elif getattr(request, "axes_locked_out", False):
            security_log.warning(
                "Locked out after %d failed log-ins: user name %r from %s",
                getattr(request, "axes_failures_since_start", 0), username, address,
            )  # fmt: skip
        else:
            security_log.warning("Failed log-in: user name %r from %s", username, address)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
