"""Reading the register: the filters of the register page, and segments built from them."""

import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import Leaver, Segment

SORTS = {
    "name": ("last_name", "first_name", "pk"),
    "-name": ("-last_name", "-first_name", "-pk"),
    "left": ("left_on", "last_name", "pk"),
    "-left": ("-left_on", "last_name", "pk"),
    "department": ("department", "last_name", "pk"),
    "-department": ("-department", "last_name", "pk"),
    "status": ("status", "last_name", "pk"),
    "-status": ("-status", "last_name", "pk"),
}
DEFAULT_SORT = "-left"
# The filters a segment may save, as the register page's query parameters.
FILTER_KEYS = (
    "q",
    "left_from",
    "left_to",
    "department",
    "location",
    "title",
    "status",
    "has_email",
)


def filter_leavers(queryset: QuerySet, *, filters: dict) -> QuerySet:
    """Apply the register page's filters (cleaned values or their saved string form)."""
    if q := (filters.get("q") or "").strip():
        for word in q.split():
            match = Q(email__icontains=word.lower()) | Q(employee_number=word)
            # SQLite folds only ASCII case; "ødegård" must still find "Ødegård" there.
            for variant in {word, word.capitalize()}:
                match |= Q(first_name__icontains=variant) | Q(last_name__icontains=variant)
            queryset = queryset.filter(match)
    if left_from := _date(filters.get("left_from")):
        queryset = queryset.filter(left_on__gte=left_from)
    if left_to := _date(filters.get("left_to")):
        queryset = queryset.filter(left_on__lte=left_to)
    for name in ("department", "location", "title", "status"):
        if value := filters.get(name):
            queryset = queryset.filter(**{name: value})
    if filters.get("has_email") == "yes":
        queryset = queryset.exclude(email="")
    elif filters.get("has_email") == "no":
        queryset = queryset.filter(email="")
    return queryset


def sort_leavers(queryset: QuerySet, sort: str) -> QuerySet:
    return queryset.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


def _date(value) -> datetime.date | None:
    if not value:
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


# The register filter form's labels, for reading a saved filter back to HR.
FILTER_LABELS = {
    "q": _("Search name or email"),
    "left_from": _("Left from"),
    "left_to": _("Left to"),
    "department": _("Department"),
    "location": pgettext_lazy("workplace", "Location"),
    "title": _("Job title"),
    "status": _("Status"),
}
HAS_EMAIL_LABELS = {"yes": _("Has email"), "no": _("No email")}


def filter_summary(filters: dict) -> list[str]:
    """A saved filter as HR reads it: "Status: In register", dates in the language's format."""
    parts = []
    for key in FILTER_KEYS:
        value = filters.get(key)
        if not value:
            continue
        if key == "has_email":
            parts.append(str(HAS_EMAIL_LABELS.get(value, value)))
            continue
        if key in ("left_from", "left_to"):
            date = _date(value)
            value = date_format(date, "DATE_FORMAT") if date else value
        elif key == "status" and value in Leaver.Status.values:
            value = Leaver.Status(value).label
        parts.append(f"{FILTER_LABELS[key]}: {value}")
    return parts


def saved_filters(filters: dict) -> dict:
    """A filter as JSON can keep it: only known keys, non-empty, dates as ISO strings."""
    saved = {}
    for key in FILTER_KEYS:
        value = filters.get(key)
        if value:
            saved[key] = value.isoformat() if isinstance(value, datetime.date) else str(value)
    return saved


@transaction.atomic
def create_segment(*, name: str, filters: dict, leaver_ids: list[int], user) -> Segment:
    """A segment is the filter; chosen leavers (if any) narrow it to exactly those."""
    segment = Segment.objects.create(name=name, filters=saved_filters(filters), created_by=user)
    if leaver_ids:
        segment.leavers.set(Leaver.objects.filter(pk__in=leaver_ids).values_list("pk", flat=True))
    return segment


def segment_leavers(segment: Segment) -> QuerySet:
    """Who a segment means now: the chosen leavers, else whoever matches its filter."""
    if segment.leavers.exists():
        return segment.leavers.all()
    return filter_leavers(Leaver.objects.all(), filters=segment.filters)
