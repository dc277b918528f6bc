"""Demo data for the register: a few hundred Norwegian leavers, imported the real way.

The register goes in through the import engine (so it has history, like a real
one), the demo members are linked to their entries, and a few addresses are
suppressed. Deterministic, and a second run changes nothing.
"""

import csv
import datetime
import random
import tempfile
from pathlib import Path

from django.db import transaction

from alumni_network.mail.suppression import suppress_email
from members.models import Member

from ..models import Leaver, RegisterImport, Segment
from .engine import run_import

DEMO_FILE_NAME = "sluttregister-fjordvik-2026-10.csv"
LEAVER_COUNT = 300

FIRST_NAMES = [
    "Anne",
    "Per",
    "Kari",
    "Ole",
    "Ingrid",
    "Lars",
    "Marit",
    "Jon",
    "Silje",
    "Knut",
    "Hilde",
    "Geir",
    "Tone",
    "Espen",
    "Line",
    "Øyvind",
    "Åse",
    "Trond",
    "Berit",
    "Håvard",
    "Solveig",
    "Sindre",
    "Ragnhild",
    "Eirik",
    "Guro",
    "Bjørnar",
    "Sigrid",
    "Torbjørn",
    "Nina",
    "Kjetil",
    "Astrid",
    "Magnus",
    "Marte",
    "Jørgen",
    "Hanne",
    "Terje",
    "Liv",
    "Even",
    "Ida",
    "Ståle",
    "Mona",
    "Vegard",
    "Randi",
    "Audun",
    "Kristin",
    "Sverre",
]
LAST_NAMES = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Johnsen",
    "Pettersen",
    "Eriksen",
    "Berg",
    "Haugen",
    "Hagen",
    "Johannessen",
    "Andreassen",
    "Jacobsen",
    "Dahl",
    "Jørgensen",
    "Halvorsen",
    "Lie",
    "Sæther",
    "Solberg",
    "Strand",
    "Bakke",
    "Kvamme",
    "Ødegård",
    "Aasen",
    "Myklebust",
    "Grønlund",
    "Fjeldstad",
    "Løvås",
    "Bjørnstad",
    "Sandvik",
    "Våge",
    "Nygård",
    "Tveit",
]
DEPARTMENTS = [
    "Drift",
    "Nett",
    "Økonomi",
    "IT",
    "HR",
    "Kundeservice",
    "Prosjekt",
    "Innkjøp",
    "Marked",
    "Juridisk",
]
TITLES = [
    "Ingeniør",
    "Prosjektleder",
    "Rådgiver",
    "Controller",
    "Utvikler",
    "Driftstekniker",
    "Seniorrådgiver",
    "Avdelingsleder",
    "Konsulent",
    "Kundebehandler",
    "Elektriker",
]
LOCATIONS = ["Bergen", "Oslo", "Stavanger", "Trondheim", "Florø", "Førde"]
HEADER = [
    "Ansattnr",
    "Fornavn",
    "Etternavn",
    "E-post privat",
    "Mobil",
    "Avdeling",
    "Stillingstittel",
    "Arbeidssted",
    "Ansatt dato",
    "Sluttdato",
    "Sluttårsak",
]
# Shown in the demo file to prove it is ignored; never stored.
REASONS = ["Ny jobb", "Flytting", "Studier", "Pensjon", ""]
SUPPRESSED = [(7, "opted_out"), (42, "bounced"), (77, "opted_out"), (150, "complained")]


def _ascii(text: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})
    return text.translate(table).lower()


def demo_rows() -> list[list[str]]:
    """The demo register as an HR system would export it (seeded, so always the same).

    Every demo member is in it (they are former employees), then generated leavers.
    """
    rng = random.Random(2026)
    rows = []
    members = Member.objects.select_related("user").order_by("user__email")
    for number, member in enumerate(members, start=1001):
        user = member.user
        rows.append(_row(rng, number, user.first_name, user.last_name, user.email))
    for number in range(2001, 2001 + LEAVER_COUNT):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = "" if number % 19 == 0 else f"{_ascii(first)}.{_ascii(last)}{number}@epost.example"
        rows.append(_row(rng, number, first, last, email))
    return rows


def _row(rng: random.Random, number: int, first: str, last: str, email: str) -> list[str]:
    hired = datetime.date(1995, 1, 1) + datetime.timedelta(days=rng.randrange(25 * 365))
    left = hired + datetime.timedelta(days=rng.randrange(365, 12 * 365))
    left = min(left, datetime.date(2026, 9, 30))
    return [
        str(number),
        first,
        last,
        email,
        f"9{rng.randrange(10_000_000):07d}",
        rng.choice(DEPARTMENTS),
        rng.choice(TITLES),
        rng.choice(LOCATIONS),
        hired.strftime("%d.%m.%Y"),
        left.strftime("%d.%m.%Y"),
        rng.choice(REASONS),
    ]


@transaction.atomic
def seed(stdout) -> None:
    if not RegisterImport.objects.filter(file_name=DEMO_FILE_NAME).exists():
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / DEMO_FILE_NAME
            with open(path, "w", encoding="utf-8", newline="") as file:
                writer = csv.writer(file, delimiter=";")
                writer.writerow(HEADER)
                writer.writerows(demo_rows())
            run_import(path=path, commit=True)
    for member in Member.objects.select_related("user").filter(leaver__isnull=True):
        Leaver.objects.with_email(member.user.email).filter(member__isnull=True).update(
            member=member, status=Leaver.Status.JOINED
        )
    for number, reason in SUPPRESSED:
        leaver = Leaver.objects.filter(employee_number=str(2000 + number)).first()
        if leaver and leaver.email:
            suppress_email(email=leaver.email, reason=reason)
    Segment.objects.get_or_create(
        name="Bergen, sluttet 2022–2024",
        defaults={
            "filters": {
                "location": "Bergen",
                "left_from": "2022-01-01",
                "left_to": "2024-12-31",
                "has_email": "yes",
            }
        },
    )
    stdout.write(f"Leavers register: {Leaver.objects.count()}")
