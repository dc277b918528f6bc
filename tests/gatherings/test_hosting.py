"""Asking a member whether their employer will host the next gathering."""

import pytest
from django.core import mail
from django.urls import reverse

from alumni_network.mail.sending import drain

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
