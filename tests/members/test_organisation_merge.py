"""HR merges two organisations that are one employer: members and gatherings move, one is left."""

import pytest
from django.urls import reverse

from gatherings.selectors import host_rotation
from members.models import AuditLog, Member, Organisation
from members.organisations import MovedRelation, merge_organisations, merge_plan
from tests.factories import MemberFactory, OrganisationFactory, StaffFactory
from tests.gatherings.factories import GatheringFactory
from tests.members.factories import profile_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def twins():
    """ "Aker Solutions" with one member, and the duplicate a member typed, with two and a host."""
    kept = OrganisationFactory(name="Aker Solutions")
    merged = OrganisationFactory(name="Aker Solutions ASA", org_number="911111111", city="Lysaker")
    MemberFactory(employer=kept)
    moved = [profile_member(employer="Aker Solutions ASA") for _ in range(2)]
    Member.objects.filter(pk__in=[m.pk for m in moved]).update(employer=merged)
    gathering = GatheringFactory(host=merged)
    return kept, merged, moved, gathering


def test_merge_moves_members_and_gatherings_and_deletes_the_merged_one(twins):
    kept, merged, moved, gathering = twins

    merge_organisations(merged=merged, kept=kept)

    gathering.refresh_from_db()
    assert not Organisation.objects.filter(pk=merged.pk).exists()
    assert (kept.employees.count(), gathering.host) == (3, kept)


def test_merge_gives_the_kept_one_the_number_and_city_it_lacked(twins):
    kept, merged, _moved, _gathering = twins

    merge_organisations(merged=merged, kept=kept)

    kept.refresh_from_db()
    assert (kept.name, kept.org_number, kept.city) == ("Aker Solutions", "911111111", "Lysaker")


def test_merge_refreshes_what_the_directory_finds_moved_members_by(twins):
    kept, merged, moved, _gathering = twins
    Organisation.objects.filter(pk=kept.pk).update(name="Aker Solutions Norge")
    kept.refresh_from_db()

    merge_organisations(merged=merged, kept=kept)

    texts = Member.objects.filter(pk__in=[m.pk for m in moved]).values_list(
        "search_text", flat=True
    )
    assert all("aker solutions norge" in text for text in texts)


def test_merge_is_audit_logged_with_the_members_moved(twins, staff_user, rf):
    kept, merged, moved, _gathering = twins
    request = rf.post("/")
    request.user = staff_user

    merge_organisations(merged=merged, kept=kept, request=request)

    entry = AuditLog.objects.get()
    assert (entry.action, entry.actor, entry.object_id, entry.member_ids) == (
        AuditLog.Action.ORGANISATION_MERGE,
        staff_user,
        str(kept.pk),
        sorted(m.pk for m in moved),
    )
    assert entry.detail_text == (
        f"merged Aker Solutions ASA (#{merged.pk}) into Aker Solutions: 2 members, 1 gathering"
    )


def test_merge_plan_counts_what_would_move(twins):
    _kept, merged, _moved, _gathering = twins

    assert merge_plan(merged=merged) == [
        MovedRelation(model="members.member", count=2),
        MovedRelation(model="gatherings.gathering", count=1),
    ]


def test_merge_into_itself_is_refused(twins):
    kept, *_rest = twins

    with pytest.raises(ValueError):
        merge_organisations(merged=kept, kept=kept)


# --- The HR pages ---------------------------------------------------------------------


def test_merge_page_offers_the_duplicates_by_name(staff_client, twins):
    kept, merged, _moved, _gathering = twins
    OrganisationFactory(name="Aker BP")

    response = staff_client.get(reverse("hr_members:organisation_merge", args=[merged.pk]))

    assert response.status_code == 200
    assert response.context["duplicates"] == [kept]
    assert merged not in response.context["form"].fields["kept"].queryset


def test_choosing_shows_what_moves_and_changes_nothing(staff_client, twins):
    kept, merged, _moved, _gathering = twins

    response = staff_client.post(
        reverse("hr_members:organisation_merge", args=[merged.pk]), {"kept": kept.pk}
    )

    assert response.templates[0].name == "members/hr/organisation_merge_confirm.html"
    assert [(m.label, m.count) for m in response.context["plan"]] == [
        ("members", 2),
        ("gatherings", 1),
    ]
    assert "Merge Aker Solutions ASA into Aker Solutions?" in response.content.decode()
    assert Organisation.objects.filter(pk=merged.pk).exists()
    assert merged.employees.count() == 2


def test_confirming_merges_and_returns_to_the_kept_organisation(staff_client, twins):
    kept, merged, _moved, gathering = twins

    response = staff_client.post(
        reverse("hr_members:organisation_merge", args=[merged.pk]),
        {"kept": kept.pk, "confirm": "1"},
    )

    gathering.refresh_from_db()
    assert response.status_code == 302
    assert response.url == reverse("hr_members:organisation_edit", args=[kept.pk])
    assert not Organisation.objects.filter(pk=merged.pk).exists()
    assert (kept.employees.count(), gathering.host) == (3, kept)


def test_merge_into_itself_is_not_a_choice(staff_client, twins):
    _kept, merged, _moved, _gathering = twins

    response = staff_client.post(
        reverse("hr_members:organisation_merge", args=[merged.pk]),
        {"kept": merged.pk, "confirm": "1"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["kept"]
    assert Organisation.objects.filter(pk=merged.pk).exists()


def test_edit_page_links_to_merging(staff_client, twins):
    _kept, merged, _moved, _gathering = twins

    page = staff_client.get(reverse("hr_members:organisation_edit", args=[merged.pk]))

    assert reverse("hr_members:organisation_merge", args=[merged.pk]) in page.content.decode()


def test_members_cannot_merge(member_client, twins):
    kept, merged, _moved, _gathering = twins

    response = member_client.post(
        reverse("hr_members:organisation_merge", args=[merged.pk]),
        {"kept": kept.pk, "confirm": "1"},
    )

    assert response.status_code == 403
    assert merged.employees.count() == 2


def test_host_rotation_counts_variant_names_as_one_organisation(twins):
    kept, merged, _moved, _gathering = twins
    profile_member(employer="AKER SOLUTIONS AS")  # typed after the fix: joins the oldest
    merge_organisations(merged=merged, kept=kept)

    rows, _suggested = host_rotation(viewer=StaffFactory())

    assert [(row.organisation.name, row.members) for row in rows] == [("Aker Solutions", 4)]
