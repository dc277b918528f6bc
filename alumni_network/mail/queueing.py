"""Putting email in the outbox, inside the transaction that causes it.

`queue_email` writes one row, `queue_emails_bulk` a campaign's worth; either
asks for a drain once the transaction commits. A suppressed address gets its
row in status `suppressed` when the kind is bulk, so nothing goes out and the
record says why.
"""

import json
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .kinds import EmailKind, email_kind
from .models import OutboxEmail, Suppression, email_hash
from .suppression import suppressed_hashes


def _language(language: str) -> str:
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def queue_email(
    *,
    kind: str,
    to: str,
    language: str,
    refers_to=None,
    data: dict | None = None,
    dedupe_key: str | None = None,
    reply_to: str = "",
) -> OutboxEmail:
    """Write one email to the outbox; the drain runs after the transaction commits.

    Queueing twice with the same dedupe_key returns the first row.
    """
    registered = email_kind(kind)
    if dedupe_key and (existing := OutboxEmail.objects.filter(dedupe_key=dedupe_key).first()):
        return existing
    row = OutboxEmail(
        kind=kind,
        to_email=to.strip(),
        language=_language(language),
        bulk=registered.bulk,
        refers_to=refers_to,
        data=data or {},
        dedupe_key=dedupe_key,
        reply_to=reply_to,
    )
    if registered.bulk and suppressed_hashes([email_hash(row.to_email)]):
        row.status = OutboxEmail.Status.SUPPRESSED
    if not dedupe_key:
        row.save()  # nothing to collide with, so no savepoint
    else:
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            # Another transaction queued the same dedupe_key first: that row stands.
            return OutboxEmail.objects.get(dedupe_key=dedupe_key)
    if row.status == OutboxEmail.Status.QUEUED:
        schedule_drain()
    return row


@dataclass(frozen=True)
class BulkEmail:
    """One recipient of `queue_emails_bulk`: refers to an object of the batch's model by id."""

    to: str
    language: str
    object_id: int | None = None
    data: dict = field(default_factory=dict)
    dedupe_key: str | None = None


def queue_emails_bulk(
    *,
    kind: str,
    emails: list[BulkEmail],
    refers_to_model=None,
    reply_to: str = "",
    batch_size: int = 2000,
    parallel_drains: int = 1,
) -> int:
    """Write many emails of one kind in a few statements; drains are scheduled once.

    A dedupe_key already in the outbox is skipped (not an error), so a rerun
    adds only what is missing. Returns how many rows were written or skipped.
    """
    registered = email_kind(kind)
    content_type = ContentType.objects.get_for_model(refers_to_model) if refers_to_model else None
    content_type_id = content_type.pk if content_type else None
    now = timezone.now()
    if connection.vendor == "postgresql":
        _copy_outbox_emails(
            kind=registered,
            emails=emails,
            content_type_id=content_type_id,
            reply_to=reply_to,
            now=now,
        )
    else:
        for start in range(0, len(emails), batch_size):
            _insert_outbox_emails(
                kind=registered,
                emails=emails[start : start + batch_size],
                content_type_id=content_type_id,
                reply_to=reply_to,
                now=now,
            )
    if emails:
        schedule_drain(parallel=parallel_drains)
    return len(emails)


def _insert_outbox_emails(
    *, kind: EmailKind, emails: list[BulkEmail], content_type_id, reply_to: str, now
) -> None:
    hashes = [email_hash(email.to) for email in emails]
    suppressed = suppressed_hashes(hashes) if kind.bulk else set()
    OutboxEmail.objects.bulk_create(
        [
            OutboxEmail(
                kind=kind.name,
                to_email=email.to.strip(),
                language=_language(email.language),
                bulk=kind.bulk,
                content_type_id=content_type_id if email.object_id is not None else None,
                object_id=email.object_id,
                data=email.data,
                dedupe_key=email.dedupe_key,
                reply_to=reply_to,
                status=(
                    OutboxEmail.Status.SUPPRESSED
                    if address_hash in suppressed
                    else OutboxEmail.Status.QUEUED
                ),
                next_attempt_at=now,
                created_at=now,
            )
            for email, address_hash in zip(emails, hashes, strict=True)
        ],
        ignore_conflicts=True,
    )


_COPY_COLUMNS = (
    "to_email, kind, language, bulk, content_type_id, object_id, data, dedupe_key, reply_to, "
    "next_attempt_at, created_at"
)


def _copy_outbox_emails(
    *, kind: EmailKind, emails: list[BulkEmail], content_type_id, reply_to: str, now
) -> None:
    """COPY the emails into a staging table and insert them skipping known dedupe keys.

    One COPY and one INSERT for the whole campaign, no model instances, and the
    suppression list checked by the INSERT. ON CONFLICT keeps a rerun from
    doubling anything. Runs inside the caller's transaction.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS outbox_stage ("
            "to_email varchar(254), to_hash varchar(64), kind varchar(64), language varchar(8), "
            "bulk boolean, content_type_id integer, object_id bigint, data jsonb, "
            "dedupe_key varchar(200), reply_to varchar(254), next_attempt_at timestamptz, "
            "created_at timestamptz) ON COMMIT DELETE ROWS"
        )
        cursor.execute("TRUNCATE outbox_stage")
        dumps = json.JSONEncoder().encode
        # psycopg's COPY, through the cursor Django wraps.
        with cursor.cursor.copy(f"COPY outbox_stage (to_hash, {_COPY_COLUMNS}) FROM STDIN") as copy:
            for email in emails:
                copy.write_row(
                    (
                        email_hash(email.to) if kind.bulk else None,
                        email.to.strip(),
                        kind.name,
                        _language(email.language),
                        kind.bulk,
                        content_type_id if email.object_id is not None else None,
                        email.object_id,
                        dumps(email.data),
                        email.dedupe_key,
                        reply_to,
                        now,
                        now,
                    )
                )
        cursor.execute(
            f"INSERT INTO {OutboxEmail._meta.db_table} ({_COPY_COLUMNS}, "  # noqa: S608 - constants
            "status, attempts, provider_message_id, last_error) "
            f"SELECT {_COPY_COLUMNS}, "
            f"CASE WHEN EXISTS (SELECT 1 FROM {Suppression._meta.db_table} s "
            "WHERE s.email_hash = outbox_stage.to_hash) THEN %s ELSE %s END, 0, '', '' "
            "FROM outbox_stage ON CONFLICT DO NOTHING",
            [OutboxEmail.Status.SUPPRESSED, OutboxEmail.Status.QUEUED],
        )


class _PendingDrains(threading.local):
    """The drains this thread's open transaction has asked for, dispatched once at commit."""

    count = 0


_pending = _PendingDrains()


def _dispatch_pending_drains() -> None:
    count, _pending.count = _pending.count, 0
    if count:
        dispatch_drains(count)


def schedule_drain(*, parallel: int = 1) -> None:
    """Queue `parallel` drain tasks once the current transaction commits.

    Every call registers an on_commit callback (cheap), but the first to run
    dispatches what the whole transaction asked for and the rest find nothing
    left: a transaction that queues a thousand emails sends one drain. After a
    rollback the count stays until the next commit dispatches it, which at
    worst wakes a worker that finds nothing due.
    """
    _pending.count = max(_pending.count, parallel)
    # robust: a broker that is down must not fail the request; the sweep catches up.
    transaction.on_commit(_dispatch_pending_drains, robust=True)


def dispatch_drains(count: int) -> None:
    from .tasks import drain_outbox

    for _ in range(count):
        # retry=False: fail at once when the broker is down instead of
        # holding the request; the beat sweep drains the rows later.
        drain_outbox.apply_async(retry=False)
