import time

from django.core.management.base import BaseCommand, CommandError

from commitments.continuity import suggest_links
from commitments.models import Plan


class Command(BaseCommand):
    help = (
        "Suggest which lines of each plan continue which lines of the plans that end before it starts, "
        "by the similarity of their Chinese texts, with a score. Safe to run again: decisions are kept, "
        "scores brought up to date."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--plan", action="append", dest="plans", help="suggest links into this plan only (repeatable)"
        )

    def handle(self, *args, plans: list[str] | None, **options):
        chosen = Plan.objects.filter(code__in=plans) if plans else Plan.objects.all()
        if plans and (missing := set(plans) - set(chosen.values_list("code", flat=True))):
            raise CommandError(f"No plan with code {', '.join(sorted(missing))}.")
        started = time.perf_counter()
        for plan in chosen.order_by("first_year", "code"):
            if Plan.objects.preceding(plan):
                self.stdout.write(suggest_links(plan).line())
        self.stdout.write(f"Done in {time.perf_counter() - started:.1f} s.")
