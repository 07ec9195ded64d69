"""The tracker's own middleware: input no page can use, when a session ends, and the headers Django
and django-csp do not set."""

from __future__ import annotations

import time
from urllib.parse import urlsplit, urlunsplit

from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseBase, QueryDict
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_lazy, ngettext

NUL = "\x00"
SIGNED_IN_AT = "tracker:signed_in_at"
LAST_SEEN_AT = "tracker:last_seen_at"
KEPT_POST = "tracker:kept_post"
# The last activity is written at most once a minute, so that reading a page does not always
# write the session; the idle timeout is counted in minutes anyway.
LAST_SEEN_STEP = 60
# Never kept in the session, whatever the form: the token is worthless after log-in, and a
# password has no business being stored.
NOT_KEPT = ("csrfmiddlewaretoken", "password")
KEPT_MAX_CHARACTERS = 200_000  # an update's texts, with room to spare; more is not kept


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


class SessionTimeoutMiddleware:
    """End a session SESSION_COOKIE_AGE (12 hours) after log-in, or after SESSION_IDLE_MINUTES
    without a request, and keep what an ended session was posting.

    The log-in stamps the session (``stamp_session``, on Django's ``user_logged_in``); each request
    then moves its last activity on. Listed before LoginRequiredMiddleware: a session found over is
    logged out here, so that LoginRequiredMiddleware sends the request to the log-in page with
    ``next`` back to it. When that request is a POST to a page that needs log-in (an update typed
    for longer than the idle timeout), its text fields are kept in the new session under the page's
    path, for the page to put back in its form after log-in (``take_kept_post``): the form cannot
    simply be posted again, because logging in rotates the CSRF token.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        now = int(time.time())
        request.ended_session = None  # (why, whose), when this request found its session over
        if request.user.is_authenticated:
            why = ended_because(request.session, now)
            if why:
                request.ended_session = (why, request.user.pk)
                logout(request)
        response = self.get_response(request)
        if request.user.is_authenticated:
            note_activity(request.session, now)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        # Here rather than in __call__: the messages are ready, and the view says whether it needs
        # log-in.
        why, whose = request.ended_session or (None, None)
        if why:
            messages.info(request, why)
        # Only the text of a page that can show it again (``keeps_post``), and only for the user whose
        # session this request found over: an anonymous POST keeps nothing.
        if why and request.method == "POST" and getattr(view_func, "keeps_post", False):
            keep_post(request, whose)
        if not request.user.is_authenticated and request.method == "POST":
            return login_then_back(request, view_func)
        return None


def login_then_back(request: HttpRequest, view_func) -> HttpResponseBase | None:
    """Send a POST that needs log-in to the log-in page, and then back to the page it came from.

    LoginRequiredMiddleware would come back to the POST's own address, which for an action (approve,
    confirm, unlock) answers only POST: after log-in the user would get "405 Method Not Allowed". A
    page that shows its kept text again (``keeps_post``) is itself the way back.
    """
    if not getattr(view_func, "login_required", True) or getattr(view_func, "keeps_post", False):
        return None
    referer = request.META.get("HTTP_REFERER", "")
    safe = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    back = urlsplit(referer) if safe and referer else None
    came_from = urlunsplit(("", "", back.path, back.query, "")) if back and back.path else "/"
    return redirect_to_login(came_from)


def stamp_session(sender, request: HttpRequest, user, **kwargs) -> None:
    """Note when the session started, on log-in (connected in CommitmentsConfig.ready)."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = request.session[LAST_SEEN_AT] = now


def ended_because(session, now: int) -> str | None:
    """Why this signed-in session is over (a message for the log-in page), or None if it is not."""
    signed_in_at, last_seen_at = session.get(SIGNED_IN_AT), session.get(LAST_SEEN_AT)
    if signed_in_at is None or last_seen_at is None:
        # Not stamped at log-in: a session from before the timeouts, which cannot say its age.
        return gettext("Your session has ended. Log in again to continue.")
    if now - signed_in_at >= settings.SESSION_COOKIE_AGE:
        hours = settings.SESSION_COOKIE_AGE // 3600
        return ngettext(
            "Your session ended %(hours)d hour after you logged in. Log in again to continue.",
            "Your session ended %(hours)d hours after you logged in. Log in again to continue.",
            hours,
        ) % {"hours": hours}
    if now - last_seen_at >= settings.SESSION_IDLE_MINUTES * 60:
        minutes = settings.SESSION_IDLE_MINUTES
        return ngettext(
            "Your session ended after %(minutes)d minute without activity. Log in again to continue.",
            "Your session ended after %(minutes)d minutes without activity. Log in again to continue.",
            minutes,
        ) % {"minutes": minutes}
    return None


def note_activity(session, now: int) -> None:
    if now - session.get(LAST_SEEN_AT, now) >= LAST_SEEN_STEP:
        session[LAST_SEEN_AT] = now


def keeps_post(view):
    """Mark a view whose form shows again, after log-in, the text posted when its session ended
    (it reads it with ``take_kept_post``)."""
    view.keeps_post = True
    return view


def keep_post(request: HttpRequest, user_pk: int) -> None:
    """Keep the text fields of a POST that could not be served because the session had ended.

    Files are not kept (they are not text, and may be large), nor the CSRF token or any password,
    nor a text larger than KEPT_MAX_CHARACTERS in all. Only ``user_pk`` gets the text back.
    """
    fields = {
        name: values
        for name, values in request.POST.lists()
        if not any(word in name.lower() for word in NOT_KEPT)
    }
    if fields and sum(len(value) for values in fields.values() for value in values) <= KEPT_MAX_CHARACTERS:
        request.session[KEPT_POST] = {"path": request.path, "user": user_pk, "fields": fields}


def take_kept_post(request: HttpRequest) -> QueryDict | None:
    """The text a POST to this page had when its session ended, to show again in the page's form
    once the user has logged in again; None if there is none (or it was someone else's)."""
    kept = request.session.get(KEPT_POST)
    if not kept or kept["path"] != request.path:
        return None
    del request.session[KEPT_POST]
    if kept["user"] != request.user.pk:
        return None
    data = QueryDict(mutable=True)
    for name, values in kept["fields"].items():
        data.setlist(name, values)
    return data


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
