"""Background work of campaigns: starting one, and the beat's round of due work."""

from celery import shared_task
from django.utils import timezone

from ..models import Campaign
from .lifecycle import (
    finish_campaigns,
    settle_paused_and_stopped,
    start_campaign,
)
from .reminders import send_due_reminders


@shared_task(name="invitations.start_campaign", ignore_result=True)
def start_campaign_task(*, campaign_id: int) -> None:
    start_campaign(campaign_id=campaign_id)


@shared_task(name="invitations.run_campaigns", ignore_result=True)
def run_campaigns() -> None:
    """The beat task: start what is due, send due reminders, close finished campaigns."""
    now = timezone.now()
    due = Campaign.objects.filter(status=Campaign.Status.SCHEDULED, scheduled_at__lte=now)
    for campaign_id in due.values_list("pk", flat=True):
        start_campaign(campaign_id=campaign_id, now=now)
    send_due_reminders(now=now)
    finish_campaigns(now=now)
    settle_paused_and_stopped(now=now)
