"""Reminders to those who have not answered, due by when their invitation went out."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.queueing import BulkEmail, queue_emails_bulk

from ..models import Campaign, Invitation, Leaver
from .emails import INVITATION_KIND, REMINDER_KIND
from .placeholders import recipient_data

# Reminders ------------------------------------------------------------------------------


def _invitation_email_sent():
    return OutboxEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(Invitation),
        object_id=OuterRef("pk"),
        kind=INVITATION_KIND,
        status=OutboxEmail.Status.SENT,
    )


def remindable(invitations: QuerySet) -> QuerySet:
    """Invitations that may still get a reminder: unanswered, reachable, not all sent yet."""
    return (
        invitations.filter(
            status=Invitation.Status.PENDING,
            campaign__isnull=False,
            reminders_sent__lt=F("campaign__reminder_count"),
        )
        .exclude(leaver__status=Leaver.Status.SUPPRESSED)
        .filter(Exists(_invitation_email_sent()))
    )


def due_reminders(*, campaign: Campaign, now: datetime.datetime) -> QuerySet:
    """Selected by what is due, never by an exact date: a missed day still sends, once."""
    cutoff = now - datetime.timedelta(days=campaign.reminder_interval_days)
    return remindable(Invitation.objects.filter(campaign=campaign)).filter(
        last_contacted_at__lte=cutoff
    )


def send_due_reminders(*, now: datetime.datetime | None = None, batch_size: int = 1000) -> int:
    now = now or timezone.now()
    total = 0
    for campaign in Campaign.objects.filter(
        status=Campaign.Status.SENDING, reminder_count__gt=0
    ).select_related("created_by"):
        while True:
            count = _remind_batch(campaign=campaign, now=now, size=batch_size)
            total += count
            if count < batch_size:
                break
    return total


def _remind_batch(*, campaign: Campaign, now: datetime.datetime, size: int) -> int:
    with transaction.atomic():
        # Locked and counted in one transaction: a second beat process skips
        # these rows, and the dedupe key stops any reminder being queued twice.
        ids = list(
            due_reminders(campaign=campaign, now=now)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            return 0
        invitations = list(
            Invitation.objects.filter(pk__in=ids, status=Invitation.Status.PENDING).select_related(
                "leaver"
            )
        )
        Invitation.objects.filter(pk__in=[invitation.pk for invitation in invitations]).update(
            reminders_sent=F("reminders_sent") + 1, last_contacted_at=now
        )
        queue_emails_bulk(
            kind=REMINDER_KIND,
            emails=[
                BulkEmail(
                    to=invitation.leaver.email,
                    language=invitation.language,
                    object_id=invitation.pk,
                    data={
                        **recipient_data(invitation.leaver, campaign_id=campaign.pk),
                        "reminder": invitation.reminders_sent + 1,
                        "invited_at": campaign.started_at.isoformat()
                        if campaign.started_at
                        else "",
                    },
                    dedupe_key=f"campaign-reminder:{invitation.pk}:{invitation.reminders_sent + 1}",
                )
                for invitation in invitations
            ],
            refers_to_model=Invitation,
            reply_to=campaign.reply_address(),
        )
    return len(ids)
