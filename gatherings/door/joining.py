"""Asking a guest from the door to join the network, through the joining app's own path.

The network is HR's to open: a guest becomes a request to join (the same one
the public page makes), and HR's approval sends the join invitation through
the outbox. When HR asks, they approve it at once; when an organiser asks, the
request waits for HR like any other.
"""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from invitations.joining.requests import approve_join_request, request_to_join
from members.rules import is_coordinator

from ..models import Guest


@transaction.atomic
def invite_guest_to_join(*, guest: Guest, user) -> bool:
    """Ask the guest to join (once); True if this call asked, False if they were asked before."""
    asked = Guest.objects.filter(pk=guest.pk, invited_to_join_at__isnull=True).update(
        invited_to_join_at=timezone.now()
    )
    if not asked:
        return False
    message = gettext("Guest at %(gathering)s.") % {"gathering": guest.gathering.title}
    join_request = request_to_join(
        name=guest.name,
        email=guest.email,
        years="",
        department="",
        message=message,
        language=translation.get_language() or "nb",
    )
    if is_coordinator(user):
        approve_join_request(join_request=join_request, leaver=None, user=user)
    return True
