"""Personal check-in codes such as "K7M-42P": typed at the door or scanned from the email.

Letters and digits that cannot be mistaken for one another when read off a
phone or a badge (no 0/O, 1/I/L, 5/S, 2/Z, 8/B). A Yes gets its code with the
answer (gatherings/rsvp.py), so the pages and emails that show codes only read them.
"""

import secrets

from django.db import IntegrityError, transaction

from ..models import Rsvp

ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:3]}-{raw[3:]}"


def normalise_code(typed: str) -> str:
    """What someone typed, as stored: upper case with the dash put back; "" if it cannot be one."""
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum())
    if len(cleaned) != CODE_LENGTH:
        return ""
    return f"{cleaned[:3]}-{cleaned[3:]}"


def code_taken(*, gathering_id: int, code: str) -> bool:
    """Whether another answer to the gathering holds `code`: why a write of it was refused."""
    return Rsvp.objects.filter(gathering_id=gathering_id, code=code).exists()


def ensure_code(rsvp: Rsvp) -> str:
    """The answer's personal code, given now if it has none (unique within the gathering)."""
    if rsvp.code:
        return rsvp.code
    for _ in range(10):
        code = new_code()
        try:
            with transaction.atomic():
                given = Rsvp.objects.filter(pk=rsvp.pk, code="").update(code=code)
        except IntegrityError:
            continue  # Taken in this gathering: draw again.
        if not given:
            # Someone else gave it a code meanwhile; theirs stands.
            code = Rsvp.objects.values_list("code", flat=True).get(pk=rsvp.pk)
        rsvp.code = code
        return code
    raise RuntimeError("no free personal code after 10 draws")


def ensure_codes(rsvps) -> None:
    """Give every answer in `rsvps` a code (demo data); one UPDATE per missing code."""
    for rsvp in rsvps:
        ensure_code(rsvp)
