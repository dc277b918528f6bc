"""Ratings of a gathering: signed one-click links in the day-after email, and HR's summary."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from ..models import Feedback, Gathering, Rsvp

TOKEN_SALT = "gatherings.feedback.rating"  # noqa: S105 - a signing salt, not a secret
# Feedback matters in the weeks after; a link from last season's email is stale.
TOKEN_MAX_AGE = timedelta(days=60)
RATINGS = (1, 2, 3, 4, 5)
RATING_LABELS = {
    1: pgettext_lazy("rating", "Poor"),
    2: pgettext_lazy("rating", "Fair"),
    3: pgettext_lazy("rating", "Good"),
    4: pgettext_lazy("rating", "Very good"),
    5: pgettext_lazy("rating", "Excellent"),
}


def make_token(*, rsvp: Rsvp) -> str:
    return signing.dumps({"g": rsvp.gathering_id, "m": rsvp.member_id}, salt=TOKEN_SALT)


def read_token(token: str) -> tuple[int, int]:
    """(gathering id, member id); raises signing.BadSignature (or SignatureExpired)."""
    value = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    if not isinstance(value, dict) or not {"g", "m"} <= value.keys():
        raise signing.BadSignature("malformed feedback token")
    return int(value["g"]), int(value["m"])


def feedback_url(*, rsvp: Rsvp, rating: int | None = None) -> str:
    url = settings.SITE_URL + reverse(
        "gatherings:feedback", kwargs={"token": make_token(rsvp=rsvp)}
    )
    return f"{url}?rating={rating}" if rating else url


def parse_rating(value) -> int | None:
    """A rating from 1 to 5 from a query string or form value, or None."""
    text = str(value or "").strip()
    return int(text) if text.isdecimal() and int(text) in RATINGS else None


def record_feedback(*, rsvp: Rsvp, rating: int, comment: str = "", now=None) -> Feedback:
    """Store the attendee's rating, replacing one given before."""
    if rating not in RATINGS:
        raise ValueError(f"not a rating: {rating!r}")
    now = now or timezone.now()
    feedback, _created = Feedback.objects.update_or_create(
        gathering_id=rsvp.gathering_id,
        member_id=rsvp.member_id,
        defaults={"rating": rating, "comment": comment.strip()[:2000], "updated_at": now},
        create_defaults={
            "rating": rating,
            "comment": comment.strip()[:2000],
            "created_at": now,
            "updated_at": now,
        },
    )
    return feedback


@dataclass(frozen=True)
class RatingBar:
    rating: int
    count: int
    # Of all ratings, 0-100, for the bar's width.
    percent: int


@dataclass(frozen=True)
class FeedbackSummary:
    count: int
    average: float | None
    bars: list[RatingBar]
    comments: list[Feedback]


def summary(*, gathering: Gathering) -> FeedbackSummary:
    """Average, count per rating and the comments (newest first): two queries.

    Comments are shown without names: people write more freely that way.
    """
    counts = dict(
        Feedback.objects.filter(gathering=gathering)
        .values_list("rating")
        .annotate(n=Count("pk"))
        .order_by()
    )
    total = sum(counts.values())
    average = sum(r * n for r, n in counts.items()) / total if total else None
    bars = [
        RatingBar(
            rating=r,
            count=counts.get(r, 0),
            percent=round(100 * counts.get(r, 0) / total) if total else 0,
        )
        for r in reversed(RATINGS)
    ]
    comments = list(
        Feedback.objects.filter(gathering=gathering)
        .exclude(comment="")
        .only("rating", "comment", "updated_at")
        .order_by("-updated_at", "pk")
    )
    return FeedbackSummary(count=total, average=average, bars=bars, comments=comments)


def rating_labels() -> list[tuple[int, str]]:
    """Each rating with its words, best last (as the email and the form show them)."""
    return [(rating, str(label)) for rating, label in RATING_LABELS.items()]
