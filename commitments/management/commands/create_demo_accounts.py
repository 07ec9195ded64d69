"""The demo cast: one account per role, for a local try-out. Never run this in production.

The passwords are printed and in the README, so with DEBUG off the command creates nothing unless
--demo says, explicitly, that this is a try-out all the same.
"""

from __future__ import annotations

from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from commitments.models import Organisation


class DemoAccount(NamedTuple):
    username: str
    password: str
    role: str  # a group created by migration 0003
    organisations: tuple[str, ...] = ()
    is_staff: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("admin", "tracker-demo-2026", "Administrator", is_staff=True),
    # Staff so that the admin offers them the model permissions their group has.
    DemoAccount("secretariat", "secretariat-demo-2026", "Secretariat officer", is_staff=True),
    DemoAccount("focal", "focal-demo-2026", "Focal point", ("ATM+China", "ACCC")),
    DemoAccount("focal-other", "focal-other-demo-2026", "Focal point", ("SOM-DOC", "JWG-DOC")),
    DemoAccount("reviewer", "reviewer-demo-2026", "Reviewer"),
]

# The bodies the demo needs, named as in seeds/organisations.toml; created here only when that
# file has not been imported.
DEMO_ORGANISATIONS = {
    "ATM+China": (
        "ASEAN-China Transport Ministers' Meeting", "中国—东盟交通部长会议", Organisation.Kind.MECHANISM,
    ),
    "ACCC": (
        "ASEAN Connectivity Coordinating Committee", "东盟互联互通协调委员会", Organisation.Kind.ASEAN_BODY,
    ),
    "SOM-DOC": (
        "ASEAN-China Senior Officials' Meeting on the Implementation of the DOC",
        "落实《南海各方行为宣言》高官会", Organisation.Kind.MECHANISM,
    ),
    "JWG-DOC": (
        "ASEAN-China Joint Working Group on the Implementation of the DOC",
        "落实《南海各方行为宣言》联合工作组", Organisation.Kind.MECHANISM,
    ),
    "ASEC": ("ASEAN Secretariat", "东盟秘书处", Organisation.Kind.SECRETARIAT),
}  # fmt: skip


def demo_organisation(acronym: str) -> Organisation:
    """The organisation with this acronym, created from the demo's names if it does not exist."""
    name_en, name_zh, kind = DEMO_ORGANISATIONS[acronym]
    organisation, _created = Organisation.objects.get_or_create(
        acronym=acronym, defaults={"name_en": name_en, "name_zh": name_zh, "kind": kind}
    )
    return organisation


class Command(BaseCommand):
    help = (
        "Create one demo account per role (admin, secretariat, focal, focal-other, reviewer) and print "
        "their logins, then load the demo tracking data (load_demo_data) unless --no-demo is given or "
        "TRACKER_DEMO_DATA is off. Safe to run again: existing accounts are left as they are. "
        "With DEBUG off it creates nothing unless --demo is given. "
        "For a local try-out only; never run this in production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo",
            action="store_true",
            help="create the accounts, with their published passwords, even though DEBUG is off",
        )
        parser.add_argument(
            "--no-demo", action="store_true", help="create the accounts but leave out the demo tracking data"
        )

    def handle(self, *args, demo: bool, no_demo: bool, **options):
        if not settings.DEBUG and not demo:
            self.stdout.write(
                _(
                    "DEBUG is off: no demo account created (0 accounts), since their passwords are "
                    "published. Give --demo to create them all the same, never on a server others can reach."
                )
            )
            return
        with transaction.atomic():
            created = [account for account in DEMO_ACCOUNTS if self.create(account)]
        self.print_table(created)
        if no_demo or not settings.TRACKER_DEMO_DATA:
            reason = "--no-demo" if no_demo else "TRACKER_DEMO_DATA"
            self.stdout.write(_("Demo tracking data left out (%(reason)s).") % {"reason": reason})
        else:
            # The data is load_demo_data's job; it is chained here so that one command, and one
            # flag, set up the whole demo for `make run`.
            call_command("load_demo_data", stdout=self.stdout, stderr=self.stderr)

    def create(self, account: DemoAccount) -> bool:
        """Create the account with its role and organisations; an existing one is left alone."""
        user, created = get_user_model().objects.get_or_create(
            username=account.username,
            defaults={
                "email": f"{account.username}@example.org",
                "is_staff": account.is_staff,
                "is_superuser": account.role == "Administrator",
            },
        )
        if created:
            user.set_password(account.password)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=account.role))
            user.organisations.add(*(demo_organisation(acronym) for acronym in account.organisations))
        return created

    def print_table(self, created: list[DemoAccount]) -> None:
        rows = [(_("username"), _("password"), _("role"), _("organisations"), "")] + [
            (
                account.username,
                account.password,
                account.role,
                ", ".join(account.organisations) or "–",
                _("created") if account in created else _("existed"),
            )
            for account in DEMO_ACCOUNTS
        ]
        widths = [max(len(cell) for cell in column) for column in zip(*rows, strict=True)]
        self.stdout.write(_("Demo accounts, for a local try-out only:"))
        for row in rows:
            self.stdout.write("  " + "  ".join(map(str.ljust, row, widths)).rstrip())
        if len(created) == len(DEMO_ACCOUNTS):
            self.stdout.write(_("%(count)d accounts created.") % {"count": len(created)})
        else:
            self.stdout.write(
                _(
                    "%(created)d created; %(existed)d existed already and were left as they are, so a "
                    "password someone changed stays changed."
                )
                % {"created": len(created), "existed": len(DEMO_ACCOUNTS) - len(created)}
            )
