"""News from the company, newest first."""

from django.utils import timezone

from .models import NewsItem


def published_news():
    return NewsItem.objects.filter(published_at__lte=timezone.now()).order_by(
        "-published_at", "-pk"
    )


def latest_news(*, limit: int = 3) -> list[NewsItem]:
    return list(published_news()[:limit])
