"""HR correcting a leaver by hand (a missing address, a misspelt name), kept in their history.

A change in a leaver's history belongs to an import (LeaverChange.register_import is
required and unique per leaver), so a hand edit is recorded as a one-row import with
no file, uploaded by the person who edited: the history then reads "who, when, what
from what to what" the same way for files and hands. Such rows have an empty file
name, which is how the pages tell them apart (`is_hand_edit`).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from alumni_network.mail.models import Suppression, email_hash, normalise_email

from ..models import Leaver, LeaverChange, RegisterImport
from .mapping import FIELDS

EDITABLE_FIELDS = ("first_name", "last_name", "email", "phone")
HAND_EDIT_FILE_NAME = ""


class EmailTaken(Exception):
    """Another leaver already has the address (the register keeps one person per address)."""


def is_hand_edit(register_import: RegisterImport) -> bool:
    """Whether this "import" is the record of an edit by hand rather than a file."""
    return register_import.file_name == HAND_EDIT_FILE_NAME


def leaver_email_taken(*, email: str, leaver: Leaver) -> Leaver | None:
    """The other leaver who already has this address, if any."""
    if not email:
        return None
    return Leaver.objects.with_email(email).exclude(pk=leaver.pk).first()


def _changed_values(leaver: Leaver, values: dict) -> dict[str, list[str]]:
    changes = {}
    for name in EDITABLE_FIELDS:
        if name not in values:
            continue
        new = values[name].strip()
        if name == "email":
            new = normalise_email(new)
        if new != getattr(leaver, name):
            changes[name] = [getattr(leaver, name), new]
    return changes


def _suppressed(email: str) -> bool:
    return bool(email) and Suppression.objects.filter(email_hash=email_hash(email)).exists()


@transaction.atomic
def edit_leaver(*, leaver: Leaver, values: dict, user) -> dict[str, list[str]]:
    """Correct a leaver's name, email or phone and record it; returns {field: [old, new]}.

    An address on the suppression list (someone who opted out or asked to be erased)
    makes a leaver waiting in the register suppressed, as an import would.
    Raises EmailTaken when another leaver has the new address.
    """
    changes = _changed_values(leaver, values)
    if not changes:
        return {}
    new_email = changes.get("email", [None, None])[1]
    if new_email and leaver_email_taken(email=new_email, leaver=leaver):
        raise EmailTaken(new_email)
    if new_email and leaver.status == Leaver.Status.IN_REGISTER and _suppressed(new_email):
        changes["status"] = [leaver.status, Leaver.Status.SUPPRESSED.value]
    now = timezone.now()
    for name, (_old, new) in changes.items():
        setattr(leaver, name, new)
    leaver.updated_at = now
    try:
        with transaction.atomic():
            leaver.save(update_fields=[*changes, "updated_at"])
    except IntegrityError as error:
        # Two coordinators typing the same address at once: the unique index decides.
        raise EmailTaken(new_email or "") from error
    hand_edit = RegisterImport.objects.create(
        file_name=HAND_EDIT_FILE_NAME,
        uploaded_by=user,
        created_at=now,
        finished_at=now,
        status=RegisterImport.Status.COMMITTED,
        total_rows=1,
        processed_rows=1,
        updated_count=1,
    )
    LeaverChange.objects.create(
        leaver=leaver,
        register_import=hand_edit,
        action=LeaverChange.Action.UPDATED,
        changes=changes,
    )
    return changes


def _in_field_order(changes: dict) -> list[tuple[str, list]]:
    # PostgreSQL's jsonb keeps keys in its own order; show them as the register lists them.
    order = [*FIELDS, "status"]
    return sorted(
        changes.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)
    )


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a leaver's history: a change (by import or by hand) or an invitation."""

    when: datetime
    change: LeaverChange | None = None
    changes: list = field(default_factory=list)
    invitation: object = None

    @property
    def by_hand(self) -> bool:
        return self.change is not None and is_hand_edit(self.change.register_import)


def leaver_timeline(*, leaver: Leaver, label_changes) -> list[HistoryEntry]:
    """The leaver's changes and invitations, newest first, in two queries (three with
    the import that added them); `label_changes` turns stored pairs into readable ones."""
    entries = [
        HistoryEntry(
            when=change.register_import.created_at,
            change=change,
            changes=label_changes(_in_field_order(change.changes)),
        )
        for change in leaver.history()
    ]
    entries += [
        HistoryEntry(when=invitation.created_at, invitation=invitation)
        for invitation in leaver.invitations.select_related("campaign")
    ]
    return sorted(entries, key=lambda entry: entry.when, reverse=True)
