"""The member directory and HR's competence search.

Both ask `members.privacy` what a viewer may see: a member finds others only by
what is shown to all members; HR finds them by what is shown to HR. On
PostgreSQL the free-text search uses full-text and trigram GIN indexes (see
migration 0003); elsewhere a plain LIKE on the same lower-cased text.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from .models import Competence, Member, User
from .privacy import GROUPS, ProfileView, directory_cards, visible_q
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


def has_words(q: str) -> bool:
    """A query with a letter or digit; punctuation alone ("???") can match nobody."""
    return re.search(r"\w", q) is not None


def substring_match(q: str) -> Q:
    """Every word of `q` somewhere in the search text (trigram GIN index on PostgreSQL)."""
    match = Q()
    # Terms without a letter or digit ("??") would only ever match nobody.
    for term in filter(has_words, q.lower().split()):
        match &= Q(search_text__contains=term)
    return match


def word_match(q: str) -> Q:
    """PostgreSQL: every word of `q` starts a word of the search text, in any order.

    Uses the stored tsvector column (migration 0005), so it is exact and needs no
    recheck; "nordm" finds "Nordmann". Only word characters reach to_tsquery.
    """
    terms = re.findall(r"\w+", q.lower())
    if not terms:
        # An empty tsquery is a syntax error in PostgreSQL, not an empty match.
        return Q(pk__in=[])
    tsquery = " & ".join(f"{term}:*" for term in terms)
    return Q(
        RawSQL(
            "search_vector @@ to_tsquery('simple'::regconfig, %s)",
            [tsquery],
            output_field=BooleanField(),
        )
    )


def fuzzy_match(q: str) -> Q:
    """PostgreSQL: near spellings ("Nordmnan" for "Nordmann"), by trigram word similarity."""
    return Q(RawSQL("%s <%% search_text", [q.lower()], output_field=BooleanField()))


def text_candidates(members: QuerySet[Member], q: str) -> Iterator[QuerySet[Member]]:
    """`members` narrowed by `q`, most precise match first.

    SQLite: a substring match. PostgreSQL: whole words and word starts (full
    text), then substrings anywhere (trigram), then near spellings (trigram
    similarity). The first that finds anyone is the answer.
    """
    if not has_words(q):
        yield members.none()
        return
    if connection.vendor != "postgresql":
        yield members.filter(substring_match(q))
        return
    yield members.filter(word_match(q))
    yield members.filter(substring_match(q))
    yield members.filter(fuzzy_match(q))


def text_match(members: QuerySet[Member], q: str) -> QuerySet[Member]:
    """Narrow `members` to the first of `text_candidates` that finds anyone.

    Each fallback costs one EXISTS query, only when the previous found nobody.
    """
    *precise, loosest = text_candidates(members, q)
    for found in precise:
        if found.exists():
            return found
    return loosest


def _has_competence(name: str) -> Exists:
    through = Member.competences.through
    slug = competence_slug(name)
    return Exists(
        through.objects.filter(member_id=OuterRef("pk")).filter(
            Q(competence__slug=slug) | Q(competence__name__icontains=name.strip())
        )
    )


def _filtered(*, viewer, filters: DirectoryFilters, hr: bool) -> QuerySet[Member]:
    """Members `viewer` may find by every filter but the free text `q`."""
    # Not filter(user__is_active=True): that joins every user before the search
    # narrows anything; the inactive are few and have their own partial index.
    members = Member.objects.exclude(user_id__in=User.objects.filter(is_active=False).values("pk"))
    if not hr:
        members = members.filter(in_directory=True)
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
    if filters.q and hr:
        members = members.filter(
            Q(user__first_name__icontains=filters.q) | Q(user__last_name__icontains=filters.q)
        )
    return members


def _sort(filters: DirectoryFilters):
    # Unfiltered, walk the sort_name index. Filtered, sort the (few) matches: walking
    # the index and filtering can read most of the table before it finds 24 that
    # match, e.g. every name before "S" for a search that only matches "Strand...".
    # Lower() is a no-op on the lower-cased column that the index cannot serve.
    return "sort_name" if filters == DirectoryFilters() else Lower("sort_name")


def directory_members(*, viewer, filters: DirectoryFilters, hr: bool = False) -> QuerySet[Member]:
    """Members matching `filters` that `viewer` may find, shaped for a list page.

    With hr=False (the member directory) only members in the directory are found;
    HR's competence search finds every active member, by what HR may see.
    """
    members = _filtered(viewer=viewer, filters=filters, hr=hr)
    if filters.q and not hr:
        # Last, so that the PostgreSQL fallbacks ask "anyone?" with every filter applied.
        members = text_match(members, filters.q)
    return (
        members.select_related("user", "employer")
        .prefetch_related(Prefetch("competences", queryset=Competence.objects.order_by("name")))
        .order_by(_sort(filters), "pk")
    )


# What a directory card shows (members.privacy.directory_cards), and what it needs to
# decide: the viewer may see it. Nothing else is loaded for a list row.
CARD_FIELDS = (
    "user_id",
    "in_directory",
    "photo",
    "employer_id",
    "title",
    "location",
    *(f"{group}_visibility" for group in GROUPS),
    "user__first_name",
    "user__last_name",
    "user__is_active",
    "employer__name",
)


def directory_page(*, viewer, filters: DirectoryFilters, number, per_page: int) -> Page:
    """One page of the member directory for `viewer`, its rows shaped as cards.

    Queries: one count, one for the page's rows, one for their competences (on
    PostgreSQL part of the rows' query), whatever the page size. The count
    doubles as the "anyone?" of the PostgreSQL fallbacks (see `text_candidates`);
    a looser match costs one more count only when the tighter found nobody. The
    page's members are picked by id in a subquery that sorts the matches alone,
    so only the page's rows are joined to their users and employers, not every
    match.
    """
    members = _filtered(viewer=viewer, filters=filters, hr=False)
    candidates = text_candidates(members, filters.q) if filters.q else [members]
    for found in candidates:
        count = found.count()
        if count:
            break
    sort = _sort(filters)
    paginator = Paginator(found.order_by(sort, "pk").values("pk"), per_page)
    paginator.count = count  # a cached property: the count above is the count
    page = paginator.get_page(number)
    rows = (
        Member.objects.filter(pk__in=page.object_list)
        .select_related("user", "employer")
        .only(*CARD_FIELDS)
        .order_by(Lower("sort_name"), "pk")
    )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        # The names in the rows' own query, as an array per row.
        names = Competence.objects.filter(members=OuterRef("pk")).order_by("name").values("name")
        rows = rows.annotate(competence_names=ArraySubquery(names))
    page.object_list = list(rows)
    page.profiles = directory_cards(
        members=page.object_list, viewer=viewer, competences=_competence_names(page.object_list)
    )
    return page


def findable_cards(*, members: QuerySet[Member], viewer, limit: int) -> list[ProfileView]:
    """Those of `members` that `viewer` may find in the directory, as cards in name order.

    At most `limit`, in one query: the directory's own rule of who may be found
    (active, in the directory), and `directory_cards` for what of each is shown.
    The cards carry no competences: a list of people does not show them.
    """
    rows = (
        _filtered(viewer=viewer, filters=DirectoryFilters(), hr=False)
        .filter(pk__in=members.values("pk"))
        .select_related("user", "employer")
        .only(*CARD_FIELDS)
        .order_by("sort_name", "pk")[:limit]
    )
    return directory_cards(members=rows, viewer=viewer, competences={})


def _competence_names(members) -> dict[int, list[str]]:
    """Member pk -> competence names, sorted: names only, no Competence objects.

    Read from the rows where their query brought them (PostgreSQL), else one query.
    """
    if members and hasattr(members[0], "competence_names"):
        return {m.pk: m.competence_names for m in members}
    names: dict[int, list[str]] = {}
    if members:
        rows = (
            Member.competences.through.objects.filter(member_id__in=[m.pk for m in members])
            .order_by("competence__name")
            .values_list("member_id", "competence__name")
        )
        for member_id, name in rows:
            names.setdefault(member_id, []).append(name)
    return names
