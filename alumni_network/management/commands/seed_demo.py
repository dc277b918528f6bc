"""Fill an empty database with the demo network; safe to run again."""

from importlib import import_module

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand
from django.test import override_settings

CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Each app that has demo data keeps it in its own `demo` module with a
# `seed(stdout)` function; they run in this order (later ones build on earlier).
DEMO_APPS = ["members", "invitations", "gatherings"]


class Command(BaseCommand):
    help = "Builds a believable Norwegian demo network. Running it twice changes nothing."

    def handle(self, *args, **options):
        if settings.EMAIL_BACKEND == CONSOLE_BACKEND:
            # The demo's emails would print as pages of MIME over the logins
            # below; they are kept in memory and shown in the HR outbox instead.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                self.seed_apps()
            sent = len(getattr(mail, "outbox", []))
            self.stdout.write(f"Demo emails sent: {sent} (listed in the HR outbox, /hr/outbox/)")
        else:
            self.seed_apps()
        from members.demo import describe_logins

        self.stdout.write(self.style.SUCCESS("Demo network ready. Log in at /accounts/login/ as"))
        for line in describe_logins():
            self.stdout.write(f"  {line}")

    def seed_apps(self):
        for app in DEMO_APPS:
            try:
                demo = import_module(f"{app}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app}.demo":
                    raise
                continue
            demo.seed(self.stdout)
