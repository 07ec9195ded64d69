from django.core.management.base import BaseCommand, CommandError

from commitments.models import LineLink, Plan


class Command(BaseCommand):
    help = (
        "Propose the confirmed owners of each earlier line as suggested owners of the later lines that "
        "continue it (confirmed links only), for the secretariat to decide on the Owner suggestions page. "
        "Safe to run again: a line that has an ownership for the body already, in any state, keeps it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--plan", action="append", dest="plans", help="only for the lines of this plan (repeatable)"
        )

    def handle(self, *args, plans: list[str] | None, **options):
        links = LineLink.objects.all()
        if plans:
            chosen = Plan.objects.filter(code__in=plans)
            if missing := set(plans) - set(chosen.values_list("code", flat=True)):
                raise CommandError(f"No plan with code {', '.join(sorted(missing))}.")
            links = links.filter(successor__plan__in=chosen)
        proposals = links.propose_owners()
        self.stdout.write(
            f"{proposals.new} owners proposed, {proposals.existing} already owners of the later line "
            "(in any state) and left as they are."
        )
