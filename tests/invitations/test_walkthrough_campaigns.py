"""Issue #15 items 3, 4, 11 and 12: labels instead of codes, the filled subject, a
confirmation before sending, and the preview as recipients see it."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from alumni_network.mail.kinds import kind_label
from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.queueing import queue_email
from invitations.campaigns.lifecycle import create_campaign
from invitations.models import Campaign, Invitation

from .factories import LeaverFactory, SegmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_site(settings):
    settings.LANGUAGE_CODE = "en"


def _campaign(user, *, people=2, first_name=None):
    segment = SegmentFactory()
    leavers = LeaverFactory.create_batch(people)
    if first_name:
        leavers[0].first_name = first_name
        leavers[0].last_name = "Aaberg"
        leavers[0].save()
    segment.leavers.set(leavers)
    return create_campaign(name="Høst", segment=segment, user=user)


def _queue(kind: str) -> None:
    queue_email(kind=kind, to="kari@epost.example", language="nb", data={"subject": "Hei"})


# Item 3: the outbox's Type column ---------------------------------------------------------


def test_outbox_shows_the_kinds_label_not_its_code(staff_client):
    _queue("notice")
    OutboxEmail.objects.update(kind="campaign_invitation")

    page = staff_client.get(reverse("hr_invitations:outbox")).content.decode()

    assert "<td>Campaign invitation</td>" in page
    assert "campaign_invitation" not in page


def test_outbox_kind_labels_follow_the_language(staff_client):
    _queue("notice")
    OutboxEmail.objects.update(kind="gathering_invitation")

    page = staff_client.get(
        reverse("hr_invitations:outbox"), headers={"accept-language": "nb"}
    ).content.decode()

    with translation.override("nb"):
        expected = gettext("Gathering invitation")
    assert f"<td>{expected}</td>" in page
    assert "gathering_invitation" not in page


def test_every_registered_kind_has_a_label():
    from alumni_network.mail.kinds import EMAIL_KINDS

    unlabelled = sorted(name for name, kind in EMAIL_KINDS.items() if not kind.label)

    assert unlabelled == []


def test_an_unknown_kind_reads_as_its_code():
    assert kind_label("retired_kind") == "retired_kind"


@pytest.mark.parametrize("row_count", (1, 3))
def test_outbox_query_count_is_pinned(staff_client, row_count, django_assert_num_queries):
    for _ in range(row_count):
        _queue("notice")
    staff_client.get(reverse("hr_invitations:outbox"))  # warm caches (session, content types)

    with django_assert_num_queries(6):
        response = staff_client.get(reverse("hr_invitations:outbox"))

    assert response.status_code == 200


# Item 3: segment summaries ----------------------------------------------------------------

SAVED = {"left_from": "2024-03-01", "status": "in_register", "has_email": "yes"}


def test_segment_summary_uses_the_filters_labels_in_english(staff_client):
    SegmentFactory(filters=SAVED)

    page = staff_client.get(reverse("hr_invitations:segments")).content.decode()

    assert "Everyone matching: Left from: 1 March 2024; Status: In register; Has email" in page
    assert "in_register" not in page
    assert "2024-03-01" not in page


def test_segment_summary_uses_the_filters_labels_in_norwegian(staff_client):
    SegmentFactory(filters=SAVED)

    page = staff_client.get(
        reverse("hr_invitations:segments"), headers={"accept-language": "nb"}
    ).content.decode()

    with translation.override("nb"):
        expected = "; ".join(
            [
                f"{gettext('Left from')}: {date_format(datetime.date(2024, 3, 1), 'DATE_FORMAT')}",
                f"{gettext('Status')}: {gettext('In register')}",
                gettext("Has email"),
            ]
        )
    assert "1. mars 2024" in expected
    assert expected in page
    assert "in_register" not in page


# Item 4: the subject as recipients read it ------------------------------------------------


def test_campaign_page_fills_the_network_name_in_the_subject(staff_client, staff_user):
    campaign = _campaign(staff_user)
    Campaign.objects.filter(pk=campaign.pk).update(subject_en="{first_name}, join {network}")

    page = staff_client.get(
        reverse("hr_invitations:campaign_detail", args=[campaign.pk])
    ).content.decode()

    assert f"<dd>{{first_name}}, join {django_settings.NETWORK_NAME}</dd>" in page
    assert "{network}" not in page


# Item 11: a confirmation before "Send now" ------------------------------------------------


def test_send_now_first_asks_with_the_count_and_sends_nothing(staff_client, staff_user):
    campaign = _campaign(staff_user, people=3)
    url = reverse("hr_invitations:campaign_control", args=[campaign.pk])

    response = staff_client.post(url, {"action": "send_now"})

    page = response.content.decode()
    campaign.refresh_from_db()
    assert response.status_code == 200
    assert "Yes, send to 3 people" in page
    assert '<input type="hidden" name="confirm" value="1">' in page
    assert (campaign.status, Invitation.objects.count()) == (Campaign.Status.DRAFT, 0)


def test_send_now_sends_once_confirmed(
    staff_client, staff_user, django_capture_on_commit_callbacks
):
    campaign = _campaign(staff_user, people=3)
    url = reverse("hr_invitations:campaign_control", args=[campaign.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"action": "send_now", "confirm": "1"})

    assert response.status_code == 302
    assert Invitation.objects.filter(campaign=campaign).count() == 3


def test_send_now_with_nobody_to_invite_offers_no_send_button(staff_client, staff_user):
    campaign = _campaign(staff_user, people=1)
    campaign.segment.leavers.update(email="")

    page = staff_client.post(
        reverse("hr_invitations:campaign_control", args=[campaign.pk]), {"action": "send_now"}
    ).content.decode()

    assert "Nobody in this segment can be invited now." in page
    assert 'name="confirm"' not in page


# Item 12: the preview as recipients see it ------------------------------------------------


def test_preview_shows_the_html_part_in_a_sandboxed_frame(staff_client, staff_user):
    campaign = _campaign(staff_user, first_name="Kari")
    kari = campaign.segment.leavers.get(first_name="Kari")

    page = staff_client.get(
        reverse("hr_invitations:campaign_preview", args=[campaign.pk]),
        {"leaver": kari.pk, "language": "en"},
    ).content.decode()

    frame = reverse("hr_invitations:campaign_preview_html", args=[campaign.pk])
    query = f"leaver={kari.pk}&amp;language=en&amp;kind=invitation"
    assert f'<iframe class="email-preview__frame" sandbox src="{frame}?{query}"' in page
    assert f'href="?{query}&amp;part=text"' in page


def test_preview_frame_is_the_html_email_under_its_own_policy(staff_client, staff_user):
    campaign = _campaign(staff_user, first_name="Kari")
    kari = campaign.segment.leavers.get(first_name="Kari")

    response = staff_client.get(
        reverse("hr_invitations:campaign_preview_html", args=[campaign.pk]),
        {"leaver": kari.pk, "language": "en"},
    )

    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert html.startswith("<!DOCTYPE html>") or "<html" in html
    assert "Hi Kari," in html
    assert "Join the network</a>" in html
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in policy
    assert "sandbox" in policy.split("; ") or policy.endswith("sandbox")
    assert "script-src" not in policy
    assert "default-src 'none'" in policy


def test_preview_page_itself_still_refuses_framing(staff_client, staff_user):
    campaign = _campaign(staff_user)

    response = staff_client.get(reverse("hr_invitations:campaign_preview", args=[campaign.pk]))

    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_preview_text_part_is_escaped(staff_client, staff_user):
    campaign = _campaign(staff_user, first_name="<b>Kari</b>")
    kari = campaign.segment.leavers.get(last_name="Aaberg")

    page = staff_client.get(
        reverse("hr_invitations:campaign_preview", args=[campaign.pk]),
        {"leaver": kari.pk, "language": "en", "part": "text"},
    ).content.decode()

    assert "Hi &lt;b&gt;Kari&lt;/b&gt;," in page
    assert "<b>Kari</b>" not in page
    assert "<iframe" not in page


def test_preview_frame_escapes_the_recipients_name(staff_client, staff_user):
    campaign = _campaign(staff_user, first_name="<b>Kari</b>")
    kari = campaign.segment.leavers.get(last_name="Aaberg")

    html = staff_client.get(
        reverse("hr_invitations:campaign_preview_html", args=[campaign.pk]),
        {"leaver": kari.pk, "language": "en"},
    ).content.decode()

    assert "&lt;b&gt;Kari&lt;/b&gt;" in html
    assert "<b>Kari</b>" not in html
