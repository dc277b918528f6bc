"""One road for every email: queue a row, drain it in the background, send it once.

Apps register the kinds of email they send (`register_email_kind`) and queue
them with `queue_email` inside the transaction that causes them. A drain task
claims due rows in batches with `SELECT ... FOR UPDATE SKIP LOCKED`, renders
each in its recipient's language and sends the batch over one connection. A
beat sweep drains what was missed and hands back rows stuck in `sending`.
"""

import binascii
import functools
import json
import logging
import queue
import random
import re
import smtplib
import sys
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from email.header import Header
from email.utils import formatdate, make_msgid

import css_inline
from anymail.exceptions import AnymailAPIError, AnymailError, AnymailRecipientsRefused
from celery import shared_task
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address
from django.db import IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import F
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation

from .models import email_hash
from .outbox import OutboxEmail
from .suppression import suppressed_hashes

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "invitations.unsubscribe"
MAX_ATTEMPTS = 8
# How long the rendering thread may hold the GIL while the SMTP thread waits for it.
SWITCH_INTERVAL = 0.0005
BASE_BACKOFF_SECONDS = 60


def sending_timeout() -> timedelta:
    """How long a claimed row may stay in `sending` before the sweep hands it back."""
    return timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT)


def max_backoff_seconds() -> int:
    # A retry delay beyond the broker's visibility timeout would let Redis
    # hand a countdown task to a second worker; stay well inside it.
    return min(1800, settings.CELERY_MAX_COUNTDOWN)


@dataclass(frozen=True)
class EmailContent:
    context: dict
    attachments: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class EmailKind:
    name: str
    template: str
    bulk: bool
    build: Callable[[OutboxEmail], EmailContent]
    # Wipe the row's data once sent: it may hold a login code or a reset link.
    forget_data_after_send: bool = False
    # Where a row goes instead of a retry when what sends it has been paused
    # or stopped meanwhile (`held` or `cancelled`), or None to retry.
    retry_instead: Callable[[OutboxEmail], str | None] | None = None


EMAIL_KINDS: dict[str, EmailKind] = {}


def register_email_kind(kind: EmailKind) -> None:
    EMAIL_KINDS[kind.name] = kind


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
    email_kind = EMAIL_KINDS[kind]
    if dedupe_key and (existing := OutboxEmail.objects.filter(dedupe_key=dedupe_key).first()):
        return existing
    row = OutboxEmail(
        kind=kind,
        to_email=to.strip(),
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        bulk=email_kind.bulk,
        refers_to=refers_to,
        data=data or {},
        dedupe_key=dedupe_key,
        reply_to=reply_to,
    )
    if email_kind.bulk and suppressed_hashes([email_hash(row.to_email)]):
        row.status = OutboxEmail.Status.SUPPRESSED
    if not dedupe_key:
        row.save()  # nothing to collide with, so no savepoint (two round trips)
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
    """Write many emails of one kind in a few INSERTs; drains are scheduled once.

    A dedupe_key already in the outbox is skipped (not an error), so a rerun
    adds only what is missing. Returns how many rows were written or skipped.
    """
    from django.contrib.contenttypes.models import ContentType

    email_kind = EMAIL_KINDS[kind]
    content_type = ContentType.objects.get_for_model(refers_to_model) if refers_to_model else None
    now = timezone.now()
    if db_connection.vendor == "postgresql":
        _copy_outbox_emails(
            kind=email_kind,
            emails=emails,
            content_type_id=content_type.pk if content_type else None,
            reply_to=reply_to,
            now=now,
        )
        queued = len(emails)
    else:
        queued = 0
        for start in range(0, len(emails), batch_size):
            chunk = emails[start : start + batch_size]
            hashes = [email_hash(email.to) for email in chunk]
            suppressed = suppressed_hashes(hashes) if email_kind.bulk else set()
            rows = [
                OutboxEmail(
                    kind=kind,
                    to_email=email.to.strip(),
                    language=_language(email.language),
                    bulk=email_kind.bulk,
                    content_type=content_type if email.object_id is not None else None,
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
                for email, address_hash in zip(chunk, hashes, strict=True)
            ]
            OutboxEmail.objects.bulk_create(rows, ignore_conflicts=True)
            queued += len(rows)
    if queued:
        schedule_drain(parallel=parallel_drains)
    return queued


_OUTBOX_COPY_COLUMNS = (
    "to_email, kind, language, bulk, content_type_id, object_id, data, dedupe_key, reply_to, "
    "next_attempt_at, created_at"
)


def _language(language: str) -> str:
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _copy_outbox_emails(
    *, kind: EmailKind, emails: list[BulkEmail], content_type_id, reply_to: str, now
) -> None:
    """COPY the emails into a staging table and insert them skipping known dedupe keys.

    One COPY and one INSERT for the whole campaign, no model instances, and the
    suppression list checked by the INSERT: a 100k campaign in about a second.
    ON CONFLICT keeps a rerun from doubling anything. Runs inside the caller's
    transaction.
    """
    with db_connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS outbox_stage ("
            "to_email varchar(254), to_hash varchar(64), kind varchar(64), language varchar(8), "
            "bulk boolean, content_type_id integer, object_id bigint, data jsonb, "
            "dedupe_key varchar(200), reply_to varchar(254), next_attempt_at timestamptz, "
            "created_at timestamptz) ON COMMIT DELETE ROWS"
        )
        cursor.execute("TRUNCATE outbox_stage")
        dumps = json.JSONEncoder().encode
        with cursor.cursor.copy(
            f"COPY outbox_stage (to_hash, {_OUTBOX_COPY_COLUMNS}) FROM STDIN"
        ) as copy:
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
            f"INSERT INTO invitations_outboxemail ({_OUTBOX_COPY_COLUMNS}, "  # noqa: S608 - constant
            "status, attempts, provider_message_id, last_error) "
            f"SELECT {_OUTBOX_COPY_COLUMNS}, "
            "CASE WHEN EXISTS (SELECT 1 FROM invitations_suppression s "
            "WHERE s.email_hash = outbox_stage.to_hash) THEN %s ELSE %s END, 0, '', '' "
            "FROM outbox_stage ON CONFLICT DO NOTHING",
            [OutboxEmail.Status.SUPPRESSED, OutboxEmail.Status.QUEUED],
        )


def _drain_after_commit(count: int):
    """The on_commit callback that dispatches drains; it records whether it ran.

    A plain function, not a callable object: Django names it by __qualname__
    when it logs a robust callback's failure (the broker being down).
    """

    def dispatch_after_commit() -> None:
        dispatch_after_commit.ran = True
        dispatch_drains(dispatch_after_commit.count)

    dispatch_after_commit.count = count
    dispatch_after_commit.ran = False
    dispatch_after_commit.is_outbox_drain = True
    return dispatch_after_commit


def schedule_drain(*, parallel: int = 1) -> None:
    """Queue drain tasks once the current transaction commits (once per transaction)."""
    for _sids, callback, _robust in db_connection.run_on_commit:
        if getattr(callback, "is_outbox_drain", False) and not callback.ran:
            callback.count = max(callback.count, parallel)
            return
    # robust: a broker that is down must not fail the request; the sweep catches up.
    transaction.on_commit(_drain_after_commit(parallel), robust=True)


def dispatch_drains(count: int) -> None:
    for _ in range(count):
        # retry=False: fail at once when the broker is down instead of
        # holding the request; the beat sweep drains the rows later.
        drain_outbox.apply_async(retry=False)


def unsubscribe_token(row: OutboxEmail) -> str:
    return signing.dumps(row.pk, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(row: OutboxEmail) -> str:
    return settings.SITE_URL + reverse(
        "invitations:unsubscribe", kwargs={"token": unsubscribe_token(row)}
    )


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


_batch_cache: ContextVar[dict | None] = ContextVar("outbox_batch_cache", default=None)


def batch_cache() -> dict:
    """A dict that lives while one batch is rendered, for what its rows share.

    A builder keeps there what every row of a batch would otherwise read again
    (a campaign's text); outside a batch it is a fresh dict each call.
    """
    cache = _batch_cache.get()
    return cache if cache is not None else {}


class TemplateCache:
    """Templates compiled once per batch, per kind."""

    def __init__(self):
        self._templates = {}

    def get(self, name):
        if name not in self._templates:
            self._templates[name] = get_template(name)
        return self._templates[name]


def render_message(row: OutboxEmail, *, templates: TemplateCache, connection=None):
    kind = EMAIL_KINDS[row.kind]
    with translation.override(row.language):
        content = kind.build(row)
        context = {
            "site_url": settings.SITE_URL,
            "network_name": settings.NETWORK_NAME,
            "company_name": settings.COMPANY_NAME,
            "contact_email": settings.NETWORK_CONTACT_EMAIL,
            "language": row.language,
            "recipient_email": row.to_email,
            "unsubscribe_url": unsubscribe_url(row) if row.bulk else "",
            **content.context,
        }
        subject = " ".join(templates.get(f"{kind.template}_subject.txt").render(context).split())
        text = templates.get(f"{kind.template}.txt").render(context)
        html = css_inline.inline(templates.get(f"{kind.template}.html").render(context))
    headers = {"Message-ID": make_msgid(domain=_sender_domain())}
    if row.bulk:
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[row.to_email],
        reply_to=[row.reply_to or settings.NETWORK_CONTACT_EMAIL],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    for filename, payload, mimetype in content.attachments:
        message.attach(filename, payload, mimetype)
    return message


def _sender_domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">")
    return address.rsplit("@", 1)[-1] or "localhost"


# An address that needs no quoting or encoding in a header or an SMTP envelope.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")
_LONGEST_LINE = 998  # RFC 5322


@functools.lru_cache(maxsize=256)
def _header_address(address: str) -> str:
    if _PLAIN_ADDRESS.fullmatch(address):
        return address
    return sanitize_address(address, "utf-8")


def _header_value(name: str, value: str) -> str:
    """As Django writes it: encoded words where not ASCII, and a long subject folded."""
    if not value.isascii():
        return Header(value, "utf-8").encode(linesep="\r\n")
    if name == "Subject" and len(value) > 76 - len("Subject: "):
        return Header(value).encode(linesep="\r\n")
    return value


def _text_part(content: str, subtype: str) -> bytes:
    """A text/* MIME part in utf-8 with CRLF line ends; quoted-printable if a line is too long.

    As Django does it (inlined CSS makes long lines in HTML), with the C codec.
    """
    lines = content.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    body = "\r\n".join(lines).encode()
    if any(len(line) > _LONGEST_LINE for line in body.split(b"\r\n")):
        encoding, body = "quoted-printable", binascii.b2a_qp(body, istext=True)
    else:
        encoding = "7bit" if body.isascii() else "8bit"
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        f"Content-Transfer-Encoding: {encoding}\r\n\r\n"
    ).encode() + body


def message_bytes(message: EmailMultiAlternatives) -> bytes:
    """The message as it goes over SMTP.

    The outbox's own shape (a text body, at most one HTML alternative, no
    attachments, plain addresses) is written here directly: building and
    flattening Django's MIME objects costs more than rendering the templates.
    Anything else goes through Django.
    """
    fast = _outbox_message_bytes(message)
    return fast if fast is not None else message.message().as_bytes(linesep="\r\n")


def _outbox_message_bytes(message: EmailMultiAlternatives) -> bytes | None:
    alternatives = getattr(message, "alternatives", [])
    if (
        message.attachments
        or message.cc
        or message.content_subtype != "plain"
        or (message.encoding or settings.DEFAULT_CHARSET).lower() != "utf-8"
        or len(alternatives) > 1
        or (alternatives and alternatives[0][1] != "text/html")
        or not message.to
    ):
        return None
    headers = {name.lower(): (name, str(value)) for name, value in message.extra_headers.items()}
    if headers.keys() & {"from", "to", "cc", "reply-to", "content-type", "mime-version"}:
        return None
    values = [message.subject, *(value for _name, value in headers.values())]
    if any("\n" in value or "\r" in value for value in values):
        return None  # Django raises BadHeaderError for these
    lines = [
        ("Subject", _header_value("Subject", str(message.subject))),
        ("From", _header_address(message.from_email)),
        ("To", ", ".join(_header_address(address) for address in message.to)),
    ]
    if message.reply_to:
        lines.append(("Reply-To", ", ".join(_header_address(a) for a in message.reply_to)))
    if "date" not in headers:
        lines.append(("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME)))
    if "message-id" not in headers:
        lines.append(("Message-ID", make_msgid(domain=_sender_domain())))
    lines.extend((name, _header_value(name, value)) for name, value in headers.values())
    head = "".join(f"{name}: {value}\r\n" for name, value in lines)
    if len(head) > 20_000 or any(len(line) > _LONGEST_LINE for line in head.split("\r\n")):
        return None
    text = _text_part(message.body, "plain")
    if not alternatives:
        return (head + "MIME-Version: 1.0\r\n").encode() + text
    html = _text_part(alternatives[0][0], "html")
    # Unique, not secret: os.urandom (secrets) costs half a millisecond here.
    boundary = f"=_{random.getrandbits(128):032x}"
    while boundary.encode() in text or boundary.encode() in html:
        boundary = f"=_{random.getrandbits(128):032x}"
    delimiter = f"\r\n--{boundary}\r\n".encode()
    return (
        (
            f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n'
            f"MIME-Version: 1.0\r\n{head}\r\n--{boundary}\r\n"
        ).encode()
        + text
        + delimiter
        + html
        + f"\r\n--{boundary}--\r\n".encode()
    )


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
    # Guarded on `sending`: a row this worker no longer owns is left alone.
    # Each row is committed on its own, so a killed worker doubles at most the
    # one email it was sending.
    OutboxEmail.objects.filter(pk=row.pk, status=OutboxEmail.Status.SENDING).update(**fields)


# The hot path of marking a row sent, as one plain UPDATE per email: the ORM's
# query building costs a tenth of the time it takes to send one.
_MARK_SENT_SQL = (
    "UPDATE invitations_outboxemail SET status = 'sent', sent_at = %s, "
    "provider_message_id = %s, last_error = '' WHERE id = %s AND status = 'sending'"
)
_MARK_SENT_FORGETTING_SQL = (
    "UPDATE invitations_outboxemail SET status = 'sent', sent_at = %s, "
    "provider_message_id = %s, last_error = '', data = '{}' WHERE id = %s AND status = 'sending'"
)


def _mark_sent(row: OutboxEmail, *, message_id: str, forget_data: bool) -> None:
    sql = _MARK_SENT_FORGETTING_SQL if forget_data else _MARK_SENT_SQL
    params = [timezone.now(), message_id[:255], row.pk]
    if db_connection.vendor == "postgresql" and db_connection.connection is not None:
        # psycopg's own cursor: Django's wrappers (and DEBUG's query log) cost
        # as much as the UPDATE. Same connection, same transaction state.
        with db_connection.connection.cursor() as cursor:
            cursor.execute(sql, params)
        return
    with db_connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextmanager
def asynchronous_commits():
    """Let this connection's commits skip the wait for the WAL flush.

    Waiting for a flush on every per-row mark halves the sending rate; a
    database crash can at worst lose the last few marks, and those emails go
    out a second time.
    """
    if db_connection.vendor != "postgresql" or db_connection.in_atomic_block:
        yield
        return
    with db_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with db_connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def send_batch(rows: list[OutboxEmail]) -> dict[str, int]:
    """Send claimed rows over one connection; mark each as it goes."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "suppressed": 0}
    suppressed = suppressed_hashes(email_hash(row.to_email) for row in rows if row.bulk)
    templates = TemplateCache()
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:  # noqa: BLE001 - the rows are retried below
        logger.warning("Could not open the email connection: %s", error)
    cache_token = _batch_cache.set({})
    try:
        with asynchronous_commits():
            if isinstance(connection, SmtpBackend):
                _send_pipelined(rows, connection, templates, suppressed, counts)
            else:
                for row in rows:
                    counts[_send_one(row, connection, templates, suppressed)] += 1
    finally:
        _batch_cache.reset(cache_token)
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - closing a broken connection may fail too
            logger.debug("Closing the email connection failed", exc_info=True)
    return counts


def _prepare(row, templates, suppressed) -> tuple[str, EmailMultiAlternatives | None]:
    """The rendered message, or the outcome that makes sending it moot."""
    if row.bulk and email_hash(row.to_email) in suppressed:
        _mark(row, status=OutboxEmail.Status.SUPPRESSED, last_error="suppressed")
        return "suppressed", None
    try:
        return "", render_message(row, templates=templates)
    except Exception as error:
        logger.exception("Could not render outbox email %s", row.pk)
        _mark(row, status=OutboxEmail.Status.FAILED, last_error=f"render: {error}"[:2000])
        return "failed", None


def _send_one(row, connection, templates, suppressed) -> str:
    outcome, message = _prepare(row, templates, suppressed)
    if message is None:
        return outcome
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
    _mark_sent(
        row,
        message_id=str(message_id),
        forget_data=EMAIL_KINDS[row.kind].forget_data_after_send,
    )
    return "sent"


@dataclass
class _SmtpJob:
    row: OutboxEmail
    message: EmailMultiAlternatives
    sender: str
    recipients: list[str]
    payload: bytes
    error: Exception | None = None


class _SmtpSender(threading.Thread):
    """Talks SMTP for a batch while the calling thread renders the next email and marks the last.

    Each email's envelope (MAIL FROM, RCPT TO) goes out at once, but its DATA
    only after the calling thread has marked the previous email's row: a
    worker killed at any moment has delivered at most one email that its row
    does not show as sent. The waits on the SMTP server and on the database
    overlap, and rendering overlaps both.
    """

    def __init__(self, connection: SmtpBackend):
        super().__init__(name="outbox-smtp", daemon=True)
        self.connection = connection
        self.jobs: queue.SimpleQueue[_SmtpJob | None] = queue.SimpleQueue()
        self.done: queue.SimpleQueue[_SmtpJob] = queue.SimpleQueue()
        # Released once per job by the calling thread when it has recorded the
        # job's outcome; taken once per job before its DATA.
        self.previous_recorded = threading.Semaphore(1)
        self.stopping = False

    def run(self) -> None:
        while (job := self.jobs.get()) is not None:
            try:
                smtp = self._smtp()
                smtp.ehlo_or_helo_if_needed()
                _smtp_envelope(smtp, job.sender, job.recipients)
            except Exception as error:  # noqa: BLE001 - recorded on the row
                job.error = error
            self.previous_recorded.acquire()
            if self.stopping:
                break
            if job.error is None:
                try:
                    _smtp_data(self.connection.connection, job.payload)
                except Exception as error:  # noqa: BLE001 - recorded on the row
                    job.error = error
            if isinstance(job.error, smtplib.SMTPServerDisconnected | OSError):
                _reconnect(self.connection)
            self.done.put(job)

    def _smtp(self) -> smtplib.SMTP:
        if self.connection.connection is None:
            self.connection.open()
        return self.connection.connection

    def next_done(self) -> _SmtpJob:
        """The next email the thread is through with; an error if the thread died."""
        while True:
            try:
                return self.done.get(timeout=1.0)
            except queue.Empty:
                if not self.is_alive():
                    raise RuntimeError("The outbox's SMTP thread stopped") from None

    def stop(self) -> None:
        self.stopping = True
        self.jobs.put(None)
        self.previous_recorded.release()
        self.join(timeout=settings.EMAIL_TIMEOUT + 5)


def _smtp_envelope(smtp: smtplib.SMTP, sender: str, recipients: list[str]) -> None:
    """MAIL FROM and RCPT TO as smtplib.sendmail sends them, raising as it does."""
    code, response = smtp.mail(sender)
    if code != 250:
        if code == 421:
            smtp.close()
        else:
            smtp.rset()
        raise smtplib.SMTPSenderRefused(code, response, sender)
    refused = {}
    for recipient in recipients:
        code, response = smtp.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, response)
        if code == 421:
            smtp.close()
            raise smtplib.SMTPRecipientsRefused(refused)
    if len(refused) == len(recipients):
        smtp.rset()
        raise smtplib.SMTPRecipientsRefused(refused)


def _smtp_data(smtp: smtplib.SMTP, payload: bytes) -> None:
    code, response = smtp.data(payload)
    if code != 250:
        if code == 421:
            smtp.close()
        else:
            smtp.rset()
        raise smtplib.SMTPDataError(code, response)


def _send_pipelined(rows, connection: SmtpBackend, templates, suppressed, counts) -> None:
    sender = _SmtpSender(connection)
    sender.start()
    in_flight = 0
    # The sender thread needs the GIL back as soon as the server answers; by
    # default the rendering thread could keep it for 5 ms.
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(min(switch_interval, SWITCH_INTERVAL))
    try:
        for row in rows:
            outcome, message = _prepare(row, templates, suppressed)
            if message is None:
                counts[outcome] += 1
                continue
            sender.jobs.put(
                _SmtpJob(
                    row=row,
                    message=message,
                    sender=_header_address(message.from_email),
                    recipients=[_header_address(address) for address in message.recipients()],
                    payload=message_bytes(message),
                )
            )
            in_flight += 1
            # Wait for the email before this one while the sender starts on this one.
            if in_flight > 1:
                counts[_record_job(sender.next_done())] += 1
                in_flight -= 1
                sender.previous_recorded.release()
        while in_flight:
            counts[_record_job(sender.next_done())] += 1
            in_flight -= 1
            sender.previous_recorded.release()
    finally:
        sys.setswitchinterval(switch_interval)
        sender.stop()


def _record_job(job: _SmtpJob) -> str:
    if job.error is not None:
        return _record_failure(job.row, job.error)
    return _record_sent(job.row, job.message)


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
        retry_instead = EMAIL_KINDS[row.kind].retry_instead
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
    batch_size = batch_size or settings.OUTBOX_BATCH_SIZE
    totals = {"sent": 0, "retry": 0, "failed": 0, "suppressed": 0}
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


@shared_task(name="invitations.drain_outbox", ignore_result=True)
def drain_outbox(*, batch_size: int | None = None) -> dict[str, int]:
    return drain(batch_size=batch_size)


@shared_task(name="invitations.sweep_outbox", ignore_result=True)
def sweep_outbox() -> None:
    released = release_stuck()
    if released:
        logger.warning("Handed back %s outbox emails stuck in sending", released)
    if OutboxEmail.objects.due().exists():
        dispatch_drains(1)
