import csv
import io
import json

from django.core.management.base import BaseCommand, CommandError

from commitments import cells
from commitments.models import EXPORT_FIELDS, ActionLine, Plan


class Command(BaseCommand):
    help = (
        "Export every action line of a plan, in document order, with its current status, confirmed "
        "owners, the lines of other plans it continues or is continued by, and its targets, as JSON "
        "or CSV (UTF-8, opens in Excel)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="plan code, e.g. poa-2026-2030")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, plan: str, format: str, output: str | None, **options):
        found = Plan.objects.filter(code=plan).first()
        if found is None:
            codes = ", ".join(Plan.objects.values_list("code", flat=True)) or "none imported yet"
            raise CommandError(f"No plan with code {plan!r}. Plans: {codes}.")
        lines = (
            ActionLine.objects.for_plan(found)
            .with_structure()
            .with_current_status()
            .with_owners()
            .with_links()
            .with_targets()
            .in_code_order()
        )
        records = [line.export_record(flat=format == "csv") for line in lines]
        if format == "json":
            text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
        else:
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS)
            writer.writeheader()
            writer.writerows(cells.csv_rows(records))
            # A BOM lets Excel recognise UTF-8 and show the Chinese text correctly.
            text = "\ufeff" + buffer.getvalue()
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            self.stderr.write(f"Wrote {len(records)} action lines of {plan} to {output}.")
        else:
            self.stdout.write(text, ending="")
