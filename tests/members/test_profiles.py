"""The profile page: fields, competences, employer, photo."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from members.models import Competence, Member, Organisation, Visibility
from members.profiles import split_competences
from tests.factories import JobFactory
from tests.members.factories import profile_member

pytestmark = pytest.mark.django_db


def profile_data(**overrides):
    data = {
        "first_name": "Ingrid",
        "last_name": "Hansen",
        "language": "nb",
        "employer_name": "Equinor ASA",
        "title": "Prosjektleder",
        "location": "Bergen",
        "competence_names": "Python, prosjektledelse,  PYTHON ",
        "bio": "Hei",
        "started_year": "2010",
        "left_year": "2020",
        "wants_gathering_emails": "on",
        "in_directory": "on",
        **{
            f"{g}_visibility": "members"
            for g in (
                "photo",
                "personal_email",
                "phone",
                "work",
                "location",
                "linkedin",
                "bio",
                "competences",
                "languages",
                "history",
                "availability",
            )
        },
    }
    data.update(overrides)
    return data


def jpeg_with_exif(size=(1200, 900)) -> io.BytesIO:
    image = Image.new("RGB", size, "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    out.seek(0)
    out.name = "me.jpg"
    return out


def test_split_competences_normalises_and_deduplicates():
    assert split_competences("Python, python ,  Prosjekt   ledelse,\nPYTHON") == [
        "Python",
        "Prosjekt ledelse",
    ]


def test_profile_edit_saves_fields_competences_and_employer(member_client, member_user):
    response = member_client.post(reverse("members:profile_edit"), profile_data())

    assert response.status_code == 302
    member = Member.objects.get(user=member_user)
    assert member.employer.name == "Equinor ASA"
    assert sorted(c.slug for c in member.competences.all()) == ["prosjektledelse", "python"]
    assert member.employment_confirmed_at is not None
    assert "equinor asa" in member.search_text


def test_profile_edit_reuses_an_organisation_whatever_the_case(member_client):
    Organisation.objects.create(name="Equinor ASA")

    member_client.post(reverse("members:profile_edit"), profile_data(employer_name="EQUINOR asa"))

    assert Organisation.objects.count() == 1


def test_profile_edit_refuses_leaving_before_starting(member_client):
    response = member_client.post(
        reverse("members:profile_edit"), profile_data(started_year="2020", left_year="2010")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["left_year"]


def test_photo_upload_is_resized_and_stripped_of_metadata(
    member_client, member_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    data = profile_data(photo_upload=jpeg_with_exif())

    member_client.post(reverse("members:profile_edit"), data)

    member = Member.objects.get(user=member_user)
    with Image.open(member.photo.path) as stored:
        assert stored.size == (512, 512)
        assert stored.format == "JPEG"
        assert dict(stored.getexif()) == {}


def test_photo_upload_refuses_a_file_that_is_not_an_image(member_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = io.BytesIO(b"<?php echo 'hi'; ?>")
    fake.name = "me.jpg"

    response = member_client.post(reverse("members:profile_edit"), profile_data(photo_upload=fake))

    assert response.status_code == 200
    assert response.context["form"].errors["photo_upload"]


def test_competence_options_suggest_completions_of_the_last_item(member_client):
    profile_member(competences=["Prosjektledelse"])

    response = member_client.get(
        reverse("members:competence_options"), {"competence_names": "Python, prosj"}
    )

    assert response.content.decode().strip() == '<option value="Python, Prosjektledelse"></option>'


def test_competence_options_offer_what_a_job_names_but_not_what_only_hidden_profiles_have(
    member_client,
):
    JobFactory().competences.add(Competence.objects.create(name="Prosjektstyring", slug="ps"))
    profile_member(competences=["Prosjektledelse"], competences_visibility=Visibility.HIDDEN)

    response = member_client.get(
        reverse("members:competence_options"), {"competence_names": "prosj"}
    )

    assert response.content.decode().strip() == '<option value="Prosjektstyring"></option>'
