"""Two organisers checking people in at once, on PostgreSQL: nobody is lost or counted twice.

Each organiser is a thread with its own database connection, as two phones
are two requests on two connections. Both go through the same list of people
(in opposite orders, so they meet in the middle and collide on every row).
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from gatherings.door import checkin, selectors
from gatherings.models import Rsvp

from ..factories import MemberFactory, StaffFactory
from .factories import GatheringFactory, OrganiserFactory, RsvpFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PEOPLE, WALK_INS = 120, 20


def run_as_two_organisers(work):
    """Run `work(organiser_index, barrier)` in two threads at once; return both results."""
    start = threading.Barrier(2)

    def organiser(index):
        try:
            return work(index, start)
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(organiser, range(2)))


def test_two_organisers_checking_in_the_same_people_lose_none_and_double_none():
    gathering = GatheringFactory(capacity=PEOPLE)
    rsvps = [RsvpFactory(gathering=gathering, answer="yes") for _ in range(PEOPLE)]
    organisers = [StaffFactory(), OrganiserFactory(gathering=gathering).member.user]
    connection.close()

    def work(index, start):
        order = rsvps if index == 0 else list(reversed(rsvps))
        start.wait()
        return [checkin.check_in(rsvp=r, by=organisers[index]).new for r in order]

    first, second = run_as_two_organisers(work)

    assert sum(first) + sum(second) == PEOPLE  # each person checked in exactly once
    assert not Rsvp.objects.filter(gathering=gathering, checked_in_at__isnull=True).exists()
    counts = selectors.door_counts(gathering=gathering)
    assert (counts.arrived, counts.confirmed) == (PEOPLE, PEOPLE)
    # Whoever was first for a person is recorded, and it is one of the two.
    by = set(Rsvp.objects.filter(gathering=gathering).values_list("checked_in_by", flat=True))
    assert by <= {organiser.pk for organiser in organisers}


def test_two_organisers_walking_in_the_same_members_make_one_answer_each():
    gathering = GatheringFactory()
    members = [MemberFactory() for _ in range(WALK_INS)]
    organisers = [StaffFactory(), StaffFactory()]
    connection.close()

    def work(index, start):
        order = members if index == 0 else list(reversed(members))
        start.wait()
        return [
            checkin.check_in_walk_in(gathering=gathering, member=m, by=organisers[index]).new
            for m in order
        ]

    first, second = run_as_two_organisers(work)

    assert sum(first) + sum(second) == WALK_INS
    assert Rsvp.objects.filter(gathering=gathering).count() == WALK_INS
    assert selectors.door_counts(gathering=gathering).walk_ins == WALK_INS
