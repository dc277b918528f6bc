"""News from the company, newest first, and the optional news digest."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from .models import Member, NewsItem

DIGEST_INTERVAL = timedelta(days=7)
# A first digest covers at most this much of the past.
FIRST_DIGEST_LOOKBACK = timedelta(days=30)


def published_news(*, now=None):
    return NewsItem.objects.filter(published_at__lte=now or timezone.now()).order_by(
        "-published_at", "-pk"
    )


def latest_news(*, limit: int = 3) -> list[NewsItem]:
    return list(published_news()[:limit])


def members_due_news_digest(*, now=None) -> list[tuple[Member, list[NewsItem]]]:
    """Who gets a news digest now, and which news, for the outbox to send.

    Only members who chose the news digest, at most once a week, and only when
    something was published since their last digest (a first digest covers the
    last 30 days). Call `mark_news_digest_sent` in the transaction that writes
    the outbox row.
    """
    now = now or timezone.now()
    oldest = now - FIRST_DIGEST_LOOKBACK
    news = list(published_news(now=now).filter(published_at__gt=oldest))
    if not news:
        return []
    members = (
        Member.objects.filter(wants_news_emails=True, user__is_active=True)
        .filter(
            Q(last_news_digest_at__isnull=True)
            | Q(
                last_news_digest_at__lte=now - DIGEST_INTERVAL,
                last_news_digest_at__lt=news[0].published_at,
            )
        )
        .select_related("user")
        .order_by("pk")
    )
    due = []
    for member in members.iterator(chunk_size=500):
        since = member.last_news_digest_at or oldest
        items = [item for item in news if item.published_at > since]
        if items:
            due.append((member, items))
    return due


def mark_news_digest_sent(*, member: Member, at=None) -> None:
    at = at or timezone.now()
    Member.objects.filter(pk=member.pk).update(last_news_digest_at=at)
    member.last_news_digest_at = at
