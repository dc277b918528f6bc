"""HR tidies the organisations members name as employers."""

import pytest
from django.urls import reverse

from members.models import Organisation
from tests.factories import MemberFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("organisation_count", [1, 5])
def test_organisation_list_counts_members_in_fixed_queries(
    staff_client, organisation_count, django_assert_num_queries
):
    for number in range(organisation_count):
        MemberFactory(employer=OrganisationFactory(name=f"Firma {number}"))

    with django_assert_num_queries(5):
        response = staff_client.get(reverse("hr_members:organisation_list"))

    assert len(response.context["page"].object_list) == organisation_count
    assert [o.member_count for o in response.context["page"].object_list] == [
        1
    ] * organisation_count


def test_hr_renames_an_organisation(staff_client):
    organisation = OrganisationFactory(name="equinor")

    response = staff_client.post(
        reverse("hr_members:organisation_edit", args=[organisation.pk]),
        {"name": "  Equinor   ASA ", "org_number": "923 609 016", "city": "Stavanger"},
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.org_number) == ("Equinor ASA", "923609016")


def test_a_name_taken_in_another_case_is_refused(staff_client):
    OrganisationFactory(name="Statkraft")

    response = staff_client.post(
        reverse("hr_members:organisation_create"),
        {"name": "STATKRAFT", "org_number": "", "city": ""},
    )

    assert response.status_code == 200
    assert Organisation.objects.count() == 1
    assert response.context["form"].errors["name"]


def test_an_org_number_must_have_nine_digits(staff_client):
    response = staff_client.post(
        reverse("hr_members:organisation_create"),
        {"name": "Bouvet", "org_number": "12345", "city": ""},
    )

    assert response.context["form"].errors["org_number"]
