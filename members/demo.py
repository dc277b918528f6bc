"""Demo data for the member side: the coordinator and a few members."""

from allauth.account.models import EmailAddress
from django.db import transaction

from .models import Member, User

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


@transaction.atomic
def seed(stdout) -> None:
    _ensure_user(COORDINATOR_EMAIL, first_name="Hanne", last_name="Koordinator", is_staff=True)
    for first_name, last_name, email, language in DEMO_MEMBERS:
        user = _ensure_user(email, first_name=first_name, last_name=last_name, language=language)
        Member.objects.get_or_create(user=user)
    stdout.write(f"Members: {Member.objects.count()}")


def describe_logins() -> list[str]:
    return [
        f"HR coordinator: {COORDINATOR_EMAIL} / {DEMO_PASSWORD}",
        f"Member:         {DEMO_MEMBERS[0][2]} / {DEMO_PASSWORD}",
    ]
