"""Unsubscribing from bulk email by the signed link every bulk email carries."""

from django.core import signing

from .models import OutboxEmail, Suppression
from .rendering import UNSUBSCRIBE_SALT
from .suppression import is_suppressed, suppress_email


class InvalidLink(Exception):
    """The link was forged, changed or points at nothing we know."""


def email_for_unsubscribe_token(token: str) -> str:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as error:
        raise InvalidLink from error
    address = OutboxEmail.objects.filter(pk=pk).values_list("to_email", flat=True).first()
    if not address:
        raise InvalidLink
    return address


def unsubscribe(*, email: str) -> bool:
    """Suppress the address for bulk email; False when it already was."""
    if is_suppressed(email):
        return False
    suppress_email(email=email, reason=Suppression.Reason.OPTED_OUT)
    return True
