"""HR pages of campaigns, the outbox and requests to join."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.queueing import queue_email
from alumni_network.mail.sending import drain
from invitations.campaigns.lifecycle import create_campaign, schedule_campaign, start_campaign
from invitations.models import Campaign, Invitation, JoinRequest, Leaver

from .factories import LeaverFactory, SegmentFactory

pytestmark = pytest.mark.django_db


def make_started_campaign(user, *, people=2, name="Høst"):
    segment = SegmentFactory()
    segment.leavers.set(LeaverFactory.create_batch(people))
    campaign = create_campaign(name=name, segment=segment, user=user)
    schedule_campaign(campaign=campaign, when=timezone.now())
    start_campaign(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    return campaign


@pytest.mark.parametrize("campaign_count", (1, 3))
def test_campaign_list_query_count_is_pinned(
    staff_client, staff_user, campaign_count, django_assert_num_queries
):
    for number in range(campaign_count):
        make_started_campaign(staff_user, name=f"Kampanje {number}")
    staff_client.get(reverse("hr_invitations:campaigns"))  # warm caches (content types)

    # session, user, is-member (menu), page count, page, two funnel queries
    with django_assert_num_queries(7):
        response = staff_client.get(reverse("hr_invitations:campaigns"))

    assert response.status_code == 200
    assert response.content.decode().count("campaign-status--sending") == campaign_count


@pytest.mark.parametrize("row_count", (1, 30))
def test_outbox_query_count_is_pinned(staff_client, row_count, django_assert_num_queries):
    for number in range(row_count):
        queue_email(kind="notice", to=f"p{number}@example.org", language="nb", data={})
    staff_client.get(reverse("hr_invitations:outbox"))

    with django_assert_num_queries(6):
        response = staff_client.get(reverse("hr_invitations:outbox") + "?status=queued")

    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == row_count + 1


def test_create_shows_who_is_left_out_and_makes_a_draft(staff_client):
    segment = SegmentFactory()
    segment.leavers.set([LeaverFactory(), LeaverFactory(email="")])

    preview = staff_client.get(
        reverse("hr_invitations:campaign_create"), {"segment": segment.pk, "name": ""}
    )
    response = staff_client.post(
        reverse("hr_invitations:campaign_create"), {"name": "Vår", "segment": segment.pk}
    )

    assert "1 person will be invited" in preview.content.decode()
    campaign = Campaign.objects.get()
    assert response.url == reverse("hr_invitations:campaign_detail", args=[campaign.pk])
    assert campaign.status == Campaign.Status.DRAFT
    assert "{first_name}" in campaign.body_nb


def test_create_audience_partial_for_htmx(staff_client):
    segment = SegmentFactory()

    response = staff_client.get(
        reverse("hr_invitations:campaign_create"),
        {"segment": segment.pk},
        headers={"HX-Request": "true"},
    )

    assert response.content.decode().strip().startswith('<div class="panel audience"')


def test_send_now_from_the_page_sends_once(
    staff_client, staff_user, django_capture_on_commit_callbacks
):
    segment = SegmentFactory()
    segment.leavers.set(LeaverFactory.create_batch(2))
    campaign = create_campaign(name="Høst", segment=segment, user=staff_user)
    url = reverse("hr_invitations:campaign_control", args=[campaign.pk])

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"action": "send_now", "confirm": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"action": "send_now", "confirm": "1"})

    assert Invitation.objects.filter(campaign=campaign).count() == 2
    assert len(mail.outbox) == 2


def test_schedule_needs_a_future_time(staff_client, staff_user):
    campaign = create_campaign(name="Høst", segment=SegmentFactory(), user=staff_user)
    url = reverse("hr_invitations:campaign_control", args=[campaign.pk])

    staff_client.post(url, {"action": "schedule", "scheduled_at": "2000-01-01T10:00"})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT

    staff_client.post(url, {"action": "schedule", "scheduled_at": "2099-01-01T10:00"})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SCHEDULED


def test_edit_message_saves_both_languages(staff_client, staff_user):
    campaign = create_campaign(name="Høst", segment=SegmentFactory(), user=staff_user)
    data = {
        "name": "Høst",
        "subject_nb": "Hei {first_name}",
        "body_nb": "Tekst",
        "subject_en": "Hi {first_name}",
        "body_en": "Text",
        "reminder_count": 1,
        "reminder_interval_days": 5,
        "reply_to": "",
    }

    staff_client.post(reverse("hr_invitations:campaign_edit", args=[campaign.pk]), data)

    campaign.refresh_from_db()
    assert (campaign.subject_en, campaign.reminder_interval_days) == ("Hi {first_name}", 5)


def test_preview_as_a_chosen_recipient(staff_client, staff_user):
    segment = SegmentFactory()
    kari = LeaverFactory(first_name="Kari")
    segment.leavers.set([LeaverFactory(first_name="Per"), kari])
    campaign = create_campaign(name="Høst", segment=segment, user=staff_user)

    response = staff_client.get(
        reverse("hr_invitations:campaign_preview", args=[campaign.pk]),
        {"leaver": kari.pk, "language": "en", "part": "text"},
    )

    assert "Hi Kari," in response.content.decode()


def test_test_send_goes_to_the_coordinator_through_the_outbox(staff_client, staff_user):
    campaign = create_campaign(name="Høst", segment=SegmentFactory(), user=staff_user)

    staff_client.post(
        reverse("hr_invitations:campaign_test", args=[campaign.pk]), {"language": "en"}
    )
    drain()

    row = OutboxEmail.objects.get(kind="notice")
    assert row.to_email == staff_user.email
    assert mail.outbox[0].subject.startswith("[Test] Join")


def test_progress_partial_shows_the_bar(staff_client, staff_user):
    campaign = make_started_campaign(staff_user)
    drain()

    response = staff_client.get(
        reverse("hr_invitations:campaign_progress", args=[campaign.pk]),
        headers={"HX-Request": "true"},
    )

    assert '<progress id="campaign-progress-bar" max="2" value="2">' in response.content.decode()


def test_pause_and_stop_from_the_page(staff_client, staff_user):
    campaign = make_started_campaign(staff_user)
    url = reverse("hr_invitations:campaign_control", args=[campaign.pk])

    staff_client.post(url, {"action": "pause"})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PAUSED
    staff_client.post(url, {"action": "stop"})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.STOPPED


def test_join_request_queue_suggests_the_register_row(staff_client):
    leaver = LeaverFactory(first_name="Kari", last_name="Nordmann", email="kari.old@epost.example")
    JoinRequest.objects.create(name="Kari Nordmann", email="kari@example.org", years="2010–2015")

    response = staff_client.get(reverse("hr_invitations:join_requests"))

    assert f'value="{leaver.pk}"' in response.content.decode()


def test_approve_sends_a_join_invitation(staff_client):
    leaver = LeaverFactory(first_name="Kari", last_name="Nordmann", email="kari.old@epost.example")
    request = JoinRequest.objects.create(
        name="Kari Nordmann", email="kari@example.org", years="2010", language="en"
    )

    staff_client.post(
        reverse("hr_invitations:join_request_decide", args=[request.pk]),
        {"decision": "approve", "leaver": leaver.pk},
    )
    staff_client.post(
        reverse("hr_invitations:join_request_decide", args=[request.pk]),
        {"decision": "approve", "leaver": leaver.pk},
    )
    drain()

    request.refresh_from_db()
    leaver.refresh_from_db()
    assert request.status == JoinRequest.Status.APPROVED
    assert leaver.email == "kari@example.org"
    assert Invitation.objects.filter(leaver=leaver, campaign__isnull=True).count() == 1
    [message] = mail.outbox
    assert message.to == ["kari@example.org"]
    assert "/join/" in message.body
    assert "List-Unsubscribe" not in message.extra_headers


def test_approve_without_a_match_adds_them_to_the_register(staff_client):
    request = JoinRequest.objects.create(
        name="Ola Nordmann", email="ola@example.org", years="2001", department="IT"
    )

    staff_client.post(
        reverse("hr_invitations:join_request_decide", args=[request.pk]),
        {"decision": "approve", "leaver": ""},
    )

    leaver = Leaver.objects.get(email="ola@example.org")
    assert (leaver.first_name, leaver.last_name, leaver.status) == ("Ola", "Nordmann", "invited")


def test_reject_sends_a_polite_note(staff_client):
    request = JoinRequest.objects.create(name="Ola", email="ola@example.org", years="2001")

    staff_client.post(
        reverse("hr_invitations:join_request_decide", args=[request.pk]), {"decision": "reject"}
    )
    drain()

    request.refresh_from_db()
    assert request.status == JoinRequest.Status.REJECTED
    assert mail.outbox[0].to == ["ola@example.org"]
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize("request_count", (1, 3))
def test_join_request_queue_query_count_is_pinned(
    staff_client, request_count, django_assert_num_queries
):
    for number in range(request_count):
        LeaverFactory(first_name=f"Kari{number}", last_name="Nordmann")
        JoinRequest.objects.create(
            name=f"Kari{number} Nordmann", email=f"kari{number}@example.org", years="2010"
        )
    staff_client.get(reverse("hr_invitations:join_requests"))

    # 9: the page's reads (two paged lists, each with its count) and the audit entry.
    with django_assert_num_queries(9):
        response = staff_client.get(reverse("hr_invitations:join_requests"))

    assert response.content.decode().count("same name") == request_count


def test_a_segment_id_in_superscript_digits_is_ignored_not_a_500(staff_client):
    response = staff_client.get(reverse("hr_invitations:campaign_create"), {"segment": "²"})

    assert response.status_code == 200
