"""Profiles: competences, employers, saving, completion and the yearly employer check."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .access import is_staff_user
from .models import Competence, Member, Organisation
from .organisations import find_organisation
from .privacy import directory_search_text, levels_for

EMPLOYMENT_CHECK_INTERVAL = timedelta(days=365)


def normalise_competence_name(name: str) -> str:
    return " ".join(name.split())[:80]


def competence_slug(name: str) -> str:
    return slugify(normalise_competence_name(name).lower(), allow_unicode=True)[:80]


def split_competences(text: str) -> list[str]:
    """Comma- or newline-separated names, normalised, duplicates removed, order kept."""
    seen, names = set(), []
    for raw in text.replace("\n", ",").split(","):
        name = normalise_competence_name(raw)
        slug = competence_slug(name)
        if slug and slug not in seen:
            seen.add(slug)
            names.append(name)
    return names


def competences_for_names(*, names: list[str]) -> list[Competence]:
    """The Competence rows for these names, creating the new ones (first spelling wins)."""
    by_slug = {competence_slug(n): n for n in names}
    existing = {c.slug: c for c in Competence.objects.filter(slug__in=by_slug)}
    for slug, name in by_slug.items():
        if slug not in existing:
            existing[slug], _created = Competence.objects.get_or_create(
                slug=slug, defaults={"name": name}
            )
    return [existing[slug] for slug in by_slug]


def competence_suggestions(*, viewer, term: str, limit: int = 10) -> list[str]:
    """Competences matching `term` that `viewer` may be offered: curated by HR (a job
    names it) or held by a member whose competences the viewer may see. One known
    only from hidden profiles is never offered: that would tell who has it."""
    term = normalise_competence_name(term)
    if len(term) < 2:
        return []
    return list(
        Competence.objects.filter(Q(jobs__isnull=False) | _held_visibly(viewer))
        .filter(name__icontains=term)
        .distinct()
        .order_by("name")
        .values_list("name", flat=True)[:limit]
    )


def _held_visibly(viewer) -> Exists:
    """Held by a member whose competences `viewer` may see (or by the viewer)."""
    shown = Q(competences_visibility__in=sorted(levels_for(viewer)), user__is_active=True)
    if not is_staff_user(viewer):
        shown &= Q(in_directory=True)
    own = Q(user_id=viewer.pk) if viewer.pk else Q(pk__in=[])
    return Exists(Member.objects.filter(own | shown, competences=OuterRef("pk")))


def organisation_for_name(*, name: str) -> Organisation | None:
    """The organisation a typed employer name means, created only when none matches its key."""
    name = " ".join(name.split())
    if not name:
        return None
    organisation = find_organisation(name=name)
    if organisation is None:
        organisation, _created = Organisation.objects.get_or_create(name=name)
    return organisation


def sort_name_for(user) -> str:
    return f"{user.last_name} {user.first_name}".strip().lower()[:301]


def refresh_search_text(*, member: Member) -> None:
    """Rebuild what the directory searches and sorts by; call after any profile change."""
    text = directory_search_text(member=member)
    sort_name = sort_name_for(member.user)
    if (text, sort_name) != (member.search_text, member.sort_name):
        member.search_text, member.sort_name = text, sort_name
        Member.objects.filter(pk=member.pk).update(search_text=text, sort_name=sort_name)


@transaction.atomic
def save_profile(
    *,
    member: Member,
    competence_names: list[str],
    employer_name: str,
    employment_changed: bool = False,
    photo=None,
    remove_photo: bool = False,
) -> Member:
    """Save a profile edited in the form (member and user fields already set on it)."""
    employer = organisation_for_name(name=employer_name)
    # Changing employer or title answers the yearly "is this still right?" too.
    if employment_changed or employer != member.employer:
        member.employment_confirmed_at = timezone.now()
    member.employer = employer
    old_photo = member.photo.name if member.photo else ""
    if remove_photo or photo is not None:
        member.photo = None
    if photo is not None:
        member.photo.save(photo.name, photo, save=False)
    member.full_clean(exclude=["photo", "user"])
    member.save()
    member.user.save(update_fields=["first_name", "last_name", "language"])
    member.competences.set(competences_for_names(names=competence_names))
    if old_photo and old_photo != (member.photo.name if member.photo else ""):
        transaction.on_commit(lambda: member.photo.storage.delete(old_photo))
    refresh_search_text(member=member)
    return member


@dataclass(frozen=True)
class ProfileHint:
    """One thing missing from a profile: the form field to fill in, and why it matters."""

    field: str
    text: str


@dataclass(frozen=True)
class Completion:
    percent: int
    missing: list[str]  # what is missing, as a list of short labels
    hints: list[ProfileHint]  # the same, as sentences saying why it matters


# (Member attribute, short label, profile form field, hint), what matters most first.
COMPLETION_FIELDS = [
    (
        "competences",
        _("your competences"),
        "competence_names",
        _("Add your competences so colleagues can find you."),
    ),
    (
        "employer",
        _("your employer"),
        "employer_name",
        _("Add your employer so others see where you work now."),
    ),
    ("title", _("your title"), "title", _("Add your title so others know what you do.")),
    (
        "photo",
        _("a photo"),
        "photo_upload",
        _("Add a photo so people recognise you at gatherings."),
    ),
    (
        "bio",
        _("a few words about you"),
        "bio",
        _("Write a few words about yourself so others know what you can help with."),
    ),
    (
        "location",
        _("where you live"),
        "location",
        _("Add where you live so members nearby can find you."),
    ),
    (
        "started_year",
        _("your years at the company"),
        "started_year",
        _("Add your years at the company so old colleagues recognise you."),
    ),
    (
        "departments",
        _("your departments"),
        "departments",
        _("Add your departments so the people you worked with find you."),
    ),
    (
        "languages",
        _("your languages"),
        "languages",
        _("Add the languages you speak so others know where you can help."),
    ),
    (
        "linkedin_url",
        _("your LinkedIn profile"),
        "linkedin_url",
        _("Add your LinkedIn profile so people can follow your career."),
    ),
]


def profile_completion(*, member: Member) -> Completion:
    """How complete a profile is, and what is missing (competences must be prefetched)."""
    missing = [
        (label, ProfileHint(field=field, text=hint))
        for name, label, field, hint in COMPLETION_FIELDS
        if not (member.competences.all() if name == "competences" else getattr(member, name))
    ]
    done = len(COMPLETION_FIELDS) - len(missing)
    return Completion(
        percent=round(100 * done / len(COMPLETION_FIELDS)),
        missing=[label for label, _hint in missing],
        hints=[hint for _label, hint in missing],
    )


def employment_needs_confirmation(*, member: Member, now=None) -> bool:
    """Once a year: is the employer (and title) on the profile still right?"""
    if not (member.employer_id or member.title):
        return False
    now = now or timezone.now()
    confirmed = member.employment_confirmed_at
    return confirmed is None or confirmed <= now - EMPLOYMENT_CHECK_INTERVAL


def confirm_employment(*, member: Member) -> None:
    member.employment_confirmed_at = timezone.now()
    member.save(update_fields=["employment_confirmed_at"])
