"""Who is coming to a gathering, as one member may see it on the gathering's page."""

from dataclasses import dataclass

from members.access import request_member
from members.directory import findable_cards
from members.models import Member
from members.privacy import ProfileView

from .models import Gathering, Rsvp
from .selectors import CONFIRMED

# Enough faces to see who is there; the rest are counted, so the page stays short.
SHOWN_AT_MOST = 24


@dataclass(frozen=True)
class Coming:
    """Others with a seat: those shown by name, and how many more are not shown."""

    people: list[ProfileView]
    more: int


def who_is_coming(*, gathering: Gathering, viewer, limit: int = SHOWN_AT_MOST) -> Coming:
    """The others who said yes and have a seat, shown only if `viewer` may find them in
    the directory, with what of them `viewer` may see (members.privacy). Two queries."""
    others = Rsvp.objects.filter(CONFIRMED, gathering=gathering)
    if (own := request_member(viewer)) is not None:
        others = others.exclude(member=own)
    total = others.count()
    if not total:
        return Coming(people=[], more=0)
    people = findable_cards(
        members=Member.objects.filter(pk__in=others.values("member_id")),
        viewer=viewer,
        limit=limit,
    )
    return Coming(people=people, more=total - len(people))
