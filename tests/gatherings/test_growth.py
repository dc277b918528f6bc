"""Network growth per gathering, on a small crafted network."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gatherings.aftermath import connections, growth
from gatherings.aftermath.growth import Growth
from gatherings.models import Connection
from members.models import Member

from ..factories import MemberFactory
from .factories import GatheringFactory, RsvpFactory

pytestmark = pytest.mark.django_db


def held(days_ago: int):
    start = (timezone.now() - timedelta(days=days_ago)).replace(microsecond=0)
    return GatheringFactory(start=start, end=start + timedelta(hours=3), rsvp_deadline=None)


def came(gathering, member):
    RsvpFactory(gathering=gathering, member=member, answer="yes", checked_in_at=gathering.start)


@pytest.fixture
def network():
    """Spring: Anne and Bjørn met. Autumn: they meet again, Anne meets Cato, Cato meets Dina;
    Eva said yes and stayed home, Finn said no."""
    anne, bjorn, cato, dina, eva, finn = (MemberFactory() for _ in range(6))
    spring, autumn = held(days_ago=180), held(days_ago=2)
    for member in (anne, bjorn):
        came(spring, member)
    for member in (anne, bjorn, cato, dina):
        came(autumn, member)
    RsvpFactory(gathering=autumn, member=eva, answer="yes")
    RsvpFactory(gathering=autumn, member=finn, answer="no")
    connections.record_connections(gathering=spring, member=anne, person_ids=[bjorn.pk])
    connections.record_connections(gathering=autumn, member=anne, person_ids=[bjorn.pk, cato.pk])
    connections.record_connections(gathering=autumn, member=dina, person_ids=[cato.pk])
    return spring, autumn


def test_growth_of_the_later_gathering(network):
    _spring, autumn = network

    figures = growth.growth_of(gathering=autumn)

    assert figures == Growth(
        attendees=4,
        returning=2,
        first_time=2,
        no_shows=1,
        connections=3,
        new_connections=2,
        met_someone_new=3,
    )
    assert figures.share_met_someone_new == pytest.approx(0.75)


def test_growth_of_the_first_gathering_counts_everything_as_new(network):
    spring, _autumn = network

    figures = growth.growth_of(gathering=spring)

    assert figures == Growth(
        attendees=2,
        returning=0,
        first_time=2,
        no_shows=0,
        connections=1,
        new_connections=1,
        met_someone_new=2,
    )


def test_a_gathering_without_answers_has_zeros_and_no_share():
    empty = held(days_ago=1)

    figures = growth.growth_of(gathering=empty)

    assert figures == Growth()
    assert figures.share_met_someone_new is None


def test_growth_for_many_gatherings_takes_two_queries(network, django_assert_num_queries):
    spring, autumn = network
    ids = [spring.pk, autumn.pk, held(days_ago=1).pk]

    with django_assert_num_queries(2):
        figures = growth.growth_for(ids)

    assert sorted(figures) == sorted(ids)
    assert [figures[spring.pk].new_connections, figures[autumn.pk].new_connections] == [1, 2]


def test_a_pair_that_met_later_is_still_new_at_the_earlier_gathering(network):
    spring, autumn = network
    # Recorded at autumn first, the spring record comes in afterwards: order of
    # recording does not matter, the gatherings' dates do.
    Connection.objects.all().delete()
    anne, bjorn = spring.rsvps.order_by("pk").values_list("member_id", flat=True)
    connections.record_connections(
        gathering=autumn, member=Member.objects.get(pk=anne), person_ids=[bjorn]
    )
    connections.record_connections(
        gathering=spring, member=Member.objects.get(pk=anne), person_ids=[bjorn]
    )

    figures = growth.growth_for([spring.pk, autumn.pk])

    assert (figures[spring.pk].new_connections, figures[autumn.pk].new_connections) == (1, 0)
