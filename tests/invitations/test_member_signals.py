"""The register hears when a member is erased or exports their data."""

import pytest

from alumni_network.mail.models import Suppression
from alumni_network.mail.suppression import is_suppressed
from invitations.models import Leaver
from members.owndata import erase_member, export_member_data
from tests.factories import MemberFactory

from .factories import LeaverFactory

pytestmark = pytest.mark.django_db


def test_erased_member_is_suppressed_and_stays_so(tmp_path):
    member = MemberFactory(user__email="Kari.Berg@Epost.example")
    leaver = LeaverFactory(
        email="kari.berg@epost.example", member=member, status=Leaver.Status.JOINED
    )

    erase_member(member=member)

    leaver.refresh_from_db()
    assert (leaver.status, leaver.member) == (Leaver.Status.SUPPRESSED, None)
    assert is_suppressed(" KARI.BERG@epost.example")
    assert Suppression.objects.get().reason == "erased"


def test_member_data_export_includes_the_register_entry():
    member = MemberFactory()
    LeaverFactory(member=member, employee_number="4711", department="Drift")

    data = export_member_data(member=member)

    assert data["leavers_register"]["employee_number"] == "4711"
    assert data["leavers_register"]["left_on"] == "2023-06-30"
