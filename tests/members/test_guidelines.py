"""Guidelines: a blocking page until the current version is accepted."""

import pytest
from django.urls import reverse

from members.guidelines import accept_current_guidelines
from members.models import GuidelinesAcceptance
from tests.factories import GuidelinesVersionFactory

pytestmark = pytest.mark.django_db


def test_member_area_is_blocked_until_the_guidelines_are_accepted(member_client):
    GuidelinesVersionFactory()

    response = member_client.get(reverse("members:directory"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("members:guidelines"))


def test_accepting_opens_the_member_area_and_records_version_and_time(member_client, member_user):
    version = GuidelinesVersionFactory()

    response = member_client.post(
        reverse("members:guidelines"),
        {"version": version.pk, "next": reverse("members:directory")},
    )

    assert response.url == reverse("members:directory")
    acceptance = GuidelinesAcceptance.objects.get(member=member_user.member)
    assert acceptance.version == version
    assert member_client.get(reverse("members:directory")).status_code == 200


def test_a_new_version_blocks_again(member_client, member_user):
    GuidelinesVersionFactory()
    accept_current_guidelines(user=member_user)
    GuidelinesVersionFactory()

    assert member_client.get(reverse("members:home")).status_code == 302


def test_accepting_a_stale_version_does_not_count(member_client, member_user):
    old = GuidelinesVersionFactory()
    GuidelinesVersionFactory()

    member_client.post(reverse("members:guidelines"), {"version": old.pk})

    assert GuidelinesAcceptance.objects.count() == 0


def test_next_cannot_send_the_member_elsewhere(member_client):
    version = GuidelinesVersionFactory()

    response = member_client.post(
        reverse("members:guidelines"), {"version": version.pk, "next": "https://evil.example/"}
    )

    assert response.url == reverse("members:home")


def test_hr_publishes_a_new_version(staff_client):
    response = staff_client.post(
        reverse("hr_members:guidelines"), {"text_nb": "Ny tekst", "text_en": "New text"}
    )

    assert response.status_code == 302
    assert staff_client.get(reverse("hr_members:guidelines")).context["current"].text_nb == (
        "Ny tekst"
    )
