"""Jobs: members see them and say they are interested; the weekly digest selector."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.jobs import mark_job_digest_sent, matching_jobs, members_due_job_digest
from members.models import JobInterest
from members.profiles import competences_for_names
from tests.factories import JobFactory

from .factories import profile_member

pytestmark = pytest.mark.django_db


def job_with(*competences, **fields):
    job = JobFactory(**fields)
    job.competences.set(competences_for_names(names=list(competences)))
    return job


def test_pressing_interested_shows_on_the_jobs_hr_page(member_client, member_user, staff_user):
    job = JobFactory()
    staff_client = Client()
    staff_client.force_login(staff_user)

    member_client.post(reverse("members:job_interest", kwargs={"pk": job.pk}))
    member_client.post(reverse("members:job_interest", kwargs={"pk": job.pk}))

    assert JobInterest.objects.filter(job=job, member=member_user.member).count() == 1
    response = staff_client.get(reverse("hr_members:job_detail", kwargs={"pk": job.pk}))
    assert response.context["job"].interest_count == 1
    assert member_user.get_full_name() in response.content.decode()


def test_closed_jobs_are_not_shown_to_members(member_client):
    job = JobFactory(deadline=timezone.localdate() - timedelta(days=1))

    assert (
        member_client.get(reverse("members:job_detail", kwargs={"pk": job.pk})).status_code == 404
    )


def test_matching_jobs_share_a_competence():
    member = profile_member(competences=["Python"])
    match = job_with("python")
    job_with("Regnskap")

    assert matching_jobs(member=member) == [match]


def test_digest_is_due_for_members_open_to_returning_with_a_new_match():
    now = timezone.now()
    due = profile_member(competences=["Python"], open_to_returning=True)
    profile_member(competences=["Python"], open_to_returning=False)
    profile_member(competences=["Python"], open_to_returning=True, wants_job_emails=False)
    job = job_with("Python", published_at=now)

    assert members_due_job_digest(now=now + timedelta(minutes=1)) == [(due, [job])]


def test_digest_at_most_once_a_week():
    now = timezone.now()
    member = profile_member(competences=["Python"], open_to_returning=True)
    job_with("Python", published_at=now - timedelta(days=1))
    mark_job_digest_sent(member=member, at=now)
    job_with("Python", published_at=now + timedelta(days=1))

    assert members_due_job_digest(now=now + timedelta(days=2)) == []
    assert len(members_due_job_digest(now=now + timedelta(days=8))) == 1


def test_hr_posts_a_job_with_competences(staff_client):
    response = staff_client.post(
        reverse("hr_members:job_create"),
        {"title": "Boreingeniør", "description": "Kom tilbake!", "competence_names": "Boring"},
    )

    assert response.status_code == 302
    assert JobFactory._meta.model.objects.get().competences.get().slug == "boring"


def test_news_digest_goes_weekly_to_members_who_chose_it():
    from members.news import mark_news_digest_sent, members_due_news_digest
    from tests.factories import NewsItemFactory

    now = timezone.now()
    wants = profile_member(wants_news_emails=True)
    profile_member(wants_news_emails=False)
    item = NewsItemFactory(published_at=now - timedelta(days=1))

    assert members_due_news_digest(now=now) == [(wants, [item])]
    mark_news_digest_sent(member=wants, at=now)
    NewsItemFactory(published_at=now + timedelta(days=1))
    assert members_due_news_digest(now=now + timedelta(days=2)) == []
    assert len(members_due_news_digest(now=now + timedelta(days=8))) == 1
