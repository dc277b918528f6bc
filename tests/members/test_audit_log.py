"""The one audit log: who writes to it (with the IP), the superusers' page, and its retention."""

import datetime
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from invitations.models import Campaign, JoinRequest, RegisterImport
from invitations.register.retention import purge_audit_log, purge_unanswered
from members import audit
from members.models import AuditLog, Visibility
from tests.factories import StaffFactory
from tests.invitations.factories import LeaverFactory, RegisterImportFactory, SegmentFactory
from tests.members.factories import profile_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def superuser_client(client):
    user = StaffFactory(is_superuser=True, email="root@fjordvik.example")
    client.force_login(user)
    client.user = user
    return client


def entry(*, days_ago=0, **fields) -> AuditLog:
    row = audit.record(**{"action": AuditLog.Action.EXPORT, **fields})
    if days_ago:
        AuditLog.objects.filter(pk=row.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
    return row


# Who writes: every HR view of personal data, with the request's IP -----------------------


def test_hr_member_page_logs_hr_only_fields_with_the_ip(staff_client, staff_user):
    member = profile_member(phone="90000000", phone_visibility=Visibility.HR)

    staff_client.get(
        reverse("hr_members:member_detail", kwargs={"pk": member.pk}), REMOTE_ADDR="10.1.2.3"
    )

    logged = AuditLog.objects.get()
    assert (logged.action, logged.actor, logged.ip_address, logged.member_ids) == (
        AuditLog.Action.VIEW_HR_FIELDS,
        staff_user,
        "10.1.2.3",
        [member.pk],
    )


def test_viewing_a_leaver_is_logged_with_the_leaver(staff_client):
    leaver = LeaverFactory()

    staff_client.get(reverse("hr_invitations:leaver_detail", kwargs={"pk": leaver.pk}))

    logged = AuditLog.objects.get()
    assert (logged.action, logged.object_type, logged.object_id, logged.ip_address) == (
        AuditLog.Action.VIEW_PERSONAL_DATA,
        "invitations.leaver",
        str(leaver.pk),
        "127.0.0.1",
    )


def test_viewing_the_requests_to_join_is_logged(staff_client):
    JoinRequest.objects.create(name="Kari Nordmann", email="kari@example.org", years="2010")

    staff_client.get(reverse("hr_invitations:join_requests"))

    logged = AuditLog.objects.get()
    assert (logged.action, logged.detail, logged.detail_params) == (
        AuditLog.Action.VIEW_PERSONAL_DATA,
        audit.Detail.JOIN_REQUESTS,
        {"count": 1},
    )


def _campaign(**fields) -> Campaign:
    return Campaign.objects.create(
        name="Vår",
        segment=SegmentFactory(),
        subject_nb="Bli med",
        subject_en="Join",
        body_nb="Hei",
        body_en="Hi",
        **fields,
    )


def test_previewing_a_campaign_as_a_leaver_is_logged(staff_client):
    leaver = LeaverFactory()
    campaign = _campaign()
    campaign.segment.leavers.add(leaver)

    staff_client.get(
        reverse("hr_invitations:campaign_preview", kwargs={"pk": campaign.pk}),
        {"leaver": leaver.pk},
    )

    logged = AuditLog.objects.get()
    assert (logged.action, logged.object_type, logged.object_id) == (
        AuditLog.Action.VIEW_PERSONAL_DATA,
        "invitations.leaver",
        str(leaver.pk),
    )


def test_sending_a_campaign_is_logged_once(
    staff_client, staff_user, django_capture_on_commit_callbacks
):
    campaign = _campaign()
    url = reverse("hr_invitations:campaign_control", kwargs={"pk": campaign.pk})

    # The campaign starts (eagerly here) after the first press; the second changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"action": "send_now", "confirm": "1"})
    staff_client.post(url, {"action": "send_now", "confirm": "1"})

    logged = AuditLog.objects.get(action=AuditLog.Action.CAMPAIGN_SEND)
    assert (logged.actor, logged.object_type, logged.object_id) == (
        staff_user,
        "invitations.campaign",
        str(campaign.pk),
    )


def test_scheduling_a_campaign_is_logged_with_the_time(staff_client):
    campaign = _campaign()
    when = timezone.localtime() + timedelta(days=2)

    staff_client.post(
        reverse("hr_invitations:campaign_control", kwargs={"pk": campaign.pk}),
        {"action": "schedule", "scheduled_at": when.strftime("%Y-%m-%dT%H:%M")},
    )

    logged = AuditLog.objects.get(action=AuditLog.Action.CAMPAIGN_SEND)
    params = logged.detail_params
    assert (logged.detail, parse_datetime(params["when"]), params["segment"]) == (
        audit.Detail.CAMPAIGN_SCHEDULED,
        when.replace(second=0, microsecond=0),
        campaign.segment_id,
    )


def test_committing_an_import_is_logged_with_the_import(
    staff_client, django_capture_on_commit_callbacks, monkeypatch
):
    register_import = RegisterImportFactory(status=RegisterImport.Status.PREVIEWED, total_rows=12)
    # The commit itself runs in a worker; here only HR's press of the button is looked at.
    monkeypatch.setattr(
        "invitations.register.tasks.commit_register_import.delay", lambda **kwargs: None
    )

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("hr_invitations:import_detail", kwargs={"pk": register_import.pk})
        )

    logged = AuditLog.objects.get()
    assert (logged.action, logged.object_type, logged.object_id, logged.detail_params) == (
        AuditLog.Action.IMPORT,
        "invitations.registerimport",
        str(register_import.pk),
        {"file_name": "register.csv", "rows": 12},
    )


def test_hr_erasing_a_leaver_is_logged_with_the_ip(staff_client):
    leaver = LeaverFactory()

    staff_client.post(
        reverse("hr_invitations:leaver_erase", kwargs={"pk": leaver.pk}), REMOTE_ADDR="10.9.8.7"
    )

    logged = AuditLog.objects.get()
    assert (logged.action, logged.object_id, logged.ip_address) == (
        AuditLog.Action.ERASURE,
        str(leaver.pk),
        "10.9.8.7",
    )


def test_the_retention_purge_logs_how_many_leavers_went(settings):
    settings.REGISTER_RETENTION_DAYS = 30
    LeaverFactory(created_at=timezone.now() - timedelta(days=31))

    assert purge_unanswered() == 1

    logged = AuditLog.objects.get()
    assert (logged.action, logged.actor, logged.detail, logged.detail_params) == (
        AuditLog.Action.ERASURE,
        None,
        audit.Detail.UNANSWERED_PURGED,
        {"count": 1},
    )


# The page -------------------------------------------------------------------------------


def test_superuser_reads_the_log_with_the_ip(superuser_client):
    entry(actor=superuser_client.user, detail=audit.Detail.MEMBERS_EXPORT, params={"format": "csv"})
    AuditLog.objects.update(ip_address="192.0.2.10")

    response = superuser_client.get(reverse("hr_members:audit_log"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "192.0.2.10" in page
    assert "<td>members (csv)</td>" in page


def test_plain_hr_staff_cannot_read_the_log(staff_client):
    assert staff_client.get(reverse("hr_members:audit_log")).status_code == 403


def test_the_log_cannot_be_changed_from_its_page(superuser_client):
    entry(actor=superuser_client.user)

    response = superuser_client.post(reverse("hr_members:audit_log"))

    assert response.status_code == 405
    assert AuditLog.objects.count() == 1


def _shown(client, **query) -> list[int]:
    response = client.get(reverse("hr_members:audit_log"), query)
    return [e.pk for e in response.context["page"].object_list]


def test_filter_by_action(superuser_client):
    entry()
    erasure = entry(action=AuditLog.Action.ERASURE)

    assert _shown(superuser_client, action="erasure") == [erasure.pk]


def test_filter_by_who(superuser_client):
    hanne = entry(actor=StaffFactory(email="hanne@fjordvik.example"))
    entry(actor=StaffFactory(email="ola@fjordvik.example"))

    assert _shown(superuser_client, who="HANNE@") == [hanne.pk]


def test_filter_by_object_type(superuser_client):
    about_leaver = entry(obj=LeaverFactory())
    entry()

    response = superuser_client.get(reverse("hr_members:audit_log"))
    assert ("invitations.leaver", "Leaver") in response.context["form"].fields[
        "object_type"
    ].choices
    assert _shown(superuser_client, object_type="invitations.leaver") == [about_leaver.pk]


def test_filter_by_dates(superuser_client):
    entry()
    last_week = entry(days_ago=7)
    entry(days_ago=30)
    today = timezone.localdate()

    shown = _shown(
        superuser_client,
        date_from=(today - timedelta(days=10)).isoformat(),
        date_to=(today - timedelta(days=1)).isoformat(),
    )

    assert shown == [last_week.pk]


def test_an_invalid_filter_shows_everything_with_the_error(superuser_client):
    one = entry()

    response = superuser_client.get(reverse("hr_members:audit_log"), {"date_from": "soon"})

    assert [e.pk for e in response.context["page"].object_list] == [one.pk]
    assert response.context["form"].errors["date_from"] == ["Enter a valid date."]


def test_pages_keep_the_filter(superuser_client):
    for _number in range(51):
        entry()

    response = superuser_client.get(reverse("hr_members:audit_log"), {"action": "export"})

    assert len(response.context["page"].object_list) == 50
    assert 'href="?action=export&amp;page=2"' in response.content.decode()


@pytest.mark.parametrize("count", (1, 5))
def test_the_log_page_queries_stay_flat(superuser_client, count, django_assert_num_queries):
    for _number in range(count):
        entry(actor=superuser_client.user, obj=LeaverFactory())
    superuser_client.get(reverse("hr_members:audit_log"))

    # session, user, the user's member profile (the layout asks), object types, count, page
    with django_assert_num_queries(6):
        superuser_client.get(reverse("hr_members:audit_log"))


# Retention ------------------------------------------------------------------------------


def test_entries_older_than_the_retention_are_purged_in_batches(settings):
    settings.AUDIT_LOG_RETENTION_DAYS = 365
    for _number in range(5):
        entry(days_ago=366)
    young = entry(days_ago=364)

    assert purge_audit_log(batch_size=2) == 5

    assert list(AuditLog.objects.values_list("pk", flat=True)) == [young.pk]


def test_the_daily_purge_purges_the_audit_log_too(settings):
    settings.AUDIT_LOG_RETENTION_DAYS = 10
    entry(days_ago=11)
    young = entry()

    purge_unanswered()

    assert list(AuditLog.objects.values_list("pk", flat=True)) == [young.pk]


def test_audit_log_retention_defaults_to_two_years():
    from django.conf import settings

    assert settings.AUDIT_LOG_RETENTION_DAYS == 730


def test_purge_counts_from_now_given(settings):
    settings.AUDIT_LOG_RETENTION_DAYS = 10
    entry(days_ago=5)

    later = timezone.now() + datetime.timedelta(days=6)

    assert purge_audit_log(now=later) == 1
