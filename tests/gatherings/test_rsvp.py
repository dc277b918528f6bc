"""Answering: signed links, the member area, capacity and the waiting list."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from gatherings import rsvp as rsvp_module
from gatherings.models import Rsvp

from ..factories import MemberFactory, OrganisationFactory
from .factories import GatheringFactory, RsvpFactory

pytestmark = pytest.mark.django_db


def rsvp_url(rsvp, answer=""):
    url = reverse("gatherings:rsvp", kwargs={"token": rsvp_module.make_token(rsvp=rsvp)})
    return f"{url}?answer={answer}" if answer else url


def test_answer_link_get_preselects_and_changes_nothing(client):
    rsvp = RsvpFactory()

    response = client.get(rsvp_url(rsvp, "yes"))

    assert response.status_code == 200
    assert response.context["form"].initial["answer"] == "yes"
    rsvp.refresh_from_db()
    assert rsvp.answer == ""
    assert rsvp.answered_at is None


def test_answer_link_post_records_the_answer(client):
    rsvp = RsvpFactory()

    response = client.post(rsvp_url(rsvp), {"answer": "yes", "dietary": "Vegetar"})

    assert response.status_code == 200
    rsvp.refresh_from_db()
    assert (rsvp.answer, rsvp.dietary, rsvp.confirmed) == ("yes", "Vegetar", True)
    # Whoever just said yes sees where to go without opening the email again.
    assert rsvp.gathering.address in response.content.decode()


def test_answer_link_answering_again_changes_the_answer(client):
    rsvp = RsvpFactory()
    client.post(rsvp_url(rsvp), {"answer": "yes"})

    client.post(rsvp_url(rsvp), {"answer": "no"})

    rsvp.refresh_from_db()
    assert rsvp.answer == "no"


def test_answer_link_tampered_gives_friendly_400(client):
    rsvp = RsvpFactory()
    token = rsvp_module.make_token(rsvp=rsvp)

    response = client.get(reverse("gatherings:rsvp", kwargs={"token": token[:-3] + "abc"}))

    assert response.status_code == 400
    assert "gatherings/rsvp_invalid.html" in [t.name for t in response.templates]


def test_answer_link_expired_gives_friendly_400(client, monkeypatch):
    rsvp = RsvpFactory()
    token = rsvp_module.make_token(rsvp=rsvp)
    # Any token is older than a negative age: the link has expired.
    monkeypatch.setattr(rsvp_module, "TOKEN_MAX_AGE", timedelta(seconds=-10))

    response = client.post(reverse("gatherings:rsvp", kwargs={"token": token}), {"answer": "yes"})

    assert response.status_code == 400
    assert response.context["expired"] is True
    rsvp.refresh_from_db()
    assert rsvp.answer == ""


def test_answer_link_of_another_salt_is_refused(client):
    rsvp = RsvpFactory()
    token = signing.dumps({"g": rsvp.gathering_id, "m": rsvp.member_id}, salt="other")

    response = client.get(reverse("gatherings:rsvp", kwargs={"token": token}))

    assert response.status_code == 400


def test_answer_link_after_deadline_shows_closed_page(client):
    gathering = GatheringFactory()
    gathering.rsvp_deadline = timezone.now() - timedelta(hours=1)
    gathering.save()
    rsvp = RsvpFactory(gathering=gathering)

    response = client.post(rsvp_url(rsvp), {"answer": "yes"})

    assert response.status_code == 200
    assert "gatherings/rsvp_closed.html" in [t.name for t in response.templates]
    rsvp.refresh_from_db()
    assert rsvp.answer == ""


def test_yes_beyond_capacity_joins_the_waiting_list_with_its_place():
    gathering = GatheringFactory(capacity=1)
    first, second, third = MemberFactory(), MemberFactory(), MemberFactory()

    outcomes = [
        rsvp_module.answer_gathering(gathering=gathering, member=member, answer="yes")
        for member in (first, second, third)
    ]

    assert [o.result for o in outcomes] == ["confirmed", "waitlisted", "waitlisted"]
    assert [o.waitlist_place for o in outcomes] == [None, 1, 2]


def test_seat_and_ticket_counters_follow_the_answers():
    gathering = GatheringFactory(capacity=2)
    first, second, third = MemberFactory(), MemberFactory(), MemberFactory()
    for member in (first, second, third):
        rsvp_module.answer_gathering(gathering=gathering, member=member, answer="yes")
    gathering.refresh_from_db()
    assert (gathering.seats_taken, gathering.waitlist_tickets) == (2, 1)

    rsvp_module.answer_gathering(gathering=gathering, member=first, answer="no")

    gathering.refresh_from_db()
    assert gathering.seats_taken == 2
    assert Rsvp.objects.get(gathering=gathering, member=third).confirmed


def test_answering_yes_again_keeps_the_seat_or_the_ticket():
    gathering = GatheringFactory(capacity=1)
    seated, waiting = MemberFactory(), MemberFactory()
    for member in (seated, waiting, seated, waiting):
        rsvp_module.answer_gathering(gathering=gathering, member=member, answer="yes")

    gathering.refresh_from_db()
    assert (gathering.seats_taken, gathering.waitlist_tickets) == (1, 1)
    assert Rsvp.objects.get(gathering=gathering, member=seated).confirmed
    assert Rsvp.objects.get(gathering=gathering, member=waiting).waitlist_position == 1


def test_a_seat_freed_by_an_erased_member_goes_to_the_waiting_list_when_the_next_leaves():
    # Deleting an answer (a member erased) leaves the counter high; the next
    # confirmed attendee leaving recounts from the answers and fills both seats.
    gathering = GatheringFactory(capacity=2)
    members = [MemberFactory() for _ in range(4)]
    for member in members:
        rsvp_module.answer_gathering(gathering=gathering, member=member, answer="yes")
    members[0].user.delete()

    rsvp_module.answer_gathering(gathering=gathering, member=members[1], answer="no")

    gathering.refresh_from_db()
    assert gathering.seats_taken == 2
    assert [r.member for r in Rsvp.objects.filter(gathering=gathering, answer="yes")] == [
        members[2],
        members[3],
    ]
    assert not Rsvp.objects.filter(gathering=gathering, waitlist_position__isnull=False).exists()


def test_answer_link_yes_is_a_few_statements(client, django_assert_num_queries):
    rsvp = RsvpFactory()
    url = rsvp_url(rsvp)
    ContentType.objects.get_for_model(Rsvp)  # cached in a running server

    # The link's read; then one transaction (a savepoint inside the test's):
    # own row locked, the outbox row, the answer, the seat.
    with django_assert_num_queries(7):
        response = client.post(url, {"answer": "yes", "dietary": "Vegetar"})

    assert response.status_code == 200
    assert response.context["outcome"].result == "confirmed"


def test_answer_link_page_is_one_query(client, django_assert_num_queries):
    gathering = GatheringFactory(host=OrganisationFactory(name="Havnelageret AS"), room="Loftet")
    rsvp = RsvpFactory(gathering=gathering, dietary="Vegan")
    url = rsvp_url(rsvp, "yes")

    # The answer row with its gathering, host and member's user: nothing loaded later.
    with django_assert_num_queries(1):
        response = client.get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Havnelageret AS, Strandkaien 2, Bergen (Loftet)" in page
    assert response.context["form"].initial == {"answer": "yes", "dietary": "Vegan"}


def test_answer_link_yes_on_a_full_gathering_gives_the_waiting_list_place(client):
    gathering = GatheringFactory(capacity=1)
    first, second = RsvpFactory(gathering=gathering), RsvpFactory(gathering=gathering)
    client.post(rsvp_url(first), {"answer": "yes"})

    response = client.post(rsvp_url(second), {"answer": "yes"})

    outcome = response.context["outcome"]
    assert (outcome.result, outcome.waitlist_place) == ("waitlisted", 1)
    second.refresh_from_db()
    assert second.waitlist_position == outcome.rsvp.waitlist_position == 1


def test_cancellation_promotes_the_first_waiting_and_emails_them(sent):
    gathering = GatheringFactory(capacity=1)
    first, second, third = MemberFactory(), MemberFactory(), MemberFactory()
    sent(
        lambda: [
            rsvp_module.answer_gathering(gathering=gathering, member=member, answer="yes")
            for member in (first, second, third)
        ]
    )

    messages = sent(
        lambda: rsvp_module.answer_gathering(gathering=gathering, member=first, answer="no")
    )

    promoted = Rsvp.objects.get(gathering=gathering, member=second)
    waiting = Rsvp.objects.get(gathering=gathering, member=third)
    assert promoted.confirmed
    assert rsvp_module.waitlist_place(rsvp=waiting) == 1
    assert [m.to for m in messages] == [[second.user.email]]


def test_waiting_member_saying_no_leaves_the_list():
    gathering = GatheringFactory(capacity=0)
    member = MemberFactory()
    rsvp_module.answer_gathering(gathering=gathering, member=member, answer="yes")

    outcome = rsvp_module.answer_gathering(gathering=gathering, member=member, answer="no")

    assert outcome.rsvp.waitlist_position is None
    assert outcome.result == "no"


def test_member_answers_in_the_member_area(client):
    gathering = GatheringFactory()
    member = MemberFactory()
    client.force_login(member.user)

    response = client.post(
        reverse("gatherings:answer", kwargs={"pk": gathering.pk}), {"answer": "maybe"}
    )

    assert response.status_code == 302
    assert Rsvp.objects.get(gathering=gathering, member=member).answer == "maybe"


def test_member_cannot_see_or_change_another_members_answer(client):
    other = RsvpFactory(answer="yes", dietary="Nøtteallergi")
    member = MemberFactory()
    client.force_login(member.user)

    page = client.get(reverse("gatherings:detail", kwargs={"pk": other.gathering_id}))
    client.post(reverse("gatherings:answer", kwargs={"pk": other.gathering_id}), {"answer": "no"})

    assert "Nøtteallergi" not in page.content.decode()
    other.refresh_from_db()
    assert other.answer == "yes"
    assert Rsvp.objects.get(gathering=other.gathering, member=member).answer == "no"


def test_member_cannot_open_a_gathering_for_another_audience(client):
    gathering = GatheringFactory(audience={"locations": ["Tromsø"]})
    member = MemberFactory(location="Bergen")
    client.force_login(member.user)

    response = client.get(reverse("gatherings:detail", kwargs={"pk": gathering.pk}))

    assert response.status_code == 404


def test_member_cannot_open_a_draft(client):
    gathering = GatheringFactory(status="draft")
    client.force_login(MemberFactory().user)

    response = client.get(reverse("gatherings:detail", kwargs={"pk": gathering.pk}))

    assert response.status_code == 404


def test_one_answer_per_member_and_gathering_in_the_database():
    from django.db import IntegrityError

    rsvp = RsvpFactory()

    with pytest.raises(IntegrityError):
        Rsvp.objects.create(gathering=rsvp.gathering, member=rsvp.member)
