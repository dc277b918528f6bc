"""ESP tracking webhooks (through anymail): what happened to an email after it left.

Each event is handled once per recipient and kept as a `MailEvent` (on its
outbox row when the provider's message id names one). A hard bounce, a
complaint, an unsubscribe at the provider or a reject suppresses the address at
once; a soft bounce (mailbox full, server down for a while) only when it is the
third within 30 days. A reject for a reason on our side (an unconfirmed sender,
our domain's DMARC policy, a message the provider would not pass on) is kept
and logged, but suppresses no one: the address did nothing wrong.

anymail reports Postmark's `SoftBounce`, Brevo's `soft_bounce` and Amazon SES's
`Transient` bounces as "bounced", like hard ones; the provider's own payload
(`esp_event`) tells them apart, see `SOFT_BOUNCE_RULES`.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from anymail.signals import AnymailTrackingEvent, tracking
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone

from .models import MailEvent, OutboxEmail, ProcessedWebhookEvent, Suppression, email_hash
from .suppression import suppress_email

logger = logging.getLogger(__name__)

# An address is suppressed at its third soft bounce within 30 days.
SOFT_BOUNCE_LIMIT = 3
SOFT_BOUNCE_WINDOW = timedelta(days=30)

# anymail's normalised event type -> how it is kept; events not named here
# (opens, clicks, "queued", "sent") are not kept.
EVENT_TYPES = {
    "delivered": MailEvent.Type.DELIVERED,
    "deferred": MailEvent.Type.DEFERRED,
    "bounced": MailEvent.Type.BOUNCE,
    "rejected": MailEvent.Type.REJECTED,
    "complained": MailEvent.Type.COMPLAINED,
    "unsubscribed": MailEvent.Type.UNSUBSCRIBED,
    "failed": MailEvent.Type.FAILED,
}

# Events that suppress the address at once.
SUPPRESSING_EVENTS = {
    MailEvent.Type.BOUNCE: Suppression.Reason.BOUNCED,
    MailEvent.Type.REJECTED: Suppression.Reason.REJECTED,
    MailEvent.Type.COMPLAINED: Suppression.Reason.COMPLAINED,
    # The person asked the provider to stop (its own unsubscribe link or list).
    MailEvent.Type.UNSUBSCRIBED: Suppression.Reason.OPTED_OUT,
}


def _bounce_type(esp_event: dict) -> str:
    bounce = esp_event.get("bounce")
    return bounce.get("bounceType", "") if isinstance(bounce, dict) else ""


# Per ESP (anymail's esp_name): is this "bounced" event a temporary one?
SOFT_BOUNCE_RULES = {
    "Postmark": lambda esp_event: esp_event.get("Type") == "SoftBounce",
    "Brevo": lambda esp_event: esp_event.get("event") == "soft_bounce",
    # "Undetermined" is not known to be permanent: counted, not suppressed at once.
    "Amazon SES": lambda esp_event: _bounce_type(esp_event) in ("Transient", "Undetermined"),
}


POSTMARK_SENDER_SIDE_TYPES = ("Unconfirmed", "DMARCPolicy", "Blocked")

# Per ESP: is this "rejected" event about us (the sender) rather than the address?
SENDER_SIDE_REJECT_RULES = {
    # Unconfirmed sender signature; our domain's DMARC policy; an ISP blocking us
    # for content or reputation (Postmark keeps such addresses active).
    "Postmark": lambda esp_event: esp_event.get("Type") in POSTMARK_SENDER_SIDE_TYPES,
    # SES "Reject": the message itself was refused (a virus), before any recipient.
    "Amazon SES": lambda esp_event: esp_event.get("eventType") == "Reject",
}


def is_sender_side_reject(event: AnymailTrackingEvent, esp_name: str) -> bool:
    return _esp_rule_says(SENDER_SIDE_REJECT_RULES, "rejected", event, esp_name)


def is_soft_bounce(event: AnymailTrackingEvent, esp_name: str) -> bool:
    return _esp_rule_says(SOFT_BOUNCE_RULES, "bounced", event, esp_name)


def _esp_rule_says(rules: dict, event_type: str, event: AnymailTrackingEvent, esp_name) -> bool:
    """The ESP's rule, read from its own payload, for an event of `event_type`."""
    rule = rules.get(esp_name)
    return (
        event.event_type == event_type
        and isinstance(event.esp_event, dict)
        and rule is not None
        and rule(event.esp_event)
    )


def event_key(event: AnymailTrackingEvent) -> str | None:
    """What identifies the event across deliveries of the webhook.

    Brevo sends no event id; its message id, type and time stand in for one.
    """
    if event.event_id:
        return str(event.event_id)
    if event.message_id and event.timestamp:
        return f"{event.message_id}:{event.event_type}:{event.timestamp.isoformat()}"
    return None


@receiver(tracking, dispatch_uid="mail.suppress_on_tracking_event")
def suppress_on_tracking_event(sender, event, esp_name, **kwargs):
    record_tracking_event(
        event_id=event_key(event),
        event_type=event.event_type,
        recipient=event.recipient,
        soft=is_soft_bounce(event, esp_name),
        sender_side=is_sender_side_reject(event, esp_name),
        message_id=event.message_id,
        occurred_at=event.timestamp,
        detail=" – ".join(str(part) for part in (event.description, event.mta_response) if part),
    )


@dataclass(frozen=True)
class _Event:
    type: str
    address_hash: str
    occurred_at: datetime


def record_tracking_event(
    *,
    event_id: str | None,
    event_type: str,
    recipient: str | None,
    soft: bool = False,
    sender_side: bool = False,
    message_id: str | None = None,
    occurred_at: datetime | None = None,
    detail: str = "",
) -> bool:
    """Keep one event for one recipient, once; True when it suppressed the address."""
    kept_as = EVENT_TYPES.get(event_type)
    if kept_as is None or not recipient:
        return False
    if kept_as == MailEvent.Type.BOUNCE and soft:
        kept_as = MailEvent.Type.SOFT_BOUNCE
    event = _Event(kept_as, email_hash(recipient), occurred_at or timezone.now())
    with transaction.atomic():
        if event_id and not _first_time(event_id, event_type, event.address_hash):
            logger.info("Tracking event %s was already handled", event_id)
            return False
        MailEvent.objects.create(
            outbox_email_id=_outbox_row_id(message_id),
            email_hash=event.address_hash,
            type=event.type,
            occurred_at=event.occurred_at,
            detail=detail[:500],
        )
        if sender_side:
            logger.warning(
                "The email provider refused an email for a reason on our side "
                "(sender setup or content), so no address is suppressed: %s",
                detail or event_type,
            )
            return False
        reason = _suppression_reason(event)
        if reason is None:
            return False
        suppress_email(email=recipient, reason=reason)
    return True


def _first_time(event_id: str, event_type: str, address_hash: str) -> bool:
    try:
        with transaction.atomic():
            ProcessedWebhookEvent.objects.create(
                event_id=event_id[:255], recipient_hash=address_hash, event_type=event_type
            )
    except IntegrityError:
        return False
    return True


def _outbox_row_id(message_id: str | None) -> int | None:
    if not message_id:
        return None
    return (
        OutboxEmail.objects.filter(provider_message_id=str(message_id)[:255])
        .values_list("pk", flat=True)
        .first()
    )


def _suppression_reason(event: _Event) -> str | None:
    if event.type in SUPPRESSING_EVENTS:
        return SUPPRESSING_EVENTS[event.type]
    if event.type == MailEvent.Type.SOFT_BOUNCE and (
        soft_bounces(event.address_hash, until=event.occurred_at) >= SOFT_BOUNCE_LIMIT
    ):
        return Suppression.Reason.SOFT_BOUNCED
    return None


def soft_bounces(address_hash: str, *, until: datetime) -> int:
    """How many soft bounces the address had in the window ending at `until`.

    Two events of one address arriving at the same moment may each count the
    other as not yet there; then the next soft bounce suppresses, one late.
    """
    return MailEvent.objects.filter(
        email_hash=address_hash,
        type=MailEvent.Type.SOFT_BOUNCE,
        occurred_at__gt=until - SOFT_BOUNCE_WINDOW,
        occurred_at__lte=until,
    ).count()


@dataclass(frozen=True)
class AddressStanding:
    """Whether an address still gets bulk email: its suppression, or its recent soft bounces."""

    suppression: Suppression | None
    soft_bounces: int
    soft_bounce_limit: int = SOFT_BOUNCE_LIMIT


def address_standing(email: str) -> AddressStanding:
    """What HR is told about an address on the pages that show it."""
    address_hash = email_hash(email)
    return AddressStanding(
        suppression=Suppression.objects.filter(email_hash=address_hash).first(),
        soft_bounces=soft_bounces(address_hash, until=timezone.now()),
    )
