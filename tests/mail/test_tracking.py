"""Provider events: soft bounces count, hard ones suppress, each event once per recipient."""

import base64
import json
from datetime import timedelta

import pytest
from anymail.signals import tracking
from anymail.webhooks.amazon_ses import AmazonSESTrackingWebhookView
from django.urls import reverse
from django.utils import timezone

from alumni_network.mail.models import MailEvent, OutboxEmail, Suppression, email_hash
from alumni_network.mail.suppression import is_suppressed
from alumni_network.mail.tracking import record_tracking_event

pytestmark = pytest.mark.django_db

SECRET = "hook:s3cret"
AUTH = {"authorization": "Basic " + base64.b64encode(SECRET.encode()).decode()}


@pytest.fixture(autouse=True)
def _webhook_secret(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}


def reason_of(address):
    return Suppression.objects.get(email_hash=email_hash(address)).reason


def postmark_bounce(recipient, *, bounce_type, bounce_id, at="2026-11-28T12:00:00Z"):
    return {
        "RecordType": "Bounce",
        "ID": bounce_id,
        "Type": bounce_type,
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Email": recipient,
        "BouncedAt": at,
        "Description": "The mailbox is full",
        "Details": "smtp;452 4.2.2 mailbox full",
    }


def post_postmark(client, payload):
    return client.post(
        reverse("mail:postmark_tracking"), payload, content_type="application/json", headers=AUTH
    )


def brevo_event(recipient, *, event, ts_epoch):
    return {
        "event": event,
        "email": recipient,
        "id": 1,
        "message-id": "<202611281200.1@smtp-relay.mailin.fr>",
        "ts_epoch": ts_epoch,
        "reason": "mailbox full",
    }


def post_brevo(client, payload):
    return client.post(
        reverse("mail:brevo_tracking"), payload, content_type="application/json", headers=AUTH
    )


def ses_bounce(*recipients, bounce_type, sns_id="sns-1", message_id="ses-msg-1"):
    ses_event = {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": bounce_type,
            "bounceSubType": "General",
            "bouncedRecipients": [
                {"emailAddress": address, "diagnosticCode": "smtp; 550 5.1.1 unknown"}
                for address in recipients
            ],
            "timestamp": "2026-11-28T12:00:00.000Z",
        },
        "mail": {"messageId": message_id, "destination": list(recipients)},
    }
    return {
        "Type": "Notification",
        "MessageId": sns_id,
        "TopicArn": "arn:aws:sns:eu-north-1:123456789012:ses-events",
        "Message": json.dumps(ses_event),
        "Timestamp": "2026-11-28T12:00:01.000Z",
    }


def post_ses(client, payload):
    """What anymail's SES webhook does with a notification, without boto3 (an optional extra).

    anymail's own parser turns it into events and its signal carries them, as
    the view would once SNS and basic auth have been checked.
    """
    events = AmazonSESTrackingWebhookView.esp_to_anymail_events(
        None, json.loads(payload["Message"]), payload
    )
    for event in events:
        tracking.send(sender=AmazonSESTrackingWebhookView, event=event, esp_name="Amazon SES")


# Item 15: a soft bounce counts; the third in 30 days suppresses -------------------------


def test_postmark_soft_bounces_suppress_only_at_the_third(client):
    for bounce_id in (1, 2):
        post_postmark(
            client,
            postmark_bounce("full@example.org", bounce_type="SoftBounce", bounce_id=bounce_id),
        )
    assert not is_suppressed("full@example.org")

    response = post_postmark(
        client, postmark_bounce("full@example.org", bounce_type="SoftBounce", bounce_id=3)
    )

    assert response.status_code == 200
    assert reason_of("full@example.org") == Suppression.Reason.SOFT_BOUNCED


def test_postmark_hard_bounce_suppresses_at_once(client):
    post_postmark(
        client, postmark_bounce("gone@example.org", bounce_type="HardBounce", bounce_id=9)
    )

    assert reason_of("gone@example.org") == Suppression.Reason.BOUNCED


def test_brevo_soft_bounce_counts_without_an_event_id(client):
    for n in range(2):
        post_brevo(client, brevo_event("full@example.org", event="soft_bounce", ts_epoch=1e12 + n))
    # The same delivery again is the same event, not a third bounce.
    post_brevo(client, brevo_event("full@example.org", event="soft_bounce", ts_epoch=1e12 + 1))

    assert not is_suppressed("full@example.org")
    assert MailEvent.objects.filter(type=MailEvent.Type.SOFT_BOUNCE).count() == 2

    post_brevo(client, brevo_event("full@example.org", event="soft_bounce", ts_epoch=1e12 + 2))

    assert reason_of("full@example.org") == Suppression.Reason.SOFT_BOUNCED


def test_brevo_hard_bounce_suppresses_at_once(client):
    post_brevo(client, brevo_event("gone@example.org", event="hard_bounce", ts_epoch=1e12))

    assert reason_of("gone@example.org") == Suppression.Reason.BOUNCED


def test_ses_transient_bounce_counts_and_permanent_suppresses(client):
    post_ses(client, ses_bounce("full@example.org", bounce_type="Transient", sns_id="a"))
    post_ses(client, ses_bounce("gone@example.org", bounce_type="Permanent", sns_id="b"))

    assert not is_suppressed("full@example.org")
    assert reason_of("gone@example.org") == Suppression.Reason.BOUNCED


def test_soft_bounces_older_than_30_days_do_not_count():
    now = timezone.now()
    for days_ago in (45, 31, 1):
        record_tracking_event(
            event_id=f"old-{days_ago}",
            event_type="bounced",
            soft=True,
            recipient="full@example.org",
            occurred_at=now - timedelta(days=days_ago),
        )

    assert not is_suppressed("full@example.org")


def test_reject_and_complaint_suppress_with_their_own_reason():
    record_tracking_event(event_id="r", event_type="rejected", recipient="blocked@example.org")
    record_tracking_event(event_id="c", event_type="complained", recipient="spam@example.org")

    assert reason_of("blocked@example.org") == Suppression.Reason.REJECTED
    assert reason_of("spam@example.org") == Suppression.Reason.COMPLAINED


def test_soft_bounce_suppression_marks_the_invitation_bounced():
    from invitations.models import Invitation
    from tests.invitations.factories import LeaverFactory

    leaver = LeaverFactory(email="full@example.org")
    invitation = _pending_invitation(leaver)
    for n in range(3):
        record_tracking_event(
            event_id=f"s{n}", event_type="bounced", soft=True, recipient="full@example.org"
        )

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.BOUNCED


def _pending_invitation(leaver):
    from invitations.campaigns.lifecycle import create_campaign
    from invitations.models import Invitation
    from tests.factories import StaffFactory
    from tests.invitations.factories import SegmentFactory

    campaign = create_campaign(name="Høst", segment=SegmentFactory(), user=StaffFactory())
    return Invitation.objects.create(campaign=campaign, leaver=leaver, language="nb")


def test_event_is_kept_on_the_outbox_row_it_names(client):
    row = OutboxEmail.objects.create(
        kind="notice",
        to_email="full@example.org",
        language="nb",
        status=OutboxEmail.Status.SENT,
        sent_at=timezone.now(),
        provider_message_id="883953f4-6105-42a2-a16a-77a8eac79483",
    )

    post_postmark(
        client, postmark_bounce("full@example.org", bounce_type="SoftBounce", bounce_id=1)
    )

    event = row.events.get()
    assert (event.type, event.email_hash) == (MailEvent.Type.SOFT_BOUNCE, email_hash(row.to_email))
    assert "mailbox full" in event.detail


# Item 16: de-duplicated per (event id, recipient) ---------------------------------------


def test_ses_notification_naming_two_recipients_records_both(client):
    post_ses(client, ses_bounce("a@example.org", "b@example.org", bounce_type="Permanent"))

    assert is_suppressed("a@example.org")
    assert is_suppressed("b@example.org")


def test_ses_notification_delivered_twice_is_handled_once(client):
    for _ in range(2):
        post_ses(
            client,
            ses_bounce("a@example.org", "b@example.org", bounce_type="Transient", sns_id="same"),
        )

    assert MailEvent.objects.count() == 2


def test_erasure_forgets_the_events_and_the_export_lists_them():
    from alumni_network.mail.erasure import events_about, forget_emails_to

    record_tracking_event(
        event_id="e1", event_type="bounced", soft=True, recipient="kari@example.org", detail="full"
    )

    assert [event["type"] for event in events_about(["Kari@example.org"])] == ["soft_bounce"]

    forget_emails_to(["kari@example.org"])

    assert events_about(["kari@example.org"]) == []


# An unsubscribe at the provider is an opt-out; a reject on our side blames no address ------


def postmark_subscription_change(recipient, *, suppress=True):
    return {
        "RecordType": "SubscriptionChange",
        "MessageID": "a4909a96-73d6-4c59-a9cc-2cf0d4a6d2f3",
        "ChangedAt": "2026-11-28T12:00:00Z",
        "Recipient": recipient,
        "Origin": "Recipient",
        "SuppressSending": suppress,
        "SuppressionReason": "ManualSuppression" if suppress else None,
        "MessageStream": "broadcast",
    }


def test_postmark_unsubscribe_suppresses_as_an_opt_out(client):
    response = post_postmark(client, postmark_subscription_change("nei@example.org"))

    assert response.status_code == 200
    assert reason_of("nei@example.org") == Suppression.Reason.OPTED_OUT
    assert MailEvent.objects.get().type == MailEvent.Type.UNSUBSCRIBED


def test_postmark_resubscribe_changes_nothing(client):
    post_postmark(client, postmark_subscription_change("ja@example.org", suppress=False))

    assert not is_suppressed("ja@example.org")
    assert not MailEvent.objects.exists()


def test_brevo_unsubscribe_suppresses_as_an_opt_out(client):
    post_brevo(client, brevo_event("nei@example.org", event="unsubscribe", ts_epoch=1e12))

    assert reason_of("nei@example.org") == Suppression.Reason.OPTED_OUT


@pytest.mark.parametrize("bounce_type", ["Unconfirmed", "DMARCPolicy", "Blocked"])
def test_postmark_reject_on_our_side_is_kept_without_suppressing(client, caplog, bounce_type):
    post_postmark(client, postmark_bounce("kari@example.org", bounce_type=bounce_type, bounce_id=5))

    assert not is_suppressed("kari@example.org")
    assert MailEvent.objects.get().type == MailEvent.Type.REJECTED
    assert "reason on our side" in caplog.text


def test_postmark_reject_of_a_bad_address_suppresses(client):
    post_postmark(
        client, postmark_bounce("ikke@example.org", bounce_type="BadEmailAddress", bounce_id=6)
    )

    assert reason_of("ikke@example.org") == Suppression.Reason.REJECTED


def test_ses_reject_of_the_message_suppresses_no_recipient(client):
    ses_event = {
        "eventType": "Reject",
        "reject": {"reason": "Bad content"},
        "mail": {"messageId": "ses-msg-2", "destination": ["kari@example.org"]},
    }
    post_ses(
        client,
        {
            "Type": "Notification",
            "MessageId": "sns-reject",
            "Message": json.dumps(ses_event),
            "Timestamp": "2026-11-28T12:00:01.000Z",
        },
    )

    assert not is_suppressed("kari@example.org")
    assert MailEvent.objects.get().type == MailEvent.Type.REJECTED
