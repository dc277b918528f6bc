"""The personal code travels in the reminder and the confirmation: typed code and QR image."""

import email
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.sent_copy import sent_copy
from gatherings import reminders
from gatherings import rsvp as rsvp_module
from gatherings.door.qr import code_png
from gatherings.models import Rsvp

from ..factories import MemberFactory
from .factories import GatheringFactory, RsvpFactory

pytestmark = pytest.mark.django_db

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def parsed(message):
    """The message as it goes on the wire, parsed back."""
    return email.message_from_bytes(message.message().as_bytes())


def image_parts(message):
    return [part for part in parsed(message).walk() if part.get_content_maintype() == "image"]


def html_of(message):
    return message.alternatives[0][0]


def test_reminder_carries_the_code_as_text_and_as_an_inline_qr_image(sent):
    now = timezone.now()
    gathering = GatheringFactory(
        start=now + timedelta(days=1), end=now + timedelta(days=1, hours=2), rsvp_deadline=None
    )
    rsvp = RsvpFactory(gathering=gathering, answer="yes")

    [message] = sent(lambda: reminders.send_due_reminders(now=now))

    code = Rsvp.objects.get(pk=rsvp.pk).code
    assert code and code in message.body and code in html_of(message)
    [image] = image_parts(message)
    assert image.get_content_type() == "image/png"
    assert image.get_payload(decode=True).startswith(PNG_SIGNATURE)
    assert image.get("Content-Disposition").startswith("inline")
    content_id = image["Content-ID"].strip("<>")
    assert f'src="cid:{content_id}"' in html_of(message)
    assert parsed(message).get_content_type() == "multipart/related"


def test_the_image_is_the_qr_code_of_the_personal_code(sent):
    now = timezone.now()
    gathering = GatheringFactory(
        start=now + timedelta(days=1), end=now + timedelta(days=1, hours=2), rsvp_deadline=None
    )
    rsvp = RsvpFactory(gathering=gathering, answer="yes")

    [message] = sent(lambda: reminders.send_due_reminders(now=now))

    [image] = image_parts(message)
    assert image.get_payload(decode=True) == code_png(Rsvp.objects.get(pk=rsvp.pk).code)


def test_the_confirmation_of_a_seat_carries_the_code(sent):
    gathering = GatheringFactory(capacity=5)
    member = MemberFactory()

    [message] = sent(
        lambda: rsvp_module.answer_gathering(gathering=gathering, member=member, answer="yes")
    )

    code = Rsvp.objects.get(gathering=gathering, member=member).code
    assert code and code in message.body and code in html_of(message)
    assert len(image_parts(message)) == 1


def test_the_waiting_list_email_carries_no_code(sent):
    gathering = GatheringFactory(capacity=0)
    member = MemberFactory()

    [message] = sent(
        lambda: rsvp_module.answer_gathering(gathering=gathering, member=member, answer="yes")
    )

    code = Rsvp.objects.get(gathering=gathering, member=member).code
    assert code not in message.body
    assert image_parts(message) == []
    assert parsed(message).get_content_type() != "multipart/related"


def test_the_calendar_file_stays_an_attachment_beside_the_image(sent):
    gathering = GatheringFactory(capacity=5)
    member = MemberFactory()

    [message] = sent(
        lambda: rsvp_module.answer_gathering(gathering=gathering, member=member, answer="yes")
    )

    calendars = [p for p in parsed(message).walk() if p.get_content_type() == "text/calendar"]
    assert len(calendars) == 1
    assert calendars[0].get("Content-Disposition").startswith("attachment")


def test_hrs_copy_of_a_reminder_only_reads_the_code():
    now = timezone.now()
    gathering = GatheringFactory(
        start=now + timedelta(days=1), end=now + timedelta(days=1, hours=2), rsvp_deadline=None
    )
    rsvp = RsvpFactory(gathering=gathering, answer="yes")
    reminders.send_due_reminders(now=now)
    row = OutboxEmail.objects.get(kind="gathering_reminder", object_id=rsvp.pk)
    Rsvp.objects.filter(pk=rsvp.pk).update(code="")  # a Yes from before codes came with it

    with CaptureQueriesContext(connection) as queries:
        copy = sent_copy(row)

    written = [q["sql"] for q in queries if q["sql"].split(None, 1)[0] in {"INSERT", "UPDATE"}]
    assert (written, copy.withheld) == ([], "")
    assert Rsvp.objects.get(pk=rsvp.pk).code == ""
