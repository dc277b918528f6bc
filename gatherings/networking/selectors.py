"""Reads of networking tasks: the member's task card, and HR's summary of a gathering's tasks."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Max, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import Member
from members.privacy import visible_groups

from ..models import Connection, Gathering, NetworkingPick, NetworkingTask, Rsvp
from .reasons import reason_text

# The card shows on the member home from shortly before the doors open until a week after.
SHOW_BEFORE = timedelta(hours=2)
SHOW_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class CardPerson:
    """One person on the card, as the member may see them."""

    pk: int
    name: str
    url: str
    kind: str
    reason: str
    talked: bool


@dataclass
class TaskCard:
    """A member's task for one gathering, shaped for the card."""

    gathering: Gathering
    old: list[CardPerson] = field(default_factory=list)
    new: list[CardPerson] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Ticking "I talked to them" makes sense once the gathering has begun.
    can_record: bool = False

    @property
    def people(self) -> list[CardPerson]:
        return self.old + self.new


def shrink_notes(*, old: int, new: int, old_wanted: int, new_wanted: int) -> list[str]:
    """Why a task is shorter than the gathering asks, in words."""
    if not old and not new and (old_wanted or new_wanted):
        return [_("Too few people are here today for a task. Say hello to someone anyway!")]
    notes = []
    if old < old_wanted:
        if old == 0:
            notes.append(_("None of your old acquaintances are here today."))
        else:
            notes.append(
                ngettext(
                    "Only %(count)d old acquaintance of yours is here today.",
                    "Only %(count)d old acquaintances of yours are here today.",
                    old,
                )
                % {"count": old}
            )
    if new < new_wanted:
        if new == 0:
            notes.append(_("Everyone here today is someone you already know."))
        else:
            notes.append(
                ngettext(
                    "Only %(count)d person here today is new to you.",
                    "Only %(count)d people here today are new to you.",
                    new,
                )
                % {"count": new}
            )
    if notes:
        notes.append(_("So your task is shorter than usual."))
    return notes


def _card_person(pick: NetworkingPick, *, viewer, talked: set[int]) -> CardPerson | None:
    person = pick.person
    groups = visible_groups(member=person, viewer=viewer)
    if not groups:  # left the directory (or closed the account) since the task was made
        return None
    return CardPerson(
        pk=person.pk,
        name=person.user.get_full_name() or _("Member"),
        url=reverse("members:profile", kwargs={"pk": person.pk}),
        kind=pick.kind,
        reason=reason_text(pick, show_history="history" in groups),
        talked=person.pk in talked,
    )


def _picks_prefetch() -> Prefetch:
    return Prefetch(
        "picks",
        queryset=NetworkingPick.objects.select_related("person__user", "met_at").order_by("order"),
    )


def _talked_to(*, member: Member, gathering_ids: list[int]) -> dict[int, set[int]]:
    """gathering id -> the members `member` has recorded talking to there."""
    talked: dict[int, set[int]] = {pk: set() for pk in gathering_ids}
    rows = Connection.objects.filter(
        Q(member_low=member) | Q(member_high=member), gathering_id__in=gathering_ids
    ).values_list("gathering_id", "member_low_id", "member_high_id")
    for gathering_id, low, high in rows:
        talked[gathering_id].add(high if low == member.pk else low)
    return talked


def _checked_in(*, member: Member, gathering_ids: list[int]) -> set[int]:
    """The gatherings among these where the member was checked in."""
    return set(
        Rsvp.objects.filter(
            member=member, gathering_id__in=gathering_ids, checked_in_at__isnull=False
        ).values_list("gathering_id", flat=True)
    )


def build_cards(tasks, *, member: Member, viewer, now) -> list[TaskCard]:
    """Cards for `tasks` (picks prefetched); marks them seen. Three queries at most."""
    tasks = list(tasks)
    if not tasks:
        return []
    ids = [task.gathering_id for task in tasks]
    talked = _talked_to(member=member, gathering_ids=ids)
    checked_in = _checked_in(member=member, gathering_ids=ids)
    cards = []
    for task in tasks:
        gathering = task.gathering
        # Who they talked to is recorded by those who came, once it has begun.
        can_record = now >= gathering.start and gathering.pk in checked_in
        card = TaskCard(gathering=gathering, can_record=can_record)
        for pick in task.picks.all():
            person = _card_person(pick, viewer=viewer, talked=talked[task.gathering_id])
            if person is not None:
                (card.old if pick.kind == NetworkingPick.Kind.OLD else card.new).append(person)
        card.notes = shrink_notes(
            old=len(card.old),
            new=len(card.new),
            old_wanted=gathering.task_old_count,
            new_wanted=gathering.task_new_count,
        )
        cards.append(card)
    mark_seen([task for task in tasks if task.seen_at is None], now=now)
    return cards


def mark_seen(tasks, *, now) -> None:
    """The member has seen these tasks: set `seen_at` once (a conditional UPDATE)."""
    if tasks:
        NetworkingTask.objects.filter(
            pk__in=[task.pk for task in tasks], seen_at__isnull=True
        ).update(seen_at=now)


def task_card(*, gathering: Gathering, member: Member, viewer, now=None) -> TaskCard | None:
    """The member's card for one gathering, from two hours before it starts; else None."""
    now = now or timezone.now()
    if member is None or now < gathering.start - SHOW_BEFORE:
        return None
    tasks = list(
        NetworkingTask.objects.filter(gathering=gathering, member=member).prefetch_related(
            _picks_prefetch()
        )
    )
    for task in tasks:
        task.gathering = gathering
    cards = build_cards(tasks, member=member, viewer=viewer, now=now)
    return cards[0] if cards else None


def home_cards(*, member: Member, viewer, now=None) -> list[TaskCard]:
    """Cards of the member's tasks for gatherings on now (two hours before to a week after)."""
    now = now or timezone.now()
    tasks = (
        NetworkingTask.objects.filter(
            member=member,
            gathering__start__lte=now + SHOW_BEFORE,
            gathering__end__gte=now - SHOW_AFTER,
        )
        .exclude(gathering__status=Gathering.Status.CANCELLED)
        .select_related("gathering")
        .prefetch_related(_picks_prefetch())
        .order_by("gathering__start")
    )
    return build_cards(tasks, member=member, viewer=viewer, now=now)


def home_section(request, member):
    """The members app's HOME_SECTIONS hook: the task cards on now, or None."""
    if member is None:
        return None
    cards = home_cards(member=member, viewer=request.user)
    if not cards:
        return None
    return "gatherings/networking/home_section.html", {"cards": cards}


@dataclass(frozen=True)
class Summary:
    """HR's view of a gathering's tasks."""

    tasks: int
    seen: int
    shrunk: int
    last_generated: object


def summary(*, gathering: Gathering) -> Summary:
    """How many tasks, how many seen and shortened, and when they were last made. One query."""
    wanted = gathering.task_old_count + gathering.task_new_count
    tasks = NetworkingTask.objects.filter(gathering=gathering).annotate(size=Count("picks"))
    row = tasks.aggregate(
        tasks=Count("pk"),
        seen=Count("pk", filter=Q(seen_at__isnull=False)),
        shrunk=Count("pk", filter=Q(size__lt=wanted)),
        last_generated=Max("generated_at"),
    )
    return Summary(**row)
