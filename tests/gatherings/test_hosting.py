"""Asking a member whether their employer will host the next gathering."""

import pytest
from django.core import mail
from django.urls import reverse

from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.sending import drain
from gatherings import hosting, selectors
from members.models import AuditLog, Visibility

from ..factories import MemberFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def host_contact():
    organisation = OrganisationFactory(name="Aker Solutions")
    return MemberFactory(employer=organisation, open_to_hosting=True, user__first_name="Siri")


def ask(client, member, organisation):
    return client.post(
        reverse("hr_gatherings:host_ask"),
        {"member": member.pk, "organisation": organisation.pk},
    )


def test_host_rotation_lists_who_to_ask(staff_client, host_contact):
    MemberFactory(employer=host_contact.employer, open_to_hosting=False, user__first_name="Per")

    response = staff_client.get(reverse("hr_gatherings:hosts"))

    html = response.content.decode()
    assert "Siri" in html
    assert "Per" not in html


def test_asking_sends_one_email_with_the_coordinator_as_reply_to(
    staff_client, staff_user, host_contact
):
    ask(staff_client, host_contact, host_contact.employer)
    ask(staff_client, host_contact, host_contact.employer)  # a double click
    drain()

    assert [message.to for message in mail.outbox] == [[host_contact.user.email]]
    assert "Aker Solutions" in mail.outbox[0].subject
    assert mail.outbox[0].reply_to == [staff_user.email]


def test_a_member_of_another_employer_is_not_asked(staff_client, host_contact):
    other = OrganisationFactory(name="Equinor")

    response = ask(staff_client, host_contact, other)
    drain()

    assert response.status_code == 302
    assert mail.outbox == []


def test_asked_date_shows_after_asking(staff_client, host_contact):
    ask(staff_client, host_contact, host_contact.employer)

    html = staff_client.get(reverse("hr_gatherings:hosts")).content.decode()

    assert "spurt " in html


@pytest.mark.parametrize("member", ["abc", "²", ""])
def test_a_forged_ask_gets_404_not_500(staff_client, host_contact, member):
    response = staff_client.post(
        reverse("hr_gatherings:host_ask"),
        {"member": member, "organisation": host_contact.employer.pk},
    )

    assert response.status_code == 404


@pytest.fixture
def hiding_host():
    """Open to hosting, at an employer nobody else names, but hiding where or that."""
    organisation = OrganisationFactory(name="Zyxskjult Arbeidsgiver AS")
    return MemberFactory(
        employer=organisation,
        open_to_hosting=True,
        user__first_name="Hemmelig",
        user__last_name="Vert",
        work_visibility=Visibility.HIDDEN,
    )


def test_host_rotation_leaves_out_an_employer_its_only_employee_hid(staff_client, hiding_host):
    html = staff_client.get(reverse("hr_gatherings:hosts")).content.decode()

    assert "Zyxskjult" not in html
    assert "Hemmelig" not in html


def test_host_rotation_counts_only_members_whose_work_hr_may_see(staff_user, host_contact):
    MemberFactory(employer=host_contact.employer, work_visibility=Visibility.HIDDEN)

    rows, _suggested = selectors.host_rotation(viewer=staff_user)

    assert [(row.organisation.name, row.members) for row in rows] == [("Aker Solutions", 1)]


def test_host_rotation_offers_nobody_who_hid_being_open_to_hosting(staff_client, host_contact):
    host_contact.availability_visibility = Visibility.HIDDEN
    host_contact.save()

    html = staff_client.get(reverse("hr_gatherings:hosts")).content.decode()

    assert "Aker Solutions" in html
    assert "Siri" not in html


@pytest.mark.parametrize("hidden", ["work_visibility", "availability_visibility"])
def test_asking_someone_who_hid_it_from_hr_sends_nothing(staff_client, host_contact, hidden):
    setattr(host_contact, hidden, Visibility.HIDDEN)
    host_contact.save()

    response = ask(staff_client, host_contact, host_contact.employer)
    drain()

    assert response.status_code == 302
    assert mail.outbox == []
    assert OutboxEmail.objects.filter(kind=hosting.HOST_REQUEST).count() == 0


@pytest.mark.parametrize("size", [1, 4])
def test_host_rotation_queries_stay_flat(size, staff_client, django_assert_max_num_queries):
    for n in range(size):
        organisation = OrganisationFactory(name=f"Vert {n} AS")
        MemberFactory(employer=organisation, open_to_hosting=True)
        MemberFactory(employer=organisation, work_visibility=Visibility.HIDDEN)

    with django_assert_max_num_queries(8):
        response = staff_client.get(reverse("hr_gatherings:hosts"))

    assert response.content.decode().count('name="member"') == size


def test_host_rotation_logs_showing_hr_that_a_member_is_open_to_hosting(staff_client, host_contact):
    staff_client.get(reverse("hr_gatherings:hosts"))

    entry = AuditLog.objects.get(action=AuditLog.Action.VIEW_HR_FIELDS)
    assert (entry.detail, entry.member_ids) == ("host rotation", [host_contact.pk])
