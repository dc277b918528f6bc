"""Demo gatherings: one held with everything that happens at and after a meeting, one coming up.

The held one has check-ins, a guest, networking tasks, connections, feedback
and materials; the coming one has a waiting list, and personal codes so its
door can be tried. Before them, the network's three years of held gatherings,
each for the members who had joined by then.

Runs after members.demo. Deterministic (a seeded generator, dates from today's
date) and idempotent: a gathering that exists by its title is left as it is.
No email is queued: the demo shows the state, it does not send invitations.
"""

import random
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation

from invitations.campaigns import demo as campaigns_demo
from members.models import Member, Organisation
from members.profiles import organisation_for_name

from .agenda import create_agenda_from_template
from .calendars import OSLO
from .door.codes import ensure_codes
from .models import (
    AgendaItem,
    Connection,
    Feedback,
    Gathering,
    Guest,
    HostContact,
    Material,
    NetworkingTask,
    Organiser,
    Rsvp,
)
from .networking.generation import generate_tasks

PAST_TITLE = "Høstsamling i Bergen"
UPCOMING_TITLE = "Vintersamling hos Equinor"


def _oslo(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=OSLO)


def _next_thursday(after):
    return after + timedelta(days=(3 - after.weekday()) % 7 or 7)


def _members():
    """Everyone but the history's joiners: the two demo gatherings stay as they were made."""
    return list(
        Member.objects.select_related("user")
        .exclude(pk__in=campaigns_demo.history_members().values("pk"))
        .order_by("pk")
    )


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
        # The demo member (the first) came, so their login shows what a gathering leaves.
        answer = "yes" if index == 0 else answer
        answered = gathering.invited_at + timedelta(hours=rng.randrange(2, 400))
        Rsvp.objects.create(
            gathering=gathering,
            member=member,
            answer=answer,
            invited_at=gathering.invited_at,
            answered_at=answered if answer else None,
            dietary=rng.choice(["", "", "", "Vegetar", "Glutenfri"]) if answer == "yes" else "",
            checked_in_at=gathering.start + timedelta(minutes=rng.randrange(-10, 25))
            if answer == "yes" and index % 6 != 5
            else None,
            reminded_at=gathering.start - timedelta(days=2) if answer == "yes" else None,
        )
    _count_seats(gathering)
    _the_meeting(gathering, rng)
    return gathering


COMMENTS = [
    "Veldig hyggelig å se gamle kolleger igjen. Nettverksoppgaven fikk meg til å snakke "
    "med folk jeg ellers ikke hadde tatt kontakt med.",
    "Godt faglig innlegg. Litt kort tid til mingling på slutten.",
    "Flott arrangement! Gjerne en samling i Stavanger neste gang.",
    "Maten var god, men lyden i kantina var dårlig under foredraget.",
]


def _the_meeting(gathering: Gathering, rng: random.Random) -> None:
    """What the held gathering left behind: a guest, tasks, connections, feedback, slides."""
    came = list(gathering.rsvps.filter(checked_in_at__isnull=False).select_related("member__user"))
    ensure_codes(gathering.rsvps.filter(answer=Rsvp.Answer.YES))
    Guest.objects.create(
        gathering=gathering,
        name="Sigrid Aune",
        email="sigrid.aune@epost.example",
        employer="Bergen kommune",
        checked_in_at=gathering.start + timedelta(minutes=5),
    )
    _networking(gathering, rng)
    _feedback(gathering, came, rng)
    _materials(gathering)
    # The day-after emails went out long ago; the demo sends none.
    gathering.rsvps.update(followed_up_at=gathering.end + timedelta(days=1))


def _networking(gathering: Gathering, rng: random.Random) -> None:
    """Task cards for who came, seen at the meeting, and the connections ticked on them."""
    generate_tasks(gathering=gathering, now=gathering.start - timedelta(minutes=30))
    NetworkingTask.objects.filter(gathering=gathering).update(
        seen_at=gathering.start + timedelta(minutes=40)
    )
    gathering.check_in_closed_at = gathering.start + timedelta(minutes=45)
    gathering.save(update_fields=["check_in_closed_at"])
    _connections_from_tasks(gathering, rng)


def _feedback(gathering: Gathering, came: list[Rsvp], rng: random.Random) -> None:
    """Most of those who came rated the gathering the day after; a few wrote a comment."""
    comments = ["", "", "", *COMMENTS]
    rng.shuffle(comments)
    for rsvp in came:
        if rng.random() < 0.6:
            Feedback.objects.create(
                gathering=gathering,
                member=rsvp.member,
                rating=rng.choices([5, 4, 3, 2], weights=[5, 4, 1, 0.3])[0],
                comment=comments.pop() if comments else "",
                created_at=gathering.end + timedelta(days=1, hours=rng.randrange(1, 30)),
            )


def _connections_from_tasks(gathering: Gathering, rng: random.Random) -> None:
    """Most people ticked two or three of the people on their task card."""
    connections = {}
    for task in NetworkingTask.objects.filter(gathering=gathering).prefetch_related("picks"):
        picks = list(task.picks.all())
        for pick in rng.sample(picks, k=min(len(picks), rng.choice([0, 2, 3, 3]))):
            low, high = sorted((task.member_id, pick.person_id))
            connections.setdefault(
                (low, high),
                Connection(
                    member_low_id=low,
                    member_high_id=high,
                    gathering=gathering,
                    recorded_by_id=task.member_id,
                    created_at=gathering.end + timedelta(hours=rng.randrange(1, 48)),
                ),
            )
    Connection.objects.bulk_create(connections.values())


def _materials(gathering: Gathering) -> None:
    items = {item.kind: item for item in gathering.agenda_items.all()}
    update = items[AgendaItem.Kind.COMPANY_UPDATE]
    slides = Material(
        agenda_item=update,
        title="Nytt fra Fjordvik – lysark",
        filename="nytt-fra-fjordvik.pdf",
    )
    payload = _demo_slides()
    slides.size = len(payload)
    slides.file.save("nytt-fra-fjordvik.pdf", ContentFile(payload), save=False)
    slides.save()
    Material.objects.create(
        agenda_item=items[AgendaItem.Kind.TALK],
        title="Opptak og kilder til foredraget",
        url="https://www.sintef.no/havvind/",
    )


def _demo_slides() -> bytes:
    """Two slides as a real PDF, so the demo's download opens."""
    import io

    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=landscape(A4))
    width, height = landscape(A4)
    for title, line in (
        ("Nytt fra Fjordvik", "Høsten i korte trekk"),
        ("Tre nye havvindprosjekter", "Utsira Nord, Sørlige Nordsjø II og Vestavind"),
    ):
        pdf.setFont("Helvetica-Bold", 36)
        pdf.drawString(60, height - 140, title)
        pdf.setFont("Helvetica", 22)
        pdf.drawString(60, height - 200, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


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
    # Every Yes has its personal code, as one answered in the app; the door takes typed codes.
    ensure_codes(gathering.rsvps.filter(answer=Rsvp.Answer.YES))
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
    # After the two above, so they stay exactly as they were.
    _history()
    stdout.write(f"Gatherings: {Gathering.objects.count()}")


# The network's history -------------------------------------------------------------------

# (title, days ago, host, address, room): a gathering every few months since the start.
HISTORY = [
    ("Første alumnitreff", 980, None, "Strandkaien 2, 5013 Bergen", "Kantina, 1. etasje"),
    ("Alumnitreff i Stavanger", 850, "Equinor ASA", "Forusbeen 50, 4035 Stavanger", "Kantina"),
    ("Fagkveld: havvind", 720, "Statkraft", "Lilleakerveien 6, 0283 Oslo", "Auditoriet"),
    ("Alumnitreff hos DNV", 560, "DNV", "Veritasveien 1, 1363 Høvik", "Møterom Fram"),
    ("Frokostmøte i Bergen", 420, "Bouvet", "Solheimsgaten 15, 5058 Bergen", "Kantina"),
    ("Alumnitreff i Oslo", 290, "Aker Solutions", "Oksenøyveien 8, 1366 Lysaker", "Atriet"),
    ("Alumnitreff på kaien", 190, None, "Strandkaien 2, 5013 Bergen", "Takterrassen"),
]
NO_SHOW_SHARE = 0.15


def _history() -> None:
    for title, days_ago, host_name, address, room in HISTORY:
        if not Gathering.objects.filter(title=title).exists():
            host = organisation_for_name(name=host_name or settings.COMPANY_NAME)
            day = timezone.localdate() - timedelta(days=days_ago)
            _held(title=title, day=day, host=host, address=address, room=room)


def _held(*, title: str, day, host: Organisation, address: str, room: str) -> Gathering:
    """A gathering held on `day` for the members who had joined a month before it."""
    rng = random.Random(title)
    breakfast = title.startswith("Frokost")
    start = _oslo(day, 8 if breakfast else 16)
    gathering = Gathering.objects.create(
        title=title,
        format=Gathering.Format.BREAKFAST if breakfast else Gathering.Format.AFTERNOON,
        start=start,
        end=start + timedelta(hours=2 if breakfast else 3),
        rsvp_deadline=start - timedelta(days=7),
        capacity=80,
        description="Nytt fra selskapet, en alumnihistorie, et faglig innlegg og mingling.",
        host=host,
        address=address,
        room=room,
        status=Gathering.Status.DONE,
        invited_at=start - timedelta(days=30),
        sequence=1,
    )
    create_agenda_from_template(gathering=gathering)
    invited = Member.objects.filter(joined_at__lt=gathering.invited_at).order_by("pk")
    Rsvp.objects.bulk_create(_answers(gathering, invited, rng))
    _count_seats(gathering)
    ensure_codes(gathering.rsvps.filter(answer=Rsvp.Answer.YES))
    came = list(gathering.rsvps.filter(checked_in_at__isnull=False).select_related("member"))
    _networking(gathering, rng)
    _feedback(gathering, came, rng)
    gathering.rsvps.update(followed_up_at=gathering.end + timedelta(days=1))
    return gathering


def _answers(gathering: Gathering, invited, rng: random.Random) -> list[Rsvp]:
    """Each invited member's answer; most who said yes came, some did not show up."""
    rsvps = []
    for member in invited:
        answer = rng.choices(["yes", "no", "maybe", ""], weights=[5, 2, 1, 3])[0]
        came = answer == "yes" and rng.random() >= NO_SHOW_SHARE
        rsvps.append(
            Rsvp(
                gathering=gathering,
                member=member,
                answer=answer,
                invited_at=gathering.invited_at,
                answered_at=gathering.invited_at + timedelta(hours=rng.randrange(2, 400))
                if answer
                else None,
                checked_in_at=gathering.start + timedelta(minutes=rng.randrange(-10, 25))
                if came
                else None,
                reminded_at=gathering.start - timedelta(days=2) if answer == "yes" else None,
            )
        )
    return rsvps
