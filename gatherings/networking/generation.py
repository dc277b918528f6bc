"""Generate a gathering's networking tasks: load set-based, pick in Python, write in bulk.

Called by the "generate tasks" button (HR and organisers) and by the door
when check-in closes. The attendees are those checked in, or the confirmed
ones (Yes, not waiting) before anyone is. A task the member has already seen
keeps its picks that are still here; only its missing places are filled.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from members.models import Visibility

from ..models import Connection, Gathering, NetworkingPick, NetworkingTask, Rsvp
from . import picking

# Columns of an attendee row: the answer, the member, and the register row they joined from.
ATTENDEE_COLUMNS = (
    "member_id",
    "checked_in_at",
    "member__in_directory",
    "member__user__is_active",
    "member__history_visibility",
    "member__departments",
    "member__started_year",
    "member__left_year",
    "member__leaver__department",
    "member__leaver__hired_on",
    "member__leaver__left_on",
)
PICK_COLUMNS = (
    "task__member_id",
    "person_id",
    "kind",
    "reason",
    "department",
    "overlap_from",
    "overlap_to",
    "met_at_id",
)


@dataclass(frozen=True)
class GenerationResult:
    """What one generation did."""

    attendees: int
    tasks: int
    shrunk: int
    picks: int
    kept: int = 0


def _year(value: date | None) -> int | None:
    return value.year if value else None


def _span(start: int | None, end: int | None) -> tuple[int, int] | None:
    # One known end stands for a single year; none means we cannot tell.
    if start is None and end is None:
        return None
    start, end = start or end, end or start
    return (start, end) if start <= end else (end, start)


def stints_from(row: dict) -> tuple[picking.Stint, ...]:
    """Where and when a member worked: the register row, or the profile when the
    member joined without one (or the row names no department)."""
    department = (row["member__leaver__department"] or "").strip()
    if department:
        span = _span(_year(row["member__leaver__hired_on"]), _year(row["member__leaver__left_on"]))
        return (picking.Stint(department, *span),) if span else ()
    span = _span(row["member__started_year"], row["member__left_year"])
    if span is None:
        return ()
    departments = [part.strip() for part in (row["member__departments"] or "").split(",")]
    return tuple(picking.Stint(name, *span) for name in departments if name)


def _person(row: dict) -> picking.Person:
    return picking.Person(
        id=row["member_id"],
        stints=stints_from(row),
        pickable=row["member__in_directory"] and row["member__user__is_active"],
        history_shown=row["member__history_visibility"] == Visibility.MEMBERS,
    )


def attendee_rows(gathering_id: int) -> list[dict]:
    """Who the tasks are for: checked in, or confirmed while nobody is. One query."""
    confirmed = Q(answer=Rsvp.Answer.YES, waitlist_position__isnull=True)
    rows = list(
        Rsvp.objects.filter(
            Q(gathering_id=gathering_id) & (confirmed | Q(checked_in_at__isnull=False))
        )
        .order_by("member_id")
        .values(*ATTENDEE_COLUMNS)
    )
    if any(row["checked_in_at"] for row in rows):
        return [row for row in rows if row["checked_in_at"]]
    return rows


def met_before(*, gathering_id: int, member_ids: list[int]) -> dict[tuple[int, int], int]:
    """Pairs among the attendees who met at another gathering -> the latest such gathering."""
    met = {}
    connections = (
        Connection.objects.filter(member_low__in=member_ids, member_high__in=member_ids)
        .exclude(gathering_id=gathering_id)
        .order_by("gathering__start", "pk")
        .values_list("member_low_id", "member_high_id", "gathering_id")
    )
    for low, high, met_at in connections:
        met[(low, high)] = met_at
    return met


def kept_picks(
    *, gathering: Gathering, people: dict[int, picking.Person]
) -> dict[int, list[picking.Pick]]:
    """Picks of tasks already seen whose people are still here (and still pickable)."""
    kept: dict[int, list[picking.Pick]] = {}
    rows = (
        NetworkingPick.objects.filter(task__gathering=gathering, task__seen_at__isnull=False)
        .order_by("task__member_id", "order")
        .values(*PICK_COLUMNS)
    )
    for row in rows:
        member, person = row["task__member_id"], people.get(row["person_id"])
        if member not in people or person is None or not person.pickable:
            continue
        picks = kept.setdefault(member, [])
        limit = gathering.task_old_count if row["kind"] == picking.OLD else gathering.task_new_count
        if sum(pick.kind == row["kind"] for pick in picks) < limit:
            picks.append(
                picking.Pick(
                    person=row["person_id"],
                    kind=row["kind"],
                    reason=row["reason"],
                    department=row["department"],
                    overlap_from=row["overlap_from"],
                    overlap_to=row["overlap_to"],
                    met_at=row["met_at_id"],
                )
            )
    return kept


def _write(*, gathering: Gathering, tasks: dict[int, picking.Task], now) -> None:
    """Replace the gathering's tasks: keep the rows (and `seen_at`) of those still here."""
    existing = dict(
        NetworkingTask.objects.filter(gathering=gathering).values_list("member_id", "pk")
    )
    gone = [pk for member, pk in existing.items() if member not in tasks]
    if gone:
        NetworkingTask.objects.filter(pk__in=gone).delete()
    NetworkingPick.objects.filter(task__gathering=gathering).delete()
    staying = [pk for member, pk in existing.items() if member in tasks]
    if staying:
        NetworkingTask.objects.filter(pk__in=staying).update(generated_at=now)
    created = NetworkingTask.objects.bulk_create(
        NetworkingTask(gathering=gathering, member_id=member, generated_at=now)
        for member in tasks
        if member not in existing
    )
    task_ids = {member: pk for member, pk in existing.items() if member in tasks}
    task_ids |= {task.member_id: task.pk for task in created}
    NetworkingPick.objects.bulk_create(
        NetworkingPick(
            task_id=task_ids[member],
            person_id=pick.person,
            kind=pick.kind,
            reason=pick.reason,
            department=pick.department,
            overlap_from=pick.overlap_from,
            overlap_to=pick.overlap_to,
            met_at_id=pick.met_at,
            order=order,
        )
        for member, task in tasks.items()
        for order, pick in enumerate(task.picks)
    )


def generate_tasks(*, gathering: Gathering, now=None) -> GenerationResult:
    """(Re)generate the networking tasks of `gathering` for who is there now."""
    now = now or timezone.now()
    with transaction.atomic():
        # One generation at a time per gathering (the button and the door may race).
        gathering = Gathering.objects.select_for_update().get(pk=gathering.pk)
        rows = attendee_rows(gathering.pk)
        people = {row["member_id"]: _person(row) for row in rows}
        kept = kept_picks(gathering=gathering, people=people)
        tasks = picking.pick_tasks(
            people=people.values(),
            met=met_before(gathering_id=gathering.pk, member_ids=list(people)),
            old_count=gathering.task_old_count,
            new_count=gathering.task_new_count,
            seed=f"{gathering.task_seed}:{gathering.pk}",
            kept=kept,
        )
        _write(gathering=gathering, tasks=tasks, now=now)
    return GenerationResult(
        attendees=len(people),
        tasks=len(tasks),
        shrunk=sum(task.shrunk for task in tasks.values()),
        picks=sum(len(task.picks) for task in tasks.values()),
        kept=sum(len(picks) for picks in kept.values()),
    )
