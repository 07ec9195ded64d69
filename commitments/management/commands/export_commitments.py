import csv
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from commitments.models import ActionLine, Plan


class Command(BaseCommand):
    help = "Export every action line of a plan, in document order, as JSON or CSV (UTF-8, opens in Excel)."

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="plan code, e.g. poa-2026-2030")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, plan: str, format: str, output: str | None, **options):
        found = Plan.objects.filter(code=plan).first()
        if found is None:
            codes = ", ".join(Plan.objects.values_list("code", flat=True)) or "none imported yet"
            raise CommandError(f"No plan with code {plan!r}. Plans: {codes}.")
        lines = ActionLine.objects.for_plan(found).with_structure().in_code_order()
        records = [line.export_record() for line in lines]
        # A BOM lets Excel recognise UTF-8 and show the Chinese text correctly.
        encoding = "utf-8-sig" if format == "csv" else "utf-8"
        handle = open(output, "w", encoding=encoding, newline="") if output else sys.stdout
        try:
            if format == "json":
                json.dump(records, handle, ensure_ascii=False, indent=2)
                handle.write("\n")
            else:
                if not output:
                    handle.write("\ufeff")
                writer = csv.DictWriter(handle, fieldnames=list(records[0]) if records else ["code"])
                writer.writeheader()
                writer.writerows(records)
        finally:
            if output:
                handle.close()
        if output:
            self.stderr.write(f"Wrote {len(records)} action lines of {plan} to {output}.")
