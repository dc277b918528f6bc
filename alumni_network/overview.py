"""What the coordinator sees first in /hr/: the week's numbers and what needs attention."""

from dataclasses import dataclass
from datetime import timedelta

from allauth.mfa.models import Authenticator
from django.db.models import Count, Q
from django.utils import timezone

from alumni_network.mail.models import OutboxEmail
from gatherings.models import Gathering
from gatherings.selectors import Counts, answer_counts
from invitations.campaigns.models import Campaign, JoinRequest
from invitations.models import Leaver
from members.models import Member, User


@dataclass(frozen=True)
class Overview:
    member_count: int
    new_member_count: int
    leaver_count: int
    uninvited_count: int
    pending_join_requests: int
    failed_emails: int
    queued_emails: int
    active_campaigns: int
    staff_count: int
    staff_with_mfa_count: int
    next_gathering: Gathering | None
    next_gathering_counts: Counts | None


def hr_overview(*, now=None) -> Overview:
    now = now or timezone.now()
    members = Member.objects.aggregate(
        total=Count("pk"), new=Count("pk", filter=Q(joined_at__gte=now - timedelta(days=30)))
    )
    register = Leaver.objects.aggregate(
        total=Count("pk"),
        uninvited=Count("pk", filter=Q(status=Leaver.Status.IN_REGISTER) & ~Q(email="")),
    )
    outbox = OutboxEmail.objects.aggregate(
        failed=Count("pk", filter=Q(status=OutboxEmail.Status.FAILED)),
        queued=Count("pk", filter=Q(status=OutboxEmail.Status.QUEUED)),
    )
    staff = User.objects.filter(is_staff=True, is_active=True).aggregate(
        total=Count("pk", distinct=True),
        with_mfa=Count("pk", distinct=True, filter=Q(authenticator__type=Authenticator.Type.TOTP)),
    )
    next_gathering = (
        Gathering.objects.filter(status=Gathering.Status.PUBLISHED, start__gt=now)
        .select_related("host")
        .order_by("start")
        .first()
    )
    return Overview(
        member_count=members["total"],
        new_member_count=members["new"],
        leaver_count=register["total"],
        uninvited_count=register["uninvited"],
        pending_join_requests=JoinRequest.objects.filter(status=JoinRequest.Status.PENDING).count(),
        failed_emails=outbox["failed"],
        queued_emails=outbox["queued"],
        active_campaigns=Campaign.objects.filter(
            status__in=[Campaign.Status.SCHEDULED, Campaign.Status.SENDING, Campaign.Status.PAUSED]
        ).count(),
        staff_count=staff["total"],
        staff_with_mfa_count=staff["with_mfa"],
        next_gathering=next_gathering,
        next_gathering_counts=answer_counts(gathering=next_gathering) if next_gathering else None,
    )
