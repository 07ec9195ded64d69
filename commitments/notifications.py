"""The e-mails the tracker sends: a status update's moves, and reminders of the deadline.

Views and the send_reminders command call these functions explicitly; nothing is sent from a
signal. Every e-mail is written twice, in English and then in Simplified Chinese, because we
do not know which of the two its reader prefers.
"""

from __future__ import annotations

import datetime
import itertools
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Permission
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus

from .models import ActionLine, Organisation, Ownership, ReminderSending, ReportingPeriod, StatusUpdate
from .tasks import send_email

logger = logging.getLogger(__name__)

LANGUAGES = ("en", "zh-hans")
HALF_SEPARATOR = "\n\n" + "—" * 30 + "\n\n"
# Left untranslated, like a code, so that people can filter their mail on it.
TRACKER_NAME = "ASEAN–China tracker"


# Every e-mail links to the page where its reader acts on it: a submission to the update's page,
# which offers the secretariat its approval or return; a returned update to its edit page; an
# approved one to its page; a reminder to My lines.


def update_submitted(update: StatusUpdate) -> None:
    """Tell the secretariat officers that an update waits for their review."""
    addresses = list(secretariat_officers().values_list("email", flat=True))
    link = site_url("commitments:update-detail", update.pk)
    _send_on_commit(_update_messages(update, "update_submitted", _("submitted for review"), addresses, link))


def update_approved(update: StatusUpdate, comment: str = "") -> None:
    """Tell the update's author that it was approved, with the reviewer's comment if any."""
    link = site_url("commitments:update-detail", update.pk)
    messages = _update_messages(
        update, "update_approved", _("approved"), _author_address(update), link, comment
    )
    _send_on_commit(messages)


def update_returned(update: StatusUpdate, comment: str) -> None:
    """Tell the update's author that it was returned, quoting what needs to change."""
    link = site_url("commitments:update-edit", update.pk)
    messages = _update_messages(
        update, "update_returned", _("returned for changes"), _author_address(update), link, comment
    )
    _send_on_commit(messages)


def secretariat_officers() -> QuerySet:
    """Active users with an e-mail address who may review updates, through a group or directly.

    Superusers are left out unless they also hold the permission through a group or their own
    permissions: a superuser may review anything, but the flag marks whoever runs the
    installation, who should not get every submission. Put them in the Secretariat officer
    group to have them written to.
    """
    review = Permission.objects.filter(content_type__app_label="commitments", codename="review_statusupdate")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(groups__permissions__in=review) | Q(user_permissions__in=review))
        .distinct()
        .order_by("email")
    )


@dataclass(frozen=True)
class DueLine:
    """A line an owning organisation has not yet reported on for a period."""

    line: ActionLine
    organisation: Organisation
    period: ReportingPeriod

    @property
    def link(self) -> str:
        return line_url(self.line)


@dataclass
class Reminder:
    """A focal point and the lines their organisations still have to report on."""

    user: AbstractBaseUser
    due: list[DueLine]

    @property
    def organisations(self) -> list[str]:
        return sorted({item.organisation.acronym for item in self.due})

    @property
    def first_deadline(self) -> datetime.date:
        return min(item.period.deadline for item in self.due)


def reminders_due(
    today: datetime.date, days: int | None, organisations: QuerySet | None = None
) -> list[Reminder]:
    """The reminders to send: one per focal point with lines due within ``days`` of ``today``.

    A period counts while it is open and its deadline is at most ``days`` away (any deadline when
    ``days`` is None), including the deadline day itself and deadlines already past: an open
    period past its deadline means updates are overdue, which is when a reminder matters most. A
    line is due when an organisation confirmed as its owner has no submitted or approved update on
    it for the period (a draft or a returned update still needs the focal point's action). With
    ``organisations``, only their lines, and their focal points, count.
    """
    reminders: dict[int, Reminder] = {}
    for period in _periods_due(today, days):
        ownerships = owners_yet_to_report(period)
        if organisations is not None:
            ownerships = ownerships.filter(organisation__in=organisations)
        for ownership in ownerships:
            for user in ownership.organisation.focal_points.all():
                reminder = reminders.setdefault(user.pk, Reminder(user, []))
                reminder.due.append(DueLine(ownership.line, ownership.organisation, period))
    return sorted(reminders.values(), key=lambda reminder: reminder.user.email)


@dataclass
class DueBody:
    """An organisation with lines it has yet to report on in the open periods, and whom to write to."""

    organisation: Organisation
    due: list[DueLine]

    @property
    def focal_points(self) -> list[AbstractBaseUser]:
        return list(self.organisation.focal_points.all())  # only those who can be written to

    @property
    def overdue(self) -> int:
        # ActionLineQuerySet.overdue_in's rule: yet to report, and the period past its deadline.
        return sum(item.period.is_past_deadline for item in self.due)


def bodies_due(today: datetime.date) -> list[DueBody]:
    """Every organisation with lines due or overdue in an open period, by acronym, for the
    reminders page: the same lines, and focal points, as ``reminders_due`` finds."""
    bodies: dict[int, DueBody] = {}
    for period in _periods_due(today, None):
        for ownership in owners_yet_to_report(period):
            body = bodies.setdefault(ownership.organisation_id, DueBody(ownership.organisation, []))
            body.due.append(DueLine(ownership.line, ownership.organisation, period))
    return sorted(bodies.values(), key=lambda body: body.organisation.acronym)


def send_reminders(
    reminders: list[Reminder], today: datetime.date, *, by=None, source: str = ReminderSending.Source.PAGE
) -> ReminderSending:
    """Send each reminder now, and record the sending: who (None for the command), the bodies, the
    addresses, and those the mail server did not take."""
    failed = [reminder.user.email for reminder in reminders if not send_reminder(reminder, today)]
    with transaction.atomic():
        sending = ReminderSending.objects.create(
            sent_by=by, source=source, recipients=[r.user.email for r in reminders], failed=failed
        )
        sending.organisations.set({item.organisation for reminder in reminders for item in reminder.due})
    return sending


def send_reminder(reminder: Reminder, today: datetime.date) -> bool:
    """Write to a focal point now; say whether the mail server took the message."""
    subject = _subject(_("Status updates due by %(date)s"), date=reminder.first_deadline)
    periods = [
        (period, list(items))
        for period, items in itertools.groupby(reminder.due, key=lambda item: item.period)
    ]
    context = {"reminder": reminder, "periods": periods, "today": today}
    body = _bilingual_body("reminder", context | {"link": site_url("commitments:my-lines")})
    return _send([EmailMessage(subject, body, to=[reminder.user.email])]) == 1


def line_url(line: ActionLine) -> str:
    """The line's page as an absolute address, for e-mails read outside any request."""
    return site_url("commitments:line-detail", line.plan.code, line.code)


def site_url(name: str, *args) -> str:
    """A page of the tracker as an absolute address, for e-mails read outside any request."""
    return settings.SITE_URL + reverse(name, args=args)


def _periods_due(today: datetime.date, days: int | None) -> QuerySet:
    periods = ReportingPeriod.objects.open().select_related("plan").order_by("deadline", "plan__code")
    if days is not None:
        periods = periods.filter(deadline__lte=today + datetime.timedelta(days=days))
    return periods


def owners_yet_to_report(period: ReportingPeriod) -> QuerySet:
    """The confirmed owners yet to report in ``period``, each organisation with its focal points
    who can be written to (active, with an address)."""
    reachable = get_user_model().objects.filter(is_active=True).exclude(email="").order_by("email")
    return (
        Ownership.objects.confirmed()
        # A line dropped from its source document is kept for its history, not reported on.
        .filter(line__plan=period.plan, line__missing_from_source_since__isnull=True)
        .yet_to_report_in(period)
        .select_related("line__plan", "organisation")
        .prefetch_related(Prefetch("organisation__focal_points", queryset=reachable))
        .order_by("line__sort_key", "organisation__acronym")
    )


def _author_address(update: StatusUpdate) -> list[str]:
    author = update.author
    return [author.email] if author.is_active and author.email else []


def _update_messages(
    update: StatusUpdate, template: str, action: Promise, addresses: list[str], link: str, comment: str = ""
) -> list[EmailMessage]:
    if not addresses:
        return []
    subject = _subject(action, head=f"{update.line.code} {update.organisation} {update.period.label}")
    context = {
        "update": update,
        "line": update.line,
        "author": update.author.get_full_name() or update.author.get_username(),
        "link": link,
        "quoted_comment": "\n".join(f"> {line}" for line in comment.strip().splitlines()),
    }
    body = _bilingual_body(template, context)
    # One message per person, so that no one sees the others' addresses.
    return [EmailMessage(subject, body, to=[address]) for address in addresses]


def _subject(words: Promise, head: str = "", **values) -> str:
    """``[tracker] head: words / 译文``: the words in English, then in Chinese once translated.

    On one line, whatever the texts it quotes hold: a line break in a header is refused by Django
    (BadHeaderError), after the change the e-mail tells of was saved.
    """
    english, chinese = (_translated(words, language, values) for language in LANGUAGES)
    both = english if english == chinese else f"{english} / {chinese}"
    subject = f"[{TRACKER_NAME}] {head}: {both}" if head else f"[{TRACKER_NAME}] {both}"
    return " ".join(subject.split())


def _translated(words: Promise, language: str, values: dict) -> str:
    """``words`` in ``language``, with dates among ``values`` written as that language writes them."""
    with translation.override(language):
        values = {name: formats.date_format(value) if isinstance(value, datetime.date) else value
                  for name, value in values.items()}  # fmt: skip
        return str(words) % values if values else str(words)


def _bilingual_body(template: str, context: dict) -> str:
    halves = []
    for language in LANGUAGES:
        with translation.override(language):
            halves.append(render_to_string(f"commitments/email/{template}.txt", context).strip())
    return HALF_SEPARATOR.join(halves) + "\n"


def _send_on_commit(messages: list[EmailMessage]) -> None:
    # After commit, so that no one is told of a change that was rolled back; outside a
    # transaction Django runs the callback at once. Robust: a queue that fails is logged by Django,
    # after the change was saved, rather than turned into an error page.
    if messages:
        transaction.on_commit(lambda: _send(messages), robust=True)


def _send(messages: list[EmailMessage]) -> int:
    """Hand each message to the ``send_email`` task; return how many were sent or queued.

    The change an e-mail tells of is already committed when it is sent. A mail server that is
    down or refuses a message must not turn the user's successful action into an error page,
    nor stop a run of reminders halfway: the task tries again later where the tasks run in a
    worker, and logs the failure for the administrator when it gives up.
    """
    sent = 0
    for message in messages:
        try:
            result = send_email.enqueue(message.subject, message.body, list(message.to))
        except Exception:  # the queue itself failed (its database is down): logged, the rest still go
            logger.exception("Could not queue an e-mail to %s", ", ".join(message.to))
            continue
        # Queued counts as sent (a worker takes it from there); run at once, the task says.
        finished = result.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)
        sent += not finished or (result.status == TaskResultStatus.SUCCESSFUL and result.return_value is True)
    return sent
