"""The emails of joining: the invitation to someone who asked, the polite no, and HR's digest."""

from django.utils.translation import gettext_lazy as _

from alumni_network.mail.kinds import EmailContent, EmailKind, register_email_kind

from .announcements import build_join_requests_digest
from .links import decline_url, join_url


def build_join_invitation(email) -> EmailContent:
    links = {"invitation_id": email.object_id or 0, "leaver_id": email.data.get("leaver") or 0}
    return EmailContent(
        context={
            "first_name": email.data.get("first_name", ""),
            "join_url": join_url(**links),
            "decline_url": decline_url(**links),
        }
    )


def build_join_rejected(email) -> EmailContent:
    return EmailContent(context={"first_name": email.data.get("first_name", "")})


def register_kinds() -> None:
    # Answers to someone who asked to join: their own business, not bulk mail.
    register_email_kind(
        EmailKind(
            name="join_invitation",
            template="invitations/email/join_invitation",
            bulk=False,
            build=build_join_invitation,
            label=_("Join link after a request"),
        )
    )
    register_email_kind(
        EmailKind(
            name="join_rejected",
            template="invitations/email/join_rejected",
            bulk=False,
            build=build_join_rejected,
            label=_("Join request declined"),
        )
    )
    # To HR: who asked to join since the last digest (invitations/joining/announcements.py).
    register_email_kind(
        EmailKind(
            name="join_requests_digest",
            template="invitations/email/join_requests_digest",
            bulk=False,
            build=build_join_requests_digest,
            label=_("New requests to join, to HR"),
        )
    )
