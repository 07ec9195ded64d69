"""Write the progress report of a plan for a period to a file, as a draft as of the period's cut-off."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commitments import progress_report
from commitments.models import Plan, ReportingPeriod
from commitments.progress_report.build import build_report
from commitments.progress_report.pdf import PdfUnavailable


class Command(BaseCommand):
    help = (
        "Generate the progress report of a plan for a reporting period, e.g. --plan poa-2026-2030 "
        "--period 2026-2027 --lang zh --format pdf -o report.pdf. A draft; finalise from the web page. "
        "PDF needs Chromium and the Noto CJK fonts (see the README)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="The plan's code, e.g. poa-2026-2030.")
        parser.add_argument("--period", required=True, help="The period's label, e.g. 2026-2027.")
        parser.add_argument("--lang", choices=["en", "zh"], default="en")
        parser.add_argument("--format", choices=sorted(progress_report.CONTENT_TYPES), default="docx")
        parser.add_argument("-o", "--output", required=True, help="The file to write.")

    def handle(self, *args, **options):
        plan = Plan.objects.filter(code=options["plan"]).first()
        if plan is None:
            raise CommandError(f"There is no plan {options['plan']}.")
        period = find_period(plan, options["period"])
        content = build_report(plan, period, options["lang"])
        render = progress_report.renderers().get(options["format"])
        if render is None:
            raise CommandError("PDF cannot be made here: Chromium is not installed (see the README).")
        try:
            body = render(content)
        except PdfUnavailable as error:
            raise CommandError(str(error)) from error
        Path(options["output"]).write_bytes(body)
        self.stdout.write(
            f"{options['output']}: {len(content.lines())} lines, {content.overall.reported} reported, "
            f"as of {content.as_of:%Y-%m-%d %H:%M}, {len(body):,} bytes."
        )


def find_period(plan: Plan, label: str) -> ReportingPeriod:
    """The plan's period with that label; a hyphen stands for the label's en dash."""
    wanted = label.replace("-", "–")
    for period in ReportingPeriod.objects.for_plan(plan):
        if period.label in (label, wanted) or period.label.replace("–", "-") == label:
            return period
    known = ", ".join(ReportingPeriod.objects.for_plan(plan).values_list("label", flat=True)) or "none"
    raise CommandError(f"{plan.code} has no period {label}; its periods: {known}.")
