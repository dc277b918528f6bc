"""Calendar files: parsed back, stable UID, SEQUENCE, and Oslo time across the DST change."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from gatherings import calendars, planning

from .factories import GatheringFactory

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")


def parse_event(text):
    calendar = icalendar.Calendar.from_ical(text)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_ics_parses_back_with_stable_uid_and_method():
    gathering = GatheringFactory(title="Høstsamling")

    calendar, event = parse_event(calendars.ics_for(gathering=gathering, attendee_email="a@b.no"))
    _again, event_again = parse_event(calendars.ics_for(gathering=gathering))

    assert str(calendar["method"]) == "PUBLISH"
    assert str(event["summary"]) == "Høstsamling"
    assert str(event["uid"]) == str(event_again["uid"]) == calendars.event_uid(gathering)
    assert event.decoded("dtstart") == gathering.start
    assert event.decoded("dtend") == gathering.end


def test_ics_on_the_last_sunday_of_october_is_in_winter_time():
    # Clocks go back at 03:00 on 25 October 2026: 16:00 that day is UTC+1.
    start = datetime(2026, 10, 25, 16, 0, tzinfo=OSLO)
    gathering = GatheringFactory(start=start, end=start + timedelta(hours=3), rsvp_deadline=None)

    calendar, event = parse_event(calendars.ics_for(gathering=gathering))

    assert event.decoded("dtstart").astimezone(UTC) == datetime(2026, 10, 25, 15, 0, tzinfo=UTC)
    assert event["dtstart"].params["TZID"] == "Europe/Oslo"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Oslo"]


def test_ics_the_day_before_the_change_is_in_summer_time():
    start = datetime(2026, 10, 24, 16, 0, tzinfo=OSLO)
    gathering = GatheringFactory(start=start, end=start + timedelta(hours=3), rsvp_deadline=None)

    _calendar, event = parse_event(calendars.ics_for(gathering=gathering))

    assert event.decoded("dtstart").astimezone(UTC) == datetime(2026, 10, 24, 14, 0, tzinfo=UTC)


def test_sequence_increments_on_a_change_of_time_not_of_title():
    gathering = GatheringFactory()

    gathering = planning.update_gathering(gathering=gathering, changed={"title": "Nytt navn"})
    assert gathering.sequence == 0
    gathering = planning.update_gathering(
        gathering=gathering, changed={"start": gathering.start + timedelta(hours=1)}
    )

    _calendar, event = parse_event(calendars.ics_for(gathering=gathering))
    assert event["sequence"] == 1


def test_cancel_ics_says_cancel():
    gathering = GatheringFactory()

    calendar, event = parse_event(
        calendars.ics_for(gathering=gathering, method=calendars.METHOD_CANCEL)
    )

    assert str(calendar["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"


def test_google_link_carries_utc_times():
    start = datetime(2026, 10, 25, 16, 0, tzinfo=OSLO)
    gathering = GatheringFactory(start=start, end=start + timedelta(hours=3), rsvp_deadline=None)

    assert "dates=20261025T150000Z%2F20261025T180000Z" in calendars.google_calendar_url(gathering)
