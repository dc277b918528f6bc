"""The emails of campaigns: the invitation and the reminder, with the campaign's current text."""

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from alumni_network.mail.kinds import EmailContent, EmailKind, paragraphs, register_email_kind
from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.rendering import batch_cache

from ..joining.links import decline_url, join_url
from ..models import Campaign
from .placeholders import fill_placeholders

INVITATION_KIND = "campaign_invitation"
REMINDER_KIND = "campaign_reminder"


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


def register_kinds() -> None:
    register_email_kind(
        EmailKind(
            name="campaign_invitation",
            label=_("Campaign invitation"),
            template="invitations/email/campaign_invitation",
            bulk=True,
            build=build_campaign_email,
            retry_instead=campaign_retry_instead,
        )
    )
    register_email_kind(
        EmailKind(
            name="campaign_reminder",
            label=_("Campaign reminder"),
            template="invitations/email/campaign_reminder",
            bulk=True,
            build=build_campaign_email,
            retry_instead=campaign_retry_instead,
        )
    )
