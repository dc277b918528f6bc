"""The HR overview: the week's numbers in a fixed number of queries."""

import pytest
from django.urls import reverse

from gatherings.models import Gathering

from .factories import MemberFactory
from .gatherings.factories import GatheringFactory, RsvpFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("member_count", [1, 5])
def test_overview_queries_do_not_grow_with_the_network(
    staff_client, member_count, django_assert_num_queries
):
    gathering = GatheringFactory(status=Gathering.Status.PUBLISHED)
    for _ in range(member_count):
        RsvpFactory(gathering=gathering, member=MemberFactory(), answer="yes")

    with django_assert_num_queries(12):
        response = staff_client.get(reverse("hr_dashboard"))

    assert response.status_code == 200
    assert response.context["overview"].next_gathering == gathering
    assert response.context["overview"].next_gathering_counts.yes == member_count
