"""What the mail app holds about one person: the emails sent to them and their suppression.

Members call these directly (mail is the layer below), for "download my data"
and for erasure; nothing here knows who a member is, only their addresses.
"""

import json
import re
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from .kinds import kind_label
from .models import MailEvent, OutboxEmail, Suppression, email_hash, normalise_email


def _iso(value):
    return value.isoformat() if value else None


# What a still-to-be-sent email says where it named an erased person.
ERASED_MENTION = "–"
# Rows that have gone out (or never will): their data is kept only for the record.
DONE = [
    OutboxEmail.Status.SENT,
    OutboxEmail.Status.FAILED,
    OutboxEmail.Status.SUPPRESSED,
    OutboxEmail.Status.CANCELLED,
]


def _to_any_of(emails) -> QuerySet[OutboxEmail]:
    addresses = sorted({normalise_email(e) for e in emails if e})
    return OutboxEmail.objects.annotate(address=Lower("to_email")).filter(address__in=addresses)


def emails_sent_to(emails) -> list[dict]:
    """The outbox rows addressed to any of `emails`, oldest first.

    Never the row's data: it may hold a login code or a reset link.
    """
    rows = _to_any_of(emails).order_by("created_at", "pk")
    return [
        {
            "to": row.to_email,
            "kind": row.kind,
            "kind_label": kind_label(row.kind),
            "subject": str(row.data.get("subject", "")) if isinstance(row.data, dict) else "",
            "status": row.status,
            "created_at": _iso(row.created_at),
            "sent_at": _iso(row.sent_at),
        }
        for row in rows
    ]


def suppressions_of(emails) -> list[dict]:
    """The suppression entries of `emails`: only the hash is kept, so only the hash is shown."""
    hashes = {email_hash(e) for e in emails if e}
    return [
        {"email_hash": s.email_hash, "reason": s.reason, "created_at": _iso(s.created_at)}
        for s in Suppression.objects.filter(email_hash__in=hashes).order_by("created_at", "pk")
    ]


def events_about(emails) -> list[dict]:
    """What email providers reported about `emails` (bounces, complaints), oldest first."""
    hashes = {email_hash(e) for e in emails if e}
    return [
        {
            "type": event.type,
            "type_label": str(event.get_type_display()),
            "occurred_at": _iso(event.occurred_at),
            "detail": event.detail,
        }
        for event in MailEvent.objects.filter(email_hash__in=hashes).order_by("occurred_at", "pk")
    ]


def forget_emails_to(emails) -> int:
    """Delete every outbox row addressed to any of `emails`; how many went.

    The provider's events about the addresses go too (their detail may quote
    the address): only the suppression entry is kept.
    """
    MailEvent.objects.filter(email_hash__in={email_hash(e) for e in emails if e}).delete()
    return _to_any_of(emails).delete()[0]


def mentioning(field: str, texts) -> Q:
    """Rows whose JSON `field` holds any of `texts`, however the backend stores non-ASCII."""
    forms = {form for text in texts if text for form in (text, json.dumps(text)[1:-1])}
    return reduce(or_, (Q(**{f"{field}__icontains": form}) for form in forms), Q(pk__in=[]))


def _without(value, pattern: re.Pattern):
    if isinstance(value, dict):
        return {key: _without(item, pattern) for key, item in value.items()}
    if isinstance(value, list):
        return [_without(item, pattern) for item in value]
    return pattern.sub(ERASED_MENTION, value) if isinstance(value, str) else value


def forget_mentions(texts) -> None:
    """Emails to others that name the person (a coordinator's name, a request to join).

    Sent ones lose their data, kept only for the record; one still to go keeps
    its data with the person's name and address taken out, so it still renders.
    """
    texts = sorted({t for t in texts if t}, key=len, reverse=True)
    if not texts:
        return
    pattern = re.compile("|".join(re.escape(t) for t in texts), re.IGNORECASE)
    rows = OutboxEmail.objects.filter(mentioning("data", texts))
    rows.filter(status__in=DONE).update(data={})
    for row in rows.exclude(status__in=DONE).only("pk", "data"):
        OutboxEmail.objects.filter(pk=row.pk).update(data=_without(row.data, pattern))
