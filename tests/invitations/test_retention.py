"""The register forgets people who never answered, and HR can erase one at once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.suppression import is_suppressed
from invitations.models import Leaver
from invitations.register.retention import (
    due_for_purge,
    erase_leaver,
    purge_unanswered,
    purged_soon,
)
from members.models import AuditLog
from tests.factories import MemberFactory, StaffFactory

from .factories import LeaverFactory

pytestmark = pytest.mark.django_db


def aged(days, **fields):
    return LeaverFactory(created_at=timezone.now() - timedelta(days=days), **fields)


def test_unanswered_leaver_past_retention_is_purged_and_stays_suppressed(settings):
    settings.REGISTER_RETENTION_DAYS = 365
    old = aged(400, email="old@example.org")
    recent = aged(100, email="recent@example.org")
    OutboxEmail.objects.create(kind="notice", to_email="Old@Example.org", language="nb")

    assert purge_unanswered() == 1

    assert list(Leaver.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Leaver.objects.filter(pk=old.pk).exists()
    assert is_suppressed("OLD@example.org")
    assert not OutboxEmail.objects.filter(to_email__iexact="old@example.org").exists()


def test_people_who_answered_or_joined_are_kept(settings):
    settings.REGISTER_RETENTION_DAYS = 365
    aged(400, status=Leaver.Status.DECLINED)
    aged(400, status=Leaver.Status.JOINED, member=MemberFactory())

    assert purge_unanswered() == 0
    assert Leaver.objects.count() == 2


def test_a_recent_invitation_restarts_the_clock(settings):
    from invitations.campaigns.models import Invitation

    settings.REGISTER_RETENTION_DAYS = 365
    leaver = aged(400, status=Leaver.Status.INVITED)
    Invitation.objects.create(leaver=leaver, last_contacted_at=timezone.now() - timedelta(days=10))

    assert list(due_for_purge()) == []


def test_hr_sees_who_is_purged_soon_and_when(settings, staff_client):
    settings.REGISTER_RETENTION_DAYS = 365
    soon = aged(355, first_name="Kari", last_name="Snart")
    aged(100, first_name="Ola", last_name="Senere")

    assert [leaver.pk for leaver in purged_soon()] == [soon.pk]
    response = staff_client.get(reverse("hr_invitations:retention"))
    assert "Snart, Kari" in response.content.decode()
    assert "Senere" not in response.content.decode()


def test_hr_erases_a_leaver_who_never_joined():
    leaver = LeaverFactory(email="Glem.Meg@example.org")
    staff = StaffFactory()

    erase_leaver(leaver=leaver, by=staff)

    assert not Leaver.objects.filter(pk=leaver.pk).exists()
    assert is_suppressed("glem.meg@example.org")
    assert AuditLog.objects.get().action == AuditLog.Action.ERASURE


def test_erase_page_get_changes_nothing_and_post_erases(staff_client):
    leaver = LeaverFactory()
    url = reverse("hr_invitations:leaver_erase", args=[leaver.pk])

    assert staff_client.get(url).status_code == 200
    assert Leaver.objects.filter(pk=leaver.pk).exists()

    response = staff_client.post(url)

    assert response.status_code == 302
    assert not Leaver.objects.filter(pk=leaver.pk).exists()


def test_a_member_cannot_be_erased_from_the_register(staff_client):
    leaver = LeaverFactory(member=MemberFactory(), status=Leaver.Status.JOINED)

    response = staff_client.post(reverse("hr_invitations:leaver_erase", args=[leaver.pk]))

    assert response.status_code == 409
    assert Leaver.objects.filter(pk=leaver.pk).exists()


def test_reimport_after_erasure_brings_the_person_back_suppressed(tmp_path):
    from invitations.register.engine import run_import

    from .factories import write_csv

    leaver = LeaverFactory(email="borte@example.org", employee_number="777")
    erase_leaver(leaver=leaver, by=StaffFactory())
    path = write_csv(
        tmp_path / "register.csv",
        [["777", "Bo", "Borte", " Borte@Example.org ", "IT", "01.02.2015", "31.08.2024"]],
    )

    run_import(path=path, commit=True)

    assert Leaver.objects.get(employee_number="777").status == Leaver.Status.SUPPRESSED
