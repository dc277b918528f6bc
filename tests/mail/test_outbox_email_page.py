"""HR's page of one outbox email: the email as sent without its acting links, attempts, events."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from alumni_network.mail.models import MailEvent, OutboxEmail, email_hash
from alumni_network.mail.queueing import queue_email
from alumni_network.mail.sending import drain
from alumni_network.mail.tracking import record_tracking_event
from members.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_row(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue_email(
            kind="hr_message",
            to="kari@example.org",
            language="en",
            data={"subject": "Summer party", "body": "Hello <b>Kari</b>!\n\nWelcome."},
        )
    drain()
    row.refresh_from_db()
    return row


def test_page_shows_the_email_attempts_and_provider_events(staff_client, sent_row):
    record_tracking_event(
        event_id="ev-1",
        event_type="bounced",
        soft=True,
        recipient="kari@example.org",
        message_id=sent_row.provider_message_id,
        detail="452 mailbox full",
    )

    response = staff_client.get(reverse("hr_invitations:outbox_email", args=[sent_row.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Summer party" in html
    assert escape(sent_row.provider_message_id) in html
    assert "Soft bounce (temporary)" in html
    assert "452 mailbox full" in html
    assert "1 soft bounce in the last 30 days" in html


def test_viewing_the_email_is_in_the_audit_log(staff_client, sent_row):
    staff_client.get(reverse("hr_invitations:outbox_email", args=[sent_row.pk]))

    entry = AuditLog.objects.get(action=AuditLog.Action.VIEW_PERSONAL_DATA)
    assert (entry.object_type, entry.object_id) == ("mail.outboxemail", str(sent_row.pk))


def test_text_part_is_escaped(staff_client, sent_row):
    response = staff_client.get(
        reverse("hr_invitations:outbox_email", args=[sent_row.pk]) + "?part=text"
    )

    html = response.content.decode()
    assert "Hello &lt;b&gt;Kari&lt;/b&gt;!" in html
    assert "<b>Kari</b>" not in html


def test_html_frame_is_sandboxed_and_has_no_unsubscribe_link(staff_client, sent_row, settings):
    response = staff_client.get(reverse("hr_invitations:outbox_email_html", args=[sent_row.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "sandbox" in response["Content-Security-Policy"]
    assert "Hello" in html
    assert "/unsubscribe/" not in html
    assert settings.SITE_URL + "/" not in html.replace(settings.SITE_URL + "/static/", "")


def test_join_link_of_a_campaign_invitation_is_hidden(staff_client, settings):
    from invitations.campaigns.lifecycle import create_campaign, start_campaign
    from invitations.models import Campaign
    from tests.factories import StaffFactory
    from tests.invitations.factories import LeaverFactory, SegmentFactory

    segment = SegmentFactory()
    segment.leavers.set([LeaverFactory(email="ola@example.org")])
    campaign = create_campaign(name="Høst", segment=segment, user=StaffFactory())
    Campaign.objects.filter(pk=campaign.pk).update(
        status=Campaign.Status.SCHEDULED, scheduled_at=timezone.now()
    )
    start_campaign(campaign_id=campaign.pk)
    row = OutboxEmail.objects.get(to_email="ola@example.org")
    page = reverse("hr_invitations:outbox_email", args=[row.pk])

    text = staff_client.get(page + "?part=text").content.decode()
    frame = staff_client.get(reverse("hr_invitations:outbox_email_html", args=[row.pk]))

    assert "[link hidden]" in text
    assert "/join/" not in text
    assert "/join/" not in frame.content.decode()


def test_login_code_email_is_never_shown(staff_client, django_capture_on_commit_callbacks):
    from alumni_network.mail.kinds import EMAIL_KINDS

    kind = next(name for name, kind in EMAIL_KINDS.items() if kind.forget_data_after_send)
    row = OutboxEmail.objects.create(
        kind=kind, to_email="kari@example.org", language="en", data={"code": "SECRET123"}
    )

    html = staff_client.get(reverse("hr_invitations:outbox_email", args=[row.pk])).content.decode()
    frame = staff_client.get(reverse("hr_invitations:outbox_email_html", args=[row.pk]))

    assert "SECRET123" not in html
    assert "SECRET123" not in frame.content.decode()
    assert "login code or a password link" in html


def test_suppression_reason_tells_soft_from_hard_bounces(staff_client, sent_row):
    for n in range(3):
        record_tracking_event(
            event_id=f"s{n}", event_type="bounced", soft=True, recipient="kari@example.org"
        )

    html = staff_client.get(
        reverse("hr_invitations:outbox_email", args=[sent_row.pk])
    ).content.decode()

    assert "Bounced again and again (temporary errors)" in html
    assert MailEvent.objects.filter(email_hash=email_hash("kari@example.org")).count() == 3


@pytest.mark.parametrize("event_count", (1, 5))
def test_page_query_count_is_pinned(
    staff_client, sent_row, event_count, django_assert_max_num_queries
):
    for n in range(event_count):
        record_tracking_event(
            event_id=f"d{n}",
            event_type="delivered",
            recipient="kari@example.org",
            message_id=sent_row.provider_message_id,
        )
    url = reverse("hr_invitations:outbox_email", args=[sent_row.pk])
    staff_client.get(url)

    with django_assert_max_num_queries(10):
        response = staff_client.get(url)

    assert response.content.decode().count("outbox-event--delivered") == event_count


def test_outbox_list_links_each_email_and_shows_its_last_event(staff_client, sent_row):
    record_tracking_event(
        event_id="h",
        event_type="bounced",
        recipient="kari@example.org",
        message_id=sent_row.provider_message_id,
    )

    html = staff_client.get(reverse("hr_invitations:outbox")).content.decode()

    assert reverse("hr_invitations:outbox_email", args=[sent_row.pk]) in html
    assert "Hard bounce (permanent)" in html


def test_outbox_pages_keep_the_status_filter(staff_client):
    OutboxEmail.objects.bulk_create(
        OutboxEmail(kind="notice", to_email=f"p{n}@example.org", language="nb") for n in range(51)
    )

    html = staff_client.get(reverse("hr_invitations:outbox") + "?status=queued").content.decode()

    assert "status=queued&amp;page=2" in html
