"""The {next_gathering} placeholder of campaign emails, filled from the gatherings."""

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from invitations.campaigns.placeholders import PLACEHOLDERS, register_placeholder

from .models import Gathering


def next_published_gathering(*, now=None) -> Gathering | None:
    return (
        Gathering.objects.filter(status=Gathering.Status.PUBLISHED, start__gt=now or timezone.now())
        .select_related("host")
        .order_by("start")
        .first()
    )


def register() -> None:
    fallback = PLACEHOLDERS.get("next_gathering")

    def next_gathering(data: dict, language: str) -> str:
        gathering = next_published_gathering()
        if gathering is None:
            return fallback(data, language) if fallback else ""
        with translation.override(language):
            when = date_format(timezone.localtime(gathering.start), "DATETIME_FORMAT")
            if gathering.host:
                return gettext("%(title)s, %(when)s, hosted by %(host)s") % {
                    "title": gathering.title,
                    "when": when,
                    "host": gathering.host.name,
                }
            return gettext("%(title)s, %(when)s") % {"title": gathering.title, "when": when}

    register_placeholder("next_gathering", next_gathering)
