from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = _("Commitments")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .sessions import stamp_session

        # Log-in is Django's, not ours: its signal is where a session's start can be noted, for
        # the session timeouts (commitments.sessions.SessionTimeoutMiddleware).
        user_logged_in.connect(stamp_session, dispatch_uid="tracker-stamp-session")
