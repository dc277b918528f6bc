"""BENCH networking_tasks: generating a gathering's networking tasks, end to end.

`generate_tasks` for BENCH_NETWORKING_ATTENDEES attendees (default 300, the
issue's number) among BENCH_NETWORKING_MEMBERS members (5 000) with
BENCH_NETWORKING_CONNECTIONS recorded connections (20 000) at earlier
gatherings: loading the attendees with their register rows, the connections
among them, picking, and writing every task and pick in one transaction.
Ratio = attendees per second of `generate_tasks` / attendees per second of a
plain Python loop that only samples K + M random other attendees for each one,
measured in the same run; target >= 0.1. Each figure is the median of
BENCH_RUNS runs (default 5); the first generation (which creates the task
rows) and the later regenerations (which keep them) are both timed.

The data is seeded: a fifth of the members joined from a register row
(department and dates), the rest have a profile with departments and years;
half of the connections are among the 1 000 "regulars" the attendees are
drawn from, so the attendees know a fair number of each other.
"""

import os
import random
import statistics
import time
from datetime import date, timedelta

import pytest
from django.utils import timezone

from gatherings.models import Connection, Gathering, NetworkingPick, Rsvp
from gatherings.networking.generation import generate_tasks
from invitations.models import Leaver
from members.models import Member, User

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db]

MEMBERS = int(os.environ.get("BENCH_NETWORKING_MEMBERS", "5000"))
ATTENDEES = int(os.environ.get("BENCH_NETWORKING_ATTENDEES", "300"))
CONNECTIONS = int(os.environ.get("BENCH_NETWORKING_CONNECTIONS", "20000"))
RUNS = max(3, int(os.environ.get("BENCH_RUNS", "5")))
REGULARS = min(MEMBERS, 1000)
PAST_GATHERINGS = 12
DEPARTMENTS = [
    "Revisjon",
    "Drift",
    "Boring",
    "Geologi",
    "HMS",
    "IT",
    "Økonomi",
    "Innkjøp",
    "Subsea",
    "Logistikk",
    "Juridisk",
    "HR",
    "Salg",
    "Prosjekt",
    "Vedlikehold",
]


def _span(rng: random.Random) -> tuple[int, int]:
    start = rng.randint(1985, 2022)
    return start, min(2025, start + rng.randint(1, 12))


def make_members(rng: random.Random) -> list[int]:
    users = User.objects.bulk_create(
        User(email=f"nettverk{i}@example.org", first_name="Medlem", last_name=str(i), password="!")
        for i in range(MEMBERS)
    )
    members = []
    for user in users:
        start, end = _span(rng)
        members.append(
            Member(
                user=user,
                departments=", ".join(rng.sample(DEPARTMENTS, rng.choice([1, 1, 2]))),
                started_year=start,
                left_year=end,
                in_directory=rng.random() > 0.03,
            )
        )
    members = Member.objects.bulk_create(members)
    Leaver.objects.bulk_create(
        Leaver(
            email=f"nettverk{i}@example.org",
            department=rng.choice(DEPARTMENTS),
            hired_on=date(start, 1, 1),
            left_on=date(end, 6, 30),
            status=Leaver.Status.JOINED,
            member=member,
        )
        for i, member in enumerate(members)
        if i % 5 == 0
        for start, end in [_span(rng)]
    )
    return [member.pk for member in members]


def make_connections(rng: random.Random, member_ids: list[int], past: list[Gathering]) -> None:
    pairs = set()
    regulars = member_ids[:REGULARS]
    while len(pairs) < CONNECTIONS:
        pool = regulars if len(pairs) % 2 == 0 else member_ids
        low, high = sorted(rng.sample(pool, 2))
        pairs.add((low, high, rng.choice(past).pk))
    Connection.objects.bulk_create(
        (
            Connection(member_low_id=low, member_high_id=high, gathering_id=g)
            for low, high, g in pairs
        ),
        batch_size=5000,
    )


def make_gathering(rng: random.Random) -> Gathering:
    now = timezone.now()
    member_ids = make_members(rng)
    past = Gathering.objects.bulk_create(
        Gathering(
            title=f"Samling {n}",
            start=now - timedelta(days=60 * (n + 1)),
            end=now - timedelta(days=60 * (n + 1)) + timedelta(hours=3),
            status=Gathering.Status.DONE,
        )
        for n in range(PAST_GATHERINGS)
    )
    make_connections(rng, member_ids, past)
    gathering = Gathering.objects.create(
        title="Høstsamling",
        start=now + timedelta(hours=1),
        end=now + timedelta(hours=4),
        capacity=ATTENDEES,
        status=Gathering.Status.PUBLISHED,
        task_seed=42,
    )
    Rsvp.objects.bulk_create(
        Rsvp(gathering=gathering, member_id=pk, answer=Rsvp.Answer.YES, checked_in_at=now)
        for pk in rng.sample(member_ids[:REGULARS], ATTENDEES)
    )
    return gathering


def plain_sampling(ids: list[int], size: int, rng: random.Random) -> list[list[int]]:
    """The baseline: for each attendee, K + M random other attendees, nothing more."""
    tasks = []
    for me in ids:
        picked = rng.sample(ids, min(len(ids), size + 1))
        tasks.append([pk for pk in picked if pk != me][:size])
    return tasks


def baseline_seconds(ids: list[int], size: int, rng: random.Random, rounds: int = 50) -> float:
    """Seconds for one pass of the baseline; it is quick, so time enough rounds to beat noise."""
    started = time.perf_counter()
    for _ in range(rounds):
        plain_sampling(ids, size, rng)
    return (time.perf_counter() - started) / rounds


def timed(block) -> float:
    started = time.perf_counter()
    block()
    return time.perf_counter() - started


def test_bench_networking_tasks():
    gathering = make_gathering(random.Random(20261203))
    ids = sorted(Rsvp.objects.filter(gathering=gathering).values_list("member_id", flat=True))
    size = gathering.task_old_count + gathering.task_new_count

    first = timed(lambda: generate_tasks(gathering=gathering))
    runs, baseline = [], []
    for run in range(RUNS):
        runs.append(timed(lambda: generate_tasks(gathering=gathering)))
        baseline.append(baseline_seconds(ids, size, random.Random(run)))

    result = generate_tasks(gathering=gathering)
    assert result.tasks == ATTENDEES
    assert NetworkingPick.objects.filter(task__gathering=gathering).count() == result.picks
    generation_rate = ATTENDEES / statistics.median(runs)
    baseline_rate = ATTENDEES / statistics.median(baseline)
    print()
    print(
        f"BENCH networking_tasks ratio={generation_rate / baseline_rate:.4f} target=0.1 "
        f"generate={statistics.median(runs) * 1000:.1f}ms ({generation_rate:.0f} attendees/s, "
        f"first {first * 1000:.1f}ms) baseline={statistics.median(baseline) * 1000:.2f}ms "
        f"({baseline_rate:.0f} attendees/s) attendees={ATTENDEES} members={MEMBERS} "
        f"connections={CONNECTIONS} picks={result.picks} shrunk={result.shrunk} runs={RUNS}"
    )
    assert statistics.median(runs) < 1.0  # the bar: under a second
