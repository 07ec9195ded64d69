"""What the site answers when it cannot serve a page: the maintenance switch (503), and the log
line for each refusal of permission (403).

Django serves templates/500.html itself for a server error, with no context and no database,
and logs it (``django.request``, sent to stderr and, with ADMINS set, mailed; see LOGGING).
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template import loader

security_log = logging.getLogger("commitments.security")


def in_maintenance() -> bool:
    """On when MAINTENANCE is set, or while the file MAINTENANCE_FILE exists (no restart needed)."""
    return settings.MAINTENANCE or Path(settings.MAINTENANCE_FILE).exists()


class MaintenanceMiddleware:
    """During maintenance (a restore, an upgrade) every request gets the 503 page, in both
    languages, with Retry-After; nothing reaches a view or the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if in_maintenance():
            response = HttpResponse(loader.get_template("503.html").render(), status=503)
            response["Retry-After"] = str(settings.MAINTENANCE_RETRY_AFTER)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)


class PermissionRefusalLogMiddleware:
    """Log who was refused what: Django's own line (``django.request``, "Forbidden") does not say who."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            user = request.user.get_username() if request.user.is_authenticated else "anonymous"
            security_log.warning("Permission refused: %s %s %s", user, request.method, request.path)
