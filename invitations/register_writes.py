"""Set-based reads and writes of the register for the import engine.

On PostgreSQL new leavers go in with COPY (into an empty register, the whole file
in one COPY while it is read); changed ones in one UPDATE … FROM unnest(arrays) a
batch at a time. Elsewhere (SQLite) batched `bulk_create`, with `update_conflicts`
on the primary key for the changed ones. Either way the caller's transaction makes
the whole import one unit.

A new leaver carries the import that added it and the file's line on its own row;
a change by a later import is a LeaverChange row.
"""

import json
from concurrent.futures import ThreadPoolExecutor

import psycopg
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from .models import Leaver, LeaverChange, Suppression, email_hash

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
_CHANGE = LeaverChange._meta.db_table


def matching_leavers(*, numbers: list[str], emails: list[str]) -> list[dict]:
    """Leavers with any of these employee numbers or addresses, as dicts, in one query."""
    if not (numbers or emails):
        return []
    columns = ["id", *DATA_FIELDS, "status"]
    if connection.vendor == "postgresql":
        # One array parameter each, bound on the server, rather than thousands of
        # IN placeholders; lower(email) because the unique index is on it.
        rows = _pg_fetch(
            f"SELECT {', '.join(columns)} FROM {_LEAVER} "  # noqa: S608 - fixed names
            "WHERE (employee_number <> '' AND employee_number = ANY(%b)) "
            "OR (email <> '' AND lower(email) = ANY(%b))",
            [numbers, emails],
        )
        return [dict(zip(columns, row, strict=True)) for row in rows]
    query = Q(employee_number__in=numbers) if numbers else Q()
    if emails:
        query |= Q(email_ci__in=emails)
    leavers = Leaver.objects.alias(email_ci=Lower("email")).filter(query)
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
            found = suppressed_among(list(hashes))
        return {hashes[digest] for digest in found}


def suppressed_among(hashes: list[str]) -> set[str]:
    """Which of these email hashes are on the suppression list, in one query."""
    if not hashes:
        return set()
    if connection.vendor == "postgresql":
        table = Suppression._meta.db_table
        return {
            row[0]
            for row in _pg_fetch(
                f"SELECT email_hash FROM {table} WHERE email_hash = ANY(%b)",  # noqa: S608
                [hashes],
            )
        }
    return set(
        Suppression.objects.filter(email_hash__in=hashes).values_list("email_hash", flat=True)
    )


def _pg_fetch(sql: str, params: list) -> list[tuple]:
    """A read on the psycopg connection itself (server-side binding), same transaction."""
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        if connection.in_atomic_block:
            # The register grows inside the import's transaction, but the planner's
            # statistics do not: on a register that was small it would scan the whole
            # table for every batch. The lookups are by unique indexes; use them.
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(sql, params)
        return cursor.fetchall()


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


class BatchWriter:
    """Writes batches of new and changed leavers, on PostgreSQL from a second thread.

    Django's connection belongs to its thread; the writer thread uses the same psycopg
    connection, so the same transaction, but only while the caller waits for nothing
    else on it: call wait() before the next query, and close() at the end (it waits
    too, and hands on the writer's error, if any, from wait())."""

    def __init__(self, register_import_id: int | None):
        self.register_import_id = register_import_id
        self.executor = None
        self.pending = None
        if register_import_id is not None and can_copy():
            connection.ensure_connection()
            self.raw = connection.connection
            self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-write")

    def submit(self, to_create, to_update) -> None:
        if self.register_import_id is None or not (to_create or to_update):
            return
        now = timezone.now()
        if self.executor is None:
            _write_generic(to_create, to_update, self.register_import_id, now)
            return
        self.wait()
        self.pending = self.executor.submit(
            _write_postgres, self.raw, to_create, to_update, self.register_import_id, now
        )

    def wait(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        if self.executor is not None:
            # Never leave the thread on the connection: the caller may roll back next.
            self.executor.shutdown(wait=True)


def _row_values(values: dict) -> list:
    return [values.get(name, None if name in _DATES else "") for name in DATA_FIELDS]


def _write_postgres(raw, to_create, to_update, register_import_id, now) -> None:
    # The psycopg connection's own cursor: COPY, and arrays bound on the server
    # (Django's client-side binding would quote every element in Python).
    with psycopg.Cursor(raw) as cursor:
        if to_create:
            columns = [*DATA_FIELDS, "status", "created_at", "updated_at", *_CREATED_LINK]
            with cursor.copy(f"COPY {_LEAVER} ({', '.join(columns)}) FROM STDIN") as copy:
                for line, values in to_create:
                    copy.write_row(
                        [*_row_values(values), values["status"], now, now, register_import_id, line]
                    )
        if not to_update:
            return
        # One UPDATE joined to the changed rows as arrays: the planner walks the
        # primary key for each (a staging table, never analysed, got a full scan
        # of the register per batch).
        names = ["id", *DATA_FIELDS, "status"]
        columns = [[leaver[name] for _line, leaver, _changes in to_update] for name in names]
        types = ["bigint", *("date" if n in _DATES else "text" for n in DATA_FIELDS), "text"]
        assignments = ", ".join(f"{name} = s.{name}" for name in names[1:])
        arrays = ", ".join(f"%b::{kind}[]" for kind in types)
        cursor.execute(
            f"UPDATE {_LEAVER} AS l SET {assignments}, updated_at = %b "  # noqa: S608
            f"FROM unnest({arrays}) AS s({', '.join(names)}) WHERE l.id = s.id",
            [now, *columns],
        )
        # The history rows as arrays: one statement instead of a row-by-row stream.
        cursor.execute(
            f"INSERT INTO {_CHANGE} (leaver_id, register_import_id, line, action, changes) "  # noqa: S608
            "SELECT leaver_id, %s, line, 'updated', changes::jsonb "
            "FROM unnest(%b::bigint[], %b::int[], %b::text[]) AS h(leaver_id, line, changes)",
            [
                register_import_id,
                [leaver["id"] for _line, leaver, _changes in to_update],
                [line for line, _leaver, _changes in to_update],
                [json.dumps(changes) for _line, _leaver, changes in to_update],
            ],
        )


def _write_generic(to_create, to_update, register_import_id, now) -> None:
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
