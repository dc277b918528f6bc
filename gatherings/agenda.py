"""The agenda of a gathering: templates to start from, order, computed times, overrun."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from .models import AgendaItem, Gathering

Kind = AgendaItem.Kind

# The network-meeting templates: (type, title, minutes). Titles are stored in
# the language of whoever creates the gathering, then edited freely.
AGENDA_TEMPLATES = {
    Gathering.Format.AFTERNOON: [
        (Kind.SOCIAL, _("Welcome and coffee"), 15),
        (Kind.COMPANY_UPDATE, _("Company update: what has changed since last time"), 20),
        (Kind.ALUMNUS_STORY, _("An alumnus on an exciting job, sabbatical or project"), 20),
        (Kind.FOOD, _("Break"), 10),
        (Kind.TALK, _("Professional talk"), 30),
        (Kind.NETWORKING, _("Networking task: talk to three old and two new people"), 25),
        (Kind.SOCIAL, _("Social closing"), 30),
    ],
    Gathering.Format.BREAKFAST: [
        (Kind.FOOD, _("Breakfast and welcome"), 15),
        (Kind.COMPANY_UPDATE, _("Company update: what has changed since last time"), 15),
        (Kind.ALUMNUS_STORY, _("An alumnus on an exciting job, sabbatical or project"), 15),
        (Kind.NETWORKING, _("Networking task: talk to two people you have not met"), 15),
        (Kind.SOCIAL, _("Round-off"), 5),
    ],
}


@dataclass(frozen=True)
class TimedItem:
    item: AgendaItem
    starts: datetime
    ends: datetime


def create_agenda_from_template(*, gathering: Gathering) -> list[AgendaItem]:
    """Fill an empty agenda from its format's template (other formats start empty)."""
    rows = AGENDA_TEMPLATES.get(gathering.format, [])
    return AgendaItem.objects.bulk_create(
        AgendaItem(
            gathering=gathering, order=index, kind=kind, title=str(title), duration_minutes=minutes
        )
        for index, (kind, title, minutes) in enumerate(rows)
    )


def timed_items(*, gathering: Gathering, items) -> list[TimedItem]:
    """Each item with its start and end, one after the other from the gathering's start."""
    timed, clock = [], gathering.start
    for item in items:
        ends = clock + timedelta(minutes=item.duration_minutes)
        timed.append(TimedItem(item=item, starts=clock, ends=ends))
        clock = ends
    return timed


def overrun_minutes(*, gathering: Gathering, items) -> int:
    """How many minutes the agenda runs past the gathering's end (0 if it fits)."""
    total = sum(item.duration_minutes for item in items)
    return max(0, total - gathering.duration_minutes)


def add_item(*, gathering: Gathering, **fields) -> AgendaItem:
    with transaction.atomic():
        # Lock the gathering so two editors adding at once get distinct places.
        Gathering.objects.select_for_update().filter(pk=gathering.pk).first()
        last = gathering.agenda_items.aggregate(last=Max("order"))["last"]
        item = AgendaItem(gathering=gathering, order=0 if last is None else last + 1, **fields)
        item.full_clean()
        item.save()
    return item


def reorder(*, gathering: Gathering, item_ids: list[int]) -> None:
    """Put the agenda in the given order; ids not of this gathering are ignored."""
    with transaction.atomic():
        items = {
            item.pk: item
            for item in AgendaItem.objects.select_for_update().filter(gathering=gathering)
        }
        ordered = [items[pk] for pk in item_ids if pk in items]
        # Items the request did not name keep their relative order at the end.
        ordered += [item for item in items.values() if item not in ordered]
        for index, item in enumerate(ordered):
            item.order = index
        AgendaItem.objects.bulk_update(ordered, ["order"])


def move(*, item: AgendaItem, direction: str) -> None:
    """Move one item up or down one place (the keyboard and no-JS alternative to dragging)."""
    ids = list(
        AgendaItem.objects.filter(gathering_id=item.gathering_id)
        .order_by("order", "pk")
        .values_list("pk", flat=True)
    )
    index = ids.index(item.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    reorder(gathering=item.gathering, item_ids=ids)


def copy_agenda(*, source: Gathering, target: Gathering) -> None:
    AgendaItem.objects.bulk_create(
        AgendaItem(
            gathering=target,
            order=item.order,
            duration_minutes=item.duration_minutes,
            kind=item.kind,
            title=item.title,
            description=item.description,
        )
        for item in source.agenda_items.all()
    )
