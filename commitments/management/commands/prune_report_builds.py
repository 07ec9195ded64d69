import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments.models import ReportBuild


class Command(BaseCommand):
    help = (
        "Delete the report drafts built more than --days days ago (REPORT_BUILDS_KEEP_DAYS by default), "
        "with their files. A draft is a cache: it can be generated again; final editions are never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, metavar="DAYS",
                            help="keep builds asked for within this many days")  # fmt: skip

    def handle(self, *args, days: int | None, **options):
        days = settings.REPORT_BUILDS_KEEP_DAYS if days is None else days
        if days < 0:
            raise CommandError(_("--days cannot be negative."))
        old = ReportBuild.objects.requested_before(timezone.now() - datetime.timedelta(days=days))
        deleted = size = 0
        for build in old.iterator():  # a build still pending after days was lost with its worker
            size += build.size or 0
            build.delete()  # the row and its file
            deleted += 1
        self.stdout.write(
            _("Deleted %(count)d report builds older than %(days)d days (%(size)d bytes).")
            % {"count": deleted, "days": days, "size": size}
        )
