"""Reads of gatherings, each shaped once for the page that shows it."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from members.models import Member, Organisation
from members.organisations import seen_organisations
from members.privacy import directory_cards

from . import hosting
from .models import AgendaItem, Gathering, Organiser, Rsvp

CONFIRMED = Q(answer=Rsvp.Answer.YES, waitlist_position__isnull=True)
WAITLISTED = Q(waitlist_position__isnull=False)


def _rsvp_counts() -> dict:
    return {
        "yes_count": Count(
            "rsvps", filter=Q(rsvps__answer="yes", rsvps__waitlist_position__isnull=True)
        ),
        "waitlist_count": Count("rsvps", filter=Q(rsvps__waitlist_position__isnull=False)),
    }


def hr_gathering_list():
    return Gathering.objects.select_related("host").annotate(**_rsvp_counts()).order_by("-start")


def gathering_for_page(*, pk: int):
    return (
        Gathering.objects.select_related("host")
        .prefetch_related(
            "host_contacts",
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("speaker_member__user", "speaker_user"),
            ),
            Prefetch("organisers", queryset=Organiser.objects.select_related("member__user")),
        )
        .get(pk=pk)
    )


@dataclass(frozen=True)
class Counts:
    yes: int
    no: int
    maybe: int
    waitlisted: int
    not_answered: int
    checked_in: int


def answer_counts(*, gathering: Gathering) -> Counts:
    row = Rsvp.objects.filter(gathering=gathering).aggregate(
        yes=Count("pk", filter=CONFIRMED),
        no=Count("pk", filter=Q(answer=Rsvp.Answer.NO)),
        maybe=Count("pk", filter=Q(answer=Rsvp.Answer.MAYBE)),
        waitlisted=Count("pk", filter=WAITLISTED),
        not_answered=Count("pk", filter=Q(answer=Rsvp.Answer.PENDING)),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
    )
    return Counts(**row)


def attendee_rows(*, gathering: Gathering):
    """Every answer with its member, confirmed first, then the waiting list in order."""
    group = Case(
        When(CONFIRMED, then=Value(0)),
        When(WAITLISTED, then=Value(1)),
        When(answer=Rsvp.Answer.MAYBE, then=Value(2)),
        When(answer=Rsvp.Answer.NO, then=Value(3)),
        default=Value(4),
    )
    return (
        Rsvp.objects.filter(gathering=gathering)
        .select_related("member__user", "member__employer")
        .alias(group=group)
        .order_by("group", "waitlist_position", "member__user__last_name", "pk")
    )


def dietary_summary(rsvps) -> list[tuple[str, int]]:
    """Dietary needs of confirmed attendees, the same need counted once however it is cased."""
    counter: Counter[str] = Counter()
    for rsvp in rsvps:
        if rsvp.confirmed and (need := " ".join(rsvp.dietary.split()).lower()):
            counter[need] += 1
    return [(need[:1].upper() + need[1:], count) for need, count in counter.most_common()]


@dataclass(frozen=True)
class HostRow:
    organisation: Organisation
    # The last gathering that took place there, and the next one planned there.
    last_hosted: object
    # Members whose work there the viewer may see.
    members: int
    # (ProfileView, when last asked) of each member working there who lets the viewer
    # see both their work and that they are open to hosting.
    contacts: list = field(default_factory=list)
    next_hosted: object = None


def host_rotation(*, viewer, min_members: int = 3) -> tuple[list[HostRow], Organisation | None]:
    """Organisations with when each last hosted and how many members work there,
    and the suggested next host: never or least recently hosted, with enough members.

    Seen by `viewer` through the privacy rule: an organisation known only from
    profiles that hide their work is not listed, a member counts only where the
    viewer may see their work, and only those who let the viewer see they are
    open to hosting are offered as contacts."""
    now = timezone.now()
    hosted = Gathering.objects.filter(host=OuterRef("pk")).exclude(
        status=Gathering.Status.CANCELLED
    )
    # A gathering still to come is the next one there, not the last one hosted.
    held = Q(status=Gathering.Status.DONE) | Q(start__lt=now)
    last = hosted.filter(held).order_by().values("host").annotate(m=Max("start")).values("m")
    upcoming = hosted.exclude(held).order_by().values("host").annotate(m=Min("start")).values("m")
    open_to_hosting = Prefetch(
        "employees",
        queryset=Member.objects.filter(hosting.host_contacts_q(viewer))
        .select_related("user", "employer")
        .order_by("user__last_name", "user__first_name"),
        to_attr="hosting_members",
    )
    organisations = (
        seen_organisations(viewer=viewer)
        .annotate(last_hosted=Subquery(last), next_hosted=Subquery(upcoming))
        .prefetch_related(open_to_hosting)
        .order_by("name")
    )
    asked = hosting.last_asked(member.pk for org in organisations for member in org.hosting_members)
    rows = [
        HostRow(
            organisation=org,
            last_hosted=org.last_hosted,
            next_hosted=org.next_hosted,
            members=org.member_count,
            contacts=[
                (card, asked.get(card.pk))
                for card in directory_cards(
                    members=org.hosting_members, viewer=viewer, competences={}
                )
            ],
        )
        for org in organisations
    ]
    # An organisation that already hosts the next gathering is not asked again.
    candidates = [row for row in rows if row.members >= min_members and row.next_hosted is None]
    # Never hosted sorts first; then the longest ago; then the most members.
    candidates.sort(
        key=lambda row: (
            row.last_hosted is not None,
            row.last_hosted or timezone.now(),
            -row.members,
        )
    )
    return rows, candidates[0].organisation if candidates else None


def visible_to_member(*, member: Member):
    """Gatherings a member may open: not drafts, and meant for them (audience or invited)
    or organised by them (HR may pick an organiser from outside the audience)."""
    from .planning import audience_members

    published = Gathering.objects.exclude(status=Gathering.Status.DRAFT)
    ids = [
        gathering.pk
        for gathering in published.only("pk", "audience")
        if not gathering.audience
        or audience_members(gathering=gathering).filter(pk=member.pk).exists()
    ]
    invited = Rsvp.objects.filter(member=member).values("gathering_id")
    organised = Organiser.objects.filter(member=member).values("gathering_id")
    return published.filter(Q(pk__in=ids) | Q(pk__in=invited) | Q(pk__in=organised))


def upcoming_for_member(member: Member, *, now=None):
    """Upcoming published gatherings for a member, each with `my_rsvp` (or None).

    The member home shows these; see the report for how it is wired.
    """
    now = now or timezone.now()
    return list(
        visible_to_member(member=member)
        .filter(status=Gathering.Status.PUBLISHED, end__gte=now)
        .select_related("host")
        .prefetch_related(
            Prefetch("rsvps", queryset=Rsvp.objects.filter(member=member), to_attr="my_rsvps")
        )
        .annotate(
            is_organiser=Exists(Organiser.objects.filter(gathering=OuterRef("pk"), member=member))
        )
        .order_by("start")
    )


def past_for_member(member: Member, *, now=None, limit: int = 10):
    now = now or timezone.now()
    return list(
        Gathering.objects.filter(rsvps__member=member, end__lt=now)
        .select_related("host")
        .prefetch_related(
            Prefetch("rsvps", queryset=Rsvp.objects.filter(member=member), to_attr="my_rsvps")
        )
        .order_by("-start")[:limit]
    )


def home_section(request, member):
    """The members app's HOME_SECTIONS hook: (template, context) or None."""
    if member is None:
        return None
    gatherings = upcoming_for_member(member)
    if not gatherings:
        return None
    return "gatherings/includes/home_section.html", {"gatherings": gatherings}


def answer_link_rsvp(*, gathering_id: int, member_id: int) -> Rsvp | None:
    """The answer row of an answer link with its gathering, host and member's user, or None.

    One query, with only the columns the answer pages, the answer and its email read.
    """
    rsvps = Rsvp.objects.select_related("gathering__host", "member__user").only(
        "answer",
        "waitlist_position",
        "dietary",
        "gathering__title",
        "gathering__start",
        "gathering__end",
        "gathering__capacity",
        "gathering__rsvp_deadline",
        "gathering__ask_dietary",
        "gathering__address",
        "gathering__room",
        "gathering__directions",
        "gathering__status",
        "gathering__host__name",
        "member__user__email",
        "member__user__first_name",
        "member__user__language",
    )
    # get(), not first(): no ORDER BY, so the planner uses the (gathering, member) index.
    try:
        return rsvps.get(gathering_id=gathering_id, member_id=member_id)
    except Rsvp.DoesNotExist:
        return None
