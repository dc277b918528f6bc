"""Job and news digests, and "I'm interested", go out through the outbox."""

import pytest
from django.core import mail

from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.sending import drain
from members.digests import send_due_digests
from members.jobs import set_interest
from tests.factories import CompetenceFactory, JobFactory, MemberFactory, NewsItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def returning_member():
    competence = CompetenceFactory(name="Havvind")
    member = MemberFactory(open_to_returning=True, wants_job_emails=True, user__language="nb")
    member.competences.add(competence)
    job = JobFactory(title="Prosjektleder havvind")
    job.competences.add(competence)
    return member


def test_job_digest_is_sent_once_a_week_at_most(returning_member):
    assert send_due_digests()["job_digest"] == 1
    assert send_due_digests()["job_digest"] == 0
    drain()

    assert [message.to for message in mail.outbox] == [[returning_member.user.email]]
    assert "Prosjektleder havvind" in mail.outbox[0].body
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers


def test_no_job_digest_for_a_member_who_said_no(returning_member):
    returning_member.wants_job_emails = False
    returning_member.save()

    assert send_due_digests()["job_digest"] == 0


def test_news_digest_goes_to_those_who_chose_it():
    reader = MemberFactory(wants_news_emails=True, user__language="en")
    MemberFactory(wants_news_emails=False)
    NewsItemFactory(title="Nytt kontor i Tromsø")

    assert send_due_digests()["news_digest"] == 1
    drain()

    assert [message.to for message in mail.outbox] == [[reader.user.email]]
    assert "Nytt kontor i Tromsø" in mail.outbox[0].body


def test_interest_in_a_job_notifies_the_coordinator(settings):
    member = MemberFactory()
    job = JobFactory(title="Senior rådgiver")

    set_interest(member=member, job=job, interested=True)
    drain()

    row = OutboxEmail.objects.get(kind="notice")
    assert row.to_email == settings.NETWORK_CONTACT_EMAIL
    assert "Senior rådgiver" in mail.outbox[0].subject
    assert mail.outbox[0].reply_to == [member.user.email]
