"""How much a gathering widened the network: new connections, newcomers, no-shows.

Set-based: `growth_for` answers for any number of gatherings in two queries
(the HR dashboard asks for many at once; one gathering's page asks for one).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from ..models import Connection, Gathering, Rsvp

CHECKED_IN = Q(checked_in_at__isnull=False)
NO_SHOW = Q(answer=Rsvp.Answer.YES, waitlist_position__isnull=True, checked_in_at__isnull=True)


@dataclass(frozen=True)
class Growth:
    # Checked in at the gathering (members; guests are not counted).
    attendees: int = 0
    # Checked in at an earlier gathering too, or not.
    returning: int = 0
    first_time: int = 0
    # Confirmed Yes, never checked in.
    no_shows: int = 0
    # Pairs connected at this gathering.
    connections: int = 0
    # Of those, pairs with no connection recorded at an earlier gathering.
    new_connections: int = 0
    # Attendees in at least one new pair.
    met_someone_new: int = 0

    @property
    def share_met_someone_new(self) -> float | None:
        """0.0-1.0, or None when nobody was checked in."""
        return self.met_someone_new / self.attendees if self.attendees else None


def _attendance(gathering_ids) -> dict[int, dict]:
    earlier_visit = Rsvp.objects.filter(
        CHECKED_IN,
        member_id=OuterRef("member_id"),
        gathering__start__lt=OuterRef("gathering__start"),
    )
    rows = (
        Rsvp.objects.filter(gathering_id__in=gathering_ids)
        .alias(came_before=Exists(earlier_visit))
        .values("gathering_id")
        .annotate(
            attendees=Count("pk", filter=CHECKED_IN),
            returning=Count("pk", filter=CHECKED_IN & Q(came_before=True)),
            no_shows=Count("pk", filter=NO_SHOW),
        )
        .order_by()
    )
    return {row.pop("gathering_id"): row for row in rows}


def _connections(gathering_ids) -> dict[int, list[tuple[int, int, bool]]]:
    """Per gathering: (low, high, new) for each pair connected there."""
    met_earlier = Connection.objects.filter(
        member_low_id=OuterRef("member_low_id"),
        member_high_id=OuterRef("member_high_id"),
        gathering__start__lt=OuterRef("gathering__start"),
    )
    rows = (
        Connection.objects.filter(gathering_id__in=gathering_ids)
        .annotate(met_earlier=Exists(met_earlier))
        .values_list("gathering_id", "member_low_id", "member_high_id", "met_earlier")
        .order_by()
    )
    pairs = defaultdict(list)
    for gathering_id, low, high, earlier in rows:
        pairs[gathering_id].append((low, high, not earlier))
    return pairs


def growth_for(gathering_ids) -> dict[int, Growth]:
    """Growth of each gathering by id; a gathering with no answers gets zeros."""
    ids = list(gathering_ids)
    attendance = _attendance(ids)
    connections = _connections(ids)
    result = {}
    for gathering_id in ids:
        counts = attendance.get(gathering_id, {"attendees": 0, "returning": 0, "no_shows": 0})
        pairs = connections.get(gathering_id, [])
        new_pairs = [(low, high) for low, high, new in pairs if new]
        result[gathering_id] = Growth(
            attendees=counts["attendees"],
            returning=counts["returning"],
            first_time=counts["attendees"] - counts["returning"],
            no_shows=counts["no_shows"],
            connections=len(pairs),
            new_connections=len(new_pairs),
            met_someone_new=len({person for pair in new_pairs for person in pair}),
        )
    return result


def growth_of(*, gathering: Gathering) -> Growth:
    return growth_for([gathering.pk])[gathering.pk]
