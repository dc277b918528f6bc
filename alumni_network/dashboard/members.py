"""Members: how many, and how many joined each month of the period."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Min
from django.db.models.functions import TruncMonth
from django.utils import timezone

from members.models import Member

from .periods import Period, months_between


@dataclass(frozen=True)
class MemberFigures:
    total: int
    joined_in_period: int
    # (first day of the month, members who joined that month), oldest first.
    per_month: list[tuple[date, int]]


def member_figures(period: Period, *, now: datetime) -> MemberFigures:
    """Two grouped queries: the total with the first join, and joins per month."""
    overall = Member.objects.aggregate(total=Count("pk"), first=Min("joined_at"))
    joined = Member.objects.all()
    if period.since:
        joined = joined.filter(joined_at__gte=period.since)
    counts = {
        row["month"].date() if isinstance(row["month"], datetime) else row["month"]: row["count"]
        for row in joined.annotate(month=TruncMonth("joined_at"))
        .order_by()
        .values("month")
        .annotate(count=Count("pk"))
    }
    first = period.since or overall["first"] or now
    months = months_between(timezone.localtime(first).date(), timezone.localtime(now).date())
    per_month = [(month, counts.get(month, 0)) for month in months]
    return MemberFigures(
        total=overall["total"],
        joined_in_period=sum(count for _month, count in per_month),
        per_month=per_month,
    )
