"""Calendar files (.ics) and add-to-calendar links for a gathering."""

from datetime import date
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Gathering

OSLO = ZoneInfo("Europe/Oslo")
# PUBLISH, not REQUEST: a REQUEST makes Outlook and Gmail offer Accept and Decline,
# and those replies would go to a mailbox nobody reads. Members answer on the site.
METHOD_PUBLISH = "PUBLISH"
# A cancellation keeps the UID and raises SEQUENCE, so calendars drop the event.
METHOD_CANCEL = "CANCEL"


def event_uid(gathering: Gathering) -> str:
    # Stable for the gathering's lifetime: every update replaces the same event.
    domain = urlsplit(settings.SITE_URL).hostname or "alumni.invalid"
    return f"gathering-{gathering.pk}@{domain}"


def location_text(gathering: Gathering) -> str:
    parts = [gathering.host.name if gathering.host else "", gathering.address, gathering.room]
    return ", ".join(part for part in parts if part)


def event_description(gathering: Gathering) -> str:
    url = settings.SITE_URL + reverse("gatherings:detail", kwargs={"pk": gathering.pk})
    lines = [gathering.description.strip(), gathering.directions.strip(), url]
    return "\n\n".join(line for line in lines if line)


def ics_for(*, gathering: Gathering, method: str = METHOD_PUBLISH, attendee_email: str = "") -> str:
    """One VEVENT in Europe/Oslo time with its VTIMEZONE; METHOD PUBLISH or CANCEL."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{settings.NETWORK_NAME}//gatherings//NO")
    calendar.add("version", "2.0")
    calendar.add("method", method)

    event = icalendar.Event()
    event.add("uid", event_uid(gathering))
    event.add("sequence", gathering.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", timezone.localtime(gathering.start, OSLO))
    event.add("dtend", timezone.localtime(gathering.end, OSLO))
    event.add("summary", gathering.title)
    event.add("description", event_description(gathering))
    if location := location_text(gathering):
        event.add("location", location)
    organizer = icalendar.vCalAddress(f"mailto:{settings.NETWORK_CONTACT_EMAIL}")
    organizer.params["cn"] = icalendar.vText(settings.NETWORK_NAME)
    event.add("organizer", organizer)
    if attendee_email and method == METHOD_CANCEL:
        # Names whose copy is cancelled; no RSVP asked, as nothing reads replies.
        attendee = icalendar.vCalAddress(f"mailto:{attendee_email}")
        attendee.params["rsvp"] = icalendar.vText("FALSE")
        event.add("attendee", attendee)
    cancelled = method == METHOD_CANCEL or gathering.status == Gathering.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    # A VTIMEZONE covering just the years around the event keeps the file small.
    year = timezone.localtime(gathering.start, OSLO).year
    calendar.add_missing_timezones(first_date=date(year - 1, 1, 1), last_date=date(year + 2, 1, 1))
    return calendar.to_ical().decode()


def _utc_stamp(moment) -> str:
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(gathering: Gathering) -> str:
    query = {
        "action": "TEMPLATE",
        "text": gathering.title,
        "dates": f"{_utc_stamp(gathering.start)}/{_utc_stamp(gathering.end)}",
        "details": event_description(gathering),
        "location": location_text(gathering),
        "ctz": "Europe/Oslo",
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_calendar_url(gathering: Gathering) -> str:
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": gathering.title,
        "startdt": gathering.start.astimezone(ZoneInfo("UTC")).isoformat(),
        "enddt": gathering.end.astimezone(ZoneInfo("UTC")).isoformat(),
        "body": event_description(gathering),
        "location": location_text(gathering),
    }
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(query)


def calendar_filename() -> str:
    return _("gathering") + ".ics"
