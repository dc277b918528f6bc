"""The demo register: a few hundred leavers, members linked, some suppressed; seeding twice changes
nothing."""

import io

import pytest
from django.core.management import call_command

from alumni_network.mail.models import Suppression
from invitations.models import Leaver, LeaverChange, RegisterImport, Segment
from invitations.register.demo import DEMO_FILE_NAME
from members.models import Member


@pytest.mark.slow
@pytest.mark.django_db
def test_seed_demo_builds_the_register_once():
    call_command("seed_demo", stdout=io.StringIO())
    snapshot = list(Leaver.objects.order_by("pk").values())

    call_command("seed_demo", stdout=io.StringIO())

    assert list(Leaver.objects.order_by("pk").values()) == snapshot
    assert len(snapshot) >= 300
    assert Leaver.objects.filter(member__isnull=False).count() == Member.objects.count()
    assert (
        Leaver.objects.filter(status=Leaver.Status.SUPPRESSED).count()
        == Suppression.objects.count()
        > 0
    )
    demo_import = RegisterImport.objects.get(file_name=DEMO_FILE_NAME)
    assert Segment.objects.filter(name="Bergen, sluttet 2022–2024").count() == 1
    # Every leaver links to the import that added it; no later import changed one.
    assert Leaver.objects.filter(created_by_import=demo_import).count() == len(snapshot)
    assert not LeaverChange.objects.exists()
