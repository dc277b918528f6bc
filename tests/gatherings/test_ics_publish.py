"""Calendar files are published, not requested, until inbound replies are handled."""

import icalendar
import pytest
from django.urls import reverse

from gatherings import planning
from gatherings.models import Rsvp

from ..factories import MemberFactory
from .factories import GatheringFactory

pytestmark = pytest.mark.django_db


def calendar_part(message):
    """The text/calendar MIME part of a sent message, as the recipient's client reads it."""
    [part] = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    return part


def test_invitation_attaches_one_publish_event_with_one_charset(sent):
    gathering = GatheringFactory(status="draft")
    MemberFactory()

    [message] = sent(lambda: planning.publish_and_invite(gathering=gathering))

    part = calendar_part(message)
    header = part["Content-Type"]
    assert header.lower().count("charset") == 1
    assert part.get_param("method") == "PUBLISH"
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    assert str(calendar["method"]) == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    # Nobody reads replies, so the file asks for none.
    assert "ATTENDEE" not in event
    assert b"RSVP=TRUE" not in part.get_payload(decode=True)


def test_cancellation_is_a_cancel_of_the_same_event_with_a_higher_sequence(sent):
    gathering = GatheringFactory(status="draft")
    member = MemberFactory()
    [invite] = sent(lambda: planning.publish_and_invite(gathering=gathering))
    # The member says yes on the site: cancellations go to those coming.
    Rsvp.objects.filter(gathering=gathering, member=member).update(answer="yes")
    first = icalendar.Calendar.from_ical(calendar_part(invite).get_payload(decode=True))

    [cancel] = sent(lambda: planning.cancel_gathering(gathering=gathering))

    part = calendar_part(cancel)
    assert part.get_param("method") == "CANCEL"
    assert part["Content-Type"].lower().count("charset") == 1
    second = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    [before] = first.walk("VEVENT")
    [after] = second.walk("VEVENT")
    assert str(second["method"]) == "CANCEL"
    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) > int(before["sequence"])
    assert str(after["status"]) == "CANCELLED"
    assert member.user.email in str(after["attendee"])


def test_download_is_publish(client):
    member = MemberFactory()
    gathering = GatheringFactory(status="published")
    client.force_login(member.user)

    response = client.get(reverse("gatherings:ics", kwargs={"pk": gathering.pk}))

    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["method"]) == "PUBLISH"
