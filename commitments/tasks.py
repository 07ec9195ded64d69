"""The work done in the background (django-tasks): building a report draft, and sending an e-mail.

Which backend runs them is a setting (TASKS, from TASKS_BACKEND): at once in the process that asks
(the default, for `make run` and the tests), or queued in the database for `manage.py db_worker`.
Each task takes only JSON values (ids, texts), as a queued task must.
"""

from __future__ import annotations

import datetime
import logging

from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django_tasks import task

from . import progress_report
from .models import ReportBuild

logger = logging.getLogger(__name__)

# How long to wait before trying an e-mail again: the 2nd attempt a minute after the 1st failed,
# the 3rd five minutes after the 2nd, the 4th and last fifteen minutes after the 3rd.
EMAIL_RETRY_DELAYS = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=15),
)
EMAIL_ATTEMPTS = len(EMAIL_RETRY_DELAYS) + 1


@task()
def build_report_file(build_id: int) -> None:
    """Build a requested report draft (``ReportBuild.build``): the build records success or failure."""
    build = ReportBuild.objects.select_related("plan", "period").filter(pk=build_id).first()
    if build is None:  # pruned before a worker reached it
        logger.warning("Report build %s no longer exists; nothing to build", build_id)
        return
    build.build(progress_report.renderers())


@task()
def send_email(subject: str, body: str, to: list[str], attempt: int = 1) -> bool:
    """Send one message; say whether the mail server took it.

    django-tasks retries nothing by itself: on an SMTP or connection error the task queues itself
    again, ``EMAIL_RETRY_DELAYS`` later, up to ``EMAIL_ATTEMPTS`` attempts, and then logs an error
    for the administrator. A backend that cannot defer (the immediate one) gives up at once, and
    logs it: retrying inside the user's request would keep them waiting.
    """
    try:
        get_connection(fail_silently=False).send_messages([EmailMessage(subject, body, to=to)])
        return True
    except OSError:  # smtplib.SMTPException is an OSError, like a refused or timed-out connection
        if attempt < EMAIL_ATTEMPTS and send_email.get_backend().supports_defer:
            run_after = timezone.now() + EMAIL_RETRY_DELAYS[attempt - 1]
            logger.warning(
                "Could not send an e-mail to %s (attempt %d of %d); trying again at %s",
                ", ".join(to), attempt, EMAIL_ATTEMPTS, run_after.isoformat(), exc_info=True,
            )  # fmt: skip
            send_email.using(run_after=run_after).enqueue(subject, body, to, attempt + 1)
        else:
            logger.exception("Could not send 1 e-mail(s) to %s; gave up after %d attempt(s)",
                             ", ".join(to), attempt)  # fmt: skip
        return False
