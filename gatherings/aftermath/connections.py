"""Who talked to whom: connections recorded by attendees after a gathering.

One row per pair and gathering, the lower member id first; either side
recording it is enough. Only two people who were both checked in at the
gathering can be connected there.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from members.models import Member
from members.privacy import directory_cards

from ..models import Connection, Gathering, Rsvp


def checked_in_ids(*, gathering: Gathering) -> set[int]:
    """Member ids checked in at the gathering."""
    return set(
        Rsvp.objects.filter(gathering=gathering, checked_in_at__isnull=False).values_list(
            "member_id", flat=True
        )
    )


def was_checked_in(*, gathering: Gathering, member: Member) -> bool:
    return Rsvp.objects.filter(
        gathering=gathering, member=member, checked_in_at__isnull=False
    ).exists()


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _involving(member_id: int) -> Q:
    return Q(member_low_id=member_id) | Q(member_high_id=member_id)


def met_at(*, gathering: Gathering, member: Member) -> set[int]:
    """The ids of the people `member` is connected with at this gathering (whoever recorded it)."""
    return set(recorders_at(gathering=gathering, member=member))


def recorders_at(*, gathering: Gathering, member: Member) -> dict[int, int | None]:
    """Person id -> who recorded the connection, for everyone `member` met at this gathering."""
    rows = Connection.objects.filter(_involving(member.pk), gathering=gathering).values_list(
        "member_low_id", "member_high_id", "recorded_by_id"
    )
    return {high if low == member.pk else low: recorder for low, high, recorder in rows}


@dataclass(frozen=True)
class Recorded:
    added: int
    removed: int
    # Ids that were asked for but were not there (or the member themselves): ignored.
    refused: frozenset[int] = field(default_factory=frozenset)


def record_connections(
    *,
    gathering: Gathering,
    member: Member,
    person_ids,
    shown_ids=(),
) -> Recorded:
    """Record that `member` talked to `person_ids` at `gathering`.

    `shown_ids` are the people the member's form listed: those among them not
    ticked lose this gathering's connection, but only one this member recorded
    (unticking means "I did not tick that", not "the other one was wrong").
    A task card lists nobody, so it only adds. Idempotent.
    """
    present = checked_in_ids(gathering=gathering)
    asked = {int(pk) for pk in person_ids}
    wanted = {pk for pk in asked if pk in present and pk != member.pk}
    unticked = {int(pk) for pk in shown_ids} - asked - {member.pk}
    with transaction.atomic():
        before = Connection.objects.filter(_involving(member.pk), gathering=gathering).count()
        Connection.objects.bulk_create(
            [
                Connection(
                    member_low_id=low,
                    member_high_id=high,
                    gathering=gathering,
                    recorded_by=member,
                )
                for low, high in sorted(_pair(member.pk, other) for other in wanted)
            ],
            ignore_conflicts=True,
        )
        added = (
            Connection.objects.filter(_involving(member.pk), gathering=gathering).count() - before
        )
        removed = 0
        if unticked:
            removed, _ = Connection.objects.filter(
                Q(member_low_id=member.pk, member_high_id__in=unticked)
                | Q(member_high_id=member.pk, member_low_id__in=unticked),
                gathering=gathering,
                recorded_by=member,
            ).delete()
    return Recorded(added=added, removed=removed, refused=frozenset(asked - wanted))


def remove_connection(*, member: Member, other_id: int) -> int:
    """Forget that `member` and `other_id` met, at every gathering; how many rows went."""
    low, high = _pair(member.pk, int(other_id))
    removed, _ = Connection.objects.filter(member_low_id=low, member_high_id=high).delete()
    return removed


def attendee_cards(*, gathering: Gathering, member: Member, viewer) -> list:
    """The other checked-in attendees `member` may tick, as directory cards for `viewer`.

    Only members in the directory with an active account: others are not shown to members.
    """
    others = (
        Member.objects.filter(
            rsvps__gathering=gathering,
            rsvps__checked_in_at__isnull=False,
            in_directory=True,
            user__is_active=True,
        )
        .exclude(pk=member.pk)
        .select_related("user", "employer")
        .order_by("user__first_name", "user__last_name", "pk")
    )
    return directory_cards(members=others, viewer=viewer, competences={})


@dataclass
class Meeting:
    gathering_id: int
    title: str
    start: object


@dataclass
class MetPerson:
    """Someone `member` is connected with, and where they met (newest first)."""

    pk: int
    card: object | None  # a ProfileView, or None for someone no longer shown to members
    meetings: list[Meeting] = field(default_factory=list)

    @property
    def last_met(self):
        return self.meetings[0].start if self.meetings else None


def people_met(*, member: Member, viewer) -> list[MetPerson]:
    """Everyone `member` is connected with, through the privacy rule, most recently met first.

    Three queries whatever the number: the connections with their gatherings,
    the people, and nothing per row.
    """
    rows = (
        Connection.objects.filter(_involving(member.pk))
        .select_related("gathering")
        .only(
            "member_low_id",
            "member_high_id",
            "gathering__id",
            "gathering__title",
            "gathering__start",
        )
        .order_by("-gathering__start", "pk")
    )
    people: dict[int, MetPerson] = {}
    for row in rows:
        other = row.member_high_id if row.member_low_id == member.pk else row.member_low_id
        person = people.setdefault(other, MetPerson(pk=other, card=None))
        person.meetings.append(
            Meeting(
                gathering_id=row.gathering_id,
                title=row.gathering.title,
                start=row.gathering.start,
            )
        )
    shown = Member.objects.filter(
        pk__in=people, in_directory=True, user__is_active=True
    ).select_related("user", "employer")
    for card in directory_cards(members=shown, viewer=viewer, competences={}):
        people[card.pk].card = card
    return list(people.values())
