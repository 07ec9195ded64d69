"""The tracker's own middleware: input no page can use, and the headers Django
and django-csp do not set."""

from __future__ import annotations

from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseBase, QueryDict
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy

NUL = "\x00"


class BadInputMiddleware:
    """Answer 400, with a translated message, to input no page can use: a NUL character in the
    path, or in a name or value of the query string, the form or its files' names; and a number
    too large for SQLite in a query built from the request.

    PostgreSQL refuses a NUL in any query ("A string literal cannot contain NUL"): a plan, a line
    code or a format read from the address would reach the database and end in a 500. Django's form
    fields refuse a NUL already; this covers every other value, once. The tracker's own addresses and
    forms bound their ids (commitments.converters); the admin's filters, which take any field from
    the address, are the reason for the SQLite check. Listed after LocaleMiddleware, so that the
    messages are in the visitor's language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if NUL in request.path or has_nul(request.GET):
            return bad_request(NUL_REFUSED)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, *args) -> HttpResponseBase | None:
        # The body is read here rather than in __call__, as CsrfViewMiddleware reads it: a view
        # exempt from CSRF may want to choose its upload handlers before the body is read.
        if request.method != "POST" or getattr(view_func, "csrf_exempt", False):
            return None
        files = (file.name or "" for file in request.FILES.values())
        if has_nul(request.POST) or any(NUL in name for name in [*request.FILES, *files]):
            return bad_request(NUL_REFUSED)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponseBase | None:
        if isinstance(exception, OverflowError) and "SQLite INTEGER" in str(exception):
            return bad_request(NUMBER_REFUSED)
        return None


NUL_REFUSED = gettext_lazy(
    "The address or the form contains a null character (%00), which the tracker does not accept. "
    "Remove it and try again."
)
NUMBER_REFUSED = gettext_lazy("The address or the form contains a number too large to be an id. Correct it.")


def has_nul(data: QueryDict) -> bool:
    return any(NUL in name or any(NUL in value for value in values) for name, values in data.lists())


def bad_request(message) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(str(message), content_type="text/plain; charset=utf-8")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (settings.CONTENT_SECURITY_POLICY), with scripts from this site allowed
    on the admin's pages only: the tracker's own pages have no script, but Django's admin needs its
    JavaScript files (the calendar, the selectors, "add another")."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.app_name == "admin":
            parts.replace = {"script-src": [SELF]} | (parts.replace or {})
        return parts


# Features the tracker never uses; a page that tried would be refused by the browser.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
        "magnetometer", "microphone", "midi", "payment", "usb",
    ]
)  # fmt: skip


class SecurityHeadersMiddleware:
    """A Permissions-Policy on every response, and ``Cache-Control: private, no-store`` on every
    response to a signed-in user, downloads included, so that no shared cache or back button
    shows their pages to the next person at the computer.

    Listed after AuthenticationMiddleware, and so after WhiteNoise: static files, which WhiteNoise
    serves before this runs, keep their own long caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
