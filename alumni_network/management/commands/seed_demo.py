"""Fill an empty database with the demo network; safe to run again."""

import io
import logging
from contextlib import contextmanager
from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test import override_settings
from django.urls import reverse

from gatherings.models import Gathering
from invitations.models import Campaign, Leaver
from members.demo_photos import add_demo_photos
from members.models import Member

CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Each app that has demo data keeps it in its own `demo` module with a
# `seed(stdout)` function; they run in this order (later ones build on earlier).
DEMO_APPS = ["members", "invitations", "gatherings"]


@contextmanager
def quiet_logging():
    """Keep the log lines of the work below (tasks run, campaigns started) off the console.

    They describe the demo's history as if it were happening now, which
    confuses a newcomer; errors still show.
    """
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def what_was_made() -> str:
    """One line on the demo network, for the person who just started it."""
    return (
        f"Demo network ready: {Member.objects.count()} members, "
        f"{Leaver.objects.count()} people in the leavers register, "
        f"{Campaign.objects.count()} invitation campaigns and "
        f"{Gathering.objects.count()} gatherings."
    )


class Command(BaseCommand):
    help = "Builds a believable Norwegian demo network. Running it twice changes nothing."

    def handle(self, *args, **options):
        with quiet_logging():
            if settings.EMAIL_BACKEND == CONSOLE_BACKEND:
                # The demo's emails would print as pages of MIME over the logins
                # below; they are kept in memory and shown in the HR outbox instead.
                with override_settings(
                    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
                ):
                    self.seed_apps()
            else:
                self.seed_apps()
        from members.demo import describe_logins

        self.stdout.write(self.style.SUCCESS(what_was_made()))
        login_url = settings.SITE_URL + reverse("account_login")
        self.stdout.write(f"Open {login_url} and log in as")
        for line in describe_logins():
            self.stdout.write(f"  {line}")

    def seed_apps(self):
        # The apps' own progress lines are for debugging the demo, not for newcomers.
        progress = io.StringIO()
        for app in DEMO_APPS:
            try:
                demo = import_module(f"{app}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app}.demo":
                    raise
                continue
            demo.seed(progress)
        # Members who joined through the campaign and history demos get portraits
        # too, so the directory looks like a real one; a few keep initials.
        add_demo_photos(list(Member.objects.select_related("user").order_by("pk")))
