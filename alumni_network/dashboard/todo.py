"""What needs doing: each item says how many and links to where it is fixed."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.mfa.models import Authenticator
from django.db.models import Count, Exists, OuterRef, Q

from alumni_network.mail.models import OutboxEmail
from gatherings.models import AgendaItem, Gathering
from invitations.campaigns.models import Campaign, Invitation, JoinRequest
from invitations.campaigns.reminders import remindable
from invitations.register.retention import due_for_purge
from members.models import User

SOON = timedelta(days=30)


@dataclass(frozen=True)
class UnreadyGathering:
    pk: int
    title: str
    start: datetime
    without_host: bool
    without_agenda: bool


@dataclass(frozen=True)
class ReminderCampaign:
    pk: int
    name: str
    due: int


@dataclass(frozen=True)
class Todo:
    unready_gatherings: list[UnreadyGathering]
    reminder_campaigns: list[ReminderCampaign]
    pending_join_requests: int
    failed_emails: int
    leavers_due_for_purge: int
    coordinators: int
    coordinators_without_mfa: int
    # Not a to-do: shown with the system's state.
    queued_emails: int

    @property
    def empty(self) -> bool:
        return not (
            self.unready_gatherings
            or self.reminder_campaigns
            or self.pending_join_requests
            or self.failed_emails
            or self.leavers_due_for_purge
            or self.coordinators_without_mfa
        )


def what_needs_doing(*, now: datetime) -> Todo:
    coordinators = _coordinators()
    return Todo(
        unready_gatherings=unready_gatherings(now=now),
        reminder_campaigns=campaigns_with_reminders_due(now=now),
        pending_join_requests=JoinRequest.objects.filter(status=JoinRequest.Status.PENDING).count(),
        failed_emails=OutboxEmail.objects.filter(status=OutboxEmail.Status.FAILED).count(),
        leavers_due_for_purge=due_for_purge(now=now).count(),
        coordinators=coordinators["total"],
        coordinators_without_mfa=coordinators["total"] - coordinators["with_mfa"],
        queued_emails=OutboxEmail.objects.filter(status=OutboxEmail.Status.QUEUED).count(),
    )


def unready_gatherings(*, now: datetime) -> list[UnreadyGathering]:
    """Gatherings in the next 30 days that still lack a host or an agenda."""
    rows = (
        Gathering.objects.filter(start__gt=now, start__lte=now + SOON)
        .exclude(status=Gathering.Status.CANCELLED)
        .annotate(has_agenda=Exists(AgendaItem.objects.filter(gathering=OuterRef("pk"))))
        .filter(Q(host__isnull=True) | Q(has_agenda=False))
        .order_by("start", "pk")
        .values_list("pk", "title", "start", "host_id", "has_agenda")
    )
    return [
        UnreadyGathering(
            pk=pk, title=title, start=start, without_host=host is None, without_agenda=not agenda
        )
        for pk, title, start, host, agenda in rows
    ]


def campaigns_with_reminders_due(*, now: datetime) -> list[ReminderCampaign]:
    """Sending campaigns with invitations whose next reminder is due, in two queries."""
    campaigns = dict(
        Campaign.objects.filter(status=Campaign.Status.SENDING, reminder_count__gt=0).values_list(
            "pk", "reminder_interval_days"
        )
    )
    if not campaigns:
        return []
    # Each campaign has its own interval: one OR of (campaign, cutoff) pairs.
    due = Q()
    for pk, days in campaigns.items():
        due |= Q(campaign_id=pk, last_contacted_at__lte=now - timedelta(days=days))
    rows = (
        remindable(Invitation.objects.filter(due))
        .order_by()
        .values_list("campaign_id", "campaign__name")
        .annotate(count=Count("pk"))
        .order_by("campaign__name")
    )
    return [ReminderCampaign(pk=pk, name=name, due=count) for pk, name, count in rows]


def _coordinators() -> dict:
    return User.objects.filter(is_staff=True, is_active=True).aggregate(
        total=Count("pk", distinct=True),
        with_mfa=Count("pk", distinct=True, filter=Q(authenticator__type=Authenticator.Type.TOTP)),
    )
