"""Came back to work: HR marks a member as rehired, and the register row shows it."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from invitations.models import Leaver
from members.models import Member, Rehire
from members.rehires import AlreadyRehiredThatDay, rehire_add
from tests.factories import MemberFactory
from tests.invitations.factories import LeaverFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def add_url(member) -> str:
    return reverse("hr_members:rehire_add", kwargs={"pk": member.pk})


def remove_url(rehire) -> str:
    return reverse("hr_members:rehire_remove", kwargs={"pk": rehire.pk})


def member_page(member) -> str:
    return reverse("hr_members:member_detail", kwargs={"pk": member.pk})


def test_hr_marks_a_member_as_back_at_work(staff_client, staff_user):
    member = MemberFactory()

    response = staff_client.post(add_url(member), {"rehired_on": "2026-03-02", "role": "Boreleder"})

    assert response.status_code == 302
    assert response["Location"] == member_page(member) + "#rehire-heading"
    rehire = Rehire.objects.get()
    assert (rehire.member, rehire.rehired_on, rehire.role, rehire.recorded_by) == (
        member,
        DAY,
        "Boreleder",
        staff_user,
    )
    page = staff_client.get(member_page(member)).content.decode()
    assert "Started again on 2 March 2026 as Boreleder" in page
    assert "Marked as back at work." in page


def test_the_same_day_twice_is_refused_with_a_message(staff_client):
    member = MemberFactory()
    Rehire.objects.create(member=member, rehired_on=DAY, role="Boreleder")

    response = staff_client.post(add_url(member), {"rehired_on": "2026-03-02", "role": "Geolog"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "rehired_on": ["This member is already marked as rehired on that date."]
    }
    assert "This member is already marked as rehired on that date." in response.content.decode()
    assert list(Rehire.objects.values_list("role", flat=True)) == ["Boreleder"]


def test_a_duplicate_past_the_form_is_refused_by_the_constraint():
    member = MemberFactory()
    rehire_add(member=member, rehired_on=DAY, role="Boreleder")

    with pytest.raises(AlreadyRehiredThatDay):
        rehire_add(member=member, rehired_on=DAY, role="Geolog")

    assert Rehire.objects.count() == 1


def test_an_empty_form_shows_its_errors(staff_client):
    member = MemberFactory()

    response = staff_client.post(add_url(member), {"rehired_on": "", "role": ""})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"rehired_on", "role"}
    assert not Rehire.objects.exists()


def test_hr_removes_a_mistaken_rehire(staff_client):
    member = MemberFactory()
    rehire = Rehire.objects.create(member=member, rehired_on=DAY, role="Boreleder")

    response = staff_client.post(remove_url(rehire))

    assert response.status_code == 302
    assert response["Location"] == member_page(member) + "#rehire-heading"
    assert not Rehire.objects.exists()
    assert Member.objects.filter(pk=member.pk).exists()


def test_the_panel_lists_earlier_rehires_latest_first(staff_client):
    member = MemberFactory()
    Rehire.objects.create(member=member, rehired_on=datetime.date(2021, 8, 1), role="Geolog")
    Rehire.objects.create(member=member, rehired_on=DAY, role="Boreleder")

    page = staff_client.get(member_page(member)).content.decode()

    later = page.index("Started again on 2 March 2026 as Boreleder")
    earlier = page.index("Started again on 1 August 2021 as Geolog")
    assert later < earlier


def test_a_rehired_member_stays_a_member(staff_client):
    member = MemberFactory()
    before = Member.objects.values().get(pk=member.pk)

    staff_client.post(add_url(member), {"rehired_on": "2026-03-02", "role": "Boreleder"})

    assert Member.objects.values().get(pk=member.pk) == before
    assert member.user.member == member


def test_members_may_not_mark_anyone(member_client, member_user):
    member = MemberFactory()
    rehire = Rehire.objects.create(member=member, rehired_on=DAY, role="Boreleder")

    refused_add = member_client.post(add_url(member), {"rehired_on": "2026-04-01", "role": "X"})
    refused_remove = member_client.post(remove_url(rehire))

    assert (refused_add.status_code, refused_remove.status_code) == (403, 403)
    assert list(Rehire.objects.values_list("pk", flat=True)) == [rehire.pk]
    assert member_client.get(add_url(member_user.member)).status_code == 403


def test_staff_see_the_form_and_anonymous_visitors_log_in_first(staff_user):
    member = MemberFactory()
    staff = Client()
    staff.force_login(staff_user)

    assert staff.get(add_url(member)).status_code == 200
    assert (
        staff.get(remove_url(Rehire.objects.create(member=member, rehired_on=DAY))).status_code
        == 405
    )
    assert Client().get(add_url(member)).status_code == 302


def test_the_register_row_shows_that_the_member_came_back(staff_client):
    member = MemberFactory()
    leaver = LeaverFactory(member=member, status=Leaver.Status.JOINED)
    Rehire.objects.create(member=member, rehired_on=DAY, role="Boreleder")

    page = staff_client.get(
        reverse("hr_invitations:leaver_detail", kwargs={"pk": leaver.pk})
    ).content.decode()

    assert "<dt>Came back to work</dt><dd>02/03/2026 as Boreleder</dd>" in page


def test_the_register_row_without_a_rehire_says_nothing_of_it(staff_client):
    leaver = LeaverFactory()

    page = staff_client.get(
        reverse("hr_invitations:leaver_detail", kwargs={"pk": leaver.pk})
    ).content.decode()

    assert "Came back to work" not in page
