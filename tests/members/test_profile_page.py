"""The member's own profile page: a few sections, "Who sees this" beside each part, and a
hint of what is missing and why it matters."""

import pytest
from django.urls import reverse

from members.models import Member
from members.privacy import GROUPS
from members.profiles import COMPLETION_FIELDS, ProfileHint, profile_completion

from ..factories import CompetenceFactory, MemberFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def complete_member() -> Member:
    member = MemberFactory(
        photo="photos/portrait.jpg",
        employer=OrganisationFactory(name="Equinor ASA"),
        title="Project manager",
        location="Bergen",
        bio="Offshore wind and cheerful planning.",
        started_year=2005,
        departments="Engineering",
        languages="Norwegian, English",
        linkedin_url="https://www.linkedin.com/in/kari",
    )
    member.competences.add(CompetenceFactory(name="Offshore wind"))
    return member


def test_completion_of_an_empty_profile_says_competences_matter_first():
    completion = profile_completion(member=MemberFactory())

    assert completion.percent == 0
    assert len(completion.hints) == len(COMPLETION_FIELDS)
    assert completion.hints[0] == ProfileHint(
        field="competence_names", text="Add your competences so colleagues can find you."
    )
    assert completion.missing[0] == "your competences"


def test_completion_of_a_full_profile_has_no_hints():
    completion = profile_completion(member=complete_member())

    assert (completion.percent, completion.missing, completion.hints) == (100, [], [])


def test_completion_names_only_what_is_missing():
    member = complete_member()
    member.linkedin_url = ""
    member.competences.clear()

    completion = profile_completion(member=member)

    assert [hint.field for hint in completion.hints] == ["competence_names", "linkedin_url"]
    assert completion.percent == 80


def test_every_hint_points_at_a_field_of_the_page(member_client):
    html = member_client.get(reverse("members:profile_edit")).content.decode()

    for _name, _label, field, _hint in COMPLETION_FIELDS[:3]:
        assert f'href="#id_{field}"' in html
        assert f'id="id_{field}"' in html


def test_profile_page_has_a_few_sections_and_a_who_sees_this_choice_per_part(member_client):
    html = member_client.get(reverse("members:profile_edit")).content.decode()

    headings = [
        "About you",
        "Work and competence",
        "Contact",
        "Your time at the company",
        "Availability",
        "Directory, email and language",
    ]
    positions = [html.index(f">{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)
    assert html.count('class="panel profile-section"') == len(headings)
    assert html.count(">Who sees this</label>") == len(GROUPS)
    assert 'aria-label="Who sees this (your competences)"' in html
    assert "<legend>What are you open to?</legend>" in html
    assert "<legend>Which emails do you want?</legend>" in html


def test_profile_page_keeps_the_photo_and_its_removal(client):
    member = MemberFactory(photo="photos/portrait.jpg")
    client.force_login(member.user)

    html = client.get(reverse("members:profile_edit")).content.decode()

    assert f'src="{reverse("members:photo", kwargs={"pk": member.pk})}"' in html
    assert 'name="remove_photo"' in html
    assert 'name="photo_upload"' in html


def test_profile_page_query_count_does_not_grow_with_competences(
    client, django_assert_max_num_queries
):
    member = complete_member()
    member.competences.add(*(CompetenceFactory() for _ in range(10)))
    client.force_login(member.user)

    with django_assert_max_num_queries(4):
        response = client.get(reverse("members:profile_edit"))

    assert response.status_code == 200
