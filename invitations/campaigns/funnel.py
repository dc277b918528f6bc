"""A campaign's funnel: invited, joined, declined, unsubscribed, bounced."""

from dataclasses import dataclass, fields

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Subquery

from alumni_network.mail.models import OutboxEmail

from ..models import Campaign, Invitation
from .emails import INVITATION_KIND
from .lifecycle import IN_FLIGHT
from .reminders import remindable

# The funnel -----------------------------------------------------------------------------


@dataclass
class Funnel:
    recipients: int = 0
    sent: int = 0
    failed: int = 0
    bounced: int = 0
    joined: int = 0
    declined: int = 0
    unsubscribed: int = 0
    pending_reminders: int = 0
    # Invitation emails not handled yet (queued, sending or held), and those never sent
    # because the address was suppressed or the campaign stopped.
    in_flight: int = 0
    not_sent: int = 0

    @property
    def processed(self) -> int:
        return self.recipients - self.in_flight

    @property
    def percent(self) -> int:
        return 100 if not self.recipients else round(100 * self.processed / self.recipients)

    @property
    def answered(self) -> int:
        return self.joined + self.declined + self.unsubscribed

    def add(self, other: "Funnel") -> None:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))


def campaign_funnels(*, campaign_ids: list[int] | None = None) -> dict[int, Funnel]:
    """The funnel of each campaign, in two grouped queries whatever the number of campaigns."""
    invitations = Invitation.objects.filter(campaign__isnull=False)
    if campaign_ids is not None:
        invitations = invitations.filter(campaign_id__in=campaign_ids)
    first_email = OutboxEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(Invitation),
        object_id=OuterRef("pk"),
        kind=INVITATION_KIND,
    ).order_by("pk")
    rows = (
        invitations.annotate(mail=Subquery(first_email.values("status")[:1]))
        .order_by()
        .values_list("campaign_id", "status", "mail")
        .annotate(count=Count("pk"))
    )
    funnels: dict[int, Funnel] = {}
    for campaign_id, status, mail, count in rows:
        funnel = funnels.setdefault(campaign_id, Funnel())
        funnel.recipients += count
        if mail == OutboxEmail.Status.SENT:
            funnel.sent += count
        elif mail == OutboxEmail.Status.FAILED:
            funnel.failed += count
        elif mail in IN_FLIGHT:
            funnel.in_flight += count
        else:
            funnel.not_sent += count
        if status in ("joined", "declined", "unsubscribed", "bounced"):
            setattr(funnel, status, getattr(funnel, status) + count)
    pending = (
        remindable(invitations.filter(campaign__status=Campaign.Status.SENDING))
        .order_by()
        .values_list("campaign_id")
        .annotate(count=Count("pk"))
    )
    for campaign_id, count in pending:
        funnels.setdefault(campaign_id, Funnel()).pending_reminders = count
    return funnels


def overall_funnel(funnels: dict[int, Funnel]) -> Funnel:
    total = Funnel()
    for funnel in funnels.values():
        total.add(funnel)
    return total
