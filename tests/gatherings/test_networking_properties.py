"""Properties of the picking algorithm (pure: no database), checked with hypothesis."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from gatherings.networking import picking
from gatherings.networking.picking import Person, Stint

DEPARTMENTS = ["Drift", "Revisjon", "Boring", "IT"]

stints = st.lists(
    st.builds(
        lambda department, start, length: Stint(department, start, start + length),
        st.sampled_from(DEPARTMENTS),
        st.integers(1990, 2020),
        st.integers(0, 6),
    ),
    max_size=2,
)


@st.composite
def gatherings(draw):
    """Attendees with histories, some out of the directory, and pairs who met before."""
    ids = draw(st.lists(st.integers(1, 400), unique=True, max_size=40))
    people = [
        Person(
            id=pid,
            stints=tuple(draw(stints)),
            pickable=draw(st.booleans().map(lambda hidden: not hidden) | st.just(True)),
            history_shown=draw(st.booleans()),
        )
        for pid in ids
    ]
    met = {}
    if len(ids) >= 2:
        for a, b in draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)))):
            if a != b:
                met[picking.pair(a, b)] = draw(st.integers(1, 5))
    return {
        "people": people,
        "met": met,
        "old_count": draw(st.integers(0, 10)),
        "new_count": draw(st.integers(0, 10)),
        "seed": draw(st.integers(0, 2**32)),
    }


def overlapping(a: Person, b: Person) -> bool:
    """The test's own, plain reading of "worked alongside"."""
    return any(
        picking.department_key(x.department) == picking.department_key(y.department)
        and max(x.start, y.start) <= min(x.end, y.end)
        for x in a.stints
        for y in b.stints
    )


@settings(max_examples=150, deadline=None)
@given(gatherings())
def test_nobody_is_picked_for_themselves_or_twice(case):
    tasks = picking.pick_tasks(**case)
    for member, task in tasks.items():
        people = [pick.person for pick in task.picks]
        assert member not in people
        assert len(people) == len(set(people))


@settings(max_examples=150, deadline=None)
@given(gatherings())
def test_old_and_new_are_classified_right(case):
    by_id = {person.id: person for person in case["people"]}
    tasks = picking.pick_tasks(**case)
    for member, task in tasks.items():
        for pick in task.picks:
            worked = overlapping(by_id[member], by_id[pick.person])
            met = picking.pair(member, pick.person) in case["met"]
            assert by_id[pick.person].pickable
            if pick.kind == picking.NEW:
                assert not worked and not met
                assert pick.reason == picking.NEVER_MET
            else:
                assert worked or met
                assert pick.reason == (picking.WORKED_TOGETHER if worked else picking.MET_BEFORE)
                if pick.reason == picking.MET_BEFORE:
                    assert pick.met_at == case["met"][picking.pair(member, pick.person)]
                elif not by_id[pick.person].history_shown:
                    assert (pick.department, pick.overlap_from) == ("", None)


@settings(max_examples=150, deadline=None)
@given(gatherings())
def test_tasks_never_ask_for_more_than_the_gathering_sets(case):
    tasks = picking.pick_tasks(**case)
    assert sorted(tasks) == sorted(person.id for person in case["people"])
    for task in tasks.values():
        old = sum(pick.kind == picking.OLD for pick in task.picks)
        assert old + task.old_short == case["old_count"]
        assert len(task.picks) - old + task.new_short == case["new_count"]


@settings(max_examples=150, deadline=None)
@given(gatherings())
def test_nobody_is_picked_more_than_the_rounded_up_average_plus_one(case):
    tasks = picking.pick_tasks(**case)
    counts = picking.picked_counts(tasks)
    total = sum(counts.values())
    if counts:
        assert max(counts.values()) <= math.ceil(total / len(case["people"])) + 1


@settings(max_examples=100, deadline=None)
@given(gatherings())
def test_the_same_seed_gives_the_same_tasks_whatever_the_input_order(case):
    first = picking.pick_tasks(**case)
    again = picking.pick_tasks(**(case | {"people": list(reversed(case["people"]))}))
    assert first == again


@settings(max_examples=100, deadline=None)
@given(gatherings(), st.data())
def test_kept_picks_stay_and_count(case, data):
    tasks = picking.pick_tasks(**case)
    if not tasks:
        return
    member = data.draw(st.sampled_from(sorted(tasks)))
    kept = {member: tasks[member].picks[: data.draw(st.integers(0, 3))]}
    again = picking.pick_tasks(**case, kept=kept)
    assert again[member].picks[: len(kept[member])] == kept[member]


def test_a_big_department_is_shared_fairly():
    # Everyone worked in one department: all are old to each other, nobody new.
    people = [Person(id=pid, stints=(Stint("Drift", 2000, 2010),)) for pid in range(1, 21)]
    tasks = picking.pick_tasks(people=people, met={}, old_count=3, new_count=2, seed=7)
    counts = picking.picked_counts(tasks)
    assert sorted(set(counts.values())) == [3]
    assert all((task.old_short, task.new_short) == (0, 2) for task in tasks.values())


def test_one_popular_colleague_is_not_picked_by_everyone():
    # One person worked with all; the others are new to each other.
    star = Person(id=1, stints=tuple(Stint(f"Avd {n}", 2000, 2010) for n in range(2, 31)))
    others = [Person(id=n, stints=(Stint(f"Avd {n}", 2000, 2010),)) for n in range(2, 31)]
    tasks = picking.pick_tasks(people=[star, *others], met={}, old_count=3, new_count=2, seed=1)
    counts = picking.picked_counts(tasks)
    total = sum(counts.values())
    assert counts[1] <= math.ceil(total / 30) + 1
    assert sum(task.old_short > 0 for task in tasks.values()) >= 20
