import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments.storage import evidence_storage, referenced_names, stored_names


class Command(BaseCommand):
    help = (
        "List the files in the evidence storage (EVIDENCE_ROOT, or the S3_BUCKET) that no evidence or "
        "report edition names: left by a save that failed or a process that was killed. Lists only, "
        "unless --delete is given. Files younger than --min-age minutes are left alone: a save may "
        "still be under way."
    )

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="delete the files listed")
        parser.add_argument(
            "--min-age", type=int, default=60, metavar="MINUTES",
            help="only files last written at least this many minutes ago (default 60)",
        )  # fmt: skip

    def handle(self, *args, delete: bool, min_age: int, **options):
        if min_age < 0:
            raise CommandError(_("--min-age cannot be negative."))
        storage = evidence_storage()
        before = timezone.now() - datetime.timedelta(minutes=min_age)
        referenced = referenced_names()
        names = list(stored_names(storage))
        unreferenced = [
            name for name in names if name not in referenced and storage.get_modified_time(name) <= before
        ]
        size = 0
        for name in unreferenced:
            size += storage.size(name)
            if delete:
                storage.delete(name)
                self.stdout.write(_("Deleted %(name)s") % {"name": name})
            else:
                self.stdout.write(_("Unreferenced: %(name)s") % {"name": name})
        summary = (
            _("Deleted %(count)d unreferenced files (%(size)d bytes)")
            if delete
            else _("%(count)d unreferenced files (%(size)d bytes); run again with --delete to delete them")
        )
        self.stdout.write(
            _("%(files)d files stored, %(referenced)d named by a row.")
            % {"files": len(names), "referenced": len(referenced.intersection(names))}
        )
        self.stdout.write(summary % {"count": len(unreferenced), "size": size})
