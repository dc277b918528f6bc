"""The HR dashboard's query count: fixed, whatever the size of the network."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from gatherings.models import Gathering
from invitations.campaigns.models import Invitation

from .factories import MemberFactory
from .gatherings.factories import GatheringFactory, RsvpFactory
from .invitations.factories import LeaverFactory
from .test_dashboard import invite, make_campaign

pytestmark = pytest.mark.django_db

# Session, user, the dashboard's own 25 (members 2, funnel 6, campaigns 5 with the content
# type, gatherings 3, employers 1, competences 1, to-do 7), health check, whether the
# viewer has a member profile (for the menu's link).
COLD_QUERIES = 29
# From the cache: session, user, whether the viewer has a member profile.
WARM_QUERIES = 3


def network(size: int):
    now = timezone.now()
    start = now - timedelta(days=7)
    held = GatheringFactory(
        start=start,
        end=start + timedelta(hours=2),
        rsvp_deadline=start - timedelta(days=1),
        status=Gathering.Status.DONE,
    )
    coming = GatheringFactory(status=Gathering.Status.PUBLISHED)
    campaign = make_campaign()
    ContentType.objects.clear_cache()  # the funnel looks the invitation's type up once
    for _ in range(size):
        member = MemberFactory()
        RsvpFactory(gathering=held, member=member, answer="yes", checked_in_at=now)
        RsvpFactory(gathering=coming, member=member, answer="yes")
        invite(LeaverFactory(), campaign, Invitation.Status.JOINED)


@pytest.mark.parametrize("size", [1, 5])
def test_dashboard_queries_do_not_grow_with_the_network(
    staff_client, size, django_assert_num_queries
):
    network(size)

    with django_assert_num_queries(COLD_QUERIES):
        response = staff_client.get(reverse("hr_dashboard"))

    assert response.status_code == 200
    assert response.context["dashboard"].members.total == size


def test_dashboard_is_computed_once_a_minute_per_period(staff_client, django_assert_num_queries):
    network(2)
    staff_client.get(reverse("hr_dashboard"))

    with django_assert_num_queries(WARM_QUERIES):
        response = staff_client.get(reverse("hr_dashboard"))
    ContentType.objects.clear_cache()
    # Another period is computed afresh, with the system's health.
    with django_assert_num_queries(COLD_QUERIES):
        staff_client.get(reverse("hr_dashboard"), {"period": "all"})

    assert response.context["dashboard"].members.total == 2
