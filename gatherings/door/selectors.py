"""Reads for the door: who matches a few typed letters, and the live count."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from members import privacy
from members.models import Member

from ..models import Gathering, Guest, Rsvp
from ..planning import audience_members
from ..selectors import CONFIRMED
from .checkin import rsvp_for_code

RESULT_LIMIT = 12

STATE_LABELS = {
    "confirmed": _("Confirmed"),
    "waitlisted": _("Waiting list"),
    "not_answered": _("Not answered"),
    "walk_in": _("Walk-in"),
}


@dataclass(frozen=True)
class Found:
    """One person the door can check in, as the organiser may see them."""

    name: str
    # Title and employer where the privacy rule lets the viewer see them: two
    # people of the same name are told apart.
    work: str
    # "confirmed", "waitlisted", "not_answered" or "walk_in" (no answer row, or no or maybe).
    state: str
    rsvp_id: int | None
    member_id: int
    checked_in_at: datetime | None

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def walk_in(self) -> bool:
        return self.state not in ("confirmed", "waitlisted")


@dataclass(frozen=True)
class DoorCounts:
    arrived: int
    confirmed: int
    # Checked in without a confirmed seat (not answered, no, maybe or no answer row).
    walk_ins: int
    guests: int


def door_counts(*, gathering: Gathering) -> DoorCounts:
    """Arrived against confirmed, walk-ins and guests: two queries."""
    row = Rsvp.objects.filter(gathering=gathering).aggregate(
        arrived=Count("pk", filter=Q(checked_in_at__isnull=False)),
        confirmed=Count("pk", filter=CONFIRMED),
        walk_ins=Count("pk", filter=Q(checked_in_at__isnull=False) & ~CONFIRMED),
    )
    return DoorCounts(**row, guests=Guest.objects.filter(gathering=gathering).count())


def _state(rsvp: Rsvp | None) -> str:
    if rsvp is None or rsvp.answer in (Rsvp.Answer.NO, Rsvp.Answer.MAYBE):
        return "walk_in"
    if rsvp.confirmed:
        return "confirmed"
    if rsvp.waitlisted:
        return "waitlisted"
    return "not_answered"


def _name_q(query: str, prefix: str = "") -> Q:
    """Every typed word starts the first or last name (or a later word of either)."""
    condition = Q()
    for word in query.split()[:4]:
        word_q = Q()
        for field in ("first_name", "last_name"):
            lookup = f"{prefix}user__{field}"
            word_q |= Q(**{f"{lookup}__istartswith": word}) | Q(
                **{f"{lookup}__icontains": f" {word}"}
            )
            word_q |= Q(**{f"{lookup}__icontains": f"-{word}"})
        condition &= word_q
    return condition


def _found(rsvp: Rsvp | None, member: Member, card) -> Found:
    return Found(
        name=str(card.name),
        work=card.work,
        state=_state(rsvp),
        rsvp_id=rsvp.pk if rsvp else None,
        member_id=member.pk,
        checked_in_at=rsvp.checked_in_at if rsvp else None,
    )


def _cards(members: list[Member], viewer) -> dict:
    """Name and work as the privacy rule shapes them, for the members the viewer may see."""
    shown = [m for m in members if privacy.can_view_profile(member=m, viewer=viewer)]
    cards = privacy.directory_cards(members=shown, viewer=viewer, competences={})
    return {card.pk: card for card in cards}


def search(*, gathering: Gathering, query: str, viewer) -> list[Found]:
    """People matching a name (or a personal code): those with an answer first, then
    members of the audience without one (walk-ins). Three queries at most."""
    query = " ".join(query.split())
    if len(query) < 2:
        return []
    by_code = rsvp_for_code(gathering=gathering, typed=query)
    if by_code is not None:
        # Holding the code is proof enough: found whatever the directory settings.
        card = privacy.directory_cards(members=[by_code.member], viewer=viewer, competences={})
        return [_found(by_code, by_code.member, card[0])]
    rsvps = list(
        Rsvp.objects.filter(_name_q(query, "member__"), gathering=gathering)
        .filter(member__user__is_active=True)
        .select_related("member__user", "member__employer")
        .order_by("member__user__first_name", "member__user__last_name", "pk")[:RESULT_LIMIT]
    )
    others = list(
        audience_members(gathering=gathering)
        .filter(_name_q(query))
        .exclude(rsvps__gathering=gathering)
        .select_related("user", "employer")
        .order_by("user__first_name", "user__last_name", "pk")[: RESULT_LIMIT - len(rsvps)]
    )
    cards = _cards([r.member for r in rsvps] + others, viewer)
    found = [_found(r, r.member, cards[r.member_id]) for r in rsvps if r.member_id in cards]
    found += [_found(None, m, cards[m.pk]) for m in others if m.pk in cards]
    return found


def guests(*, gathering: Gathering) -> list[Guest]:
    return list(Guest.objects.filter(gathering=gathering).order_by("-checked_in_at", "-pk"))
