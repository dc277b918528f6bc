"""Approving a request to join: register rows ranked, explained, and preselected only when sure.

Issue #15, item 10: the first row with the same name used to be preselected.
"""

import datetime
import re

import pytest
from django.urls import reverse

from invitations.joining.requests import suggest_matches, years_span
from invitations.models import JoinRequest

from .factories import LeaverFactory

QUEUE = reverse("hr_invitations:join_requests")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def kari(**fields):
    """A register row for a Kari Nordmann; department and years as given."""
    return LeaverFactory(first_name="Kari", last_name="Nordmann", **fields)


def years(start: int, end: int) -> dict:
    return {"hired_on": datetime.date(start, 8, 1), "left_on": datetime.date(end, 6, 30)}


def ask(**fields) -> JoinRequest:
    values = {"name": "Kari Nordmann", "email": "kari@example.org", "years": "2008–2011"}
    return JoinRequest.objects.create(**values | fields)


def checked_leaver(html: str, join_request: JoinRequest) -> str | None:
    """The value of the register-entry radio that is checked for this request, if any."""
    radio = rf'<input type="radio" name="leaver" value="(\d*)" id="request-{join_request.pk}-'
    found = re.search(radio + r'[^"]*" checked>', html)
    return found.group(1) if found else None


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("2008–2011", (2008, 2011)),
        ("2008-2011", (2008, 2011)),
        ("fra 2012 til 2019", (2012, 2019)),
        ("2015", (2015, 2015)),
        ("around ten years", None),
        ("", None),
    ],
)
def test_years_are_read_from_what_people_write(text, span):
    assert years_span(text) == span


def test_the_same_email_ranks_first_and_is_strong(db):
    by_name = kari(department="Revisjon", **years(2008, 2011))
    by_email = LeaverFactory(first_name="K.", last_name="Hansen", email="kari@example.org")
    join_request = ask(department="Revisjon")

    [first, second] = suggest_matches([join_request])[join_request.pk]

    assert (first.leaver, first.by, first.strong) == (by_email, "email", True)
    assert (second.leaver, second.by) == (by_name, "name")


def test_among_same_names_department_and_years_decide(db):
    other_years = kari(department="Revisjon", **years(1995, 1999))
    same_years_only = kari(department="Drift", **years(2009, 2014))
    best = kari(department="Revisjon", **years(2007, 2010))
    join_request = ask(department="revisjon")

    ranked = suggest_matches([join_request])[join_request.pk]

    assert [s.leaver for s in ranked] == [best, same_years_only, other_years]
    assert [(s.same_department, s.years_overlap, s.strong) for s in ranked] == [
        (True, True, True),
        (False, True, True),
        (True, False, False),
    ]


def test_suggestions_for_many_requests_take_two_queries(db, django_assert_num_queries):
    requests = []
    for number in range(3):
        LeaverFactory(first_name=f"Kari{number}", last_name="Nordmann", **years(2008, 2011))
        requests.append(ask(name=f"Kari{number} Nordmann", email=f"k{number}@example.org"))

    with django_assert_num_queries(2):
        suggestions = suggest_matches(requests)

    assert [len(suggestions[r.pk]) for r in requests] == [1, 1, 1]


def test_the_form_preselects_the_row_with_overlapping_years_not_the_first(staff_client):
    kari(department="Drift", **years(1990, 1995))  # the first row with the name
    right = kari(department="Revisjon", **years(2008, 2011))
    join_request = ask(department="Revisjon")

    html = staff_client.get(QUEUE).content.decode()

    assert checked_leaver(html, join_request) == str(right.pk)
    assert "same name, same department (Revisjon), overlapping years (2008–2011)" in html
    assert "Likely the same person" in html


def test_a_name_alone_preselects_nothing(staff_client):
    kari(department="Drift", **years(1990, 1995))
    join_request = ask(department="Revisjon")

    html = staff_client.get(QUEUE).content.decode()

    assert checked_leaver(html, join_request) == ""  # "None of these: add them"
    assert "Likely the same person" not in html


def test_the_same_email_is_preselected_and_explained(staff_client):
    leaver = LeaverFactory(email="kari@example.org", hired_on=None, left_on=None)
    join_request = ask()

    html = staff_client.get(QUEUE).content.decode()

    assert checked_leaver(html, join_request) == str(leaver.pk)
    assert ">same email</span>" in html


def test_two_equally_likely_rows_preselect_neither(staff_client):
    kari(department="Revisjon", **years(2008, 2011))
    kari(department="Revisjon", **years(2009, 2012))
    join_request = ask(department="Revisjon")

    html = staff_client.get(QUEUE).content.decode()

    assert checked_leaver(html, join_request) == ""
    assert html.count("Likely the same person") == 2
