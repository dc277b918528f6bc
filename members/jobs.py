"""Jobs to come back to: who they match, interest in them, and the weekly digest."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import Competence, Job, JobInterest, Member

DIGEST_INTERVAL = timedelta(days=7)


def open_jobs(*, now=None) -> QuerySet[Job]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    return Job.objects.filter(published_at__lte=now).filter(
        Q(deadline__isnull=True) | Q(deadline__gte=today)
    )


def jobs_for_member(*, member: Member | None) -> QuerySet[Job]:
    """Open jobs with their competences and whether this member is interested."""
    jobs = open_jobs().prefetch_related(
        Prefetch("competences", queryset=Competence.objects.order_by("name"))
    )
    if member is not None:
        jobs = jobs.annotate(
            interested=Exists(JobInterest.objects.filter(job=OuterRef("pk"), member=member))
        )
    return jobs


def matching_jobs(*, member: Member, limit: int | None = None) -> list[Job]:
    """Open jobs sharing at least one competence with the member, best match first."""
    jobs = (
        jobs_for_member(member=member)
        .filter(competences__members=member)
        .annotate(shared=Count("competences", distinct=True))
        .order_by("-shared", "-published_at", "-pk")
    )
    return list(jobs[:limit] if limit else jobs)


def set_interest(*, member: Member, job: Job, interested: bool) -> None:
    """Press or withdraw "I'm interested". HR sees the list on the job's HR page."""
    if not interested:
        JobInterest.objects.filter(member=member, job=job).delete()
        return
    try:
        with transaction.atomic():
            JobInterest.objects.create(member=member, job=job)
    except IntegrityError:
        pass  # pressed twice: the first one counts


def members_due_job_digest(*, now=None) -> list[tuple[Member, list[Job]]]:
    """Who gets a job digest now, and which jobs, for the outbox to send.

    A member is due when they are open to returning, want job emails, had no
    digest in the last week, and an open job matching their competences was
    published since their last digest (any open match for a first digest). Call
    `mark_job_digest_sent` in the same transaction that writes the outbox row.
    """
    now = now or timezone.now()
    members = (
        Member.objects.filter(
            open_to_returning=True,
            wants_job_emails=True,
            user__is_active=True,
        )
        .filter(
            Q(last_job_digest_at__isnull=True) | Q(last_job_digest_at__lte=now - DIGEST_INTERVAL)
        )
        .select_related("user")
        .prefetch_related("competences")
    )
    jobs = list(open_jobs(now=now).prefetch_related("competences"))
    due = []
    for member in members.filter(competences__jobs__in=[j.pk for j in jobs]).distinct():
        since = member.last_job_digest_at
        slugs = {c.slug for c in member.competences.all()}
        matched = [
            job
            for job in jobs
            if (since is None or job.published_at > since)
            and slugs & {c.slug for c in job.competences.all()}
        ]
        if matched:
            due.append((member, matched))
    return due


def mark_job_digest_sent(*, member: Member, at=None) -> None:
    at = at or timezone.now()
    Member.objects.filter(pk=member.pk).update(last_job_digest_at=at)
    member.last_job_digest_at = at


def interest_counts() -> QuerySet[Job]:
    """Jobs with their number of interested members, for HR."""
    return Job.objects.annotate(interest_count=Count("interests")).order_by("-published_at", "-pk")
