"""When a session ends (12 hours after log-in, or after the idle timeout), and what an ended session
was posting: kept for the page that shows it again."""

from __future__ import annotations

import time
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase, QueryDict
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext

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
