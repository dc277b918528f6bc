"""Who a campaign reaches from its segment, and who it leaves out and why."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from ..models import Campaign, Invitation, Leaver, Segment
from ..register.filters import segment_leavers

# Campaigns whose invitations still count as open: their people are not invited again.
OPEN_STATUSES = (Campaign.Status.SENDING, Campaign.Status.PAUSED)

EXCLUSION_REASONS = {
    "member": _("Already members"),
    "suppressed": _("Asked not to be contacted, or their address bounced"),
    "no_email": _("No email address"),
    "declined": _("Declined an earlier invitation"),
    "invited": _("Already invited in an open campaign"),
}


# The audience ---------------------------------------------------------------------------


def _open_invitation_of_leaver():
    return Invitation.objects.filter(
        leaver=OuterRef("pk"), status=Invitation.Status.PENDING
    ).filter(Q(campaign__isnull=True) | Q(campaign__status__in=OPEN_STATUSES))


def _with_exclusion_reason(leavers: QuerySet) -> QuerySet:
    """Each leaver annotated with why a campaign leaves them out ("" = invited)."""
    return leavers.annotate(
        exclusion=Case(
            When(Q(member__isnull=False) | Q(status=Leaver.Status.JOINED), then=Value("member")),
            When(status=Leaver.Status.SUPPRESSED, then=Value("suppressed")),
            When(email="", then=Value("no_email")),
            When(status=Leaver.Status.DECLINED, then=Value("declined")),
            When(Exists(_open_invitation_of_leaver()), then=Value("invited")),
            default=Value(""),
        )
    )


@dataclass(frozen=True)
class Audience:
    recipients: int
    excluded: list[tuple[str, str, int]]  # (reason, label, count), every reason listed

    @property
    def excluded_total(self) -> int:
        return sum(count for _reason, _label, count in self.excluded)

    @property
    def total(self) -> int:
        return self.recipients + self.excluded_total


def audience(*, segment: Segment) -> Audience:
    """How many of the segment a campaign would invite now, and who it leaves out, by reason."""
    counts = dict(
        _with_exclusion_reason(segment_leavers(segment))
        .order_by()
        .values_list("exclusion")
        .annotate(count=Count("pk"))
    )
    return Audience(
        recipients=counts.get("", 0),
        excluded=[(key, label, counts.get(key, 0)) for key, label in EXCLUSION_REASONS.items()],
    )


def excluded_sample(*, segment: Segment, limit: int = 20) -> list:
    """A few of those left out, with their reason, so HR sees who they are."""
    return list(
        _with_exclusion_reason(segment_leavers(segment))
        .exclude(exclusion="")
        .order_by("last_name", "first_name", "pk")[:limit]
    )


def recipients(*, segment: Segment) -> QuerySet:
    return _with_exclusion_reason(segment_leavers(segment)).filter(exclusion="")


def _preferred_languages(leaver_ids) -> dict[int, str]:
    """English only for those known to prefer it (they asked to join in English)."""
    return dict(
        Invitation.objects.filter(leaver_id__in=leaver_ids, campaign__isnull=True)
        .exclude(language=settings.LANGUAGE_CODE)
        .values_list("leaver_id", "language")
    )
