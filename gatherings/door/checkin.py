"""Checking people in at the door: members, walk-ins and guests, undo, and closing check-in.

Two organisers on two phones check people in at the same time, so every change
is one conditional UPDATE of the person's own row (`checked_in_at IS NULL`),
never a read, a decision in Python and a write: whichever phone comes second
finds the row taken and says when the person arrived. Nothing here touches the
answer, the seats or the waiting list (gatherings/rsvp.py owns those).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from members.models import Member

from ..models import Gathering, Guest, Rsvp
from ..networking.generation import generate_tasks
from .codes import normalise_code

# How long the result of a check-in offers an Undo; the server refuses later ones.
UNDO_WINDOW = timedelta(seconds=30)


class CheckInClosed(Exception):
    """Check-in for this gathering was closed; reopen it to check more people in."""


class GuestAlreadyRegistered(Exception):
    """A guest with this email address is already registered for the gathering."""


@dataclass(frozen=True)
class CheckIn:
    rsvp: Rsvp
    # True if this call checked the person in; False if they were already here.
    new: bool
    at: datetime


def _ensure_open(gathering: Gathering) -> None:
    if gathering.check_in_closed_at is not None:
        raise CheckInClosed


def check_in(*, rsvp: Rsvp, by, now=None) -> CheckIn:
    """Check the answer's member in; twice is harmless and tells when they came."""
    _ensure_open(rsvp.gathering)
    now = now or timezone.now()
    taken = Rsvp.objects.filter(pk=rsvp.pk, checked_in_at__isnull=True).update(
        checked_in_at=now, checked_in_by=by
    )
    if taken:
        rsvp.checked_in_at, rsvp.checked_in_by = now, by
        return CheckIn(rsvp=rsvp, new=True, at=now)
    rsvp.checked_in_at = Rsvp.objects.values_list("checked_in_at", flat=True).get(pk=rsvp.pk)
    return CheckIn(rsvp=rsvp, new=False, at=rsvp.checked_in_at)


def check_in_walk_in(*, gathering: Gathering, member: Member, by, now=None) -> CheckIn:
    """Check in a member who did not say yes, giving them an (unanswered) answer row if
    they have none. get_or_create is race-safe here: the row is unique per member."""
    _ensure_open(gathering)
    rsvp, _created = Rsvp.objects.get_or_create(gathering=gathering, member=member)
    rsvp.gathering = gathering
    return check_in(rsvp=rsvp, by=by, now=now)


def check_in_by_code(*, gathering: Gathering, typed: str, by, now=None) -> CheckIn | None:
    """Check in whoever has the typed or scanned personal code; None if nobody has it."""
    rsvp = rsvp_for_code(gathering=gathering, typed=typed)
    if rsvp is None:
        return None
    return check_in(rsvp=rsvp, by=by, now=now)


def rsvp_for_code(*, gathering: Gathering, typed: str) -> Rsvp | None:
    code = normalise_code(typed)
    if not code:
        return None
    rsvp = Rsvp.objects.filter(gathering=gathering, code=code).select_related(
        "member__user", "member__employer"
    )
    found = rsvp.first()
    if found is not None:
        found.gathering = gathering
    return found


def undo_check_in(*, rsvp: Rsvp, at: datetime, now=None) -> bool:
    """Undo the check-in made at `at`, if it is that one, made at the door, and recent.

    The time identifies the check-in: an Undo never removes a later check-in of
    the same person by the other phone, and never one older than the window.
    """
    now = now or timezone.now()
    if now - at > UNDO_WINDOW:
        return False
    return bool(
        Rsvp.objects.filter(
            pk=rsvp.pk,
            checked_in_at=at,
            checked_in_at__gte=now - UNDO_WINDOW,
            checked_in_by__isnull=False,
        ).update(checked_in_at=None, checked_in_by=None)
    )


def can_undo(*, rsvp: Rsvp, now=None) -> bool:
    now = now or timezone.now()
    return (
        rsvp.checked_in_at is not None
        and rsvp.checked_in_by_id is not None
        and now - rsvp.checked_in_at <= UNDO_WINDOW
    )


def register_guest(*, gathering: Gathering, name: str, email: str, employer: str = "", by) -> Guest:
    """Register (and so check in) a guest; raises GuestAlreadyRegistered for an address
    already registered for this gathering, whatever its case."""
    _ensure_open(gathering)
    try:
        with transaction.atomic():
            return Guest.objects.create(
                gathering=gathering,
                name=name.strip(),
                email=email.strip(),
                employer=employer.strip(),
                checked_in_by=by,
            )
    except IntegrityError as error:
        raise GuestAlreadyRegistered from error


def close_check_in(*, gathering: Gathering, now=None):
    """Close check-in and generate the networking tasks from who is here.

    Returns the generation's result, or None if check-in was closed already.
    """
    now = now or timezone.now()
    # One transaction: if the tasks cannot be made, check-in stays open to try again.
    with transaction.atomic():
        closed = Gathering.objects.filter(pk=gathering.pk, check_in_closed_at__isnull=True).update(
            check_in_closed_at=now
        )
        if not closed:
            return None
        result = generate_tasks(gathering=gathering)
    gathering.check_in_closed_at = now
    return result


def reopen_check_in(*, gathering: Gathering) -> bool:
    reopened = Gathering.objects.filter(pk=gathering.pk, check_in_closed_at__isnull=False).update(
        check_in_closed_at=None
    )
    gathering.check_in_closed_at = None
    return bool(reopened)
