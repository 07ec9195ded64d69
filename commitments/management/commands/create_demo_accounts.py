from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_ADMIN = ("admin", "admin@example.org", "tracker-demo-2026")


class Command(BaseCommand):
    help = "Create the demo administrator for a local try-out and print its login (never run in production)."

    def handle(self, *args, **options):
        username, email, password = DEMO_ADMIN
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"email": email, "is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
            self.stdout.write(f"Created the demo administrator. Log in as {username} / {password}")
        else:
            self.stdout.write(
                f"The demo administrator {username} exists; its password is unchanged ({password} at first)."
            )
