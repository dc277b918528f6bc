"""The directory: search by what members share, refused short queries, flat query counts."""

import pytest
from django.db import connection
from django.urls import reverse

from members.models import Visibility

from .factories import profile_member

pytestmark = pytest.mark.django_db


def names(response):
    return [p.name for p in response.context["page"].profiles]


def search(client, **params):
    return client.get(reverse("members:directory"), params)


def test_search_finds_by_name_employer_and_competence(member_client):
    profile_member(
        user__first_name="Kari",
        user__last_name="Bakken",
        employer="Aker Solutions",
        competences=["Havvind"],
    )
    profile_member(user__first_name="Ola", user__last_name="Nordmann")

    assert names(search(member_client, q="bakken")) == ["Kari Bakken"]
    assert names(search(member_client, q="aker sol")) == ["Kari Bakken"]
    assert names(search(member_client, q="havvind")) == ["Kari Bakken"]


def test_search_does_not_find_by_fields_shared_with_hr_only(member_client):
    profile_member(
        user__first_name="Kari", employer="Hemmelig Arbeidsgiver", work_visibility=Visibility.HR
    )

    assert names(search(member_client, q="hemmelig")) == []
    assert names(search(member_client, employer="hemmelig")) == []


def test_search_leaves_out_members_who_left_the_directory(member_client):
    profile_member(user__last_name="Usynlig", in_directory=False)

    assert names(search(member_client, q="usynlig")) == []


def test_filters_combine(member_client):
    profile_member(
        user__first_name="Kari",
        user__last_name="A",
        competences=["Python"],
        location="Bergen",
        started_year=2005,
        left_year=2015,
        departments="Boring",
    )
    profile_member(
        user__first_name="Ola", user__last_name="B", competences=["Python"], location="Oslo"
    )

    response = search(
        member_client, competence="python", location="berg", year="2010", department="bor"
    )

    assert names(response) == ["Kari A"]


def test_short_query_is_refused_politely(member_client):
    response = search(member_client, q="ab")

    assert response.status_code == 200
    assert response.context["page"] is None
    assert response.context["form"].errors["q"]


@pytest.mark.parametrize("count", [1, 30])
def test_directory_query_count_does_not_grow_with_page_size(
    member_client, django_assert_num_queries, count
):
    for i in range(count):
        profile_member(employer=f"Firma {i % 3}", competences=["Python", f"Kompetanse{i}"])

    # session, user, the member (once, with whether they accepted the current
    # guidelines: the member check and the guidelines gate share it), count, the
    # page's rows, their competences (on PostgreSQL in the rows' query). On
    # PostgreSQL the count also answers "is there an exact match, or go fuzzy?".
    with django_assert_num_queries(6 - (connection.vendor == "postgresql")):
        response = search(member_client, q="python")

    assert len(response.context["page"].profiles) == min(count, 24)


@pytest.mark.postgres
def test_postgres_search_finds_whole_words_and_near_spellings(member_client):
    profile_member(user__first_name="Kari", user__last_name="Nordmann", competences=["Havvind"])

    assert names(search(member_client, q="havvind kari")) == ["Kari Nordmann"]
    assert names(search(member_client, q="nordman")) == ["Kari Nordmann"]
    assert names(search(member_client, q="ordman")) == ["Kari Nordmann"]
    assert names(search(member_client, q="norrdmann")) == ["Kari Nordmann"]


@pytest.mark.postgres
def test_postgres_search_uses_the_gin_indexes():
    from members.directory import substring_match, word_match
    from members.models import Member

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        words_plan = Member.objects.filter(word_match("havvind")).order_by().explain()
        substring_plan = Member.objects.filter(substring_match("havvind")).order_by().explain()

    assert "member_search_vector" in words_plan
    assert "member_search_trgm" in substring_plan


def test_a_new_member_is_found_by_name_at_once(member_client):
    from tests.factories import MemberFactory

    MemberFactory(user__first_name="Nyinnmeldt", user__last_name="Person")

    assert names(search(member_client, q="nyinnmeldt")) == ["Nyinnmeldt Person"]


def test_renaming_a_user_updates_the_directory(member_client):
    member = profile_member(user__first_name="Gammel", user__last_name="Navn")
    member.user.first_name = "Ny"
    member.user.save()

    assert names(search(member_client, q="gammel")) == []
    assert names(search(member_client, q="ny navn")) == ["Ny Navn"]


def test_pages_walk_the_matches_in_name_order(member_client):
    for i in range(30):
        profile_member(user__first_name="Side", user__last_name=f"Etternavn{i:02d}")

    first = search(member_client, q="side")
    second = search(member_client, q="side", page="2")
    beyond = search(member_client, q="side", page="9")
    nonsense = search(member_client, q="side", page="x")

    assert first.context["page"].paginator.count == 30
    assert names(first) == [f"Side Etternavn{i:02d}" for i in range(24)]
    assert names(second) == [f"Side Etternavn{i:02d}" for i in range(24, 30)]
    assert names(beyond) == names(second)
    assert names(nonsense) == names(first)


def test_a_search_that_finds_nobody_shows_an_empty_page(member_client):
    profile_member(user__first_name="Kari")

    response = search(member_client, q="ingenslik", page="3")

    assert response.context["page"].paginator.count == 0
    assert names(response) == []


def test_hr_browsing_the_directory_is_audit_logged_for_hr_only_fields(staff_client):
    from members.models import AuditLog

    member = profile_member(user__last_name="Revidert", phone_visibility=Visibility.HR)

    assert names(search(staff_client, q="revidert")) == [member.user.get_full_name()]
    log = AuditLog.objects.get(action=AuditLog.Action.VIEW_HR_FIELDS)
    assert log.member_ids == [member.pk]


def test_a_member_page_fetches_the_member_once(member_client, member_user):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert search(member_client).status_code == 200

    own = [
        q["sql"]
        for q in queries.captured_queries
        if f'"members_member"."user_id" = {member_user.pk}' in q["sql"]
    ]
    assert len(own) == 1, own
