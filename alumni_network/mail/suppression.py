"""The suppression list: addresses that asked not to be contacted, bounced or were erased."""

from django.db import transaction

from .models import Suppression, email_hash, normalise_email
from .signals import address_suppressed


@transaction.atomic
def suppress_email(*, email: str, reason: str) -> Suppression | None:
    """Suppress an address for good and tell the apps that keep people by address.

    The first reason recorded stays; suppressing again is harmless.
    """
    normalised = normalise_email(email)
    if not normalised:
        return None
    suppression, _created = Suppression.objects.get_or_create(
        email_hash=email_hash(normalised), defaults={"reason": reason}
    )
    address_suppressed.send(sender=Suppression, email=normalised, reason=reason)
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
