"""The attendee view: counts, dietary needs, exports and flat query counts."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gatherings import selectors

from .factories import GatheringFactory, RsvpFactory

pytestmark = pytest.mark.django_db


def test_counts_cover_every_answer():
    gathering = GatheringFactory(capacity=1)
    RsvpFactory(gathering=gathering, answer="yes")
    RsvpFactory(gathering=gathering, answer="yes", waitlist_position=1)
    RsvpFactory(gathering=gathering, answer="no")
    RsvpFactory(gathering=gathering, answer="maybe")
    RsvpFactory(gathering=gathering)

    counts = selectors.answer_counts(gathering=gathering)

    assert (counts.yes, counts.waitlisted, counts.no, counts.maybe, counts.not_answered) == (
        1,
        1,
        1,
        1,
        1,
    )


def test_dietary_needs_are_summarised_for_confirmed_attendees():
    gathering = GatheringFactory()
    RsvpFactory(gathering=gathering, answer="yes", dietary="Vegetar")
    RsvpFactory(gathering=gathering, answer="yes", dietary="vegetar ")
    RsvpFactory(gathering=gathering, answer="no", dietary="Glutenfri")

    summary = selectors.dietary_summary(selectors.attendee_rows(gathering=gathering))

    assert summary == [("Vegetar", 2)]


def test_csv_export_neutralises_formulas(staff_client):
    gathering = GatheringFactory()
    RsvpFactory(
        gathering=gathering,
        answer="yes",
        dietary='=HYPERLINK("http://x")',
        member__user__first_name="+Ola",
    )

    response = staff_client.post(
        reverse("gatherings:attendees_export", kwargs={"pk": gathering.pk, "fmt": "csv"})
    )

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    # HR's export: name, email, employer, answer, dietary needs, ...
    assert rows[1][0].startswith("'+Ola")
    assert rows[1][4] == '\'=HYPERLINK("http://x")'


def test_xlsx_export_neutralises_formulas(staff_client):
    gathering = GatheringFactory()
    RsvpFactory(gathering=gathering, answer="yes", dietary="@SUM(A1)")

    response = staff_client.post(
        reverse("gatherings:attendees_export", kwargs={"pk": gathering.pk, "fmt": "xlsx"})
    )

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(row=2, column=5).value == "'@SUM(A1)"
    assert sheet.cell(row=2, column=5).data_type == "s"


def test_counts_poll_returns_only_the_counts(staff_client):
    gathering = GatheringFactory()

    response = staff_client.get(
        reverse("gatherings:attendees", kwargs={"pk": gathering.pk}), headers={"HX-Request": "true"}
    )

    assert response.content.decode().lstrip().startswith('<div id="attendee-counts"')


@pytest.mark.parametrize("size", [1, 5, 20])
def test_attendee_page_queries_stay_flat(size, staff_client, django_assert_num_queries):
    gathering = GatheringFactory()
    for _ in range(size):
        RsvpFactory(gathering=gathering, answer="yes", member__employer=None)
    url = reverse("gatherings:attendees", kwargs={"pk": gathering.pk})
    staff_client.get(url)  # warm the session and the user's caches

    with django_assert_num_queries(6):
        staff_client.get(url)


@pytest.mark.parametrize("size", [1, 5, 20])
def test_hr_list_queries_stay_flat(size, staff_client, django_assert_num_queries):
    for _ in range(size):
        RsvpFactory(gathering=GatheringFactory())
    url = reverse("hr_gatherings:list")

    # Session, user, member, host rotation, the page's count and the page.
    with django_assert_num_queries(6):
        staff_client.get(url)


def test_attendee_list_puts_confirmed_first_then_the_waiting_list_in_order():
    gathering = GatheringFactory(capacity=1)
    pending = RsvpFactory(gathering=gathering)
    second_waiting = RsvpFactory(gathering=gathering, answer="yes", waitlist_position=2)
    no = RsvpFactory(gathering=gathering, answer="no")
    first_waiting = RsvpFactory(gathering=gathering, answer="yes", waitlist_position=1)
    confirmed = RsvpFactory(gathering=gathering, answer="yes")

    rows = list(selectors.attendee_rows(gathering=gathering))

    assert rows == [confirmed, first_waiting, second_waiting, no, pending]


def test_the_attendee_page_shows_an_organiser_only_what_members_may_see(member_client, member_user):
    from members.models import Visibility

    from ..factories import OrganisationFactory
    from .factories import OrganiserFactory

    gathering = GatheringFactory()
    OrganiserFactory(gathering=gathering, member=member_user.member)
    hidden = RsvpFactory(
        gathering=gathering,
        answer="yes",
        member__employer=OrganisationFactory(name="Skjult Arbeidsgiver AS"),
        member__work_visibility=Visibility.HIDDEN,
        member__user__first_name="",
        member__user__last_name="",
        member__user__email="uten.navn@example.org",
    )
    shown = RsvpFactory(
        gathering=gathering,
        answer="yes",
        member__employer=OrganisationFactory(name="Synlig Arbeidsgiver AS"),
    )

    html = member_client.get(
        reverse("gatherings:attendees", kwargs={"pk": gathering.pk})
    ).content.decode()

    assert "Synlig Arbeidsgiver AS" in html
    assert "Skjult Arbeidsgiver AS" not in html
    assert hidden.member.user.email not in html
    assert shown.member.user.email not in html
