"""The way from the register back to work: register → invited → joined → came to a
gathering → came back to work, with declined, unsubscribed and bounced on the side.

Overall, each stage counts what happened in the period (people added to the register,
first invited, joined, checked in, rehired); per campaign, the campaign's own funnel
from `invitations.campaigns.funnel` plus how many of those who joined came further.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from gatherings.models import Rsvp
from invitations.campaigns.funnel import Funnel, campaign_funnels
from invitations.campaigns.models import Campaign, Invitation
from invitations.models import Leaver
from members.models import Member, Rehire

from .periods import Period

STAGES = ("register", "invited", "joined", "attended", "rehired")
SIDE = ("declined", "unsubscribed", "bounced")


@dataclass(frozen=True)
class Stages:
    register: int = 0
    invited: int = 0
    joined: int = 0
    attended: int = 0
    rehired: int = 0
    declined: int = 0
    unsubscribed: int = 0
    bounced: int = 0


@dataclass(frozen=True)
class CampaignRow:
    pk: int
    name: str
    status: str
    funnel: Funnel
    attended: int
    rehired: int


def overall_stages(period: Period) -> Stages:
    """Five small aggregates, each over a time column of its own table."""
    since = period.since
    leavers = Leaver.objects.all()
    invitations = Invitation.objects.all()
    members = Member.objects.all()
    visits = Rsvp.objects.filter(checked_in_at__isnull=False)
    rehires = Rehire.objects.all()
    if since:
        leavers = leavers.filter(created_at__gte=since)
        invitations = invitations.filter(created_at__gte=since)
        members = members.filter(joined_at__gte=since)
        visits = visits.filter(checked_in_at__gte=since)
        rehires = rehires.filter(rehired_on__gte=since.date())
    answered = Invitation.objects.filter(status__in=SIDE)
    if since:
        answered = answered.filter(responded_at__gte=since)
    side = answered.aggregate(
        **{status: Count("leaver_id", distinct=True, filter=Q(status=status)) for status in SIDE}
    )
    return Stages(
        register=leavers.count(),
        invited=invitations.aggregate(n=Count("leaver_id", distinct=True))["n"],
        joined=members.count(),
        attended=visits.aggregate(n=Count("member_id", distinct=True))["n"],
        rehired=rehires.aggregate(n=Count("member_id", distinct=True))["n"],
        **side,
    )


def campaign_rows(period: Period) -> list[CampaignRow]:
    """Each campaign that ran in the period with its funnel, newest first."""
    campaigns = Campaign.objects.exclude(status=Campaign.Status.DRAFT).order_by("-created_at")
    if period.since:
        campaigns = campaigns.filter(
            Q(started_at__gte=period.since) | Q(created_at__gte=period.since)
        )
    campaigns = list(campaigns.values_list("pk", "name", "status"))
    ids = [pk for pk, _name, _status in campaigns]
    funnels = campaign_funnels(campaign_ids=ids) if ids else {}
    further = _joined_and_further(ids)
    return [
        CampaignRow(
            pk=pk,
            name=name,
            status=status,
            funnel=funnels.get(pk, Funnel()),
            attended=further.get(pk, {}).get("attended", 0),
            rehired=further.get(pk, {}).get("rehired", 0),
        )
        for pk, name, status in campaigns
    ]


def _joined_and_further(campaign_ids: list[int]) -> dict[int, dict]:
    """Per campaign: of those who joined through it, how many came to a gathering or back."""
    if not campaign_ids:
        return {}
    came = Rsvp.objects.filter(member_id=OuterRef("leaver__member"), checked_in_at__isnull=False)
    back = Rehire.objects.filter(member_id=OuterRef("leaver__member"))
    rows = (
        Invitation.objects.filter(campaign_id__in=campaign_ids, status=Invitation.Status.JOINED)
        .alias(came=Exists(came), back=Exists(back))
        .order_by()
        .values("campaign_id")
        .annotate(
            attended=Count("pk", filter=Q(came=True)), rehired=Count("pk", filter=Q(back=True))
        )
    )
    return {row.pop("campaign_id"): row for row in rows}
