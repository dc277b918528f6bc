"""Unsubscribing from the link in a bulk email, and bounces from ESP webhooks."""

import pytest
from django.core import mail
from django.urls import reverse

from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.queueing import queue_email
from alumni_network.mail.rendering import unsubscribe_token
from alumni_network.mail.sending import drain
from alumni_network.mail.suppression import is_suppressed
from alumni_network.mail.tracking import record_tracking_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_row():
    row = queue_email(
        kind="hr_message",
        to="Kari@Example.org",
        language="nb",
        data={"subject": "Hei", "body": "x"},
    )
    drain()
    row.refresh_from_db()
    return row


def unsubscribe_path(row):
    return reverse("mail:unsubscribe", kwargs={"token": unsubscribe_token(row)})


def test_unsubscribe_link_get_changes_nothing(client, sent_row):
    response = client.get(unsubscribe_path(sent_row))
    client.head(unsubscribe_path(sent_row))

    assert response.status_code == 200
    assert "Kari@Example.org" in response.content.decode()
    assert not is_suppressed("kari@example.org")


def test_unsubscribe_button_suppresses_the_address(client, sent_row):
    response = client.post(unsubscribe_path(sent_row))

    assert response.status_code == 200
    assert is_suppressed("kari@example.org")


def test_one_click_post_suppresses_the_address(client, sent_row):
    response = client.post(
        unsubscribe_path(sent_row),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert response.content == b""
    assert is_suppressed("kari@example.org")


def test_unsubscribed_address_gets_no_more_bulk_email(client, sent_row):
    client.post(unsubscribe_path(sent_row))

    queue_email(kind="hr_message", to="kari@example.org", language="nb", data={"subject": "Igjen"})
    drain()

    assert len(mail.outbox) == 1


@pytest.mark.parametrize("token", ["not-a-token", "MQ:1tampered:abc"])
def test_tampered_unsubscribe_link_gets_a_friendly_page(client, token):
    response = client.get(reverse("mail:unsubscribe", kwargs={"token": token}))

    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()


def test_every_link_in_a_sent_email_changes_nothing_when_followed(client, sent_row):
    import re

    html = mail.outbox[0].alternatives[0][0]
    links = set(re.findall(r'href="(http[^"]+)"', html))

    for link in links:
        path = link.split("://", 1)[1].split("/", 1)[1]
        client.head(f"/{path}")
        client.get(f"/{path}")

    assert links
    assert not is_suppressed("kari@example.org")
    assert OutboxEmail.objects.filter(status="sent").count() == 1


@pytest.mark.parametrize("event_type", ["bounced", "complained", "rejected"])
def test_bounce_and_complaint_events_suppress_the_address(event_type):
    assert record_tracking_event(
        event_id="ev-1", event_type=event_type, recipient="Ola@example.org"
    )

    assert is_suppressed("ola@example.org")


def test_tracking_event_is_handled_once():
    record_tracking_event(event_id="ev-1", event_type="bounced", recipient="ola@example.org")

    assert not record_tracking_event(
        event_id="ev-1", event_type="bounced", recipient="ola@example.org"
    )


def test_delivery_event_suppresses_nothing():
    assert not record_tracking_event(
        event_id="ev-2", event_type="delivered", recipient="ola@example.org"
    )
    assert not is_suppressed("ola@example.org")


def postmark_bounce(recipient):
    return {
        "RecordType": "Bounce",
        "ID": 4323372036854775807,
        "Type": "HardBounce",
        "TypeCode": 1,
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Email": recipient,
        "BouncedAt": "2026-11-28T12:00:00Z",
        "Description": "The server was unable to deliver your message",
        "Details": "smtp;550 5.1.1 user unknown",
        "Inactive": True,
        "CanActivate": True,
    }


def test_postmark_bounce_webhook_with_the_secret_suppresses(client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:s3cret"}
    url = reverse("mail:postmark_tracking")
    import base64

    auth = "Basic " + base64.b64encode(b"hook:s3cret").decode()

    response = client.post(
        url,
        postmark_bounce("gone@example.org"),
        content_type="application/json",
        headers={"authorization": auth},
    )

    assert response.status_code == 200
    assert is_suppressed("gone@example.org")


def test_webhook_without_the_secret_is_refused(client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:s3cret"}

    response = client.post(
        reverse("mail:postmark_tracking"),
        postmark_bounce("gone@example.org"),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert not is_suppressed("gone@example.org")
