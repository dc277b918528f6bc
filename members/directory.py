"""The member directory and HR's competence search.

Both ask `members.privacy` what a viewer may see: a member finds others only by
what is shown to all members; HR finds them by what is shown to HR. On
PostgreSQL the free-text search uses full-text and trigram GIN indexes (see
migration 0003); elsewhere a plain LIKE on the same lower-cased text.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL

from .models import Competence, Member
from .privacy import visible_q
from .profiles import competence_slug

MIN_QUERY_LENGTH = 3
FLAGS = (
    "open_to_returning",
    "open_to_projects",
    "open_to_speaking",
    "open_to_hosting",
    "open_to_mentoring",
)


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    employer: str = ""
    competence: str = ""
    department: str = ""
    location: str = ""
    year: int | None = None
    flag: str = ""


def text_match(q: str) -> Q:
    """Members whose search text matches `q`: every word as a substring (trigram
    index on PostgreSQL) or, on PostgreSQL, all words in any order (full text)."""
    substring = Q()
    for term in q.lower().split():
        substring &= Q(search_text__contains=term)
    if connection.vendor != "postgresql":
        return substring
    # search_vector is a generated column that exists on PostgreSQL only (migration 0005).
    full_text = RawSQL(
        "search_vector @@ plainto_tsquery('simple'::regconfig, %s)",
        [q.lower()],
        output_field=BooleanField(),
    )
    return substring | Q(full_text)


def fuzzy_match(q: str) -> Q:
    """Near spellings ("Nordman" for "Nordmann"), by trigram word similarity.

    Only tried when nothing matches exactly: it is far less selective.
    """
    return Q(RawSQL("%s <%% search_text", [q.lower()], output_field=BooleanField()))


def _has_competence(name: str) -> Exists:
    through = Member.competences.through
    slug = competence_slug(name)
    return Exists(
        through.objects.filter(member_id=OuterRef("pk")).filter(
            Q(competence__slug=slug) | Q(competence__name__icontains=name.strip())
        )
    )


def directory_members(*, viewer, filters: DirectoryFilters, hr: bool = False) -> QuerySet[Member]:
    """Members matching `filters` that `viewer` may find, shaped for a list page.

    With hr=False (the member directory) only members in the directory are found;
    HR's competence search finds every active member, by what HR may see.
    """
    members = Member.objects.filter(user__is_active=True)
    if not hr:
        members = members.filter(in_directory=True)
    if filters.q:
        if hr:
            members = members.filter(
                Q(user__first_name__icontains=filters.q) | Q(user__last_name__icontains=filters.q)
            )
        elif (
            connection.vendor == "postgresql" and not members.filter(text_match(filters.q)).exists()
        ):
            members = members.filter(fuzzy_match(filters.q))
        else:
            members = members.filter(text_match(filters.q))
    if filters.employer:
        members = members.filter(visible_q("work", viewer)).filter(
            Q(employer__name__icontains=filters.employer) | Q(title__icontains=filters.employer)
        )
    if filters.competence:
        members = members.filter(visible_q("competences", viewer)).filter(
            _has_competence(filters.competence)
        )
    if filters.department:
        members = members.filter(visible_q("history", viewer)).filter(
            departments__icontains=filters.department
        )
    if filters.location:
        members = members.filter(visible_q("location", viewer)).filter(
            location__icontains=filters.location
        )
    if filters.year:
        members = members.filter(visible_q("history", viewer)).filter(
            started_year__lte=filters.year, left_year__gte=filters.year
        )
    if filters.flag in FLAGS:
        members = members.filter(visible_q("availability", viewer)).filter(**{filters.flag: True})
    return (
        members.select_related("user", "employer")
        .prefetch_related(Prefetch("competences", queryset=Competence.objects.order_by("name")))
        .order_by("user__last_name", "user__first_name", "pk")
    )
