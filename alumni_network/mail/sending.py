"""Draining the outbox: claim due rows, send each once, record what happened.

A worker claims rows in batches with `SELECT ... FOR UPDATE SKIP LOCKED`
(queued -> sending), renders each with Django's email message and sends it on
the backend's one connection for the batch, then marks the row sent (or
failed, or queued again with a retry time) in its own durable commit: a
worker killed at any moment has sent at most one email its row does not show.
A beat sweep drains what was missed and hands back rows stuck in `sending`.

While its batch lasts, a worker renews the claim on the rows it has not sent
yet (a heartbeat, every sixth of OUTBOX_SENDING_TIMEOUT: 10 s of the default
60 s), so the sweep can hand back a dead worker's rows after a minute without
ever taking them from a live one. A worker that finds a row's claim renewed
by someone else (handed back and claimed again) leaves that row alone.
"""

import logging
import smtplib
import time
from datetime import timedelta

from anymail.exceptions import AnymailAPIError, AnymailError, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .kinds import email_kind
from .models import OutboxEmail, email_hash
from .rendering import TemplateCache, render_message, rendering_batch
from .suppression import suppressed_hashes

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_BACKOFF_SECONDS = 60


def sending_timeout() -> timedelta:
    """How long a claim may go unrenewed before the sweep hands the row back."""
    return timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT)


def heartbeat_interval() -> float:
    """Seconds between renewals of a batch's claim: a sixth of the timeout.

    A live worker then misses five heartbeats before losing a row, which takes
    one message stalling for the whole timeout (EMAIL_TIMEOUT is 30 s per
    socket operation against the default 60 s).
    """
    return settings.OUTBOX_SENDING_TIMEOUT / 6


def max_backoff_seconds() -> int:
    # A retry delay beyond the broker's visibility timeout would let Redis
    # hand a countdown task to a second worker; stay well inside it.
    return min(1800, settings.CELERY_MAX_COUNTDOWN)


def claim_batch(*, size: int) -> list[OutboxEmail]:
    """Take up to `size` due rows for this worker alone (queued -> sending)."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            OutboxEmail.objects.due(now=now)
            .order_by("next_attempt_at", "id")
            .select_for_update(skip_locked=True, of=("self",))[:size]
        )
        if rows:
            OutboxEmail.objects.filter(pk__in=[row.pk for row in rows]).update(
                status=OutboxEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
    for row in rows:
        row.status, row.claimed_at, row.attempts = OutboxEmail.Status.SENDING, now, row.attempts + 1
    return rows


def is_transient(error: Exception) -> bool:
    """Worth retrying: SMTP 4xx, ESP 429/5xx, a dropped connection."""
    if isinstance(error, AnymailRecipientsRefused):
        return False
    if isinstance(error, AnymailAPIError):
        status = error.status_code
        return status is None or status == 429 or status >= 500
    if isinstance(error, AnymailError):
        return False
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, smtplib.SMTPServerDisconnected | OSError)


def backoff(attempts: int) -> timedelta:
    return timedelta(
        seconds=min(BASE_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), max_backoff_seconds())
    )


def _mark(row: OutboxEmail, **fields) -> None:
    # Only while this worker holds the claim (`sending`, at the time it last
    # renewed): a row handed back and claimed again is left to its new worker.
    OutboxEmail.objects.filter(
        pk=row.pk, status=OutboxEmail.Status.SENDING, claimed_at=row.claimed_at
    ).update(**fields)


class Heartbeat:
    """Renews the claim on a batch's unsent rows every `heartbeat_interval()` seconds."""

    def __init__(self, rows: list[OutboxEmail]):
        self.interval = timedelta(seconds=heartbeat_interval())
        # Counted from the claim: opening the connection may have taken a while.
        self.renewed_at = min((row.claimed_at for row in rows if row.claimed_at), default=None)
        # Rows found handed back: another worker may be sending them now.
        self.lost: set[int] = set()

    def renew_if_due(self, remaining: list[OutboxEmail]) -> None:
        now = timezone.now()
        if self.renewed_at and now - self.renewed_at < self.interval:
            return
        self.renewed_at = now
        claims = {}
        for row in remaining:
            if row.pk not in self.lost:
                claims.setdefault(row.claimed_at, []).append(row)
        # One UPDATE per claim time: a batch has one, renewed together.
        for claimed_at, rows in claims.items():
            ids = {row.pk for row in rows}
            renewed = OutboxEmail.objects.filter(
                pk__in=ids, status=OutboxEmail.Status.SENDING, claimed_at=claimed_at
            ).update(claimed_at=now)
            if renewed != len(ids):
                # This worker stalled past the timeout and the sweep took some back.
                kept = set(
                    OutboxEmail.objects.filter(
                        pk__in=ids, status=OutboxEmail.Status.SENDING, claimed_at=now
                    ).values_list("pk", flat=True)
                )
                self.lost |= ids - kept
            for row in rows:
                row.claimed_at = now


def send_batch(rows: list[OutboxEmail]) -> dict[str, int]:
    """Send claimed rows over one connection; mark each as it goes."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "suppressed": 0, "lost": 0}
    suppressed = suppressed_hashes(email_hash(row.to_email) for row in rows if row.bulk)
    templates = TemplateCache()
    heartbeat = Heartbeat(rows)
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:  # noqa: BLE001 - the rows are retried below
        logger.warning("Could not open the email connection: %s", error)
    try:
        with rendering_batch():
            for index, row in enumerate(rows):
                heartbeat.renew_if_due(rows[index:])
                if row.pk in heartbeat.lost:
                    logger.warning("Outbox email %s was handed back before it was sent", row.pk)
                    counts["lost"] += 1
                    continue
                counts[_send_one(row, connection, templates, suppressed)] += 1
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - closing a broken connection may fail too
            logger.debug("Closing the email connection failed", exc_info=True)
    return counts


def _send_one(row: OutboxEmail, connection, templates: TemplateCache, suppressed) -> str:
    if row.bulk and email_hash(row.to_email) in suppressed:
        _mark(row, status=OutboxEmail.Status.SUPPRESSED, last_error="suppressed")
        return "suppressed"
    try:
        message = render_message(row, templates=templates)
    except Exception as error:
        logger.exception("Could not render outbox email %s", row.pk)
        _mark(row, status=OutboxEmail.Status.FAILED, last_error=f"render: {error}"[:2000])
        return "failed"
    try:
        connection.send_messages([message])
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the row
        if isinstance(error, smtplib.SMTPServerDisconnected | OSError):
            _reconnect(connection)
        return _record_failure(row, error)
    return _record_sent(row, message)


def _record_sent(row: OutboxEmail, message: EmailMultiAlternatives) -> str:
    status = getattr(message, "anymail_status", None)
    message_id = (status and status.message_id) or message.extra_headers["Message-ID"]
    fields = {
        "status": OutboxEmail.Status.SENT,
        "sent_at": timezone.now(),
        "provider_message_id": str(message_id)[:255],
        "last_error": "",
    }
    if email_kind(row.kind).forget_data_after_send:
        fields["data"] = {}
    _mark(row, **fields)
    return "sent"


def _reconnect(connection) -> None:
    """Open a fresh connection for the rest of the batch after a dropped one.

    Left closed, the backend would open and close one per message instead.
    """
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - closing a dropped connection may fail too
        logger.debug("Closing a dropped connection failed", exc_info=True)
    try:
        connection.open()
    except Exception as error:  # noqa: BLE001 - the next message records the failure
        logger.warning("Could not reopen the email connection: %s", error)


def _record_failure(row: OutboxEmail, error: Exception) -> str:
    reason = f"{type(error).__name__}: {error}"[:2000]
    if is_transient(error) and row.attempts < MAX_ATTEMPTS:
        retry_instead = email_kind(row.kind).retry_instead
        _mark(
            row,
            status=(retry_instead and retry_instead(row)) or OutboxEmail.Status.QUEUED,
            next_attempt_at=timezone.now() + backoff(row.attempts),
            last_error=reason,
        )
        logger.info("Outbox email %s will be retried: %s", row.pk, reason)
        return "retry"
    _mark(row, status=OutboxEmail.Status.FAILED, last_error=reason)
    logger.warning("Outbox email %s failed for good: %s", row.pk, reason)
    return "failed"


def drain(*, batch_size: int | None = None, time_budget: float = 200.0) -> dict[str, int]:
    """Send due rows batch by batch until none is left or the time is spent."""
    from .queueing import dispatch_drains

    batch_size = batch_size or settings.OUTBOX_BATCH_SIZE
    totals = {"sent": 0, "retry": 0, "failed": 0, "suppressed": 0, "lost": 0}
    deadline = time.monotonic() + time_budget
    while time.monotonic() < deadline:
        rows = claim_batch(size=batch_size)
        if not rows:
            return totals
        for key, value in send_batch(rows).items():
            totals[key] += value
    if OutboxEmail.objects.due().exists():
        dispatch_drains(1)
    return totals


def release_stuck(*, now=None) -> int:
    """Hand back rows a dead worker left in `sending` (they may go out twice)."""
    now = now or timezone.now()
    return OutboxEmail.objects.stuck_sending(older_than=now - sending_timeout()).update(
        status=OutboxEmail.Status.QUEUED, next_attempt_at=now, claimed_at=None
    )
