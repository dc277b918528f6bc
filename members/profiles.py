"""Profiles: competences, employers, saving, completion and the yearly employer check."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .models import Competence, Member, Organisation
from .organisations import find_organisation
from .privacy import directory_search_text

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


def competence_suggestions(*, term: str, limit: int = 10) -> list[str]:
    term = normalise_competence_name(term)
    if len(term) < 2:
        return []
    return list(
        Competence.objects.filter(name__icontains=term)
        .order_by("name")
        .values_list("name", flat=True)[:limit]
    )


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


COMPLETION_FIELDS = [
    ("photo", _("a photo")),
    ("employer", _("your employer")),
    ("title", _("your title")),
    ("location", _("where you live")),
    ("bio", _("a few words about you")),
    ("competences", _("your competences")),
    ("started_year", _("your years at the company")),
    ("departments", _("your departments")),
    ("languages", _("your languages")),
    ("linkedin_url", _("your LinkedIn profile")),
]


def profile_completion(*, member: Member) -> dict:
    """How complete a profile is, and what is missing (competences must be prefetched)."""
    missing = []
    for name, label in COMPLETION_FIELDS:
        value = member.competences.all() if name == "competences" else getattr(member, name)
        if not value:
            missing.append(label)
    done = len(COMPLETION_FIELDS) - len(missing)
    return {"percent": round(100 * done / len(COMPLETION_FIELDS)), "missing": missing}


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
