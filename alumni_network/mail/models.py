"""The outbox, the suppression list and the ESP events already handled.

Every email the system sends is first an `OutboxEmail` row, written in the same
transaction as the event that causes it; a worker sends it later. Its status
moves queued -> sending -> sent, or back to queued with a retry time for a
transient failure, or to failed for a permanent one. A suppressed address gets
a row in status suppressed, so the record shows why nothing went out.

The tables keep the names they had when these models lived in `invitations`
(moved without copying a row, see migrations/0001_initial.py).
"""

import hashlib

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def normalise_email(email: str | None) -> str:
    """The one form an address is stored and compared in: trimmed and lower-case."""
    return (email or "").strip().lower()


def email_hash(email: str) -> str:
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()


class OutboxEmailQuerySet(models.QuerySet):
    def due(self, *, now=None):
        return self.filter(
            status=OutboxEmail.Status.QUEUED, next_attempt_at__lte=now or timezone.now()
        )

    def stuck_sending(self, *, older_than):
        """Rows whose worker stopped renewing its claim (see sending.heartbeat)."""
        return self.filter(status=OutboxEmail.Status.SENDING, claimed_at__lt=older_than)


class OutboxEmail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SUPPRESSED = "suppressed", _("Suppressed")
        # A paused campaign holds its rows; resuming queues them again, stopping cancels them.
        HELD = "held", pgettext_lazy("email status", "Held")
        CANCELLED = "cancelled", pgettext_lazy("email status", "Cancelled")

    to_email = models.EmailField(_("recipient"))
    kind = models.CharField(_("kind"), max_length=64)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    bulk = models.BooleanField(_("bulk"), default=False)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    refers_to = GenericForeignKey("content_type", "object_id")
    data = models.JSONField(_("data"), default=dict, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, null=True, blank=True)
    reply_to = models.EmailField(_("reply to"), blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # Set at the claim and renewed by the sending worker's heartbeat while its
    # batch lasts; a row whose claim is older than the timeout has lost its worker.
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    provider_message_id = models.CharField(_("message id"), max_length=255, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = OutboxEmailQuerySet.as_manager()

    class Meta:
        db_table = "invitations_outboxemail"
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(dedupe_key__isnull=False),
                name="outbox_dedupe_key_unique",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="outbox_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status="queued"),
                name="outbox_due_idx",
            ),
            models.Index(fields=["content_type", "object_id"], name="outbox_refers_idx"),
            models.Index(fields=["kind", "status"], name="outbox_kind_status_idx"),
            # The HR dashboard counts failed emails: few rows among millions.
            models.Index(fields=["id"], condition=Q(status="failed"), name="outbox_failed_idx"),
            # The sweep looks for stale claims every minute: few rows among millions.
            models.Index(
                fields=["claimed_at"], condition=Q(status="sending"), name="outbox_sending_idx"
            ),
            # A provider's event names the message it is about.
            models.Index(
                fields=["provider_message_id"],
                condition=~Q(provider_message_id=""),
                name="outbox_message_id_idx",
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.to_email} ({self.status})"


class ProcessedWebhookEvent(models.Model):
    """An ESP tracking event already handled for one recipient: providers deliver some twice.

    One notification may name several recipients under one event id (Amazon
    SES), so the event id alone does not identify what was handled.
    """

    event_id = models.CharField(_("event id"), max_length=255)
    # The recipient's email_hash; empty on rows recorded before recipients were kept.
    recipient_hash = models.CharField(_("recipient hash"), max_length=64, blank=True, default="")
    event_type = models.CharField(_("event type"), max_length=32)
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        db_table = "invitations_processedwebhookevent"
        verbose_name = _("processed webhook event")
        verbose_name_plural = _("processed webhook events")
        constraints = [
            models.UniqueConstraint(
                fields=["event_id", "recipient_hash"], name="webhook_event_recipient_unique"
            ),
        ]

    def __str__(self):
        return f"{self.event_type} {self.event_id}"


class Suppression(models.Model):
    """An address that must never be contacted again, kept only as a hash."""

    class Reason(models.TextChoices):
        OPTED_OUT = "opted_out", _("Opted out")
        BOUNCED = "bounced", _("Bounced (address does not exist)")
        # Temporary bounces (mailbox full, server down) suppress only when they repeat.
        SOFT_BOUNCED = "soft_bounced", _("Bounced again and again (temporary errors)")
        REJECTED = "rejected", _("Rejected by the email provider")
        COMPLAINED = "complained", _("Complained")
        ERASED = "erased", _("Erased")

    email_hash = models.CharField(_("email hash"), max_length=64, unique=True)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        db_table = "invitations_suppression"
        verbose_name = _("suppression")
        verbose_name_plural = _("suppressions")

    # Reasons that say the address cannot receive email (rather than its owner said no).
    UNDELIVERABLE = (Reason.BOUNCED, Reason.SOFT_BOUNCED, Reason.REJECTED)

    def __str__(self):
        return f"{self.get_reason_display()} {self.email_hash[:12]}…"


class MailEvent(models.Model):
    """What the provider reported about an address, and about one outbox row where it names one.

    Soft bounces are counted here (by address hash) to decide when an address
    is suppressed; HR reads a row's events on its outbox page. The address
    itself is never stored, only its hash.
    """

    class Type(models.TextChoices):
        DELIVERED = "delivered", _("Delivered")
        DEFERRED = "deferred", _("Delayed by the receiving server")
        SOFT_BOUNCE = "soft_bounce", _("Soft bounce (temporary)")
        BOUNCE = "bounce", _("Hard bounce (permanent)")
        REJECTED = "rejected", _("Rejected by the email provider")
        COMPLAINED = "complained", _("Marked as spam")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed at the provider")
        FAILED = "failed", _("Failed at the provider")
        OTHER = "other", _("Other event")

    outbox_email = models.ForeignKey(
        OutboxEmail,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("outgoing email"),
    )
    email_hash = models.CharField(_("email hash"), max_length=64)
    type = models.CharField(_("type"), max_length=16, choices=Type.choices)
    occurred_at = models.DateTimeField(_("occurred"), default=timezone.now)
    # The provider's own words (event description, MTA response), cut short.
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("email event")
        verbose_name_plural = _("email events")
        ordering = ["occurred_at", "pk"]
        indexes = [
            models.Index(
                fields=["email_hash", "type", "occurred_at"], name="mail_event_address_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()} {self.occurred_at:%Y-%m-%d %H:%M}"
