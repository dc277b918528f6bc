"""Organisations: one key for "the same employer however it is typed", suggestions, and merging.

"Aker Solutions ASA", "aker solutions" and "Aker-Solutions AS" are one
organisation: `organisation_key` is the one rule for that, used when a member
types an employer and when HR looks for duplicates to merge.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from . import audit
from .access import is_staff_user
from .models import AuditLog, Member, Organisation
from .privacy import levels_for

# Norwegian legal forms (and the Danish/European ones members paste), matched
# as the last word of a name once punctuation is gone: "Aker ASA", "Foo A/S".
LEGAL_FORMS = ("as", "asa", "ans", "da", "sa", "ba", "a s")
_LEGAL_FORM_END = re.compile(r"(?:\s+(?:" + "|".join(LEGAL_FORMS) + r"))+$")
_NOT_WORD = re.compile(r"[\W_]+")

SUGGESTION_LIMIT = 10
MIN_SUGGESTION_LENGTH = 2


def _words(name: str) -> str:
    """Lower-case words of `name` separated by single spaces, punctuation dropped."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def organisation_core(name: str) -> str:
    """The name's words without a trailing legal form: "Aker Solutions ASA" -> "aker solutions"."""
    words = _words(name)
    core = _LEGAL_FORM_END.sub("", words)
    return core or words  # a company called just "AS" keeps its name


def organisation_key(name: str) -> str:
    """What two names share when they mean one organisation: no case, legal form or punctuation."""
    return organisation_core(name).replace(" ", "")


def find_organisation(*, name: str) -> Organisation | None:
    """The existing organisation `name` means (the oldest of duplicates), or None."""
    key = organisation_key(name)
    if not key:
        return None
    # Few enough rows (employers of one company's alumni) to compare every name's key;
    # the oldest wins, so a typed variant never adds to a duplicate waiting to be merged.
    names = Organisation.objects.order_by("pk").values_list("pk", "name")
    pk = next((pk for pk, other in names.iterator() if organisation_key(other) == key), None)
    return None if pk is None else Organisation.objects.get(pk=pk)


def duplicates_of(*, organisation: Organisation) -> list[Organisation]:
    """Other organisations whose names mean the same as this one's."""
    key = organisation_key(organisation.name)
    return [
        other
        for other in Organisation.objects.exclude(pk=organisation.pk).order_by("name")
        if organisation_key(other.name) == key
    ]


# --- Suggestions -----------------------------------------------------------------


def _other_relations():
    """Relations pointing at Organisation other than a member's employer (e.g. gathering hosts)."""
    return [
        rel
        for rel in Organisation._meta.related_objects
        if not (rel.related_model is Member and rel.field.name == "employer")
    ]


def _has_other_relation() -> Q:
    """Organisations staff put somewhere themselves, e.g. as the host of a gathering."""
    q = Q(pk__in=[])
    for rel in _other_relations():
        if rel.many_to_many:
            continue
        q |= Exists(rel.related_model._base_manager.filter(**{rel.field.name: OuterRef("pk")}))
    return q


def _employs_visible_member(viewer) -> Exists:
    """Employer of a member whose work `viewer` may see (or of the viewer)."""
    shown = Q(work_visibility__in=sorted(levels_for(viewer)), user__is_active=True)
    if not is_staff_user(viewer):
        shown &= Q(in_directory=True)
    return Exists(Member.objects.filter(Q(user_id=viewer.pk) | shown, employer=OuterRef("pk")))


def suggestable_organisations(*, viewer) -> QuerySet[Organisation]:
    """Organisations `viewer` may be offered as an employer.

    The rule: curated by staff (it has an organisation number, which only HR's
    form sets, or staff made it a gathering's host), or the employer of a member
    whose work the viewer may see. An organisation known only from hidden
    profiles is never suggested: that would tell who works there.
    """
    return Organisation.objects.filter(
        Q(~Q(org_number="")) | _has_other_relation() | _employs_visible_member(viewer)
    )


def seen_organisations(*, viewer) -> QuerySet[Organisation]:
    """Organisations `viewer` may know of, each with `member_count`: the members whose
    work there the viewer may see. The suggestable ones, and those nobody works at
    (they tell of no one). HR's pages of organisations and hosts list these, so an
    employer known only from profiles that hide it stays hidden."""
    own = Q(employees__user_id=viewer.pk) if getattr(viewer, "pk", None) else Q(pk__in=[])
    shown = Q(
        employees__work_visibility__in=sorted(levels_for(viewer)),
        employees__user__is_active=True,
    )
    nobody_works_there = ~Exists(Member.objects.filter(employer=OuterRef("pk")))
    seen = suggestable_organisations(viewer=viewer) | Organisation.objects.filter(
        nobody_works_there
    )
    return seen.annotate(member_count=Count("employees", filter=own | shown, distinct=True))


def organisation_suggestions(*, viewer, term: str, limit: int = SUGGESTION_LIMIT) -> list[str]:
    """Names of suggestable organisations matching what was typed so far, one per key."""
    core = organisation_core(term)
    if len(core) < MIN_SUGGESTION_LENGTH:
        return []
    matches = (
        suggestable_organisations(viewer=viewer)
        .filter(name__icontains=core)
        .order_by("pk")
        .values_list("name", flat=True)[: limit * 3]
    )
    # Of duplicates HR has yet to merge, offer the oldest: the one a typed variant finds.
    by_key: dict[str, str] = {}
    for name in matches:
        by_key.setdefault(organisation_key(name), name)
    return sorted(by_key.values(), key=str.casefold)[:limit]


# --- Merging -------------------------------------------------------------------------


@dataclass(frozen=True)
class MovedRelation:
    """How many rows of one kind point at the organisation being merged away."""

    model: str  # its label, "members.member"
    count: int

    @property
    def label(self) -> str:
        """The kind's plural name in the active language."""
        return str(apps.get_model(self.model)._meta.verbose_name_plural)


def merge_plan(*, merged: Organisation) -> list[MovedRelation]:
    """What would move if `merged` were merged into another organisation (kinds with rows only)."""
    plan = []
    for rel in Organisation._meta.related_objects:
        count = _pointing_at(rel, merged).count()
        if count:
            plan.append(MovedRelation(model=rel.related_model._meta.label_lower, count=count))
    return plan


def _pointing_at(rel, organisation: Organisation) -> QuerySet:
    """Rows of one relation that point at `organisation` (the through rows for a many-to-many)."""
    if rel.many_to_many:
        through = rel.through
        field = next(f for f in through._meta.fields if f.related_model is Organisation)
        return through._base_manager.filter(**{field.name: organisation})
    return rel.related_model._base_manager.filter(**{rel.field.name: organisation})


def _move(rel, *, merged: Organisation, kept: Organisation) -> list[int]:
    """Point one relation's rows at `kept`; the pks of what moved."""
    rows = _pointing_at(rel, merged)
    if rel.many_to_many:
        through = rel.through
        field = next(f for f in through._meta.fields if f.related_model is Organisation)
        other = next(f for f in through._meta.fields if f.is_relation and f.name != field.name)
        # A row already linked to both keeps its link to `kept` only.
        already = _pointing_at(rel, kept).values_list(other.attname, flat=True)
        rows.filter(**{f"{other.attname}__in": already}).delete()
        rows = _pointing_at(rel, merged)
        field_name = field.name
    else:
        field_name = rel.field.name
    pks = list(rows.values_list("pk", flat=True))
    rows.update(**{field_name: kept})
    return pks


@transaction.atomic
def merge_organisations(
    *, merged: Organisation, kept: Organisation, request=None
) -> list[MovedRelation]:
    """Move everything pointing at `merged` to `kept`, then delete `merged`; audit-logged."""
    from .profiles import refresh_search_text  # profiles uses this module to match names

    if merged.pk == kept.pk:
        raise ValueError("An organisation cannot be merged into itself.")
    merged = Organisation.objects.select_for_update().get(pk=merged.pk)
    kept = Organisation.objects.select_for_update().get(pk=kept.pk)
    plan = merge_plan(merged=merged)
    moved_members = []
    for rel in Organisation._meta.related_objects:
        pks = _move(rel, merged=merged, kept=kept)
        if rel.related_model is Member:
            moved_members += pks
    _keep_details(merged=merged, kept=kept)
    merged_label = f"{merged.name} (#{merged.pk})"
    merged.delete()
    # The directory finds people by employer name: the moved members' text changes.
    for member in Member.objects.filter(pk__in=moved_members).select_related("user", "employer"):
        refresh_search_text(member=member)
    audit.record(
        action=AuditLog.Action.ORGANISATION_MERGE,
        request=request,
        obj=kept,
        detail=audit.Detail.ORGANISATIONS_MERGED,
        params={
            "merged": merged_label,
            "kept": kept.name,
            "moved": _counts_by_model(plan),
        },
        member_ids=moved_members,
    )
    return plan


def _counts_by_model(plan: list[MovedRelation]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for moved in plan:
        counts[moved.model] = counts.get(moved.model, 0) + moved.count
    return counts


def _keep_details(*, merged: Organisation, kept: Organisation) -> None:
    """Fill the kept organisation's empty number and city from the merged one."""
    changed = []
    if not kept.org_number and merged.org_number:
        kept.org_number, merged.org_number = merged.org_number, ""
        merged.save(update_fields=["org_number"])  # the number is unique: free it first
        changed.append("org_number")
    if not kept.city and merged.city:
        kept.city = merged.city
        changed.append("city")
    if changed:
        kept.save(update_fields=changed)
