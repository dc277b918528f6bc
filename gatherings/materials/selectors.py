"""Who may see a gathering's materials, and the materials shaped for its page."""

from dataclasses import dataclass

import rules
from django.db.models import Count, Prefetch
from django.utils import timezone

from members.access import request_member

from .. import selectors
from ..models import AgendaItem, Gathering, Material


def may_add_materials(*, user, gathering: Gathering) -> bool:
    return rules.has_perm("gatherings.add_materials", user, gathering)


def materials_open(*, gathering: Gathering, now=None) -> bool:
    """Members see a gathering's materials once it has started."""
    return gathering.start <= (now or timezone.now())


def may_see_materials(*, user, gathering: Gathering, now=None) -> bool:
    """HR and the organisers any time; a member the gathering is meant for, once it has started."""
    if may_add_materials(user=user, gathering=gathering):
        return True
    member = request_member(user)
    if member is None or not user.is_active:
        return False
    if not materials_open(gathering=gathering, now=now):
        return False
    return selectors.visible_to_member(member=member).filter(pk=gathering.pk).exists()


@dataclass(frozen=True)
class ItemMaterials:
    """An agenda item and what is attached to it, for the gathering page."""

    item: AgendaItem
    materials: list[Material]


def materials_by_item(*, gathering: Gathering) -> list[ItemMaterials]:
    """The gathering's agenda items that have materials, in agenda order (two queries)."""
    items = (
        gathering.agenda_items.filter(materials__isnull=False)
        .distinct()
        .select_related("speaker_member__user", "speaker_user")
        .prefetch_related(Prefetch("materials", queryset=Material.objects.order_by("pk")))
    )
    return [ItemMaterials(item=item, materials=list(item.materials.all())) for item in items]


def material_counts(*, gathering: Gathering) -> dict[int, int]:
    """Agenda item id -> how many materials it has (for the agenda editor; one query)."""
    rows = (
        Material.objects.filter(agenda_item__gathering=gathering)
        .values("agenda_item_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["agenda_item_id"]: row["count"] for row in rows}
