"""Answering a gathering: signed answer links, capacity and the waiting list.

Only the capacity decision takes the gathering-wide lock: a Yes (or a confirmed
attendee leaving) locks the gathering row, counts the seats and either takes
one or draws the next waiting-list ticket. Everything else locks just the
member's own answer row. Lock order everywhere: the answer row, then the
gathering row.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from members.models import Member

from . import emails
from .models import Gathering, Rsvp

TOKEN_SALT = "gatherings.rsvp.answer"  # noqa: S105 - a signing salt, not a secret
# Long enough for a gathering announced months ahead; the deadline closes answers earlier.
TOKEN_MAX_AGE = timedelta(days=200)

# The concurrency test's control run turns this off to show the race it prevents.
LOCK_FOR_CAPACITY = True


class AnswersClosed(Exception):
    """The deadline has passed, or the gathering is no longer open for answers."""


@dataclass(frozen=True)
class Outcome:
    rsvp: Rsvp
    # "confirmed", "waitlisted", "no" or "maybe"
    result: str
    waitlist_place: int | None = None


def make_token(*, rsvp: Rsvp) -> str:
    return signing.dumps({"g": rsvp.gathering_id, "m": rsvp.member_id}, salt=TOKEN_SALT)


def read_token(token: str) -> tuple[int, int]:
    """(gathering id, member id); raises signing.BadSignature (or SignatureExpired)."""
    value = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    if not isinstance(value, dict) or not {"g", "m"} <= value.keys():
        raise signing.BadSignature("malformed answer token")
    return int(value["g"]), int(value["m"])


def answer_url(*, rsvp: Rsvp, answer: str = "") -> str:
    url = settings.SITE_URL + reverse("gatherings:rsvp", kwargs={"token": make_token(rsvp=rsvp)})
    return f"{url}?answer={answer}" if answer else url


def waitlist_place(*, rsvp: Rsvp) -> int | None:
    if rsvp.waitlist_position is None:
        return None
    return Rsvp.objects.filter(
        gathering_id=rsvp.gathering_id, waitlist_position__lte=rsvp.waitlist_position
    ).count()


def _lock_gathering(gathering_id: int) -> Gathering:
    queryset = Gathering.objects.all()
    if LOCK_FOR_CAPACITY:
        queryset = queryset.select_for_update()
    return queryset.get(pk=gathering_id)


def _confirmed_count(gathering_id: int) -> int:
    return Rsvp.objects.filter(
        gathering_id=gathering_id, answer=Rsvp.Answer.YES, waitlist_position__isnull=True
    ).count()


def fill_free_seats(*, gathering: Gathering) -> list[Rsvp]:
    """Promote waiting Yes answers into free seats. Call with the gathering row locked."""
    free = gathering.capacity - _confirmed_count(gathering.pk)
    if free <= 0:
        return []
    # skip_locked: a waiting member who is answering right now holds their own
    # row and waits for the gathering; waiting for them here would deadlock.
    promoted = list(
        Rsvp.objects.select_for_update(skip_locked=True)
        .filter(gathering=gathering, waitlist_position__isnull=False)
        .select_related("member__user")
        .order_by("waitlist_position")[:free]
    )
    for rsvp in promoted:
        rsvp.waitlist_position = None
        rsvp.save(update_fields=["waitlist_position"])
        emails.queue_promotion(rsvp=rsvp)
    return promoted


def answer_gathering(
    *,
    gathering: Gathering,
    member: Member,
    answer: str,
    dietary: str = "",
    now=None,
) -> Outcome:
    """Record a member's answer; a Yes takes a seat or a waiting-list ticket."""
    now = now or timezone.now()
    if answer not in (Rsvp.Answer.YES, Rsvp.Answer.NO, Rsvp.Answer.MAYBE):
        raise ValueError(f"not an answer: {answer!r}")
    if not gathering.answers_open(now):
        raise AnswersClosed
    with transaction.atomic():
        # The member's own row first, the gathering row last and only for the
        # capacity decision: the gathering lock is held for as little as
        # possible (one aggregate, one update, the outbox row, the commit).
        rsvp, _ = Rsvp.objects.get_or_create(gathering=gathering, member=member)
        rsvp = Rsvp.objects.select_for_update().select_related("member__user").get(pk=rsvp.pk)
        previous_answer, previously_confirmed = rsvp.answer, rsvp.confirmed

        rsvp.answer = answer
        rsvp.answered_at = now
        if gathering.ask_dietary:
            rsvp.dietary = dietary.strip()[:300]
        locked_gathering = None
        if answer != Rsvp.Answer.YES:
            rsvp.waitlist_position = None
        elif previous_answer != Rsvp.Answer.YES:
            # The email first (it reads seat or waiting list at send time), so
            # the gathering lock covers only the count, the update and the commit.
            emails.queue_answer(rsvp=rsvp)
            locked_gathering = _lock_gathering(gathering.pk)
            if not locked_gathering.answers_open(now):
                raise AnswersClosed
            seats = Rsvp.objects.filter(gathering_id=gathering.pk).aggregate(
                confirmed=Count("pk", filter=Q(answer="yes", waitlist_position__isnull=True)),
                last_ticket=Max("waitlist_position"),
            )
            if seats["confirmed"] >= locked_gathering.capacity:
                rsvp.waitlist_position = (seats["last_ticket"] or 0) + 1
            else:
                rsvp.waitlist_position = None
        rsvp.save()

        if previously_confirmed and not rsvp.confirmed:
            locked_gathering = locked_gathering or _lock_gathering(gathering.pk)
            fill_free_seats(gathering=locked_gathering)

    if rsvp.confirmed:
        return Outcome(rsvp=rsvp, result="confirmed")
    if rsvp.waitlisted:
        return Outcome(rsvp=rsvp, result="waitlisted", waitlist_place=waitlist_place(rsvp=rsvp))
    return Outcome(rsvp=rsvp, result=rsvp.answer)


def check_in(*, rsvp: Rsvp, now=None) -> bool:
    """Mark an attendee as arrived, once; True if this call did it."""
    return bool(
        Rsvp.objects.filter(pk=rsvp.pk, checked_in_at__isnull=True).update(
            checked_in_at=now or timezone.now()
        )
    )
