"""Set-based reads and writes of the register for the import engine.

On PostgreSQL an empty register takes the whole file in one COPY while it is read,
and any other import is merged batch by batch in the database (register_merge).
Elsewhere (SQLite) a batch is matched with one query and written with batched
`bulk_create`, with `update_conflicts` on the primary key for the changed ones.
Either way the caller's transaction makes the whole import one unit.

A new leaver carries the import that added it and the file's line on its own row;
a change by a later import is a LeaverChange row.
"""

import psycopg
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from alumni_network.mail.models import Suppression, email_hash

from ..models import Leaver, LeaverChange

# Every column the import reads or writes, in one order for COPY and SELECT.
DATA_FIELDS = [
    "employee_number",
    "first_name",
    "last_name",
    "email",
    "phone",
    "department",
    "title",
    "location",
    "hired_on",
    "left_on",
]
_DATES = {"hired_on", "left_on"}
_LEAVER = Leaver._meta.db_table
_CREATED_LINK = ["created_by_import_id", "created_line"]


def matching_leavers(*, numbers: list[str], emails: list[str]) -> list[dict]:
    """Leavers with any of these employee numbers or addresses, as dicts, in one query."""
    if not (numbers or emails):
        return []
    query = Q(employee_number__in=numbers) if numbers else Q()
    if emails:
        query |= Q(email_ci__in=emails)
    leavers = Leaver.objects.alias(email_ci=Lower("email")).filter(query)
    columns = ["id", *DATA_FIELDS, "status"]
    return list(leavers.exclude(employee_number="", email="").values(*columns))


class SuppressionCheck:
    """Which addresses are suppressed. The list is read once when it is small enough
    (the usual case: one query per import, and no hashing at all when it is empty),
    else asked batch by batch."""

    PRELOAD_LIMIT = 200_000

    def __init__(self):
        self.known: set[str] | None = None
        if Suppression.objects.count() <= self.PRELOAD_LIMIT:
            self.known = set(Suppression.objects.values_list("email_hash", flat=True))

    def suppressed_emails(self, emails: list[str]) -> set[str]:
        if self.known is not None and not self.known:
            return set()
        hashes = {email_hash(email): email for email in emails}
        if self.known is not None:
            found = self.known.intersection(hashes)
        else:
            found = set(
                Suppression.objects.filter(email_hash__in=list(hashes)).values_list(
                    "email_hash", flat=True
                )
            )
        return {hashes[digest] for digest in found}


def can_copy() -> bool:
    return connection.vendor == "postgresql"


class DuplicateKey(Exception):
    """A COPY into the register met an employee number or address twice."""


def copy_new_leavers(rows, *, register_import_id: int) -> None:
    """COPY (line, values, status) rows into the register as they come.

    The server writes the rows (and their indexes) on its own core while the caller
    reads and checks the next ones. Raises DuplicateKey, with the transaction to roll
    back to a savepoint, when a key comes twice.
    """
    now = timezone.now()
    columns = [*DATA_FIELDS, "status", "created_at", "updated_at", *_CREATED_LINK]
    connection.ensure_connection()
    try:
        with (
            psycopg.Cursor(connection.connection) as cursor,
            cursor.copy(f"COPY {_LEAVER} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            write_row = copy.write_row
            for line, values, status in rows:
                values += (status, now, now, register_import_id, line)
                write_row(values)
    except psycopg.errors.UniqueViolation as error:
        raise DuplicateKey(str(error)) from error


def _row_values(values: dict) -> list:
    return [values.get(name, None if name in _DATES else "") for name in DATA_FIELDS]


def write_batch(to_create, to_update, register_import_id: int) -> None:
    """Write a batch of new leavers and changed ones (with their history)."""
    now = timezone.now()
    created = [
        Leaver(
            **dict(zip(DATA_FIELDS, _row_values(values), strict=True)),
            status=values["status"],
            created_at=now,
            updated_at=now,
            created_by_import_id=register_import_id,
            created_line=line,
        )
        for line, values in to_create
    ]
    Leaver.objects.bulk_create(created)
    updated = [
        Leaver(**{name: leaver[name] for name in ["id", *DATA_FIELDS, "status"]}, updated_at=now)
        for _line, leaver, _changes in to_update
    ]
    if updated:
        # INSERT … ON CONFLICT (id) DO UPDATE: one statement for the whole batch.
        Leaver.objects.bulk_create(
            updated,
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=[*DATA_FIELDS, "status", "updated_at"],
        )
    LeaverChange.objects.bulk_create(
        LeaverChange(
            leaver_id=leaver["id"],
            register_import_id=register_import_id,
            line=line,
            action=LeaverChange.Action.UPDATED,
            changes=changes,
        )
        for line, leaver, changes in to_update
    )
