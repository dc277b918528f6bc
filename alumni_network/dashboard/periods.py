"""The period the dashboard looks back over: 12 months, 3 years or everything."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

PERIODS = ("12m", "3y", "all")
DEFAULT_PERIOD = "12m"
_MONTHS_BACK = {"12m": 12, "3y": 36}


@dataclass(frozen=True)
class Period:
    key: str
    # The first day of the first month counted, in the site's time zone; None for everything.
    since: datetime | None


def period_key(value: str | None) -> str:
    """A valid period key from a query string value, the default otherwise."""
    return value if value in PERIODS else DEFAULT_PERIOD


def period_for(key: str, *, now: datetime) -> Period:
    """The period `key` ending at `now`: whole months, the current one included."""
    months = _MONTHS_BACK.get(key)
    if months is None:
        return Period(key=key, since=None)
    first = first_of_month(timezone.localtime(now).date())
    return Period(key=key, since=_aware(add_months(first, -(months - 1))))


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """Every first-of-month from `first`'s month to `last`'s, both included."""
    months, month = [], first_of_month(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day))
