"""ESP tracking webhooks (through anymail): bounces and complaints suppress the address."""

import logging

from anymail.signals import tracking
from django.db import IntegrityError, transaction
from django.dispatch import receiver

from .models import ProcessedWebhookEvent, Suppression
from .suppression import suppress_email

logger = logging.getLogger(__name__)

SUPPRESSING_EVENTS = {
    "bounced": Suppression.Reason.BOUNCED,
    "rejected": Suppression.Reason.BOUNCED,
    "complained": Suppression.Reason.COMPLAINED,
}


@receiver(tracking, dispatch_uid="mail.suppress_on_tracking_event")
def suppress_on_tracking_event(sender, event, esp_name, **kwargs):
    record_tracking_event(
        event_id=event.event_id, event_type=event.event_type, recipient=event.recipient
    )


def record_tracking_event(*, event_id: str | None, event_type: str, recipient: str | None) -> bool:
    """Handle one event once; True when it suppressed an address."""
    reason = SUPPRESSING_EVENTS.get(event_type)
    if reason is None or not recipient:
        return False
    if event_id:
        try:
            with transaction.atomic():
                ProcessedWebhookEvent.objects.create(event_id=event_id, event_type=event_type)
        except IntegrityError:
            logger.info("Tracking event %s was already handled", event_id)
            return False
    suppress_email(email=recipient, reason=reason)
    return True
