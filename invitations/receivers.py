"""What the register does when an address is suppressed, or a member erased or exported."""

from django.utils import timezone

from alumni_network.mail.models import Suppression
from alumni_network.mail.suppression import suppress_email

from .models import Invitation, Leaver


def mark_suppressed_leavers(sender, *, email: str, reason: str, **kwargs) -> None:
    """Everyone in the register with the address is suppressed; their open invitations answered."""
    Leaver.objects.with_email(email).exclude(status=Leaver.Status.SUPPRESSED).update(
        status=Leaver.Status.SUPPRESSED
    )
    # Reminders stop, and the funnel says why.
    Invitation.objects.filter(leaver__email=email, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.BOUNCED
        if reason in Suppression.UNDELIVERABLE
        else Invitation.Status.UNSUBSCRIBED,
        responded_at=timezone.now(),
    )


def suppress_erased_email(sender, *, email: str, **kwargs) -> None:
    """An erased member is never invited again, however a later register spells the address."""
    suppress_email(email=email, reason=Suppression.Reason.ERASED)


def register_data_of_member(sender, *, member, **kwargs):
    """The member's own register entry joins "download my data"."""
    leaver = Leaver.objects.filter(member=member).first()
    if leaver is None:
        return None
    fields = ["employee_number", "first_name", "last_name", "email", "phone", "department"]
    fields += ["title", "location", "hired_on", "left_on", "status"]
    data = {name: getattr(leaver, name) for name in fields}
    for name in ("hired_on", "left_on"):
        data[name] = data[name].isoformat() if data[name] else None
    return "leavers_register", data
