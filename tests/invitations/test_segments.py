"""Renaming and deleting segments; uploads nobody imported are forgotten."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from invitations.campaigns.lifecycle import create_campaign
from invitations.models import RegisterImport, Segment
from invitations.register.retention import forget_abandoned_imports

from .factories import LeaverFactory, RegisterImportFactory, SegmentFactory

pytestmark = pytest.mark.django_db


def test_hr_renames_a_segment(staff_client):
    segment = SegmentFactory(name="Gammelt navn")

    response = staff_client.post(
        reverse("hr_invitations:segment_edit", args=[segment.pk]), {"name": "Sluttet 2024"}
    )

    assert response.status_code == 302
    segment.refresh_from_db()
    assert segment.name == "Sluttet 2024"


def test_deleting_a_segment_leaves_its_leavers(staff_client):
    segment = SegmentFactory()
    leaver = LeaverFactory()
    segment.leavers.add(leaver)

    staff_client.post(reverse("hr_invitations:segment_delete", args=[segment.pk]))

    assert not Segment.objects.filter(pk=segment.pk).exists()
    leaver.refresh_from_db()
    assert leaver.pk


def test_a_segment_a_campaign_uses_is_kept(staff_client, staff_user):
    segment = SegmentFactory()
    create_campaign(name="Høst", segment=segment, user=staff_user)

    response = staff_client.post(reverse("hr_invitations:segment_delete", args=[segment.pk]))

    assert response.status_code == 302
    assert Segment.objects.filter(pk=segment.pk).exists()


def test_uploads_never_imported_are_deleted_with_their_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    old = RegisterImportFactory(
        status=RegisterImport.Status.PREVIEWED, created_at=timezone.now() - timedelta(days=3)
    )
    old.file.save("register.csv", ContentFile(b"Fornavn;Etternavn\nKari;Nordmann\n"))
    path = old.file.path
    fresh = RegisterImportFactory(status=RegisterImport.Status.PREVIEWED)
    committed = RegisterImportFactory(
        status=RegisterImport.Status.COMMITTED, created_at=timezone.now() - timedelta(days=30)
    )

    assert forget_abandoned_imports() == 1

    assert set(RegisterImport.objects.values_list("pk", flat=True)) == {fresh.pk, committed.pk}
    assert not (tmp_path / path).exists()


def test_a_preview_whose_task_was_lost_is_forgotten_like_any_abandoned_upload(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stuck = RegisterImportFactory(
        status=RegisterImport.Status.PREVIEWING, created_at=timezone.now() - timedelta(days=3)
    )
    stuck.file.save("register.csv", ContentFile(b"Fornavn;Etternavn\nKari;Nordmann\n"))

    assert forget_abandoned_imports() == 1

    assert not RegisterImport.objects.filter(pk=stuck.pk).exists()


def test_a_failed_import_keeps_its_record_but_not_the_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    failed = RegisterImportFactory(
        status=RegisterImport.Status.FAILED,
        failure="Stopped",
        created_at=timezone.now() - timedelta(days=3),
    )
    failed.file.save("register.csv", ContentFile(b"Fornavn;Etternavn\nKari;Nordmann\n"))
    path = failed.file.path

    assert forget_abandoned_imports() == 1

    failed.refresh_from_db()
    assert (failed.status, failed.failure, failed.file.name) == ("failed", "Stopped", "")
    assert not (tmp_path / path).exists()
