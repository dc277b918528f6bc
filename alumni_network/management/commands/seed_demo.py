"""Fill an empty database with the demo network; safe to run again."""

from importlib import import_module

from django.core.management.base import BaseCommand

# Each app that has demo data keeps it in its own `demo` module with a
# `seed(stdout)` function; they run in this order (later ones build on earlier).
DEMO_APPS = ["members", "invitations", "gatherings"]


class Command(BaseCommand):
    help = "Builds a believable Norwegian demo network. Running it twice changes nothing."

    def handle(self, *args, **options):
        for app in DEMO_APPS:
            try:
                demo = import_module(f"{app}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app}.demo":
                    raise
                continue
            demo.seed(self.stdout)
        from members.demo import describe_logins

        self.stdout.write(self.style.SUCCESS("Demo network ready. Log in at /accounts/login/ as"))
        for line in describe_logins():
            self.stdout.write(f"  {line}")
