"""Directory cards show a member's photo to those allowed to see it, initials otherwise."""

import pytest
from django.db import connection
from django.urls import reverse

from members.models import Visibility
from members.privacy import ProfileView

from .factories import profile_member

pytestmark = pytest.mark.django_db


def directory(client, **params):
    return client.get(reverse("members:directory"), params)


def card_of(response, name):
    return next(p for p in response.context["page"].profiles if p.name == name)


def test_photo_is_shown_where_the_member_shows_it_to_members(member_client):
    member = profile_member(
        user__first_name="Kari", user__last_name="Bakken", photo="photos/kari.jpg"
    )
    photo_url = reverse("members:photo", kwargs={"pk": member.pk})

    response = directory(member_client, q="bakken")

    assert card_of(response, "Kari Bakken").photo_url == photo_url
    # The name is next to the photo: an empty alt, so a screen reader says the name once.
    assert (
        f'<img class="member-card__photo" src="{photo_url}" alt="" width="64" height="64" '
        'loading="lazy">' in response.content.decode()
    )


@pytest.mark.parametrize("visibility", [Visibility.HR, Visibility.HIDDEN])
def test_photo_kept_from_members_shows_initials_instead(member_client, visibility):
    member = profile_member(
        user__first_name="Kari",
        user__last_name="Bakken",
        photo="photos/kari.jpg",
        photo_visibility=visibility,
    )

    response = directory(member_client, q="bakken")

    page = response.content.decode()
    assert card_of(response, "Kari Bakken").photo_url == ""
    assert reverse("members:photo", kwargs={"pk": member.pk}) not in page
    assert 'aria-hidden="true">KB</span>' in page


def test_member_without_a_photo_shows_initials(member_client):
    profile_member(user__first_name="Ola", user__last_name="Nordmann")

    response = directory(member_client, q="nordmann")

    assert card_of(response, "Ola Nordmann").photo_url == ""
    assert 'aria-hidden="true">ON</span>' in response.content.decode()


@pytest.mark.parametrize(
    ("name", "initials"),
    [("Kari Bakken", "KB"), ("Anne Marie Lie Berg", "AB"), ("Søren", "S"), ("", "")],
)
def test_initials_are_the_first_and_the_last_names_first_letters(name, initials):
    assert ProfileView(pk=1, name=name, groups=frozenset()).initials == initials


@pytest.mark.parametrize("count", [1, 30])
def test_photos_cost_no_queries(member_client, django_assert_num_queries, count):
    for i in range(count):
        profile_member(competences=["Python"], photo=f"photos/{i}.jpg")

    # As tests/members/test_directory.py: the photos come with the rows.
    with django_assert_num_queries(6 - (connection.vendor == "postgresql")):
        response = directory(member_client, q="python")

    assert all(profile.photo_url for profile in response.context["page"].profiles)
