"""A campaign's results per recipient, exported as CSV or XLSX and logged."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from alumni_network.mail.models import OutboxEmail
from invitations.campaigns.lifecycle import create_campaign, schedule_campaign, start_campaign
from invitations.models import Campaign, Invitation
from members.models import AuditLog

from .factories import LeaverFactory, SegmentFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "First name",
    "Last name",
    "Email",
    "Status",
    "Sent",
    "Reminders sent",
    "Answered",
    "Joined",
    "Declined",
    "Bounced",
    "Unsubscribed",
]
SENT_AT = datetime.datetime(2026, 11, 2, 8, 0, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def campaign(staff_user):
    LeaverFactory(first_name="Åse", last_name="Aas", department="Drift")
    LeaverFactory(first_name="=Bjørn", last_name="Berg", department="Drift")
    LeaverFactory(first_name="Cato", last_name="Dahl", department="Drift")
    segment = SegmentFactory(filters={"department": "Drift"})
    campaign = create_campaign(name="Høst 2026", segment=segment, user=staff_user)
    schedule_campaign(campaign=campaign, when=timezone.now())
    start_campaign(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    return campaign


def _answer(campaign: Campaign, last_name: str, status: str) -> None:
    Invitation.objects.filter(campaign=campaign, leaver__last_name=last_name).update(
        status=status, responded_at=SENT_AT + datetime.timedelta(days=1)
    )


def _mark_sent(campaign: Campaign) -> None:
    OutboxEmail.objects.filter(kind="campaign_invitation").update(
        status=OutboxEmail.Status.SENT, sent_at=SENT_AT
    )


def _export(client, campaign: Campaign, fmt: str):
    return client.post(
        reverse("hr_invitations:campaign_export", kwargs={"pk": campaign.pk}), {"format": fmt}
    )


def test_csv_has_each_recipient_with_what_became_of_the_invitation(staff_client, campaign):
    _mark_sent(campaign)
    _answer(campaign, "Aas", Invitation.Status.JOINED)
    _answer(campaign, "Berg", Invitation.Status.BOUNCED)

    response = _export(staff_client, campaign, "csv")

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0] == HEADER
    assert [row[:4] + row[7:] for row in rows[1:]] == [
        ["Åse", "Aas", rows[1][2], "Joined", "Yes", "", "", ""],
        ["'=Bjørn", "Berg", rows[2][2], "Bounced", "", "", "Yes", ""],
        ["Cato", "Dahl", rows[3][2], "Not answered", "", "", "", ""],
    ]
    assert rows[1][4:7] == ["2026-11-02 09:00:00", "0", "2026-11-03 09:00:00"]
    assert response["Content-Disposition"].startswith(
        "attachment; filename*=utf-8''campaign-h%C3%B8st-2026-"
    )


def test_xlsx_keeps_times_and_numbers_typed(staff_client, campaign):
    _mark_sent(campaign)
    _answer(campaign, "Dahl", Invitation.Status.UNSUBSCRIBED)

    response = _export(staff_client, campaign, "xlsx")

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    dahl = [c.value for c in sheet[4]]
    assert dahl[3:] == [
        "Unsubscribed",
        datetime.datetime(2026, 11, 2, 9, 0),
        0,
        datetime.datetime(2026, 11, 3, 9, 0),
        None,
        None,
        None,
        "Yes",
    ]
    assert sheet["B3"].value == "Berg"
    assert sheet["A3"].data_type == "s"


def test_not_sent_yet_leaves_sent_empty(staff_client, campaign):
    response = _export(staff_client, campaign, "csv")

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert [row[4] for row in rows[1:]] == ["", "", ""]


def test_export_is_logged_with_the_campaign(staff_client, staff_user, campaign):
    _export(staff_client, campaign, "xlsx")

    entry = AuditLog.objects.get(action=AuditLog.Action.EXPORT)
    assert (
        entry.actor,
        entry.object_type,
        entry.object_id,
        entry.detail_text,
        entry.ip_address,
    ) == (
        staff_user,
        "invitations.campaign",
        str(campaign.pk),
        "campaign results (xlsx)",
        "127.0.0.1",
    )


def test_a_get_of_the_export_answers_405_and_logs_nothing(staff_client, campaign):
    response = staff_client.get(
        reverse("hr_invitations:campaign_export", kwargs={"pk": campaign.pk})
    )

    assert response.status_code == 405
    assert AuditLog.objects.count() == 0


def test_campaign_page_offers_the_export_once_started(staff_client, campaign):
    page = staff_client.get(
        reverse("hr_invitations:campaign_detail", kwargs={"pk": campaign.pk})
    ).content.decode()

    url = reverse("hr_invitations:campaign_export", kwargs={"pk": campaign.pk})
    assert page.count(f'<form method="post" action="{url}">') == 1


def test_a_draft_has_no_export_button(staff_client, staff_user):
    draft = create_campaign(name="Utkast", segment=SegmentFactory(), user=staff_user)

    page = staff_client.get(
        reverse("hr_invitations:campaign_detail", kwargs={"pk": draft.pk})
    ).content.decode()

    assert reverse("hr_invitations:campaign_export", kwargs={"pk": draft.pk}) not in page
