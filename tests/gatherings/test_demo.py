"""The demo gatherings: there, and unchanged by a second run."""

import io

import pytest

from gatherings import demo
from gatherings.models import Gathering, Rsvp
from members import demo as members_demo

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(Gathering.objects.values_list("title", "status", "start", "capacity")),
        sorted(
            Rsvp.objects.values_list("gathering__title", "member_id", "answer", "waitlist_position")
        ),
    )


def test_demo_has_a_past_and_an_upcoming_gathering_and_is_idempotent():
    members_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    first = snapshot()

    demo.seed(io.StringIO())

    assert snapshot() == first
    upcoming = Gathering.objects.get(title=demo.UPCOMING_TITLE)
    past = Gathering.objects.get(title=demo.PAST_TITLE)
    assert (upcoming.status, past.status) == ("published", "done")
    assert upcoming.rsvps.filter(waitlist_position__isnull=False).exists()
    assert past.rsvps.filter(checked_in_at__isnull=False).exists()
    assert upcoming.agenda_items.filter(speaker_member__isnull=False).exists()
