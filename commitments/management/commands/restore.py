from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from commitments.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Fill an empty, migrated database and an empty evidence storage (EVIDENCE_ROOT, or the "
        "S3_BUCKET) from an archive written by `manage.py backup`, after checking every SHA-256. "
        "Refuses a database or storage that holds anything, unless --force is given: then what they "
        "hold is replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="the archive written by `manage.py backup`")
        parser.add_argument(
            "--force", action="store_true", help="replace the database's and the storage's contents"
        )

    def handle(self, *args, archive: Path, force: bool, **options):
        try:
            summary = restore_backup(archive, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Restored %(objects)d database objects and %(files)d files from %(path)s.")
            % {"objects": summary.objects, "files": summary.files, "path": archive}
        )
        if summary.missing:
            self.stderr.write(
                _("These files were already missing when the backup was made: %(names)s")
                % {"names": ", ".join(summary.missing)}
            )
