"""'Download my data' holds what every app keeps about the person, and no login code."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alumni_network.mail.models import MailEvent, Suppression, email_hash
from gatherings.models import NetworkingPick, NetworkingTask, Rsvp
from members.owndata import export_member_data

from ..gatherings.factories import GatheringFactory, RsvpFactory
from .everywhere import (
    EMAIL,
    EMPLOYEE_NUMBER,
    LOGIN_CODE,
    PERSONAL_EMAIL,
    person_everywhere,
)
from .factories import profile_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def person():
    return person_everywhere()


@pytest.fixture
def data(person):
    return export_member_data(member=person.member)


def test_gathering_answers_with_dietary_needs_and_check_in(data):
    (answer,) = data["gatherings"]["answers"]
    assert answer["gathering"]["title"] == "Julesamling"
    assert (answer["answer"], answer["dietary"]) == ("yes", "Glutenfri og uten nøtter")
    assert answer["checked_in_at"]


def test_organiser_roles_feedback_and_speaking(data):
    gatherings = data["gatherings"]
    assert [o["gathering"]["title"] for o in gatherings["organiser_of"]] == ["Julesamling"]
    assert [(f["rating"], f["comment"]) for f in gatherings["feedback"]] == [(5, "Flott kveld")]
    assert [s["title"] for s in gatherings["speaker_at"]] == ["Fra Fjordvik til havet"]


def test_networking_shows_others_only_as_the_person_may_see_them(data):
    gatherings = data["gatherings"]
    (task,) = gatherings["networking_tasks"]
    assert [(p["name"], p["kind"]) for p in task["people"]] == [
        ("Synlig Kollega", "old"),
        ("", "new"),  # out of the directory: not named to other members
    ]
    assert [(c["with"], c["recorded_by_you"]) for c in gatherings["connections"]] == [
        ("Synlig Kollega", True)
    ]


def test_visits_as_a_guest_by_address(data):
    (guest,) = data["gatherings"]["registered_as_guest"]
    assert (guest["gathering"]["title"], guest["email"]) == ("Sommerfest", PERSONAL_EMAIL)


def test_register_rows_history_invitations_and_join_requests(data):
    invitations = data["invitations"]
    assert [r["employee_number"] for r in invitations["register_rows"]] == [EMPLOYEE_NUMBER]
    assert invitations["register_history"][0]["changes"]["last_name"][0] == "Gammelnavn"
    assert [(i["campaign"], i["status"]) for i in invitations["campaign_invitations"]] == [
        ("Vårkampanjen", "joined")
    ]
    assert [r["email"] for r in invitations["join_requests"]] == [PERSONAL_EMAIL]


def test_emails_sent_to_the_person_with_labels_but_never_a_login_code(data):
    sent = data["emails_sent_to_you"]
    assert sorted(e["kind"] for e in sent) == ["account", "campaign_invitation"]
    assert {e["to"].lower() for e in sent} == {EMAIL.lower()}
    account = next(e for e in sent if e["kind"] == "account")
    assert account["kind_label"] == "Account email (login, password)"
    assert LOGIN_CODE not in json.dumps(data, ensure_ascii=False)


def test_suppression_entries_by_hash_only(person):
    Suppression.objects.create(email_hash=email_hash(PERSONAL_EMAIL), reason="opted_out")

    data = export_member_data(member=person.member)

    assert [(s["email_hash"], s["reason"]) for s in data["suppressions"]] == [
        (email_hash(PERSONAL_EMAIL), "opted_out")
    ]


def test_what_providers_reported_about_the_address(person):
    MailEvent.objects.create(
        email_hash=email_hash(PERSONAL_EMAIL),
        type=MailEvent.Type.SOFT_BOUNCE,
        detail="Mailbox full",
    )

    data = export_member_data(member=person.member)

    assert [(e["type"], e["detail"]) for e in data["email_events"]] == [
        ("soft_bounce", "Mailbox full")
    ]


def test_the_download_holds_every_app(client, person):
    client.force_login(person.member.user)

    response = client.post(reverse("members:my_data_download"))

    data = json.loads(response.content)
    assert {"account", "profile", "leavers_register", "invitations", "gatherings"} <= data.keys()
    assert {"emails_sent_to_you", "suppressions"} <= data.keys()
    assert data["gatherings"]["answers"][0]["dietary"] == "Glutenfri og uten nøtter"


def test_the_page_says_what_the_download_holds(client, person):
    client.force_login(person.member.user)

    response = client.get(reverse("members:my_data"))

    assert "your answers to gatherings with dietary needs" in response.content.decode()


def _queries_of_export(member) -> int:
    with CaptureQueriesContext(connection) as queries:
        export_member_data(member=member)
    return len(queries)


def _another_gathering_with_a_task(member) -> None:
    gathering = GatheringFactory()
    RsvpFactory(gathering=gathering, member=member, answer=Rsvp.Answer.YES)
    task = NetworkingTask.objects.create(gathering=gathering, member=member)
    for order in range(3):
        NetworkingPick.objects.create(
            task=task, person=profile_member(), kind="new", reason="never_met", order=order
        )


def test_the_export_takes_as_many_queries_however_much_there_is(person):
    export_member_data(member=person.member)  # caches (content types) warm
    before = _queries_of_export(person.member)
    for _ in range(3):
        _another_gathering_with_a_task(person.member)

    assert _queries_of_export(person.member) == before
