"""HR's digest of new requests to join: one email for many, each request listed once."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from alumni_network.mail.kinds import EmailContent
from alumni_network.mail.queueing import queue_email

from ..models import JoinRequest

# One digest lists at most this many; the rest wait for the next run.
DIGEST_SIZE = 200


def announce_join_requests(*, now=None) -> list[int]:
    """Queue one email to HR listing the waiting requests no digest has listed yet.

    The rows are locked (a second worker skips them) and marked by a conditional
    UPDATE in the transaction that queues the email, so each request is announced
    exactly once however many workers run this. Returns the ids announced.
    """
    now = now or timezone.now()
    with transaction.atomic():
        candidates = list(
            JoinRequest.objects.filter(status=JoinRequest.Status.PENDING, announced_at__isnull=True)
            .order_by("created_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:DIGEST_SIZE]
        )
        if not candidates:
            return []
        JoinRequest.objects.filter(pk__in=candidates, announced_at__isnull=True).update(
            announced_at=now
        )
        # Without row locks (SQLite) another run may have marked some first: they are its.
        announced = list(
            JoinRequest.objects.filter(pk__in=candidates, announced_at=now)
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)
        )
        if announced:
            queue_email(
                kind="join_requests_digest",
                to=settings.NETWORK_CONTACT_EMAIL,
                language=settings.LANGUAGE_CODE,
                data={"join_request_ids": announced},
                # A request is in one digest only, so its first id names the digest.
                dedupe_key=f"join-requests-digest:{announced[0]}",
            )
        return announced


def build_join_requests_digest(email) -> EmailContent:
    ids = email.data.get("join_request_ids", [])
    join_requests = JoinRequest.objects.filter(pk__in=ids).order_by("created_at", "pk")
    return EmailContent(
        context={
            "join_requests": list(join_requests),
            "join_requests_url": settings.SITE_URL + reverse("hr_invitations:join_requests"),
        }
    )
