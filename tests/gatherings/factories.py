"""Factories for gatherings."""

from datetime import timedelta

import factory
from django.db.models import F
from django.utils import timezone

from gatherings.door.codes import new_code
from gatherings.models import AgendaItem, Gathering, Organiser, Rsvp

from ..factories import MemberFactory


class GatheringFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gathering

    title = factory.Sequence(lambda n: f"Alumnisamling {n}")
    format = Gathering.Format.AFTERNOON
    start = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
    )
    end = factory.LazyAttribute(lambda o: o.start + timedelta(hours=3))
    rsvp_deadline = factory.LazyAttribute(lambda o: o.start - timedelta(days=7))
    capacity = 40
    address = "Strandkaien 2, Bergen"
    status = Gathering.Status.PUBLISHED


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    gathering = factory.SubFactory(GatheringFactory)
    order = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Punkt {n}")
    duration_minutes = 20


class RsvpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rsvp
        skip_postgeneration_save = True  # the hook updates the gathering, not the answer

    gathering = factory.SubFactory(GatheringFactory)
    member = factory.SubFactory(MemberFactory)
    invited_at = factory.LazyFunction(timezone.now)
    answer = Rsvp.Answer.PENDING
    # A Yes has its personal code, as one given through the answer path.
    code = factory.LazyAttribute(lambda o: new_code() if o.answer == Rsvp.Answer.YES else "")

    @factory.post_generation
    def count_seat(rsvp, create, extracted, **kwargs):
        # The gathering's counters know of an answer made here, as of one
        # given through the answer path: a seat, or a ticket drawn.
        if create and rsvp.confirmed:
            Gathering.objects.filter(pk=rsvp.gathering_id).update(seats_taken=F("seats_taken") + 1)
        if create and rsvp.waitlisted:
            Gathering.objects.filter(
                pk=rsvp.gathering_id, waitlist_tickets__lt=rsvp.waitlist_position
            ).update(waitlist_tickets=rsvp.waitlist_position)


class OrganiserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organiser

    gathering = factory.SubFactory(GatheringFactory)
    member = factory.SubFactory(MemberFactory)
