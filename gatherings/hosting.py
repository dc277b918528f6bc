"""Asking a member whether their employer will host a gathering."""

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alumni_network.mail.kinds import EmailContent, EmailKind, register_email_kind
from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.queueing import queue_email
from members.models import Member, Organisation
from members.privacy import visible_q

HOST_REQUEST = "gathering_host_request"


class NotAHostContact(Exception):
    """The member does not work there, or has not let the asker see they are open to hosting."""


def host_contacts_q(viewer) -> Q:
    """Members `viewer` may ask to host: active, open to hosting, and letting the viewer
    see (by the privacy rule) where they work and that they are open to it."""
    return (
        Q(open_to_hosting=True, user__is_active=True)
        & visible_q("work", viewer)
        & visible_q("availability", viewer)
    )


def build_host_request(email) -> EmailContent:
    member = email.refers_to
    organisation = Organisation.objects.filter(pk=email.data.get("organisation_id")).first()
    return EmailContent(
        context={
            "first_name": member.user.first_name if member else "",
            "organisation": organisation.name if organisation else "",
            "coordinator": email.data.get("coordinator", ""),
        }
    )


def register() -> None:
    register_email_kind(
        EmailKind(
            name=HOST_REQUEST,
            template="gatherings/email/host_request",
            bulk=False,
            build=build_host_request,
            label=_("Request to host"),
        )
    )


def ask_to_host(*, organisation: Organisation, member: Member, by) -> OutboxEmail:
    """Email one member who is open to hosting; asking twice the same day sends once.

    Only a member who lets `by` see their employer and their openness to hosting:
    what they hid from HR is never acted on."""
    contacts = Member.objects.filter(host_contacts_q(by), employer=organisation)
    if not contacts.filter(pk=member.pk).exists():
        raise NotAHostContact
    return queue_email(
        kind=HOST_REQUEST,
        to=member.user.email,
        language=member.user.language or settings.LANGUAGE_CODE,
        refers_to=member,
        data={"organisation_id": organisation.pk, "coordinator": by.get_full_name() or by.email},
        reply_to=by.email,
        dedupe_key=f"host-request:{organisation.pk}:{member.pk}:{timezone.localdate():%Y-%m-%d}",
    )


def last_asked(member_ids) -> dict[int, object]:
    """When each of these members was last asked to host, in one query (none for nobody)."""
    member_ids = list(member_ids)
    if not member_ids:
        return {}
    rows = (
        OutboxEmail.objects.filter(
            kind=HOST_REQUEST,
            content_type__app_label="members",
            content_type__model="member",
            object_id__in=member_ids,
        )
        .values("object_id")
        .annotate(last=Max("created_at"))
    )
    return {row["object_id"]: row["last"] for row in rows}
