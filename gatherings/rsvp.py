"""Answering a gathering: signed answer links, capacity and the waiting list.

The database decides seats, not a count in Python. A Yes takes a seat with one
conditional UPDATE of the gathering's seat counter (`seats_taken < capacity`),
or, when that finds the gathering full, draws the next waiting-list ticket with
one UPDATE of its ticket counter (`seats_taken >= capacity`). Each holds the
gathering row only from that statement to the commit, so a burst of answers
queues on the row for two statements each, not for a count of every answer.
A confirmed attendee leaving (or HR changing the capacity) locks the gathering,
recounts the seats from the answers, which also heals a counter left high by
an erased member, and promotes the first on the waiting list.
Everything else locks just the member's own answer row.
Lock order everywhere: the answer row, then the gathering row.

The statements of the answer path are written out: it is the path with a
speed target, and the ORM costs more to build them than the database takes
to run them.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from members.models import Member

from . import emails
from .models import Gathering, Rsvp

TOKEN_SALT = "gatherings.rsvp.answer"  # noqa: S105 - a signing salt, not a secret
# Long enough for a gathering announced months ahead; the deadline closes answers earlier.
TOKEN_MAX_AGE = timedelta(days=200)

# The concurrency test's control run turns this off to show the race it
# prevents: seats are then counted in Python (read, decide, write back) instead
# of by the conditional UPDATE, and the gathering row is not locked.
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


ANSWERS = (Rsvp.Answer.YES, Rsvp.Answer.NO, Rsvp.Answer.MAYBE)


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


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _lock_answer(rsvp_id: int) -> tuple[str, int | None]:
    """Lock the member's own answer row; its answer and waiting-list ticket before this one."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT answer, waitlist_position FROM {_table(Rsvp)} WHERE id = %s{lock}",  # noqa: S608
            [rsvp_id],
        )
        return cursor.fetchone()


def _open_condition(now) -> tuple[str, list]:
    adapt = connection.ops.adapt_datetimefield_value
    return (
        "status = %s AND start > %s AND (rsvp_deadline IS NULL OR rsvp_deadline >= %s)",
        [Gathering.Status.PUBLISHED, adapt(now), adapt(now)],
    )


def _take_free_seat(gathering: Gathering, now) -> bool:
    """Take a seat if the counter shows one free and answers are open; False if not."""
    with connection.cursor() as cursor:
        if not LOCK_FOR_CAPACITY:
            # The control run of the concurrency test: read the counter, decide
            # in Python, write it back. This is the race the conditional UPDATE closes.
            cursor.execute(
                f"SELECT seats_taken, capacity FROM {_table(Gathering)} WHERE id = %s",  # noqa: S608
                [gathering.pk],
            )
            taken, capacity = cursor.fetchone()
            if taken >= capacity:
                return False
            cursor.execute(
                f"UPDATE {_table(Gathering)} SET seats_taken = %s WHERE id = %s",  # noqa: S608
                [taken + 1, gathering.pk],
            )
            return True
        is_open, params = _open_condition(now)
        cursor.execute(
            f"UPDATE {_table(Gathering)} SET seats_taken = seats_taken + 1 "  # noqa: S608
            f"WHERE id = %s AND seats_taken < capacity AND {is_open}",
            [gathering.pk, *params],
        )
        return cursor.rowcount == 1


def _draw_ticket(gathering: Gathering, now) -> int | None:
    """The next waiting-list ticket if the gathering is full and answers are open; None if not."""
    is_open, params = _open_condition(now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table(Gathering)} SET waitlist_tickets = waitlist_tickets + 1 "  # noqa: S608
            f"WHERE id = %s AND seats_taken >= capacity AND {is_open} RETURNING waitlist_tickets",
            [gathering.pk, *params],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _seat_or_ticket(gathering: Gathering, now) -> int | None:
    """A seat (None) or a waiting-list ticket for a new Yes."""
    if _take_free_seat(gathering, now):
        return None
    ticket = _draw_ticket(gathering, now)
    if ticket is not None:
        return ticket
    # Neither: the answers have closed, or a seat came free between the two
    # statements. Decide under the gathering lock, where nothing moves.
    locked = _lock_gathering(gathering.pk)
    if not locked.answers_open(now):
        raise AnswersClosed
    if _take_free_seat(gathering, now):
        return None
    return _draw_ticket(gathering, now)


def _save_answer(rsvp: Rsvp, *, dietary: str | None) -> None:
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table(Rsvp)} SET answer = %s, answered_at = %s, "  # noqa: S608
            "waitlist_position = %s, dietary = COALESCE(%s, dietary) WHERE id = %s",
            [rsvp.answer, adapt(rsvp.answered_at), rsvp.waitlist_position, dietary, rsvp.pk],
        )


def _save_ticket(rsvp: Rsvp) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table(Rsvp)} SET waitlist_position = %s WHERE id = %s",  # noqa: S608
            [rsvp.waitlist_position, rsvp.pk],
        )


def record_answer(*, rsvp: Rsvp, answer: str, dietary: str = "", now=None) -> Outcome:
    """Record a member's answer on their answer row; a Yes takes a seat or a waiting-list ticket.

    `rsvp.gathering` and `rsvp.member.user` are read (the email goes to the member).
    """
    now = now or timezone.now()
    if answer not in ANSWERS:
        raise ValueError(f"not an answer: {answer!r}")
    gathering = rsvp.gathering
    if not gathering.answers_open(now):
        raise AnswersClosed
    with transaction.atomic():
        previous_answer, previous_ticket = _lock_answer(rsvp.pk)
        previously_confirmed = previous_answer == Rsvp.Answer.YES and previous_ticket is None
        rsvp.answer, rsvp.answered_at = answer, now
        # Yes again keeps the seat or the ticket; any other answer leaves the list.
        rsvp.waitlist_position = previous_ticket if answer == Rsvp.Answer.YES else None
        if gathering.ask_dietary:
            rsvp.dietary = dietary.strip()[:300]
        new_yes = answer == Rsvp.Answer.YES and previous_answer != Rsvp.Answer.YES
        if new_yes:
            # The email reads seat or waiting list at send time.
            emails.queue_answer(rsvp=rsvp)
        _save_answer(rsvp, dietary=rsvp.dietary if gathering.ask_dietary else None)
        # The seat last: the gathering row is held from that UPDATE to the commit
        # and for nothing else (a ticket adds one UPDATE of the member's own row).
        if new_yes:
            rsvp.waitlist_position = _seat_or_ticket(gathering, now)
            if rsvp.waitlist_position is not None:
                _save_ticket(rsvp)
        elif previously_confirmed and not rsvp.confirmed:
            fill_free_seats(gathering=_lock_gathering(gathering.pk))

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
