"""Privacy: what a member hides never reaches another member's page, search or export."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from members.models import Visibility
from members.privacy import visible_profile

from .factories import profile_member

pytestmark = pytest.mark.django_db

SECRET_PHONE = "+47 999 11 222"


def test_defaults_keep_contact_details_and_availability_from_other_members(member_user):
    other = profile_member(
        phone=SECRET_PHONE, personal_email="x@privat.example", open_to_returning=True
    )

    profile = visible_profile(member=other, viewer=member_user)

    assert (profile.phone, profile.personal_email, profile.flags) == ("", "", [])


def test_hr_sees_hr_only_fields(staff_user):
    other = profile_member(phone=SECRET_PHONE)

    assert visible_profile(member=other, viewer=staff_user).phone == SECRET_PHONE


def test_hidden_fields_are_hidden_from_hr_too(staff_user):
    other = profile_member(phone=SECRET_PHONE, phone_visibility=Visibility.HIDDEN)

    assert visible_profile(member=other, viewer=staff_user).phone == ""


def test_member_sees_all_of_their_own_profile(member_user):
    member = member_user.member
    member.phone, member.phone_visibility = SECRET_PHONE, Visibility.HIDDEN
    member.save()

    assert visible_profile(member=member, viewer=member_user).phone == SECRET_PHONE


def test_profile_page_never_shows_hr_only_fields_to_another_member(member_client):
    other = profile_member(phone=SECRET_PHONE, title="Sjefsgeolog", work_visibility=Visibility.HR)

    html = member_client.get(reverse("members:profile", kwargs={"pk": other.pk})).content.decode()

    assert SECRET_PHONE not in html
    assert "Sjefsgeolog" not in html


def test_profile_of_a_member_who_left_the_directory_is_not_found(member_client):
    other = profile_member(in_directory=False)

    response = member_client.get(reverse("members:profile", kwargs={"pk": other.pk}))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["members:profile", "members:photo"])
def test_no_profile_id_reaches_a_hidden_profile(member_client, name):
    """IDOR: walking the ids finds nobody who left the directory."""
    others = [profile_member(in_directory=False) for _ in range(3)]

    statuses = {
        member_client.get(reverse(name, kwargs={"pk": other.pk})).status_code for other in others
    }

    assert statuses == {404}


def test_a_member_cannot_change_another_members_profile(member_client, member_user):
    other = profile_member(title="Ingeniør")

    member_client.post(
        reverse("members:profile_edit") + f"?pk={other.pk}", {"title": "Hacked", "pk": other.pk}
    )

    other.refresh_from_db()
    assert other.title == "Ingeniør"


def test_photo_hidden_from_members_is_not_served(member_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    other = profile_member(photo_visibility=Visibility.HR)
    other.photo.save("x.jpg", ContentFile(b"x"))

    response = member_client.get(reverse("members:photo", kwargs={"pk": other.pk}))

    assert response.status_code == 404


XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def test_stored_xss_in_every_free_text_field_renders_inert(member_client, staff_user):
    staff_client = Client()
    staff_client.force_login(staff_user)
    other = profile_member(
        user__first_name=XSS,
        user__last_name=XSS,
        title=XSS,
        location=XSS,
        bio=XSS,
        languages=XSS,
        departments=XSS,
        employer=XSS,
        competences=[XSS],
        history_visibility=Visibility.MEMBERS,
    )
    pages = [
        member_client.get(reverse("members:profile", kwargs={"pk": other.pk})),
        member_client.get(reverse("members:directory")),
        staff_client.get(reverse("hr_members:member_detail", kwargs={"pk": other.pk})),
    ]

    for response in pages:
        html = response.content.decode()
        assert "<script>alert(1)" not in html
        assert "onerror=alert(2)>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
