import argparse
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commitments.models import ReminderSending, ReportingPeriod
from commitments.notifications import Reminder, reminders_due, send_reminders


class Command(BaseCommand):
    help = (
        "E-mail each focal point whose organisation has not submitted an update on a line it owns, "
        "when an open reporting period's deadline is at most --days away or already past. "
        "It writes again every time it runs (meant to be scheduled, e.g. weekly), and records each sending "
        "as the reminders page does; --dry-run only lists."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=14, help="remind this many days before the deadline (default 14)"
        )
        parser.add_argument(
            "--today", type=parse_date, help="take this date (YYYY-MM-DD) as today, for trials and tests"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list whom it would write to; send nothing"
        )

    def handle(self, *args, days: int, today: datetime.date | None, dry_run: bool, **options):
        if days < 0:
            raise CommandError(_("--days cannot be negative."))
        today = today or timezone.localdate()
        if not ReportingPeriod.objects.open().exists():
            self.stdout.write(_("No reporting period is open; nothing to send."))
            return
        reminders = reminders_due(today, days)
        if not reminders:
            self.stdout.write(
                _("No focal point has lines due within %(days)d days of %(today)s; nothing to send.")
                % {"days": days, "today": formats.date_format(today)}
            )
            return
        if dry_run:
            for reminder in reminders:
                self.stdout.write(_("Would write to %(summary)s") % {"summary": summary(reminder)})
            self.stdout.write(total(len(reminders), 0, dry_run))
            return
        # Recorded like a sending from the reminders page, with no one as its sender.
        sending = send_reminders(reminders, today, source=ReminderSending.Source.COMMAND)
        for reminder in reminders:
            if reminder.user.email in sending.failed:
                self.stderr.write(
                    _("Could not write to %(summary)s (see the log)") % {"summary": summary(reminder)}
                )
            else:
                self.stdout.write(_("Wrote to %(summary)s") % {"summary": summary(reminder)})
        self.stdout.write(total(len(reminders), sending.sent_count, dry_run))


def parse_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("%(value)r is not a date as YYYY-MM-DD.") % {"value": value}
        ) from None


def summary(reminder: Reminder) -> str:
    """``fp@example.org (ATM+China): 3 lines due 30 Nov 2026``, the first deadline when several."""
    count = len(reminder.due)
    return ngettext(
        "%(email)s (%(organisations)s): %(count)d line due %(deadline)s",
        "%(email)s (%(organisations)s): %(count)d lines due %(deadline)s",
        count,
    ) % {
        "email": reminder.user.email,
        "organisations": ", ".join(reminder.organisations),
        "count": count,
        "deadline": formats.date_format(reminder.first_deadline),
    }


def total(found: int, sent: int, dry_run: bool) -> str:
    if dry_run:
        return ngettext(
            "Dry run: %(count)d focal point would be written to; nothing was sent.",
            "Dry run: %(count)d focal points would be written to; nothing was sent.",
            found,
        ) % {"count": found}
    return ngettext(
        "Wrote to %(sent)d of %(count)d focal point.", "Wrote to %(sent)d of %(count)d focal points.", found
    ) % {"sent": sent, "count": found}
