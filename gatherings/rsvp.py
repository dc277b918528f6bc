"""Answering a gathering: signed answer links, capacity and the waiting list.

The database decides seats, not a count in Python. A Yes takes a seat with one
conditional UPDATE of the gathering's seat counter (`seats_taken < capacity`),
or, when that finds the gathering full, draws the next waiting-list ticket with
one UPDATE of its ticket counter (`seats_taken >= capacity`) and copies the
ticket into the member's own row. Each holds the gathering row only from that
UPDATE to the commit, so a burst of answers queues on the row for a statement
or two each, not for a count of every answer.
A confirmed attendee leaving (or HR changing the capacity) locks the gathering,
recounts the seats from the answers, which also heals a counter left high by
an erased member, and promotes the first on the waiting list.
Everything else locks just the member's own answer row.
Lock order everywhere: the answer row, then the gathering row.
A first Yes also gets the member's personal code for the door, in the same
UPDATE as the answer: the badges, the emails and the door only ever read codes.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from members.models import Member

from . import emails
from .door import codes
from .models import Gathering, Rsvp

TOKEN_SALT = "gatherings.rsvp.answer"  # noqa: S105 - a signing salt, not a secret
# Long enough for a gathering announced months ahead; the deadline closes answers earlier.
TOKEN_MAX_AGE = timedelta(days=200)
# A drawn code is already taken in a gathering of 100 answers once in 2.4 million
# draws (25^6 codes): ten misses in a row mean something else is wrong.
CODE_DRAWS = 10


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


ANSWERS = (Rsvp.Answer.YES, Rsvp.Answer.NO, Rsvp.Answer.MAYBE)


def _answers_open(now) -> Q:
    """Gathering.answers_open as a condition of the counters' UPDATEs."""
    return Q(status=Gathering.Status.PUBLISHED, start__gt=now) & (
        Q(rsvp_deadline__isnull=True) | Q(rsvp_deadline__gte=now)
    )


def _lock_gathering(gathering_id: int) -> Gathering:
    return Gathering.objects.select_for_update().get(pk=gathering_id)


def _confirmed_count(gathering_id: int) -> int:
    return Rsvp.objects.filter(
        gathering_id=gathering_id, answer=Rsvp.Answer.YES, waitlist_position__isnull=True
    ).count()


def fill_free_seats(*, gathering: Gathering) -> list[Rsvp]:
    """Promote waiting Yes answers into free seats and set the seat counter from the answers.

    Call with the gathering row locked.
    """
    confirmed = _confirmed_count(gathering.pk)
    free = gathering.capacity - confirmed
    promoted = []
    if free > 0:
        # skip_locked: a waiting member who is answering right now holds their
        # own row and waits for the gathering; waiting for them would deadlock.
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
    gathering.seats_taken = confirmed + len(promoted)
    Gathering.objects.filter(pk=gathering.pk).update(seats_taken=gathering.seats_taken)
    return promoted


def _lock_answer(rsvp_id: int) -> tuple[str, int | None, str]:
    """Lock the member's own answer row; its answer, ticket and code from before this one."""
    return (
        Rsvp.objects.select_for_update()
        .filter(pk=rsvp_id)
        .values_list("answer", "waitlist_position", "code")
        .get()
    )


def _take_free_seat(gathering_id: int, now) -> bool:
    """Take a seat if the counter shows one free and answers are open; False if not."""
    return bool(
        Gathering.objects.filter(
            _answers_open(now), pk=gathering_id, seats_taken__lt=F("capacity")
        ).update(seats_taken=F("seats_taken") + 1)
    )


def _draw_ticket(rsvp: Rsvp, now) -> bool:
    """Put the next waiting-list ticket on the answer row if the gathering is full and
    answers are open; False if not.
    """
    drawn = Gathering.objects.filter(
        _answers_open(now), pk=rsvp.gathering_id, seats_taken__gte=F("capacity")
    ).update(waitlist_tickets=F("waitlist_tickets") + 1)
    if drawn:
        # The ticket is copied from the counter in the database (no RETURNING
        # needed): the UPDATE above holds the gathering row until the commit.
        ticket = Gathering.objects.filter(pk=rsvp.gathering_id).values("waitlist_tickets")
        Rsvp.objects.filter(pk=rsvp.pk).update(waitlist_position=Subquery(ticket))
    return bool(drawn)


def _seat_or_ticket(rsvp: Rsvp, now) -> bool:
    """A seat (False) or a waiting-list ticket (True) for a new Yes."""
    if _take_free_seat(rsvp.gathering_id, now):
        return False
    if _draw_ticket(rsvp, now):
        return True
    # Neither: the answers have closed, or a seat came free between the two
    # statements. Decide under the gathering lock, where nothing moves.
    locked = _lock_gathering(rsvp.gathering_id)
    if not locked.answers_open(now):
        raise AnswersClosed
    if _take_free_seat(rsvp.gathering_id, now):
        return False
    return _draw_ticket(rsvp, now)


def _save_answer(rsvp: Rsvp, *, with_dietary: bool, with_code: bool) -> None:
    fields = {
        "answer": rsvp.answer,
        "answered_at": rsvp.answered_at,
        "waitlist_position": rsvp.waitlist_position,
    }
    if with_dietary:
        fields["dietary"] = rsvp.dietary
    if with_code:
        fields["code"] = rsvp.code
    Rsvp.objects.filter(pk=rsvp.pk).update(**fields)


def _answer_transaction(rsvp: Rsvp, *, answer: str, dietary: str, now, code: str) -> bool:
    """One answer's transaction; True if a Yes drew a waiting-list ticket.

    A first Yes gets `code` as its personal code (waiting or not: the code is
    theirs once a seat comes free).
    """
    gathering = rsvp.gathering
    with transaction.atomic():
        previous_answer, previous_ticket, previous_code = _lock_answer(rsvp.pk)
        previously_confirmed = previous_answer == Rsvp.Answer.YES and previous_ticket is None
        rsvp.answer, rsvp.answered_at = answer, now
        # Yes again keeps the seat or the ticket; any other answer leaves the list.
        rsvp.waitlist_position = previous_ticket if answer == Rsvp.Answer.YES else None
        if gathering.ask_dietary:
            rsvp.dietary = dietary.strip()[:300]
        new_yes = answer == Rsvp.Answer.YES and previous_answer != Rsvp.Answer.YES
        # A code once given stays: it may already be printed on a badge or in an email.
        rsvp.code = code if new_yes and not previous_code else previous_code
        if new_yes:
            # The email reads seat or waiting list at send time.
            emails.queue_answer(rsvp=rsvp)
        _save_answer(rsvp, with_dietary=gathering.ask_dietary, with_code=rsvp.code != previous_code)
        # The seat last: the gathering row is held from that UPDATE to the commit
        # and for nothing else (a ticket adds one UPDATE of the member's own row).
        if new_yes:
            return _seat_or_ticket(rsvp, now)
        if previously_confirmed and not rsvp.confirmed:
            fill_free_seats(gathering=_lock_gathering(gathering.pk))
    return False


def _answer_with_a_free_code(rsvp: Rsvp, *, answer: str, dietary: str, now) -> bool:
    """The answer's transaction, run again with a new code if another answer to the
    gathering took the drawn one meanwhile (the unique constraint refuses it)."""
    for _ in range(CODE_DRAWS):
        code = codes.new_code()
        try:
            return _answer_transaction(rsvp, answer=answer, dietary=dietary, now=now, code=code)
        except IntegrityError:
            if not codes.code_taken(gathering_id=rsvp.gathering_id, code=code):
                raise
    raise RuntimeError(f"no free personal code after {CODE_DRAWS} draws")


def record_answer(*, rsvp: Rsvp, answer: str, dietary: str = "", now=None) -> Outcome:
    """Record a member's answer on their answer row; a Yes takes a seat or a waiting-list ticket.

    `rsvp.gathering` and `rsvp.member.user` are read (the email goes to the member).
    """
    now = now or timezone.now()
    if answer not in ANSWERS:
        raise ValueError(f"not an answer: {answer!r}")
    if not rsvp.gathering.answers_open(now):
        raise AnswersClosed
    drew_ticket = _answer_with_a_free_code(rsvp, answer=answer, dietary=dietary, now=now)
    if drew_ticket:
        # The ticket the database wrote; None if a seat came free and promoted it since.
        rsvp.refresh_from_db(fields=["waitlist_position"])
    if rsvp.confirmed:
        return Outcome(rsvp=rsvp, result="confirmed")
    if rsvp.waitlisted:
        return Outcome(rsvp=rsvp, result="waitlisted", waitlist_place=waitlist_place(rsvp=rsvp))
    return Outcome(rsvp=rsvp, result=rsvp.answer)


def answer_gathering(
    *,
    gathering: Gathering,
    member: Member,
    answer: str,
    dietary: str = "",
    now=None,
) -> Outcome:
    """Record a member's answer, creating their answer row if they were not invited."""
    now = now or timezone.now()
    if answer not in ANSWERS:
        raise ValueError(f"not an answer: {answer!r}")
    if not gathering.answers_open(now):
        raise AnswersClosed
    rsvp, _ = Rsvp.objects.get_or_create(gathering=gathering, member=member)
    rsvp.gathering, rsvp.member = gathering, member
    return record_answer(rsvp=rsvp, answer=answer, dietary=dietary, now=now)


def check_in(*, rsvp: Rsvp, now=None) -> bool:
    """Mark an attendee as arrived, once; True if this call did it."""
    return bool(
        Rsvp.objects.filter(pk=rsvp.pk, checked_in_at__isnull=True).update(
            checked_in_at=now or timezone.now()
        )
    )
