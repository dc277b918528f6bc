"""Demo data for the member side: the coordinator, members with varied profiles
and privacy, employers, competences, jobs, news and the guidelines.

The members joined over the network's three years, and one came back to work.
"""

import random
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from .demo_photos import add_demo_photos
from .models import (
    GuidelinesAcceptance,
    GuidelinesVersion,
    Job,
    Member,
    NewsItem,
    Rehire,
    User,
    Visibility,
)
from .profiles import competences_for_names, organisation_for_name, refresh_search_text

DEMO_PASSWORD = "alumni-demo-2026"  # noqa: S105 - the public demo login, printed by seed_demo
COORDINATOR_EMAIL = "hr@fjordvik.example"

DEMO_MEMBERS = [
    ("Ingrid", "Hansen", "ingrid.hansen@epost.example", "nb"),
    ("Ola", "Nordmann", "ola.nordmann@epost.example", "nb"),
    ("Kari", "Bakken", "kari.bakken@epost.example", "nb"),
    ("Søren", "Ødegård", "soren.odegard@epost.example", "nb"),
    ("Astrid", "Lie", "astrid.lie@epost.example", "en"),
    ("Håkon", "Strand", "hakon.strand@epost.example", "nb"),
    ("Maria", "Johansen", "maria.johansen@epost.example", "en"),
    ("Bjørn", "Aasen", "bjorn.aasen@epost.example", "nb"),
]


def _ensure_user(email, *, first_name, last_name, language="nb", is_staff=False):
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "language": language,
            "is_staff": is_staff,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


EMPLOYERS = [
    ("Equinor ASA", "Stavanger"),
    ("Aker Solutions", "Fornebu"),
    ("Statkraft", "Oslo"),
    ("DNV", "Høvik"),
    ("Bouvet", "Bergen"),
    ("Norconsult", "Sandvika"),
    ("Havila Kystruten", "Fosnavåg"),
    ("Ørsted", "Oslo"),
]
COMPETENCES = [
    "Prosjektledelse",
    "Havvind",
    "Boring og brønn",
    "Geologi",
    "Python",
    "Dataanalyse",
    "HMS",
    "Kontraktsforhandling",
    "Subsea",
    "Regnskap",
    "Rekruttering",
    "Elektro",
    "Maskinlæring",
    "Innkjøp",
]
DEPARTMENTS = ["Boring", "Drift", "Prosjekt", "Økonomi", "HR", "IT", "Geofag", "HMS"]
TITLES = [
    "Prosjektleder",
    "Seniorrådgiver",
    "Daglig leder",
    "Fagsjef",
    "Ingeniør",
    "Konsulent",
    "Avdelingsleder",
]
PLACES = ["Bergen", "Stavanger", "Oslo", "Trondheim", "Haugesund", "Tromsø", "Sandnes"]
# One first name each, none of them also among the generated leavers of the
# register demo (who may join later), so no two demo members share a name.
EXTRA_FIRST = [
    "Nora", "Emil", "Sofie", "Jakob", "Ingvild", "Hedda", "Tobias", "Thea",
    "Sander", "Maja", "Henrik", "Emma", "Kristoffer", "Vilde", "Mathias", "Ane",
    "Fredrik", "Tuva", "Andreas", "Synne", "Martin", "Julie", "Elias", "Oda",
]  # fmt: skip
EXTRA_LAST = [
    "Berg", "Haugen", "Dahl", "Moen", "Solberg", "Eide", "Lund", "Vik",
    "Foss", "Strøm", "Nygård", "Bråten", "Hagen", "Aune", "Myhre", "Sæther",
    "Holm", "Rønning", "Tangen", "Brekke", "Hovland", "Fjeld", "Kvam", "Nesse",
]  # fmt: skip
# Letters an email address of the demo spells without diacritics.
ASCII_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})

JOBS = [
    (
        "Senior prosjektleder havvind",
        "Vi bygger opp porteføljen innen havvind og trenger erfarne prosjektledere.",
        "Bergen",
        ["Prosjektledelse", "Havvind"],
        45,
    ),
    (
        "Boreingeniør",
        "Ny lisens i Nordsjøen. Er du en av dem som savner boredekket?",
        "Stavanger",
        ["Boring og brønn", "HMS"],
        30,
    ),
    (
        "Dataanalytiker",
        "Hjelp oss å bruke data fra produksjonen bedre.",
        "Oslo",
        ["Python", "Dataanalyse", "Maskinlæring"],
        None,
    ),
]
NEWS = [
    (
        "Ny administrerende direktør",
        "Styret har ansatt Marit Sande som ny administrerende direktør fra 1. januar.",
        2,
    ),
    (
        "Vi åpner kontor i Tromsø",
        "Fra våren har vi et lite kontor i Tromsø for arbeidet i Barentshavet.",
        12,
    ),
    (
        "Rekordår for havvindprosjektene",
        "Tre nye prosjekter er vedtatt siden sist vi møttes. Vi forteller mer på neste samling.",
        30,
    ),
]
GUIDELINES_NB = """Fjordvik Alumni er nettverket for alle som har jobbet i Fjordvik Energi.

Formål: Vi holder kontakten, deler kunnskap og hjelper hverandre videre i arbeidslivet.

Retningslinjer:
- Vis respekt for hverandre, på samlinger og i katalogen.
- Del ikke andres kontaktopplysninger utenfor nettverket.
- Nettverket er ikke en salgskanal: ta kontakt med omtanke.
- Du bestemmer selv hva andre medlemmer ser av profilen din."""
GUIDELINES_EN = """Fjordvik Alumni is the network for everyone who has worked at Fjordvik Energi.

Purpose: we keep in touch, share knowledge and help each other along in working life.

Guidelines:
- Treat each other with respect, at gatherings and in the directory.
- Do not share other members' contact details outside the network.
- The network is not a sales channel: get in touch thoughtfully.
- You decide what other members see of your profile."""


def _profile(member, rng, index):
    """A varied, deterministic profile: some members share much, some little."""
    employer, city = EMPLOYERS[index % len(EMPLOYERS)]
    started = 1995 + rng.randrange(20)
    member.title = rng.choice(TITLES)
    member.location = rng.choice(PLACES)
    member.started_year = started
    member.left_year = min(started + 2 + rng.randrange(12), 2025)
    member.departments = ", ".join(rng.sample(DEPARTMENTS, 1 + rng.randrange(2)))
    member.languages = rng.choice(["Norsk, engelsk", "Norsk, engelsk, tysk", "Norsk"])
    member.bio = rng.choice(
        [
            "Savner kaffen i 4. etasje og folkene rundt den.",
            "Jobber med det grønne skiftet, gjerne i samarbeid med gamle kolleger.",
            "Tar gjerne en prat om karriere og mentorskap.",
            "",
        ]
    )
    member.phone = f"+47 9{rng.randrange(10_000_000):07d}"
    member.open_to_returning = rng.random() < 0.4
    member.open_to_projects = rng.random() < 0.4
    member.open_to_speaking = rng.random() < 0.3
    member.open_to_hosting = rng.random() < 0.2
    member.open_to_mentoring = rng.random() < 0.3
    # Privacy varies: most keep the defaults, some share more, some hide.
    style = index % 4
    if style == 1:
        member.phone_visibility = Visibility.MEMBERS
        member.availability_visibility = Visibility.MEMBERS
    elif style == 2:
        member.work_visibility = Visibility.HR
        member.location_visibility = Visibility.HIDDEN
    elif style == 3 and index % 8 == 7:
        member.in_directory = False
    member.employer = organisation_for_name(name=employer)
    if member.employer.city != city:
        member.employer.city = city
        member.employer.save(update_fields=["city"])
    member.employment_confirmed_at = member.joined_at
    member.save()
    member.competences.set(
        competences_for_names(names=rng.sample(COMPETENCES, 2 + rng.randrange(3)))
    )
    refresh_search_text(member=member)


def demo_people() -> list[tuple[str, str, str, str]]:
    """The demo's own members (first name, last name, email, language), logins first."""
    people = [(f, last, e, lang) for f, last, e, lang in DEMO_MEMBERS]
    for i, first in enumerate(EXTRA_FIRST):
        # A stride coprime with the list's length mixes the surnames, each used once.
        last = EXTRA_LAST[(i * 7) % len(EXTRA_LAST)]
        email = f"{first}.{last}@epost.example".lower().translate(ASCII_LETTERS)
        people.append((first, last, email, "nb"))
    return people


def demo_member_emails() -> list[str]:
    """The addresses of the demo's own members (not those who joined through a campaign)."""
    return [email for _first, _last, email, _language in demo_people()]


# The network is three years old: the first of the demo's own members joined
# then, and joining picked up as word got round (more joins in recent months).
# The last joined well before the held demo gathering invited everyone.
HISTORY_DAYS = 3 * 365
LAST_OWN_JOIN_DAYS = 110
GROWTH_CURVE = 1.7


def joined_days_ago(index: int, count: int) -> int:
    """How long ago the `index`th of `count` demo members joined: a curve that grows."""
    share_of_time = (1 - (index + 0.5) / count) ** GROWTH_CURVE
    return LAST_OWN_JOIN_DAYS + round((HISTORY_DAYS - LAST_OWN_JOIN_DAYS - 15) * share_of_time)


def _joined_at(index: int, count: int, now):
    # Its own generator, so the profiles' generator draws what it always drew.
    hour = random.Random(index).randrange(7, 22)
    day = now - timedelta(days=joined_days_ago(index, count))
    return day.replace(hour=hour, minute=(index * 7) % 60, second=0, microsecond=0)


# One member came back to work at the company: the boomerang the network hopes for.
REHIRED_EMAIL = "hakon.strand@epost.example"
REHIRED_DAYS_AGO = 45
REHIRED_ROLE = "Prosjektleder havvind"


def _rehire(member, coordinator, now) -> None:
    """Record the demo's rehire once (its date moves with today, so look for any)."""
    if not member.rehires.exists():
        Rehire.objects.create(
            member=member,
            rehired_on=(now - timedelta(days=REHIRED_DAYS_AGO)).date(),
            role=REHIRED_ROLE,
            recorded_by=coordinator,
            created_at=now - timedelta(days=REHIRED_DAYS_AGO - 3),
        )


@transaction.atomic
def seed(stdout) -> None:
    rng = random.Random(2026)
    now = timezone.now()
    coordinator = _ensure_user(
        COORDINATOR_EMAIL, first_name="Hanne", last_name="Koordinator", is_staff=True
    )
    # The demo's one coordinator owns the network: the audit log and the back office open too.
    if not coordinator.is_superuser:
        coordinator.is_superuser = True
        coordinator.save(update_fields=["is_superuser"])
    people = demo_people()
    members = []
    for index, (first_name, last_name, email, language) in enumerate(people):
        user = _ensure_user(email, first_name=first_name, last_name=last_name, language=language)
        member, _created = Member.objects.get_or_create(
            user=user, defaults={"joined_at": _joined_at(index, len(people), now)}
        )
        members.append(member)
    for index, member in enumerate(members):
        _profile(member, rng, index)
    add_demo_photos(members)
    # The first demo login shares a full profile and is open to returning.
    ingrid = members[0]
    ingrid.open_to_returning = True
    # Her employer was last confirmed over a year ago: the home page asks again.
    ingrid.employment_confirmed_at = ingrid.joined_at - timedelta(days=400)
    ingrid.save(update_fields=["open_to_returning", "employment_confirmed_at"])

    version = GuidelinesVersion.objects.order_by("published_at").first()
    if version is None:
        version = GuidelinesVersion.objects.create(
            text_nb=GUIDELINES_NB,
            text_en=GUIDELINES_EN,
            published_at=now - timedelta(days=60),
            published_by=coordinator,
        )
    for member in members:
        GuidelinesAcceptance.objects.get_or_create(member=member, version=version)
    _rehire(next(m for m in members if m.user.email == REHIRED_EMAIL), coordinator, now)

    for title, description, location, competences, deadline_days in JOBS:
        job, created = Job.objects.get_or_create(
            title=title,
            defaults={
                "description": description,
                "location": location,
                "deadline": (now + timedelta(days=deadline_days)).date() if deadline_days else None,
                "created_by": coordinator,
            },
        )
        if created:
            job.competences.set(competences_for_names(names=competences))
    for title, body, days_ago in NEWS:
        NewsItem.objects.get_or_create(
            title=title,
            defaults={
                "body": body,
                "published_at": now - timedelta(days=days_ago),
                "created_by": coordinator,
            },
        )
    stdout.write(
        f"Members: {Member.objects.count()}, jobs: {Job.objects.count()}, "
        f"news: {NewsItem.objects.count()}"
    )


def describe_logins() -> list[str]:
    return [
        f"HR coordinator: {COORDINATOR_EMAIL} / {DEMO_PASSWORD}",
        f"Member:         {DEMO_MEMBERS[0][2]} / {DEMO_PASSWORD}",
    ]
