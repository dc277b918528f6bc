"""The emails of campaigns and joining: invitation, reminder, join invitation, polite no."""

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .campaigns import INVITATION_KIND, REMINDER_KIND, fill_placeholders
from .joining import decline_url, join_url
from .models import Campaign
from .outbox import OutboxEmail
from .sending import EmailContent, EmailKind, batch_cache, register_email_kind


def paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.split("\n\n") if part.strip()]


def build_campaign_email(email) -> EmailContent:
    """The campaign's current text, personalised from the row's data, with the join link.

    The text is read once per batch: an edit reaches the next batch.
    """
    cache = batch_cache()
    key = ("campaign", email.data["campaign"])
    campaign = cache.get(key)
    if campaign is None:
        campaign = cache[key] = Campaign.objects.only(
            "subject_nb", "subject_en", "body_nb", "body_en"
        ).get(pk=email.data["campaign"])
    subject = fill_placeholders(
        campaign.subject_for(email.language), data=email.data, language=email.language
    )
    body = fill_placeholders(
        campaign.body_for(email.language), data=email.data, language=email.language
    )
    invited_at = parse_datetime(email.data.get("invited_at") or "")
    links = {"invitation_id": email.object_id or 0, "leaver_id": email.data.get("leaver") or 0}
    return EmailContent(
        context={
            "subject": subject,
            "body": body,
            "paragraphs": paragraphs(body),
            "join_url": join_url(**links),
            "decline_url": decline_url(**links),
            "invited_at": timezone.localtime(invited_at) if invited_at else None,
        }
    )


def campaign_retry_instead(email) -> str | None:
    """A campaign paused or stopped while its email was out holds or cancels the retry."""
    status = (
        Campaign.objects.filter(pk=email.data.get("campaign"))
        .values_list("status", flat=True)
        .first()
    )
    return {
        Campaign.Status.PAUSED: OutboxEmail.Status.HELD,
        Campaign.Status.STOPPED: OutboxEmail.Status.CANCELLED,
    }.get(status)


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


KINDS = [
    EmailKind(
        name=INVITATION_KIND,
        template="invitations/email/campaign_invitation",
        bulk=True,
        build=build_campaign_email,
        retry_instead=campaign_retry_instead,
    ),
    EmailKind(
        name=REMINDER_KIND,
        template="invitations/email/campaign_reminder",
        bulk=True,
        build=build_campaign_email,
        retry_instead=campaign_retry_instead,
    ),
    # Answers to someone who asked to join: their own business, not bulk mail.
    EmailKind(
        name="join_invitation",
        template="invitations/email/join_invitation",
        bulk=False,
        build=build_join_invitation,
    ),
    EmailKind(
        name="join_rejected",
        template="invitations/email/join_rejected",
        bulk=False,
        build=build_join_rejected,
    ),
]


def register_kinds() -> None:
    for kind in KINDS:
        register_email_kind(kind)
