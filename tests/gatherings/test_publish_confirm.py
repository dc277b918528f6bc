"""Issue #15 item 11: "Publish and invite" says how many get the email and asks first."""

import pytest
from django.urls import reverse

from gatherings.models import Gathering, Rsvp
from tests.factories import MemberFactory

from .factories import GatheringFactory, RsvpFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_site(settings):
    settings.LANGUAGE_CODE = "en"


def _publish(client, gathering, **data):
    return client.post(
        reverse("hr_gatherings:publish", kwargs={"pk": gathering.pk}),
        data,
        headers={"accept-language": "en"},
    )


def test_publish_first_asks_with_the_count_and_sends_nothing(staff_client):
    gathering = GatheringFactory(status=Gathering.Status.DRAFT)
    MemberFactory.create_batch(2)
    MemberFactory(wants_gathering_emails=False)

    response = _publish(staff_client, gathering)

    page = response.content.decode()
    gathering.refresh_from_db()
    assert response.status_code == 200
    assert "Yes, publish and invite 2 members" in page
    assert '<input type="hidden" name="confirm" value="1">' in page
    assert (gathering.status, Rsvp.objects.count()) == (Gathering.Status.DRAFT, 0)


def test_publish_confirmed_publishes_and_invites(staff_client):
    gathering = GatheringFactory(status=Gathering.Status.DRAFT)
    MemberFactory.create_batch(2)

    response = _publish(staff_client, gathering, confirm="1")

    gathering.refresh_from_db()
    assert response.status_code == 302
    assert (gathering.status, gathering.rsvps.count()) == (Gathering.Status.PUBLISHED, 2)


def test_inviting_newcomers_counts_only_those_not_yet_invited(staff_client):
    gathering = GatheringFactory(status=Gathering.Status.PUBLISHED)
    RsvpFactory(gathering=gathering, member=MemberFactory())
    MemberFactory()

    page = _publish(staff_client, gathering).content.decode()

    assert "Yes, invite 1 member<" in page


def test_nobody_left_to_invite_offers_no_button(staff_client):
    gathering = GatheringFactory(status=Gathering.Status.PUBLISHED)
    RsvpFactory(gathering=gathering, member=MemberFactory())

    page = _publish(staff_client, gathering).content.decode()

    assert "Everyone in the audience has been invited already." in page
    assert 'name="confirm"' not in page


def test_a_draft_with_nobody_to_invite_can_still_be_published(staff_client):
    gathering = GatheringFactory(status=Gathering.Status.DRAFT)

    page = _publish(staff_client, gathering).content.decode()

    assert "Yes, publish</button>" in page


def test_a_cancelled_gathering_is_not_offered_a_confirmation(staff_client):
    gathering = GatheringFactory(status=Gathering.Status.CANCELLED)

    response = _publish(staff_client, gathering)

    assert response.status_code == 302
    assert Gathering.objects.get(pk=gathering.pk).status == Gathering.Status.CANCELLED
