"""The email to a member HR made an organiser on the roles page, and that role's registration.

`register()` (called from the app's ready()) registers the `organiser_granted`
kind and puts the organiser role on HR's roles page (`members.roles`).
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from alumni_network.mail.kinds import EmailContent, EmailKind, register_email_kind
from alumni_network.mail.queueing import queue_email

ORGANISER_GRANTED = "organiser_granted"


def queue_organiser_granted(*, organiser):
    """Tell the member, in their language, which gathering they now organise."""
    user, gathering = organiser.member.user, organiser.gathering
    return queue_email(
        kind=ORGANISER_GRANTED,
        to=user.email,
        language=user.language or settings.LANGUAGE_CODE,
        refers_to=organiser,
        data={
            "first_name": user.first_name,
            "gathering_id": gathering.pk,
            "title": gathering.title,
            "start": gathering.start.isoformat(),
        },
    )


def build_organiser_granted(email) -> EmailContent:
    """From the row's data: the gathering may have been edited or removed meanwhile."""
    start = parse_datetime(email.data.get("start", ""))
    gathering_id = email.data.get("gathering_id")
    return EmailContent(
        context={
            "first_name": email.data.get("first_name", ""),
            "title": email.data.get("title", ""),
            "start": timezone.localtime(start) if start else None,
            "agenda_url": settings.SITE_URL + reverse("gatherings:agenda", args=[gathering_id]),
            "gathering_url": settings.SITE_URL + reverse("gatherings:detail", args=[gathering_id]),
        }
    )


def register() -> None:
    from members.roles import register_role

    from .organiser_roles import ORGANISER_ROLE

    register_email_kind(
        EmailKind(
            name=ORGANISER_GRANTED,
            template="gatherings/email/organiser_granted",
            bulk=False,
            build=build_organiser_granted,
            label=_("Made organiser"),
        )
    )
    register_role(ORGANISER_ROLE)
