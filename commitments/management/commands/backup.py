from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from commitments.backups import write_backup


class Command(BaseCommand):
    help = (
        "Write one archive (.tar.gz) with the whole database and every evidence and edition file, "
        "with each file's SHA-256 in its manifest. Restore it with `manage.py restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, type=Path, help="the archive to write")

    def handle(self, *args, output: Path, **options):
        if not output.parent.is_dir():
            raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": output.parent})
        summary = write_backup(output)
        self.stdout.write(
            _("Wrote %(path)s: %(objects)d database objects and %(files)d files.")
            % {"path": output, "objects": summary.objects, "files": summary.files}
        )
        if summary.missing:
            # The archive is written all the same, and the failure is loud, for cron to report.
            raise CommandError(
                _("%(count)d files named in the database are missing from the storage: %(names)s")
                % {"count": len(summary.missing), "names": ", ".join(summary.missing)}
            )
