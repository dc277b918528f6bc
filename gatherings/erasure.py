"""The gatherings' part of "download my data" and of erasing an account.

A member's answers (with dietary needs and check-in), organiser roles,
networking tasks, connections and feedback go with the member row by cascade;
erasure deletes them first so the seats they held go to the waiting list, and
removes what names the person without pointing at their member row: guests
registered at the door and host contacts with their address, and their name as
a speaker on an agenda.
"""

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from members import signals
from members.owndata import member_addresses
from members.privacy import visible_groups

from . import rsvp as answering
from .models import (
    AgendaItem,
    Connection,
    Feedback,
    Gathering,
    Guest,
    HostContact,
    NetworkingTask,
    Organiser,
    Rsvp,
)


def _iso(value):
    return value.isoformat() if value else None


def _gathering(gathering: Gathering) -> dict:
    return {"title": gathering.title, "start": _iso(gathering.start)}


def _name_as_seen(person, *, viewer) -> str:
    """The other member's name if the person may see their profile, else "" (as the pages do)."""
    if not visible_groups(member=person, viewer=viewer):
        return ""
    return person.user.get_full_name()


def _answers(member) -> list[dict]:
    rsvps = Rsvp.objects.filter(member=member).select_related("gathering").order_by("pk")
    return [
        {
            "gathering": _gathering(r.gathering),
            "answer": r.answer,
            "waitlist_position": r.waitlist_position,
            "dietary": r.dietary,
            "invited_at": _iso(r.invited_at),
            "answered_at": _iso(r.answered_at),
            "checked_in_at": _iso(r.checked_in_at),
        }
        for r in rsvps
    ]


def _networking_tasks(member, viewer) -> list[dict]:
    tasks = (
        NetworkingTask.objects.filter(member=member)
        .select_related("gathering")
        .prefetch_related("picks__person__user")
        .order_by("pk")
    )
    return [
        {
            "gathering": _gathering(task.gathering),
            "generated_at": _iso(task.generated_at),
            "seen_at": _iso(task.seen_at),
            "people": [
                {"name": _name_as_seen(pick.person, viewer=viewer), "kind": pick.kind}
                for pick in sorted(task.picks.all(), key=lambda p: p.order)
            ],
        }
        for task in tasks
    ]


def _connections(member, viewer) -> list[dict]:
    connections = (
        Connection.objects.filter(Q(member_low=member) | Q(member_high=member))
        .select_related("gathering", "member_low__user", "member_high__user")
        .order_by("created_at", "pk")
    )
    return [
        {
            "gathering": _gathering(c.gathering),
            "with": _name_as_seen(
                c.member_high if c.member_low_id == member.pk else c.member_low, viewer=viewer
            ),
            "recorded_by_you": c.recorded_by_id == member.pk,
            "created_at": _iso(c.created_at),
        }
        for c in connections
    ]


def _feedback(member) -> list[dict]:
    rows = Feedback.objects.filter(member=member).select_related("gathering").order_by("pk")
    return [
        {
            "gathering": _gathering(f.gathering),
            "rating": f.rating,
            "comment": f.comment,
            "created_at": _iso(f.created_at),
            "updated_at": _iso(f.updated_at),
        }
        for f in rows
    ]


def _by_address(model, member):
    return model.objects.annotate(address=Lower("email")).filter(
        address__in=sorted(member_addresses(member))
    )


def gatherings_data_of_member(sender, *, member, **kwargs):
    """Everything the gatherings hold about the member, for "download my data"."""
    viewer = member.user
    organiser = Organiser.objects.filter(member=member).select_related("gathering")
    guests = _by_address(Guest, member).select_related("gathering").order_by("pk")
    speaking = _speaking(member).select_related("gathering").order_by("pk")
    return "gatherings", {
        "answers": _answers(member),
        "organiser_of": [
            {"gathering": _gathering(o.gathering), "since": _iso(o.created_at)}
            for o in organiser.order_by("pk")
        ],
        "networking_tasks": _networking_tasks(member, viewer),
        "connections": _connections(member, viewer),
        "feedback": _feedback(member),
        "speaker_at": [
            {"gathering": _gathering(item.gathering), "title": item.title} for item in speaking
        ],
        "registered_as_guest": [
            {
                "gathering": _gathering(g.gathering),
                "name": g.name,
                "email": g.email,
                "employer": g.employer,
                "checked_in_at": _iso(g.checked_in_at),
            }
            for g in guests
        ],
    }


def _speaking(member):
    return AgendaItem.objects.filter(Q(speaker_member=member) | Q(speaker_user=member.user_id))


def erase_gatherings_data(sender, *, member, **kwargs) -> None:
    """Delete the member's answers and everything else of theirs; give their seats on."""
    upcoming = list(
        Rsvp.objects.filter(
            member=member,
            answer=Rsvp.Answer.YES,
            waitlist_position__isnull=True,
            gathering__start__gt=timezone.now(),
        ).values_list("gathering_id", flat=True)
    )
    Rsvp.objects.filter(member=member).delete()
    for gathering_id in sorted(upcoming):
        # Locks the gathering, counts the seats again and promotes the waiting list.
        answering.fill_free_seats(
            gathering=Gathering.objects.select_for_update().get(pk=gathering_id)
        )
    Feedback.objects.filter(member=member).delete()
    NetworkingTask.objects.filter(member=member).delete()
    Connection.objects.filter(Q(member_low=member) | Q(member_high=member)).delete()
    Organiser.objects.filter(member=member).delete()
    _speaking(member).update(speaker_name="", speaker_organisation="")
    _by_address(Guest, member).delete()
    _by_address(HostContact, member).delete()


def connect() -> None:
    """Join "download my data" and erasure (called from the app's ready())."""
    signals.collect_member_data.connect(
        gatherings_data_of_member, dispatch_uid="gatherings.gatherings_data_of_member"
    )
    signals.member_erasing.connect(
        erase_gatherings_data, dispatch_uid="gatherings.erase_gatherings_data"
    )
