"""Who talks to whom: the pure picking algorithm behind the networking task.

Plain data in, picks out: no ORM, so the property tests can drive it with any
attendee list and the generation module only loads and writes.

- **Old** means the pair worked alongside (a department in common, with
  overlapping years) or met at an earlier gathering; **new** means neither.
- Nobody is picked for themselves, nor twice in one task; members who left the
  directory get a task but are never picked for others.
- Fairness: nobody is picked more than ⌈average⌉ + 1 times, average being all
  picks divided by the number of attendees. A cap on picks per person enforces
  it; when a run ends with fewer picks than the cap assumed, it runs again
  with the lower cap (each run is a few milliseconds for 300 attendees).
- Deterministic: the seed decides every tie, and every collection is walked in
  sorted order, so the same attendees and seed give the same tasks.
"""

import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

OLD = "old"
NEW = "new"
WORKED_TOGETHER = "worked_together"
MET_BEFORE = "met_before"
NEVER_MET = "never_met"


@dataclass(frozen=True)
class Stint:
    """A department someone worked in, and when (years, both ends included)."""

    department: str
    start: int
    end: int


@dataclass(frozen=True)
class Person:
    """An attendee as the algorithm sees them."""

    id: int
    stints: tuple[Stint, ...] = ()
    # False for members who left the directory: they get a task, nobody gets them.
    pickable: bool = True
    # The person's years and departments are shown to members (privacy).
    history_shown: bool = True


@dataclass(frozen=True)
class Pick:
    """One person to talk to, and why."""

    person: int
    kind: str
    reason: str
    department: str = ""
    overlap_from: int | None = None
    overlap_to: int | None = None
    met_at: int | None = None


@dataclass
class Task:
    """One attendee's picks, and whether there were too few people to fill it."""

    member: int
    picks: list[Pick] = field(default_factory=list)
    old_short: int = 0
    new_short: int = 0

    @property
    def shrunk(self) -> bool:
        return bool(self.old_short or self.new_short)


def pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def department_key(name: str) -> str:
    """Departments match whatever their case and spacing ("revisjon " is "Revisjon")."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Overlap:
    """Where and when two people worked alongside, each department as that person wrote it."""

    start: int
    end: int
    departments: dict[int, str]


def worked_together(people: Iterable[Person]) -> dict[tuple[int, int], Overlap]:
    """Pairs who shared a department in overlapping years, with their longest overlap.

    Grouped by department, so only people of the same department are compared.
    """
    by_department: dict[str, list[tuple[int, Stint]]] = {}
    for person in people:
        for stint in person.stints:
            by_department.setdefault(department_key(stint.department), []).append(
                (person.id, stint)
            )
    found: dict[tuple[int, int], Overlap] = {}
    for key in sorted(by_department):
        stints = sorted(by_department[key], key=lambda item: (item[0], item[1].start))
        for i, (a, first) in enumerate(stints):
            for b, second in stints[i + 1 :]:
                start, end = max(first.start, second.start), min(first.end, second.end)
                if a == b or start > end:
                    continue
                key_pair = pair(a, b)
                best = found.get(key_pair)
                if best is None or end - start > best.end - best.start:
                    names = {a: first.department.strip(), b: second.department.strip()}
                    found[key_pair] = Overlap(start=start, end=end, departments=names)
    return found


def _old_pick(person: Person, overlap: Overlap | None, met_at: int | None) -> Pick:
    """The pick of `person` as someone old; history left out if they do not show it."""
    if overlap is not None:
        if not person.history_shown:
            return Pick(person=person.id, kind=OLD, reason=WORKED_TOGETHER)
        return Pick(
            person=person.id,
            kind=OLD,
            reason=WORKED_TOGETHER,
            department=overlap.departments[person.id],
            overlap_from=overlap.start,
            overlap_to=overlap.end,
        )
    return Pick(person=person.id, kind=OLD, reason=MET_BEFORE, met_at=met_at)


@dataclass
class _Board:
    """The relations among the attendees, worked out once for all runs."""

    people: dict[int, Person]
    # member -> their old acquaintances among the pickable attendees, and how they
    # know them (made into a Pick only when picked: most never are).
    old: dict[int, dict[int, tuple[Overlap | None, int | None]]]


def _board(people: list[Person], met: Mapping[tuple[int, int], int]) -> _Board:
    by_id = {person.id: person for person in people}
    worked = worked_together(people)
    old: dict[int, dict[int, tuple[Overlap | None, int | None]]] = {pid: {} for pid in by_id}
    for a, b in sorted(set(worked) | set(met)):
        if a not in by_id or b not in by_id:
            continue
        how = (worked.get((a, b)), met.get((a, b)))
        if by_id[b].pickable:
            old[a][b] = how
        if by_id[a].pickable:
            old[b][a] = how
    return _Board(people=by_id, old=old)


def _fill(
    *,
    board: _Board,
    order: list[int],
    queue: list[int],
    rank: dict[int, int],
    kept: Mapping[int, list[Pick]],
    old_count: int,
    new_count: int,
    cap: int,
) -> dict[int, Task]:
    """One run: fill every task with at most `cap` picks of anyone."""
    counts = dict.fromkeys(board.people, 0)
    tasks = {}
    for member in sorted(kept):
        for pick in kept[member]:
            counts[pick.person] = counts.get(pick.person, 0) + 1
    queue = list(queue)
    for member in order:
        own = list(kept.get(member, ()))
        taken = {pick.person for pick in own} | {member}
        old_wanted = old_count - sum(pick.kind == OLD for pick in own)
        new_wanted = new_count - sum(pick.kind == NEW for pick in own)
        acquaintances = board.old[member]
        # Old: the least picked of the few acquaintances, ties by the seeded rank.
        old_picks = []
        for other in sorted(acquaintances, key=lambda pid: (counts[pid], rank[pid])):
            if len(old_picks) >= old_wanted:
                break
            if other not in taken and counts[other] < cap:
                old_picks.append(_old_pick(board.people[other], *acquaintances[other]))
                counts[other] += 1
                taken.add(other)
        # New: the front of a queue of everyone, least recently picked first.
        new_picks, moved = [], []
        for other in queue:
            if len(new_picks) >= new_wanted:
                break
            if other in taken or other in acquaintances or counts[other] >= cap:
                continue
            new_picks.append(Pick(person=other, kind=NEW, reason=NEVER_MET))
            counts[other] += 1
            taken.add(other)
            moved.append(other)
        moved += [pick.person for pick in old_picks]
        for other in moved:
            queue.remove(other)
            queue.append(other)
        tasks[member] = Task(
            member=member,
            picks=own + old_picks + new_picks,
            old_short=max(0, old_wanted - len(old_picks)),
            new_short=max(0, new_wanted - len(new_picks)),
        )
    return tasks


def fairness_cap(total_picks: int, attendees: int) -> int:
    """The most picks of one person the fairness rule allows: ⌈average⌉ + 1."""
    if attendees == 0:
        return 0
    return math.ceil(total_picks / attendees) + 1


def pick_tasks(
    *,
    people: Iterable[Person],
    met: Mapping[tuple[int, int], int],
    old_count: int,
    new_count: int,
    seed: str | int,
    kept: Mapping[int, list[Pick]] | None = None,
) -> dict[int, Task]:
    """Every attendee's task: member id -> Task.

    `met` maps pairs (lower id first) to the gathering where they met before;
    `kept` holds picks of tasks already seen, which stay and count as picks.
    """
    people = sorted(people, key=lambda person: person.id)
    kept = {member: list(picks) for member, picks in (kept or {}).items()}
    board = _board(people, met)
    rng = random.Random(seed)
    pickable = [person.id for person in people if person.pickable]
    shuffled = list(pickable)
    rng.shuffle(shuffled)
    rank = {pid: i for i, pid in enumerate(shuffled)}
    # The most constrained first (fewest acquaintances), so they still find theirs.
    order = sorted(board.people, key=lambda pid: (len(board.old[pid]), pid))
    wanted = sum(
        min(old_count, len(board.old[pid])) + min(new_count, len(pickable)) for pid in order
    )
    cap = fairness_cap(wanted, len(people))
    while True:
        tasks = _fill(
            board=board,
            order=order,
            queue=shuffled,
            rank=rank,
            kept=kept,
            old_count=old_count,
            new_count=new_count,
            cap=cap,
        )
        total = sum(len(task.picks) for task in tasks.values())
        allowed = fairness_cap(total, len(people))
        most = max(picked_counts(tasks).values(), default=0)
        # Done when the rule holds, or when only kept picks could still break it.
        if most <= allowed or allowed >= cap:
            return {member: tasks[member] for member in sorted(tasks)}
        cap = allowed


def picked_counts(tasks: Mapping[int, Task]) -> dict[int, int]:
    """How often each person was picked, over all tasks."""
    counts: dict[int, int] = {}
    for task in tasks.values():
        for pick in task.picks:
            counts[pick.person] = counts.get(pick.person, 0) + 1
    return counts
