"""Member digests (matching jobs, company news) and the notice of job interest to HR."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from alumni_network.mail.kinds import EmailContent
from alumni_network.mail.queueing import queue_email

from .jobs import mark_job_digest_sent, members_due_job_digest
from .models import Job, JobInterest, NewsItem
from .news import mark_news_digest_sent, members_due_news_digest

logger = logging.getLogger(__name__)


def _in_order(model, ids):
    found = model.objects.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def build_job_digest(email) -> EmailContent:
    jobs = _in_order(Job, email.data.get("job_ids", []))
    return EmailContent(
        context={
            "first_name": email.data.get("first_name", ""),
            "jobs": [
                {
                    "job": job,
                    "url": settings.SITE_URL + reverse("members:job_detail", args=[job.pk]),
                }
                for job in jobs
            ],
            "jobs_url": settings.SITE_URL + reverse("members:job_list"),
            "profile_url": settings.SITE_URL + reverse("members:profile_edit"),
        }
    )


def build_news_digest(email) -> EmailContent:
    return EmailContent(
        context={
            "first_name": email.data.get("first_name", ""),
            "news": _in_order(NewsItem, email.data.get("news_ids", [])),
            "news_url": settings.SITE_URL + reverse("members:news_list"),
            "profile_url": settings.SITE_URL + reverse("members:profile_edit"),
        }
    )


def _language(member) -> str:
    return member.user.language or settings.LANGUAGE_CODE


def send_due_digests(*, now=None) -> dict[str, int]:
    """Queue every digest that is due; each member's row and mark commit together."""
    now = now or timezone.now()
    counts = {"job_digest": 0, "news_digest": 0}
    for member, jobs in members_due_job_digest(now=now):
        with transaction.atomic():
            queue_email(
                kind="job_digest",
                to=member.user.email,
                language=_language(member),
                refers_to=member,
                data={"job_ids": [job.pk for job in jobs], "first_name": member.user.first_name},
                dedupe_key=f"job-digest:{member.pk}:{now:%Y-%m-%d}",
            )
            mark_job_digest_sent(member=member, at=now)
        counts["job_digest"] += 1
    for member, news in members_due_news_digest(now=now):
        with transaction.atomic():
            queue_email(
                kind="news_digest",
                to=member.user.email,
                language=_language(member),
                refers_to=member,
                data={"news_ids": [item.pk for item in news], "first_name": member.user.first_name},
                dedupe_key=f"news-digest:{member.pk}:{now:%Y-%m-%d}",
            )
            mark_news_digest_sent(member=member, at=now)
        counts["news_digest"] += 1
    return counts


@shared_task(name="members.send_due_digests")
def send_due_digests_task() -> dict[str, int]:
    counts = send_due_digests()
    logger.info("Queued digests: %s", counts)
    return counts


@receiver(post_save, sender=JobInterest, dispatch_uid="members.notify_hr_of_interest")
def notify_hr_of_interest(sender, instance, created, **kwargs):
    """Tell the coordinator when a member presses "I'm interested"."""
    if not created:
        return
    member, job = instance.member, instance.job
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("%(name)s is interested in %(job)s") % {
            "name": member.user.get_full_name() or member.user.email,
            "job": job.title,
        }
        body = gettext(
            "%(name)s (%(email)s) pressed “I'm interested” on the position %(job)s.\n\n"
            "See everyone interested: %(url)s"
        ) % {
            "name": member.user.get_full_name() or member.user.email,
            "email": member.user.email,
            "job": job.title,
            "url": settings.SITE_URL + reverse("hr_members:job_detail", args=[job.pk]),
        }
    queue_email(
        kind="notice",
        to=settings.NETWORK_CONTACT_EMAIL,
        language=settings.LANGUAGE_CODE,
        refers_to=instance,
        data={"subject": subject, "body": body},
        reply_to=member.user.email,
    )
