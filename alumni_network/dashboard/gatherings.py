"""Gatherings held in the period: invited, yes, checked in, no-shows and network growth."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from gatherings.aftermath.growth import Growth, growth_for
from gatherings.models import Gathering, Rsvp

from .periods import Period

CONFIRMED = Q(rsvps__answer=Rsvp.Answer.YES, rsvps__waitlist_position__isnull=True)


@dataclass(frozen=True)
class GatheringRow:
    pk: int
    title: str
    start: datetime
    invited: int
    yes: int
    checked_in: int
    no_shows: int
    new_connections: int

    @property
    def has_data(self) -> bool:
        """Nobody answered yes or checked in: nothing to measure yet."""
        return bool(self.yes or self.checked_in)

    @property
    def no_show_percent(self) -> int | None:
        return round(100 * self.no_shows / self.yes) if self.yes else None


def gathering_rows(period: Period, *, now: datetime) -> list[GatheringRow]:
    """Gatherings that have started in the period, oldest first, in three queries."""
    gatherings = Gathering.objects.filter(start__lte=now).exclude(
        status__in=[Gathering.Status.DRAFT, Gathering.Status.CANCELLED]
    )
    if period.since:
        gatherings = gatherings.filter(start__gte=period.since)
    rows = list(
        gatherings.annotate(
            invited=Count("rsvps"),
            yes=Count("rsvps", filter=CONFIRMED),
            checked_in=Count("rsvps", filter=Q(rsvps__checked_in_at__isnull=False)),
        )
        .order_by("start", "pk")
        .values("pk", "title", "start", "invited", "yes", "checked_in")
    )
    growth = growth_for([row["pk"] for row in rows]) if rows else {}
    return [_row(row, growth.get(row["pk"], Growth())) for row in rows]


def _row(row: dict, growth: Growth) -> GatheringRow:
    return GatheringRow(**row, no_shows=growth.no_shows, new_connections=growth.new_connections)
