"""Demo gatherings: one held in September with check-ins, one coming up with a waiting list.

Runs after members.demo. Deterministic (a seeded generator, dates from today's
date) and idempotent: a gathering that exists by its title is left as it is.
No email is queued: the demo shows the state, it does not send invitations.
"""

import random
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation

from members.models import Member, Organisation
from members.profiles import organisation_for_name

from .agenda import create_agenda_from_template
from .calendars import OSLO
from .models import AgendaItem, Gathering, HostContact, Organiser, Rsvp

PAST_TITLE = "Høstsamling i Bergen"
UPCOMING_TITLE = "Vintersamling hos Equinor"


def _oslo(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=OSLO)


def _next_thursday(after):
    return after + timedelta(days=(3 - after.weekday()) % 7 or 7)


def _members():
    return list(Member.objects.select_related("user").order_by("pk"))


def _past(members, rng, company: Organisation) -> Gathering:
    day = _oslo(timezone.localdate() - timedelta(days=72), 16).date()
    gathering = Gathering.objects.create(
        title=PAST_TITLE,
        format=Gathering.Format.AFTERNOON,
        start=_oslo(day, 16),
        end=_oslo(day, 19),
        rsvp_deadline=_oslo(day - timedelta(days=7), 12),
        capacity=40,
        description="Vi møttes på hovedkontoret for en ettermiddag med nytt fra selskapet, "
        "en alumnihistorie fra Nordsjøen og mingling.",
        host=company,
        address="Strandkaien 2, 5013 Bergen",
        room="Kantina, 1. etasje",
        directions="Fem minutters gange fra Bryggen. Meld deg i resepsjonen.",
        status=Gathering.Status.DONE,
        invited_at=_oslo(day - timedelta(days=30), 9),
        sequence=1,
    )
    create_agenda_from_template(gathering=gathering)
    for index, member in enumerate(members):
        answer = rng.choices(["yes", "no", "maybe", ""], weights=[6, 2, 1, 2])[0]
        answered = gathering.invited_at + timedelta(hours=rng.randrange(2, 400))
        Rsvp.objects.create(
            gathering=gathering,
            member=member,
            answer=answer,
            invited_at=gathering.invited_at,
            answered_at=answered if answer else None,
            dietary=rng.choice(["", "", "", "Vegetar", "Glutenfri"]) if answer == "yes" else "",
            checked_in_at=gathering.start + timedelta(minutes=rng.randrange(-10, 25))
            if answer == "yes" and index % 6
            else None,
            reminded_at=gathering.start - timedelta(days=2) if answer == "yes" else None,
        )
    _count_seats(gathering)
    return gathering


def _count_seats(gathering: Gathering) -> None:
    """The counters of answers written here directly, as the answer path would keep them."""
    gathering.seats_taken = gathering.rsvps.filter(answer="yes", waitlist_position=None).count()
    tickets = gathering.rsvps.aggregate(last=Max("waitlist_position"))["last"]
    gathering.waitlist_tickets = tickets or 0
    gathering.save(update_fields=["seats_taken", "waitlist_tickets"])


def _upcoming(members, rng, host: Organisation) -> Gathering:
    day = _next_thursday(timezone.localdate() + timedelta(days=35))
    gathering = Gathering.objects.create(
        title=UPCOMING_TITLE,
        format=Gathering.Format.AFTERNOON,
        start=_oslo(day, 16),
        end=_oslo(day, 19),
        rsvp_deadline=_oslo(day - timedelta(days=7), 12),
        capacity=15,
        description="Equinor tar imot oss på Fornebu. Vi hører hva som har skjedd i Fjordvik "
        "siden sist, møter en tidligere kollega som tok et år i Antarktis, og får et faglig "
        "innlegg om havvind. Til slutt: nettverksoppgave og mat.",
        host=host,
        address="Martin Linges vei 33, 1364 Fornebu",
        room="Auditoriet, bygg E",
        directions="Buss 31 til Fornebu senter. Parkering i P2 mot avgift. "
        "Vis deg i resepsjonen, vi henter dere der.",
        status=Gathering.Status.PUBLISHED,
        invited_at=timezone.now() - timedelta(days=6),
    )
    create_agenda_from_template(gathering=gathering)
    items = {item.kind: item for item in gathering.agenda_items.all()}
    items[AgendaItem.Kind.COMPANY_UPDATE].speaker_name = "Marit Sande"
    items[AgendaItem.Kind.COMPANY_UPDATE].speaker_organisation = settings.COMPANY_NAME
    items[
        AgendaItem.Kind.COMPANY_UPDATE
    ].description = "Ny toppledelse, kontor i Tromsø og tre nye havvindprosjekter."
    items[AgendaItem.Kind.ALUMNUS_STORY].title = "Et år i Antarktis"
    items[AgendaItem.Kind.ALUMNUS_STORY].speaker_member = members[3]
    items[AgendaItem.Kind.TALK].title = "Flytende havvind: hva vi har lært"
    items[AgendaItem.Kind.TALK].speaker_name = "Dr. Lene Vik"
    items[AgendaItem.Kind.TALK].speaker_organisation = "SINTEF Energi"
    AgendaItem.objects.bulk_update(
        items.values(),
        ["title", "description", "speaker_name", "speaker_organisation", "speaker_member"],
    )
    HostContact.objects.create(
        gathering=gathering,
        name="Eirik Solberg",
        email="eirik.solberg@equinor.example",
        phone="+47 913 45 678",
    )
    Organiser.objects.create(gathering=gathering, member=members[2])

    # Ingrid (the demo login) has a seat; Ola has not answered yet.
    answers = ["yes"] * 15 + ["yes"] * 3 + ["no"] * 4 + ["maybe"] * 3
    rng.shuffle(answers)
    order = [members[0], *members[3:]]
    answers = ["yes", *answers]
    ticket = 0
    confirmed = 0
    for member, answer in zip(order, answers, strict=False):
        waitlist = None
        if answer == "yes":
            if confirmed < gathering.capacity:
                confirmed += 1
            else:
                ticket += 1
                waitlist = ticket
        Rsvp.objects.create(
            gathering=gathering,
            member=member,
            answer=answer,
            waitlist_position=waitlist,
            invited_at=gathering.invited_at,
            answered_at=gathering.invited_at + timedelta(hours=rng.randrange(1, 120)),
            dietary=rng.choice(["", "", "Vegetar", "Laktosefri", "Nøtteallergi"])
            if answer == "yes"
            else "",
        )
    # Everyone else was invited and has not answered yet.
    answered = set(gathering.rsvps.values_list("member_id", flat=True))
    Rsvp.objects.bulk_create(
        Rsvp(gathering=gathering, member=member, invited_at=gathering.invited_at)
        for member in members
        if member.pk not in answered
    )
    _count_seats(gathering)
    return gathering


@transaction.atomic
def seed(stdout) -> None:
    # Agenda titles come from the templates in the network's default language.
    with translation.override(settings.LANGUAGE_CODE):
        _seed(stdout)


def _seed(stdout) -> None:
    members = _members()
    if len(members) < 8:
        stdout.write("Gatherings: too few members for the demo, skipped")
        return
    rng = random.Random(6)
    company = organisation_for_name(name=settings.COMPANY_NAME)
    host = organisation_for_name(name="Equinor ASA")
    if not Gathering.objects.filter(title=PAST_TITLE).exists():
        _past(members, rng, company)
    if not Gathering.objects.filter(title=UPCOMING_TITLE).exists():
        _upcoming(members, rng, host)
    stdout.write(f"Gatherings: {Gathering.objects.count()}")
