"""The suppression list: addresses that asked not to be contacted, bounced or were erased."""

from django.db import transaction
from django.utils import timezone

from .models import Invitation, Leaver, Suppression, email_hash, normalise_email


@transaction.atomic
def suppress_email(*, email: str, reason: str) -> Suppression | None:
    """Suppress an address for good and mark every leaver with it as suppressed.

    The first reason recorded stays; suppressing again is harmless.
    """
    normalised = normalise_email(email)
    if not normalised:
        return None
    suppression, _created = Suppression.objects.get_or_create(
        email_hash=email_hash(normalised), defaults={"reason": reason}
    )
    Leaver.objects.with_email(normalised).exclude(status=Leaver.Status.SUPPRESSED).update(
        status=Leaver.Status.SUPPRESSED
    )
    # Their open invitations are answered: reminders stop and the funnel says why.
    Invitation.objects.filter(leaver__email=normalised, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.BOUNCED
        if reason == Suppression.Reason.BOUNCED
        else Invitation.Status.UNSUBSCRIBED,
        responded_at=timezone.now(),
    )
    return suppression


def is_suppressed(email: str) -> bool:
    normalised = normalise_email(email)
    return (
        bool(normalised) and Suppression.objects.filter(email_hash=email_hash(normalised)).exists()
    )


def suppressed_hashes(hashes) -> set[str]:
    """Which of these hashes are suppressed: one query for a whole batch."""
    hashes = list(hashes)
    if not hashes:
        return set()
    return set(
        Suppression.objects.filter(email_hash__in=hashes).values_list("email_hash", flat=True)
    )
