"""A typed employer finds the organisation it means; the field suggests what the asker may see."""

import pytest
from django.urls import reverse

from members.models import Member, Organisation, Visibility
from members.organisations import organisation_key, suggestable_organisations
from members.profiles import organisation_for_name, save_profile
from tests.factories import MemberFactory, OrganisationFactory, StaffFactory
from tests.gatherings.factories import GatheringFactory
from tests.members.test_profiles import profile_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.mark.parametrize(
    "typed",
    [
        "Aker Solutions ASA",
        "aker solutions",
        "AKER  SOLUTIONS  AS",
        "Aker-Solutions A/S",
        "Aker Solutions, ASA.",
        "AkerSolutions",
    ],
)
def test_organisation_key_ignores_case_legal_form_punctuation_and_spacing(typed):
    assert organisation_key(typed) == "akersolutions"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Aker Solutions", "Aker BP"),
        ("Asplan Viak", "Plan Viak"),  # "As" is a legal form only as the last word
        ("Norsk Hydro", "Norsk Hydro Energi"),
    ],
)
def test_organisation_key_keeps_different_organisations_apart(one, other):
    assert organisation_key(one) != organisation_key(other)


def test_organisation_key_keeps_a_name_that_is_only_a_legal_form():
    assert organisation_key("AS") == "as"


def test_typed_name_with_legal_form_finds_the_existing_organisation():
    existing = OrganisationFactory(name="Aker Solutions")

    found = organisation_for_name(name="  aker   solutions ASA ")

    assert (found, Organisation.objects.count()) == (existing, 1)


def test_typed_name_finds_the_oldest_of_duplicates_waiting_to_be_merged():
    oldest = OrganisationFactory(name="Aker Solutions")
    OrganisationFactory(name="Aker Solutions ASA")

    assert organisation_for_name(name="Aker Solutions ASA") == oldest


def test_typed_name_without_a_match_creates_one_organisation():
    OrganisationFactory(name="Aker Solutions")

    created = organisation_for_name(name="Aker BP ASA")

    assert (created.name, Organisation.objects.count()) == ("Aker BP ASA", 2)


def test_saving_a_profile_with_a_variant_name_keeps_the_existing_employer():
    existing = OrganisationFactory(name="Aker Solutions")
    member = MemberFactory()

    save_profile(member=member, competence_names=[], employer_name="AKER SOLUTIONS ASA")

    member.refresh_from_db()
    assert (member.employer, Organisation.objects.count()) == (existing, 1)


def test_profile_form_posts_a_variant_name_to_the_existing_employer(member_client, member_user):
    existing = OrganisationFactory(name="Equinor")

    response = member_client.post(
        reverse("members:profile_edit"), profile_data(employer_name="equinor asa")
    )

    employer = Member.objects.get(user=member_user).employer
    assert (response.status_code, employer, Organisation.objects.count()) == (302, existing, 1)


# --- What the field suggests ------------------------------------------------------


def employer_of(name, **member_fields):
    organisation = OrganisationFactory(name=name)
    MemberFactory(employer=organisation, **member_fields)
    return organisation


def test_suggestions_hold_employers_of_members_whose_work_the_asker_sees(member_user):
    shown = employer_of("Equinor ASA")
    employer_of("Hemmelig AS", work_visibility=Visibility.HIDDEN)
    employer_of("Bare HR AS", work_visibility=Visibility.HR)
    employer_of("Utenfor AS", in_directory=False)
    employer_of("Sluttet AS", user__is_active=False)

    assert list(suggestable_organisations(viewer=member_user)) == [shown]


def test_suggestions_hold_curated_organisations_and_the_askers_own_employer(member_user):
    numbered = OrganisationFactory(name="Statkraft AS", org_number="987059699")
    host = OrganisationFactory(name="Vertskap AS")
    GatheringFactory(host=host)
    own = OrganisationFactory(name="Min Arbeidsgiver AS")
    member = member_user.member
    member.employer, member.work_visibility = own, Visibility.HIDDEN
    member.save()
    OrganisationFactory(name="Ukjent AS")  # nobody visible works there, nobody curated it

    assert set(suggestable_organisations(viewer=member_user)) == {numbered, host, own}


def test_employer_options_answers_matching_visible_names_as_options(member_client):
    employer_of("Aker Solutions")
    employer_of("Aker BP")
    employer_of("Akershus Energi", work_visibility=Visibility.HIDDEN)
    employer_of("Equinor")

    response = member_client.get(reverse("members:employer_options"), {"employer_name": "aker"})

    assert response.status_code == 200
    assert response.content.decode() == (
        '<option value="Aker BP"></option><option value="Aker Solutions"></option>\n'
    )


def test_employer_options_matches_a_name_typed_with_its_legal_form(member_client):
    employer_of("Aker Solutions")

    response = member_client.get(
        reverse("members:employer_options"), {"employer_name": "Aker Solutions ASA"}
    )

    assert response.context["options"] == ["Aker Solutions"]


def test_employer_options_offers_one_name_of_duplicates(member_client):
    employer_of("Aker Solutions")
    employer_of("AKER SOLUTIONS ASA")

    response = member_client.get(reverse("members:employer_options"), {"employer_name": "aker"})

    assert response.context["options"] == ["Aker Solutions"]


@pytest.mark.parametrize("typed", ["", "a", "zzz"])
def test_employer_options_leaves_the_list_alone_without_matches(member_client, typed):
    employer_of("Aker Solutions")

    response = member_client.get(reverse("members:employer_options"), {"employer_name": typed})

    assert (response.status_code, response.content) == (204, b"")


@pytest.mark.parametrize("organisation_count", [1, 6])
def test_employer_options_asks_a_fixed_number_of_queries(
    member_client, organisation_count, django_assert_num_queries
):
    for number in range(organisation_count):
        employer_of(f"Firma {number}")

    with django_assert_num_queries(4):
        response = member_client.get(
            reverse("members:employer_options"), {"employer_name": "firma"}
        )

    assert len(response.context["options"]) == organisation_count


def test_employer_options_refuses_anonymous_and_staff_without_a_profile(client):
    url = reverse("members:employer_options")

    anonymous = client.get(url, {"employer_name": "aker"})
    client.force_login(StaffFactory())
    staff = client.get(url, {"employer_name": "aker"})

    assert (anonymous.status_code, anonymous.url.split("?")[0], staff.status_code) == (
        302,
        reverse("account_login"),
        403,
    )


def test_profile_form_fills_the_employer_list_by_htmx_without_listing_every_organisation(
    member_client,
):
    employer_of("Hemmelig Arbeidsgiver AS", work_visibility=Visibility.HIDDEN)

    page = member_client.get(reverse("members:profile_edit")).content.decode()

    assert 'list="employer-options"' in page
    assert f'data-hx-get="{reverse("members:employer_options")}"' in page
    assert '<datalist id="employer-options"></datalist>' in page
    assert "Hemmelig Arbeidsgiver" not in page


def test_hr_cannot_add_a_variant_of_an_existing_organisation(staff_client):
    OrganisationFactory(name="Aker Solutions")

    response = staff_client.post(
        reverse("hr_members:organisation_create"), {"name": "Aker Solutions AS", "org_number": ""}
    )

    assert response.context["form"].errors["name"] == [
        "An organisation with this name already exists."
    ]
    assert Organisation.objects.count() == 1


def test_hr_can_still_edit_a_duplicate_made_before_the_check(staff_client):
    OrganisationFactory(name="Aker Solutions")
    duplicate = OrganisationFactory(name="Aker Solutions ASA")

    response = staff_client.post(
        reverse("hr_members:organisation_edit", args=[duplicate.pk]),
        {"name": "Aker Solutions ASA", "org_number": "", "city": "Fornebu"},
    )

    duplicate.refresh_from_db()
    assert (response.status_code, duplicate.city) == (302, "Fornebu")
