"""Feedback: the signed rating link, recording and updating, and HR's after panel."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from gatherings.aftermath import connections, feedback
from gatherings.models import Feedback

from ..factories import MemberFactory
from .factories import GatheringFactory, OrganiserFactory, RsvpFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """Pages in English, whatever translations the catalogue has."""
    settings.LANGUAGE_CODE = "en"


def past_gathering(**kwargs):
    start = (timezone.now() - timedelta(days=1)).replace(microsecond=0)
    return GatheringFactory(
        start=start, end=start + timedelta(hours=3), rsvp_deadline=None, **kwargs
    )


def attended(gathering=None, **kwargs):
    gathering = gathering or past_gathering()
    return RsvpFactory(gathering=gathering, answer="yes", checked_in_at=gathering.start, **kwargs)


def path_of(url):
    """The path of an absolute link from an email."""
    return "/" + url.split("/", 3)[3]


def test_get_shows_the_rating_preselected_and_changes_nothing(client):
    rsvp = attended()

    response = client.get(path_of(feedback.feedback_url(rsvp=rsvp, rating=4)))

    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'<input type="radio" name="rating" value="(\d)"[^>]* checked', html) == ["4"]
    assert Feedback.objects.count() == 0


def test_get_preselects_exactly_the_rating_in_the_link(client):
    rsvp = attended()

    response = client.get(path_of(feedback.feedback_url(rsvp=rsvp, rating=2)))

    form = response.context["form"]
    assert form.initial["rating"] == 2


def test_post_records_the_rating_and_comment(client):
    rsvp = attended()

    response = client.post(
        path_of(feedback.feedback_url(rsvp=rsvp)), {"rating": "5", "comment": " Flott! "}
    )

    assert response.status_code == 200
    assert list(Feedback.objects.values_list("member", "gathering", "rating", "comment")) == [
        (rsvp.member_id, rsvp.gathering_id, 5, "Flott!")
    ]


def test_post_again_updates_the_rating(client):
    rsvp = attended()
    url = path_of(feedback.feedback_url(rsvp=rsvp))
    client.post(url, {"rating": "2", "comment": "Kaldt kaffe"})

    response = client.post(url, {"rating": "4", "comment": ""})

    assert "Your rating was updated." in response.content.decode()
    assert list(Feedback.objects.values_list("rating", "comment")) == [(4, "")]


def test_post_without_a_rating_shows_the_form_with_an_error(client):
    rsvp = attended()

    response = client.post(path_of(feedback.feedback_url(rsvp=rsvp)), {"rating": "9"})

    assert response.status_code == 200
    assert response.context["form"].errors["rating"]
    assert Feedback.objects.count() == 0


@pytest.mark.parametrize("token", ["nonsense", "eyJnIjoxLCJtIjoxfQ:1abc:def"])
def test_a_tampered_token_gets_the_friendly_page(client, token):
    response = client.get(reverse("gatherings:feedback", kwargs={"token": token}) + "?rating=5")

    assert response.status_code == 400
    assert "The feedback link is not valid" in response.content.decode()


def test_an_answer_token_is_not_a_feedback_token(client):
    from gatherings import rsvp as rsvp_module

    rsvp = attended()
    token = rsvp_module.make_token(rsvp=rsvp)

    response = client.post(reverse("gatherings:feedback", kwargs={"token": token}), {"rating": "1"})

    assert response.status_code == 400
    assert Feedback.objects.count() == 0


def test_an_expired_token_gets_the_friendly_page(client, monkeypatch):
    rsvp = attended()
    token = feedback.make_token(rsvp=rsvp)
    later = timezone.now().timestamp() + feedback.TOKEN_MAX_AGE.total_seconds() + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)

    response = client.get(reverse("gatherings:feedback", kwargs={"token": token}))

    assert response.status_code == 400
    assert "The feedback link has expired" in response.content.decode()


def test_someone_who_did_not_come_cannot_rate(client):
    gathering = past_gathering()
    rsvp = RsvpFactory(gathering=gathering, answer="yes")

    response = client.post(path_of(feedback.feedback_url(rsvp=rsvp)), {"rating": "1"})

    assert response.status_code == 400
    assert Feedback.objects.count() == 0


def test_summary_counts_average_and_comments():
    gathering = past_gathering()
    for rating, comment in ((5, "Veldig bra"), (4, ""), (4, "Godt foredrag"), (1, "")):
        feedback.record_feedback(rsvp=attended(gathering), rating=rating, comment=comment)

    summary = feedback.summary(gathering=gathering)

    assert summary.count == 4
    assert summary.average == pytest.approx(3.5)
    assert [(bar.rating, bar.count, bar.percent) for bar in summary.bars] == [
        (5, 1, 25),
        (4, 2, 50),
        (3, 0, 0),
        (2, 0, 0),
        (1, 1, 25),
    ]
    assert sorted(item.comment for item in summary.comments) == ["Godt foredrag", "Veldig bra"]


def hr_page(client, gathering):
    return client.get(reverse("hr_gatherings:detail", kwargs={"pk": gathering.pk}))


def test_hr_panel_shows_ratings_comments_and_growth(staff_client):
    gathering = past_gathering()
    kari, ola = attended(gathering), attended(gathering)
    RsvpFactory(gathering=gathering, answer="yes")  # a no-show
    feedback.record_feedback(rsvp=kari, rating=5, comment="Gjerne igjen!")
    feedback.record_feedback(rsvp=ola, rating=4)
    connections.record_connections(
        gathering=gathering, member=kari.member, person_ids=[ola.member_id]
    )

    response = hr_page(staff_client, gathering)

    html = response.content.decode()
    assert "After the gathering" in html
    assert "Average 4.5 of 5, from 2 ratings." in html
    assert "Gjerne igjen!" in html
    growth = response.context["growth"]
    assert (growth.attendees, growth.no_shows, growth.new_connections) == (2, 1, 1)


def test_hr_panel_says_no_data_before_the_gathering(staff_client):
    gathering = GatheringFactory()

    html = hr_page(staff_client, gathering).content.decode()

    assert "No data yet." in html


def test_hr_panel_hides_comments_from_a_member_and_needs_permission(member_client, member_user):
    from django.template import Context, Template
    from django.test import RequestFactory

    gathering = past_gathering()
    feedback.record_feedback(rsvp=attended(gathering), rating=3, comment="Hemmelig")
    request = RequestFactory().get("/")
    template = Template("{% load aftermath %}{% after_panel gathering %}")

    request.user = member_user
    as_member = template.render(Context({"request": request, "gathering": gathering}))
    OrganiserFactory(gathering=gathering, member=member_user.member)
    # A later request: its user is fetched again, so it knows of the new role.
    request.user = type(member_user).objects.get(pk=member_user.pk)
    as_organiser = template.render(Context({"request": request, "gathering": gathering}))

    assert "Hemmelig" not in as_member
    assert "Hemmelig" in as_organiser


def test_hr_detail_page_stays_hr_only(member_client):
    gathering = past_gathering()

    assert hr_page(member_client, gathering).status_code == 403


def test_feedback_needs_no_login_but_never_a_second_member_row(client):
    gathering = past_gathering()
    first, second = attended(gathering), attended(gathering, member=MemberFactory())

    client.post(path_of(feedback.feedback_url(rsvp=first)), {"rating": "3"})
    client.post(path_of(feedback.feedback_url(rsvp=second)), {"rating": "5"})

    assert sorted(Feedback.objects.values_list("member", "rating")) == sorted(
        [(first.member_id, 3), (second.member_id, 5)]
    )


def test_an_organiser_sees_ratings_and_growth_on_the_attendee_page(member_client, member_user):
    gathering = past_gathering()
    feedback.record_feedback(rsvp=attended(gathering), rating=4, comment="Godt opplegg")
    OrganiserFactory(gathering=gathering, member=member_user.member)

    html = member_client.get(
        reverse("gatherings:attendees", kwargs={"pk": gathering.pk})
    ).content.decode()

    assert "Average 4.0 of 5, from 1 rating." in html
    assert "Godt opplegg" in html
