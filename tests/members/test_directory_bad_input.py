"""A directory search with no word in it answers an empty result and a hint, never a 500."""

import pytest
from django.urls import reverse

from .factories import profile_member

# Long enough for the form (shorter ones get its "type at least" note instead).
QUERIES = ["???", "!!! ---", "'''", "%%%", "\ufffd\ufffd\ufffd"]


@pytest.fixture(autouse=True)
def in_english(settings):
    settings.LANGUAGE_CODE = "en"


def search(client, q):
    return client.get(reverse("members:directory"), {"q": q})


@pytest.mark.parametrize("q", QUERIES)
def test_punctuation_only_finds_nobody_and_says_why(member_client, q):
    profile_member(user__first_name="Kari", user__last_name="Nordmann")

    response = search(member_client, q)

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "at least one letter or digit" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.parametrize("q", QUERIES)
def test_punctuation_only_is_no_tsquery_syntax_error_on_postgresql(member_client, q):
    profile_member(user__first_name="Kari", user__last_name="Nordmann")

    assert search(member_client, q).status_code == 200


def test_bytes_that_are_not_utf8_find_nobody(member_client):
    response = member_client.get(reverse("members:directory") + "?q=%FF%FE%FD")

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0


def test_a_word_among_punctuation_still_searches(member_client):
    profile_member(user__first_name="Kari", user__last_name="Nordmann")

    response = search(member_client, "?? nordm ??")

    assert response.context["page"].paginator.count == 1
    assert "at least one letter or digit" not in response.content.decode()
