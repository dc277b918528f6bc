"""Planning a gathering: create, copy, change, publish and invite, cancel, organisers."""

import uuid
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from members.models import Member

from . import agenda, emails
from .models import Gathering, Organiser, Rsvp
from .rsvp import fill_free_seats

# A change of any of these replaces the event in attendees' calendars.
CALENDAR_FIELDS = ("start", "end", "host_id", "address", "room")


class TransitionError(Exception):
    """The gathering is not in a state that allows this step."""


def audience_members(*, gathering: Gathering):
    """The members a gathering is for, by its audience filter ({} is everyone)."""
    audience = gathering.audience or {}
    members = Member.objects.filter(user__is_active=True)
    if departments := [d for d in audience.get("departments", []) if d]:
        query = Q()
        for department in departments:
            query |= Q(departments__icontains=department)
        members = members.filter(query)
    if locations := [loc for loc in audience.get("locations", []) if loc]:
        query = Q()
        for location in locations:
            query |= Q(location__icontains=location)
        members = members.filter(query)
    if audience.get("left_from"):
        members = members.filter(left_year__gte=audience["left_from"])
    if audience.get("left_to"):
        members = members.filter(left_year__lte=audience["left_to"])
    return members


def create_gathering(*, by=None, from_template: bool = True, **fields) -> Gathering:
    with transaction.atomic():
        gathering = Gathering(created_by=by, **fields)
        gathering.full_clean()
        gathering.save()
        if from_template:
            agenda.create_agenda_from_template(gathering=gathering)
    return gathering


def copy_last_gathering(*, by=None, now=None) -> Gathering | None:
    """A new draft like the latest gathering, a few weeks later; None if there is none."""
    source = Gathering.objects.exclude(status=Gathering.Status.CANCELLED).order_by("-start").first()
    if source is None:
        return None
    now = now or timezone.now()
    # Same weekday and time, in the first free week after today (or after the source).
    shift = timedelta(weeks=max(4, ((now - source.start).days // 7) + 4))
    with transaction.atomic():
        copy = Gathering.objects.create(
            title=source.title,
            format=source.format,
            start=source.start + shift,
            end=source.end + shift,
            capacity=source.capacity,
            description=source.description,
            rsvp_deadline=source.rsvp_deadline + shift if source.rsvp_deadline else None,
            ask_dietary=source.ask_dietary,
            audience=source.audience,
            created_by=by,
        )
        agenda.copy_agenda(source=source, target=copy)
    return copy


def update_gathering(*, gathering: Gathering, changed: dict) -> Gathering:
    """Save changed fields; a new time or venue bumps SEQUENCE and emails yes/maybe an update."""
    with transaction.atomic():
        locked = Gathering.objects.select_for_update().get(pk=gathering.pk)
        calendar_changed = any(
            name in changed and changed[name] != getattr(locked, name) for name in CALENDAR_FIELDS
        )
        for name, value in changed.items():
            setattr(locked, name, value)
        if calendar_changed:
            locked.sequence += 1
        locked.full_clean()
        locked.save()
        if calendar_changed and locked.status == Gathering.Status.PUBLISHED:
            for rsvp in _answered(locked, [Rsvp.Answer.YES, Rsvp.Answer.MAYBE]):
                emails.queue_update(rsvp=rsvp, sequence=locked.sequence)
        # More seats may have opened for the waiting list.
        fill_free_seats(gathering=locked)
    return locked


def _answered(gathering: Gathering, answers: list[str]):
    return Rsvp.objects.filter(gathering=gathering, answer__in=answers).select_related(
        "member__user", "gathering"
    )


def not_yet_invited(*, gathering: Gathering):
    """Members of the audience who want gathering emails and have no invitation yet."""
    return (
        audience_members(gathering=gathering)
        .filter(wants_gathering_emails=True)
        .exclude(rsvps__gathering=gathering)
    )


def publish_and_invite(*, gathering: Gathering, now=None) -> int:
    """Publish and invite the audience (once each); returns how many invitations were queued."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Gathering.objects.select_for_update().get(pk=gathering.pk)
        if locked.status not in (Gathering.Status.DRAFT, Gathering.Status.PUBLISHED):
            raise TransitionError(locked.status)
        locked.status = Gathering.Status.PUBLISHED
        locked.invited_at = locked.invited_at or now
        locked.save(update_fields=["status", "invited_at"])
        members = not_yet_invited(gathering=locked)
        Rsvp.objects.bulk_create(
            [Rsvp(gathering=locked, member=member, invited_at=now) for member in members],
            ignore_conflicts=True,
        )
        invited = Rsvp.objects.filter(gathering=locked, invited_at=now).select_related(
            "member__user", "gathering"
        )
        count = 0
        for rsvp in invited:
            emails.queue_invitation(rsvp=rsvp)
            count += 1
    gathering.refresh_from_db()
    return count


def cancel_gathering(*, gathering: Gathering) -> None:
    """Cancel once; everyone who said yes or maybe gets a calendar CANCEL."""
    with transaction.atomic():
        locked = Gathering.objects.select_for_update().get(pk=gathering.pk)
        if locked.status in (Gathering.Status.CANCELLED, Gathering.Status.DONE):
            raise TransitionError(locked.status)
        was_published = locked.status == Gathering.Status.PUBLISHED
        locked.status = Gathering.Status.CANCELLED
        locked.sequence += 1
        locked.save(update_fields=["status", "sequence"])
        if was_published:
            for rsvp in _answered(locked, [Rsvp.Answer.YES, Rsvp.Answer.MAYBE]):
                emails.queue_cancellation(rsvp=rsvp)
    gathering.refresh_from_db()


def mark_done(*, gathering: Gathering) -> None:
    updated = Gathering.objects.filter(pk=gathering.pk, status=Gathering.Status.PUBLISHED).update(
        status=Gathering.Status.DONE
    )
    if not updated:
        raise TransitionError(gathering.status)
    gathering.refresh_from_db()


def add_organiser(*, gathering: Gathering, member: Member) -> Organiser:
    organiser, _ = Organiser.objects.get_or_create(gathering=gathering, member=member)
    return organiser


def message_confirmed(*, gathering: Gathering, subject: str, body: str) -> int:
    """Email every confirmed attendee through the outbox; returns how many."""
    message_id = uuid.uuid4().hex
    with transaction.atomic():
        rsvps = list(_answered(gathering, [Rsvp.Answer.YES]).filter(waitlist_position__isnull=True))
        for rsvp in rsvps:
            emails.queue_message(rsvp=rsvp, subject=subject, body=body, message_id=message_id)
    return len(rsvps)
