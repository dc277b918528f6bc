"""Joining from the link in an invitation, saying no thanks, and asking to join."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alumni_network.mail.models import Suppression
from alumni_network.mail.sending import drain
from invitations.campaigns.lifecycle import create_campaign, schedule_campaign, start_campaign
from invitations.joining.links import join_token
from invitations.models import Invitation, JoinRequest, Leaver
from members.models import GuidelinesAcceptance, User
from tests.factories import TEST_PASSWORD, GuidelinesVersionFactory, StaffFactory

from .factories import LeaverFactory, SegmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation():
    leaver = LeaverFactory(first_name="Kari", last_name="Nordmann", email="kari@epost.example")
    return Invitation.objects.create(leaver=leaver, last_contacted_at=timezone.now())


def join_path(invitation, name="invitations:join"):
    token = join_token(invitation_id=invitation.pk, leaver_id=invitation.leaver_id)
    return reverse(name, kwargs={"token": token})


def join_data(**overrides):
    return {
        "first_name": "Kari",
        "last_name": "Nordmann",
        "login_method": "password",
        "password": TEST_PASSWORD,
        "accept_guidelines": "on",
        **overrides,
    }


def state():
    return (
        list(Invitation.objects.order_by("pk").values_list("status", flat=True)),
        list(Leaver.objects.order_by("pk").values_list("status", flat=True)),
        User.objects.count(),
        Suppression.objects.count(),
    )


def test_get_shows_the_page_prefilled_and_changes_nothing(client, invitation):
    GuidelinesVersionFactory(text_en="Be kind to each other.")
    before = state()

    response = client.get(join_path(invitation))
    client.head(join_path(invitation))

    page = response.content.decode()
    assert response.status_code == 200
    assert "kari@epost.example" in page
    assert 'value="Kari"' in page
    assert "Be kind to each other." in page
    assert state() == before


def test_post_joins_logs_in_and_lands_in_the_member_area(client, invitation):
    version = GuidelinesVersionFactory()

    response = client.post(join_path(invitation), join_data())

    assert response.url == reverse("members:home")
    user = User.objects.get(email="kari@epost.example")
    assert user.check_password(TEST_PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.JOINED
    assert Leaver.objects.get(pk=invitation.leaver_id).member == user.member
    assert GuidelinesAcceptance.objects.get(member=user.member).version == version
    assert client.get(reverse("members:home")).status_code == 200


def test_join_with_a_login_code_needs_no_password(client, invitation):
    GuidelinesVersionFactory()

    response = client.post(join_path(invitation), join_data(login_method="code", password=""))

    assert response.url == reverse("members:home")
    assert not User.objects.get(email="kari@epost.example").has_usable_password()


def test_weak_password_and_missing_acceptance_are_refused(client, invitation):
    response = client.post(join_path(invitation), join_data(password="1234", accept_guidelines=""))

    page = response.content.decode()
    assert response.status_code == 200
    assert "This password is too short" in page
    assert "You can join once you accept the guidelines." in page
    assert User.objects.count() == 0


def test_used_link_says_already_joined(client, invitation):
    GuidelinesVersionFactory()
    client.post(join_path(invitation), join_data())
    client.logout()

    response = client.get(join_path(invitation))
    again = client.post(join_path(invitation), join_data())

    assert "You have already joined" in response.content.decode()
    assert "You have already joined" in again.content.decode()
    assert User.objects.count() == 1


def test_existing_account_with_the_address_is_told_to_log_in(client, invitation):
    StaffFactory(email="Kari@epost.example")

    response = client.post(join_path(invitation), join_data())

    assert "You have already joined" in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.parametrize("name", ["invitations:join", "invitations:join_decline"])
def test_tampered_link_gets_the_friendly_400(client, invitation, name):
    path = join_path(invitation, name)
    token = path.split("/")[2]
    tampered = path.replace(token, token[:-2] + ("aa" if not token.endswith("aa") else "bb"))

    response = client.get(tampered)
    posted = client.post(tampered, join_data())

    assert response.status_code == 400
    assert posted.status_code == 400
    assert "This link does not work" in response.content.decode()


def test_link_for_another_leaver_is_refused(client, invitation):
    token = join_token(invitation_id=invitation.pk, leaver_id=LeaverFactory().pk)

    response = client.get(reverse("invitations:join", kwargs={"token": token}))

    assert response.status_code == 400


def test_no_thanks_declines_and_stops_reminders(client, invitation):
    before = state()
    shown = client.get(join_path(invitation, "invitations:join_decline"))
    assert state() == before

    response = client.post(join_path(invitation, "invitations:join_decline"))

    assert shown.status_code == response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert Leaver.objects.get(pk=invitation.leaver_id).status == Leaver.Status.DECLINED


def test_link_scanners_following_every_link_change_nothing(client):
    segment = SegmentFactory()
    segment.leavers.set([LeaverFactory()])
    campaign = create_campaign(name="Høst", segment=segment, user=StaffFactory())
    schedule_campaign(campaign=campaign, when=timezone.now())
    start_campaign(campaign_id=campaign.pk)
    drain()
    [message] = mail.outbox
    html = message.alternatives[0][0]
    links = set(re.findall(r'href="([^"]+)"', html)) | set(
        re.findall(r"https?://\S+", message.body)
    )
    links |= {message.extra_headers["List-Unsubscribe"].strip("<>")}
    local = {link for link in links if link.startswith("http://127.0.0.1:8000/")}
    assert len(local) >= 3  # join, no thanks, unsubscribe
    before = state()

    for link in sorted(local):
        path = link.removeprefix("http://127.0.0.1:8000")
        assert client.head(path).status_code == 200
        assert client.get(path).status_code == 200

    assert state() == before


def test_ask_to_join_queues_one_request(client):
    data = {"name": "Ola Nordmann", "email": "Ola@Example.org", "years": "2001–2008"}

    response = client.post(reverse("invitations:join_request"), data)
    client.post(reverse("invitations:join_request"), data)

    assert response.url == reverse("invitations:join_request_sent")
    request = JoinRequest.objects.get()
    assert (request.email, request.language) == ("ola@example.org", "en")


def test_ask_to_join_form_shows_errors(client):
    response = client.post(reverse("invitations:join_request"), {"name": "Ola"})

    assert response.status_code == 200
    assert JoinRequest.objects.count() == 0


def test_approved_request_joins_with_the_emailed_link(client):
    from invitations.joining.requests import approve_join_request, request_to_join

    GuidelinesVersionFactory()
    join_request = request_to_join(
        name="Ola Nordmann",
        email="ola@example.org",
        years="2001",
        department="",
        message="",
        language="nb",
    )
    invitation = approve_join_request(join_request=join_request, leaver=None, user=None)

    response = client.post(join_path(invitation), join_data(first_name="Ola"))

    assert response.url == reverse("members:home")
    assert User.objects.get().email == "ola@example.org"
