"""Emails through the outbox: invitations, confirmations, updates, cancellations, reminders."""

from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone

from gatherings import planning, reminders
from gatherings import rsvp as rsvp_module
from gatherings.models import Gathering, Rsvp

from ..factories import MemberFactory
from .factories import AgendaItemFactory, GatheringFactory, RsvpFactory

pytestmark = pytest.mark.django_db


def calendar_of(message):
    [(filename, payload, mimetype)] = [
        a for a in message.attachments if isinstance(a, tuple) and a[0].endswith(".ics")
    ]
    return mimetype, icalendar.Calendar.from_ical(payload)


def test_publish_and_invite_emails_the_audience_with_answer_links_and_ics(sent):
    gathering = GatheringFactory(status="draft", audience={"locations": ["Bergen"]})
    AgendaItemFactory(gathering=gathering, title="Selskapsoppdatering")
    invited = MemberFactory(location="Bergen", user__language="nb")
    MemberFactory(location="Oslo")
    MemberFactory(location="Bergen", wants_gathering_emails=False)

    messages = sent(lambda: planning.publish_and_invite(gathering=gathering))

    assert [m.to for m in messages] == [[invited.user.email]]
    message = messages[0]
    html = message.alternatives[0][0]
    assert "Selskapsoppdatering" in message.body
    assert "/rsvp/" in message.body and "answer=yes" in html
    mimetype, calendar = calendar_of(message)
    assert mimetype.startswith("text/calendar; method=PUBLISH")
    assert str(calendar["method"]) == "PUBLISH"
    assert "List-Unsubscribe" in message.extra_headers


def test_invite_twice_sends_each_member_one_invitation(sent):
    gathering = GatheringFactory(status="draft")
    MemberFactory()
    sent(lambda: planning.publish_and_invite(gathering=gathering))

    again = sent(lambda: planning.publish_and_invite(gathering=gathering))

    assert again == []


def test_invitation_renders_in_the_recipients_language(sent):
    gathering = GatheringFactory(status="draft")
    MemberFactory(user__language="en")

    [message] = sent(lambda: planning.publish_and_invite(gathering=gathering))

    assert "Yes, I am coming" in message.body


def test_yes_emails_a_confirmation_with_ics(sent):
    gathering = GatheringFactory()
    member = MemberFactory()

    [message] = sent(
        lambda: rsvp_module.answer_gathering(gathering=gathering, member=member, answer="yes")
    )

    _mimetype, calendar = calendar_of(message)
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]).startswith(f"gathering-{gathering.pk}@")


def test_change_of_time_emails_yes_and_maybe_an_updated_ics(sent):
    gathering = GatheringFactory()
    yes = RsvpFactory(gathering=gathering, answer="yes")
    maybe = RsvpFactory(gathering=gathering, answer="maybe")
    RsvpFactory(gathering=gathering, answer="no")

    messages = sent(
        lambda: planning.update_gathering(
            gathering=gathering, changed={"start": gathering.start + timedelta(minutes=30)}
        )
    )

    assert sorted(m.to[0] for m in messages) == sorted(
        [yes.member.user.email, maybe.member.user.email]
    )
    _mimetype, calendar = calendar_of(messages[0])
    [event] = calendar.walk("VEVENT")
    assert event["sequence"] == 1


def test_cancelling_emails_a_cancel(sent):
    gathering = GatheringFactory()
    RsvpFactory(gathering=gathering, answer="yes")

    [message] = sent(lambda: planning.cancel_gathering(gathering=gathering))

    mimetype, calendar = calendar_of(message)
    assert "method=CANCEL" in mimetype
    assert str(calendar["method"]) == "CANCEL"
    assert Gathering.objects.get(pk=gathering.pk).status == "cancelled"


def test_reminders_are_sent_once_when_due(sent):
    now = timezone.now()
    soon = GatheringFactory(
        start=now + timedelta(days=1), end=now + timedelta(days=1, hours=2), rsvp_deadline=None
    )
    later = GatheringFactory(start=now + timedelta(days=10), end=now + timedelta(days=10, hours=2))
    due = RsvpFactory(gathering=soon, answer="yes")
    RsvpFactory(gathering=later, answer="yes")
    RsvpFactory(gathering=soon, answer="no")

    first = sent(lambda: reminders.send_due_reminders(now=now))
    second = sent(lambda: reminders.send_due_reminders(now=now + timedelta(hours=1)))

    assert [m.to for m in first] == [[due.member.user.email]]
    assert second == []
    assert Rsvp.objects.get(pk=due.pk).reminded_at is not None


def test_a_missed_day_still_reminds(sent):
    now = timezone.now()
    # The beat did not run for days: the gathering is now only hours away.
    gathering = GatheringFactory(
        start=now + timedelta(hours=5), end=now + timedelta(hours=8), rsvp_deadline=None
    )
    RsvpFactory(gathering=gathering, answer="yes")

    assert len(sent(lambda: reminders.send_due_reminders(now=now))) == 1


def test_non_answerers_are_nudged_once_before_the_deadline(sent):
    now = timezone.now()
    gathering = GatheringFactory(
        start=now + timedelta(days=10),
        end=now + timedelta(days=10, hours=3),
        rsvp_deadline=now + timedelta(days=2),
    )
    pending = RsvpFactory(gathering=gathering)
    RsvpFactory(gathering=gathering, answer="no")

    first = sent(lambda: reminders.send_due_reminders(now=now))
    second = sent(lambda: reminders.send_due_reminders(now=now + timedelta(hours=3)))

    assert [m.to for m in first] == [[pending.member.user.email]]
    assert second == []


def test_breakfast_is_also_reminded_the_evening_before(sent):
    gathering = GatheringFactory(format="breakfast", rsvp_deadline=None)
    gathering.start = timezone.now() + timedelta(days=5)
    gathering.end = gathering.start + timedelta(hours=1)
    gathering.save()
    rsvp = RsvpFactory(gathering=gathering, answer="yes", reminded_at=timezone.now())
    evening = reminders.evening_before(gathering)

    before = sent(lambda: reminders.send_due_reminders(now=evening - timedelta(hours=1)))
    at = sent(lambda: reminders.send_due_reminders(now=evening + timedelta(minutes=5)))
    again = sent(lambda: reminders.send_due_reminders(now=evening + timedelta(hours=2)))

    assert (before, len(at), again) == ([], 1, [])
    assert Rsvp.objects.get(pk=rsvp.pk).evening_reminded_at is not None


def test_message_all_confirmed_goes_to_confirmed_only(sent, staff_client):
    gathering = GatheringFactory(capacity=1)
    confirmed = RsvpFactory(gathering=gathering, answer="yes")
    RsvpFactory(gathering=gathering, answer="yes", waitlist_position=1)
    RsvpFactory(gathering=gathering, answer="maybe")

    messages = sent(
        lambda: planning.message_confirmed(
            gathering=gathering, subject="Parkering", body="Bruk P2."
        )
    )

    assert [(m.to, m.subject) for m in messages] == [([confirmed.member.user.email], "Parkering")]


def test_yes_on_a_full_gathering_emails_the_waiting_list_place_without_ics(sent):
    gathering = GatheringFactory(capacity=0)
    member = MemberFactory(user__language="en")

    [message] = sent(
        lambda: rsvp_module.answer_gathering(gathering=gathering, member=member, answer="yes")
    )

    assert message.subject == f"On the waiting list: {gathering.title}"
    assert "number 1 on the waiting list" in message.body
    assert [a for a in message.attachments if isinstance(a, tuple) and a[0].endswith(".ics")] == []
