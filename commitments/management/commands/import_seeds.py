from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from commitments.importer import import_seeds
from commitments.owners import OrganisationsFileError, import_organisations
from commitments.targets import TargetsFileError, load_targets


class Command(BaseCommand):
    help = (
        "Import the source documents listed in seeds/documents.toml, then the organisations of "
        "seeds/organisations.toml and the owners they suggest for the lines that name them, then the "
        "quantified targets of seeds/targets.toml, each checked against the words it quotes. Safe to "
        "run again: it never deletes, keeps staff edits and decisions, and reports what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seeds", type=Path, default=settings.SEEDS_DIR, help="folder of the source documents"
        )
        parser.add_argument(
            "--plan",
            action="append",
            dest="plans",
            help="import only this plan, and suggest owners only for its lines (repeatable)",
        )

    def handle(self, *args, seeds: Path, plans: list[str] | None, **options):
        reports, failures = import_seeds(seeds, only=plans)
        for report in reports:
            for line in report.lines():
                self.stdout.write(line)
        try:
            organisations = import_organisations(seeds, only=plans)
        except OrganisationsFileError as error:
            organisations = None
            failures.append(f"{error} — nothing loaded from this file.")
        for line in organisations.lines() if organisations else []:
            self.stdout.write(line)
        try:
            targets = load_targets(seeds, only=plans)
        except TargetsFileError as error:
            targets = None
            failures.append(f"{error} — no target loaded.")
        if targets:
            self.stdout.write(targets.line())
        changed = (
            any(report.changed for report in reports)
            or (organisations and organisations.changed)
            or (targets and (targets.created or targets.updated))
        )
        if reports and not changed:
            self.stdout.write(self.style.SUCCESS("Nothing changed."))
        if failures:
            for failure in failures:
                self.stderr.write(self.style.ERROR(failure))
            raise CommandError(f"{len(failures)} document(s) could not be imported.")
