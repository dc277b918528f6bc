"""Matching and merging import batches inside PostgreSQL.

Each batch of checked rows is copied into a temporary table; matching it against
the register, comparing it field by field, and writing the new people, the changes
and their history are set-based statements there. They run in a second thread on
the same connection (so in the import's transaction) while the caller reads and
checks the next batch. Python sees only the counts, the rows in error and a sample
of the changes: a million rows need no more from it than reading the file.

The rules are the ones `imports.merge_batch` applies row by row elsewhere: a
row matches by employee number, else by email; an address that belongs to someone
else, a person matched twice, or a change that would leave before being hired is an
error; an empty employee number or email never erases one; a suppressed address
stays suppressed. Temporary tables write no WAL and vanish with the transaction.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import psycopg
from django.db import connection
from django.utils import timezone

from alumni_network.mail.models import Suppression

from ..models import Leaver, LeaverChange
from .writes import DATA_FIELDS

_LEAVER = Leaver._meta.db_table
_CHANGE = LeaverChange._meta.db_table
_SUPPRESSION = Suppression._meta.db_table
_DATES = {"hired_on", "left_on"}
_IDENTITY = {"employee_number", "email"}

# Outcomes of a row that matched someone in the register.
UPDATED, UNCHANGED = "updated", "unchanged"
EMAIL_NUMBERED = "email_numbered"  # its address belongs to someone with another number
EMAIL_TAKEN = "email_taken"  # its new address belongs to another person
SAME_PERSON = "same_person"  # an earlier row of the file matched the same person
BAD_DATES = "bad_dates"  # with the register's hire date, it leaves before being hired

_COLUMNS = ", ".join(f"{name} {'date' if name in _DATES else 'text'}" for name in DATA_FIELDS)
_SETUP = [
    "DROP TABLE IF EXISTS pg_temp.import_rows, pg_temp.import_matched, pg_temp.import_seen",
    f"CREATE TEMP TABLE import_rows (line integer PRIMARY KEY, {_COLUMNS}, "
    "suppressed boolean NOT NULL DEFAULT false) ON COMMIT DROP",
    "CREATE TEMP TABLE import_matched (line integer PRIMARY KEY, leaver_id bigint NOT NULL, "
    "outcome text NOT NULL, detail text NOT NULL DEFAULT '', changes jsonb, "
    "no_email boolean NOT NULL DEFAULT false) ON COMMIT DROP",
    "CREATE TEMP TABLE import_seen (leaver_id bigint PRIMARY KEY, line integer NOT NULL) "
    "ON COMMIT DROP",
    # The register grows inside the import's transaction but its statistics do not:
    # planned from a register that was small, a batch would scan all of it. Every
    # lookup here is by a unique index; make the planner use them.
    "SET LOCAL enable_seqscan = off",
    # With seq scans priced out, even a small batch costs enough to be compiled
    # (JIT), which takes longer than running it.
    "SET LOCAL jit = off",
]

_SUPPRESS = (
    "UPDATE import_rows AS s SET suppressed = true WHERE s.email <> '' AND EXISTS "  # noqa: S608
    f"(SELECT 1 FROM {_SUPPRESSION} AS x "
    "WHERE x.email_hash = encode(sha256(convert_to(s.email, 'UTF8')), 'hex'))"
)


def _name(alias: str) -> str:
    """A person's name as the preview shows it (merge_rows._name), in SQL."""
    return (
        f"COALESCE(NULLIF(btrim({alias}.first_name || ' ' || {alias}.last_name), ''), "
        f"NULLIF({alias}.email, ''), {alias}.employee_number)"
    )


# A person matched by two rows of one file is an error on the later one: in this
# batch, or already in an earlier one.
_MATCHED = f"('{UPDATED}', '{UNCHANGED}', '{BAD_DATES}')"
_SAME_PERSON = f"""
UPDATE import_matched AS m
SET outcome = '{SAME_PERSON}', detail = f.first_line::text, changes = NULL
FROM (
  SELECT m2.line,
    COALESCE(seen.line, min(m2.line) OVER (PARTITION BY m2.leaver_id)) AS first_line
  FROM import_matched AS m2 LEFT JOIN import_seen AS seen ON seen.leaver_id = m2.leaver_id
  WHERE m2.outcome IN {_MATCHED}
) AS f
WHERE m.line = f.line AND f.first_line <> m.line
"""  # noqa: S608 - fixed names
_SEEN = (
    "INSERT INTO import_seen (leaver_id, line) "  # noqa: S608
    f"SELECT leaver_id, line FROM import_matched WHERE outcome IN {_MATCHED}"
)

_REPORT = f"""
SELECT line, outcome, detail, changes FROM import_matched
WHERE outcome NOT IN ('{UPDATED}', '{UNCHANGED}')
   OR line IN (SELECT line FROM import_matched WHERE outcome = '{UPDATED}'
               ORDER BY line LIMIT %s)
ORDER BY line
"""  # noqa: S608
_COUNTS = """
SELECT m.outcome, count(*), count(*) FILTER (WHERE m.no_email),
  count(*) FILTER (WHERE s.email = '')
FROM import_matched AS m JOIN import_rows AS s ON s.line = m.line
GROUP BY m.outcome
"""

_NEW_COLUMNS = [*DATA_FIELDS, "status", "created_at", "updated_at"]
_INSERT_NEW = f"""
INSERT INTO {_LEAVER} ({", ".join(_NEW_COLUMNS)}, created_by_import_id, created_line)
SELECT {", ".join(f"s.{name}" for name in DATA_FIELDS)},
  CASE WHEN s.suppressed THEN '{Leaver.Status.SUPPRESSED}' ELSE '{Leaver.Status.IN_REGISTER}' END,
  %(now)s, %(now)s, %(import)s, s.line
FROM import_rows AS s
WHERE NOT EXISTS (SELECT 1 FROM import_matched AS m WHERE m.line = s.line)
ORDER BY s.line
"""  # noqa: S608
_HISTORY = f"""
INSERT INTO {_CHANGE} (leaver_id, register_import_id, line, action, changes)
SELECT leaver_id, %s, line, '{LeaverChange.Action.UPDATED}', changes
FROM import_matched WHERE outcome = '{UPDATED}' ORDER BY line
"""  # noqa: S608


def _new_value(name: str) -> str:
    """The value a field has after the row is applied (an empty identity keeps the old)."""
    if name in _IDENTITY:
        return f"CASE WHEN s.{name} <> '' THEN s.{name} ELSE l.{name} END"
    return f"s.{name}"


def _match_sql(mapped: list[str]) -> str:
    """Match each row of the batch and compare it with the person it matched.

    By employee number, else by email; the address is looked up only when it can
    tell something (no match by number, or a new address). Each lookup is a subquery
    fenced with OFFSET 0, so it stays a probe of a unique index per row: going by the
    register's size when last analysed, the planner would otherwise hash the whole
    register (through its partial indexes) for every batch. One INSERT computes it all,
    as updating the rows afterwards would cost more than the lookups.
    """
    # The changes as JSON text, joined with concat_ws (which skips the fields that did
    # not change) and read as jsonb once: a third of the cost of jsonb_build_object
    # followed by jsonb_strip_nulls, on the rows that matched.
    entries = []
    for name in mapped:
        changed = f"l.{name} IS DISTINCT FROM s.{name}"
        if name in _IDENTITY:
            changed = f"s.{name} <> '' AND {changed}"
        entries.append(
            f"CASE WHEN {changed} THEN "
            f"'\"{name}\":' || json_build_array(l.{name}, s.{name})::text END"
        )
    suppressed = Leaver.Status.SUPPRESSED
    entries.append(
        f"CASE WHEN s.suppressed AND l.status <> '{suppressed}' "
        f"THEN '\"status\":' || json_build_array(l.status, '{suppressed}')::text END"
    )
    hired = "s.hired_on" if "hired_on" in mapped else "l.hired_on"
    left = "s.left_on" if "left_on" in mapped else "l.left_on"
    return f"""
INSERT INTO import_matched (line, leaver_id, outcome, detail, changes, no_email)
SELECT c.line, c.leaver_id,
  CASE WHEN c.conflict <> '' THEN c.conflict
       WHEN c.left_on < c.hired_on THEN '{BAD_DATES}'
       WHEN c.changes = '{{}}'::jsonb THEN '{UNCHANGED}' ELSE '{UPDATED}' END,
  CASE WHEN c.conflict <> '' THEN c.conflict_detail
       WHEN c.left_on < c.hired_on THEN c.hired_on::text || ' ' || c.left_on::text
       ELSE c.name END,
  c.changes, c.no_email
FROM (
  SELECT s.line, l.id AS leaver_id,
    CASE WHEN n.id IS NOT NULL AND e.id IS NOT NULL THEN '{EMAIL_TAKEN}'
         WHEN n.id IS NULL AND s.employee_number <> '' AND e.employee_number <> ''
           THEN '{EMAIL_NUMBERED}'
         ELSE '' END AS conflict,
    CASE WHEN n.id IS NOT NULL AND e.id IS NOT NULL THEN {_name("e")}
         ELSE e.employee_number END AS conflict_detail,
    ('{{' || concat_ws(',', {", ".join(entries)}) || '}}')::jsonb AS changes,
    {hired} AS hired_on, {left} AS left_on, (s.email = '' AND l.email = '') AS no_email,
    {_name("l")} AS name
  FROM import_rows AS s
  LEFT JOIN LATERAL (
    SELECT n.id, n.email FROM {_LEAVER} AS n
    WHERE s.employee_number <> '' AND n.employee_number <> ''
      AND n.employee_number = s.employee_number
    OFFSET 0
  ) AS n ON true
  LEFT JOIN LATERAL (
    SELECT e.id, e.employee_number, e.first_name, e.last_name, e.email
    FROM {_LEAVER} AS e
    WHERE s.email <> '' AND (n.id IS NULL OR lower(n.email) <> s.email)
      AND e.email <> '' AND lower(e.email) = s.email
    OFFSET 0
  ) AS e ON true
  JOIN LATERAL (
    SELECT * FROM {_LEAVER} AS l WHERE l.id = COALESCE(n.id, e.id) OFFSET 0
  ) AS l ON true
  OFFSET 0
) AS c
"""  # noqa: S608


def _update_sql(mapped: list[str]) -> str:
    assignments = [f"{name} = {_new_value(name)}" for name in mapped]
    suppressed = Leaver.Status.SUPPRESSED
    assignments.append(
        f"status = CASE WHEN m.changes ? 'status' THEN '{suppressed}' ELSE l.status END"
    )
    return f"""
UPDATE {_LEAVER} AS l SET {", ".join(assignments)}, updated_at = %s
FROM import_matched AS m JOIN import_rows AS s ON s.line = m.line
WHERE m.outcome = '{UPDATED}' AND l.id = m.leaver_id
"""  # noqa: S608


@dataclass
class BatchOutcome:
    """What one batch came to: counts, and the matched rows the caller must report."""

    matched: int = 0  # rows that matched someone, in error or not
    matched_without_address: int = 0  # of those, rows with no email
    updated: int = 0
    unchanged: int = 0
    without_email: int = 0  # updated or unchanged people with no email before or after
    # (line, outcome, detail, changes) of rows in error and of the first changes.
    reports: list[tuple] = field(default_factory=list)


class BatchMerge:
    """Merges batches of checked rows into the register, from a second thread.

    `submit(rows)` copies (line, values) pairs (values in DATA_FIELDS order) into the
    batch table and returns once the merge has started; `result()` waits for that
    batch's BatchOutcome. Only one batch is in flight, and the caller must not use the
    connection until result() returns.
    Without a register import it only matches and compares: the preview.
    """

    def __init__(
        self,
        *,
        mapped: list[str],
        register_import_id: int | None,
        match: bool,
        check_suppression: bool,
        sample_size: int,
    ):
        self.register_import_id = register_import_id
        self.match = match
        self.check_suppression = check_suppression
        self.sample_left = sample_size
        self.match_rows = _match_sql(mapped)
        self.update = _update_sql(mapped)
        self.now = timezone.now()
        connection.ensure_connection()
        self.raw = connection.connection
        with psycopg.Cursor(self.raw) as cursor:
            for statement in _SETUP:
                cursor.execute(statement)
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-merge")
        self.pending = None

    def submit(self, rows: list[tuple[int, list]]) -> None:
        """Copy a batch in (here: the caller has let go of the connection) and merge it
        in the background; call result() before anything else uses the connection."""
        columns = ", ".join(["line", *DATA_FIELDS])
        # The rows are written out by this thread, which reads the file anyway: the
        # merging thread then needs the interpreter only between round trips.
        with (
            psycopg.Cursor(self.raw) as cursor,
            cursor.copy(f"COPY import_rows ({columns}) FROM STDIN") as copy,
        ):
            write_row = copy.write_row
            for line, values in rows:
                write_row((line, *values))
        self.pending = self.executor.submit(self._merge)

    def result(self) -> BatchOutcome | None:
        pending, self.pending = self.pending, None
        return pending.result() if pending is not None else None

    def close(self) -> None:
        # Never leave the thread on the connection: the caller may roll back next.
        self.executor.shutdown(wait=True)
        if self.raw.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS:
            # The planner settings were for these statements, not the rest of the
            # caller's transaction.
            with psycopg.Cursor(self.raw) as cursor:
                cursor.execute("SET LOCAL enable_seqscan = DEFAULT")
                cursor.execute("SET LOCAL jit = DEFAULT")

    def _merge(self) -> BatchOutcome:
        outcome = BatchOutcome()
        writing = self.register_import_id is not None
        with (
            psycopg.Cursor(self.raw) as cursor,
            psycopg.Cursor(self.raw) as report,
            psycopg.Cursor(self.raw) as counts,
        ):
            # Every statement of the batch in one round trip: each reply would
            # otherwise wait for the reading thread to let go of the interpreter.
            with self.raw.pipeline():
                if self.check_suppression:
                    cursor.execute(_SUPPRESS)
                if self.match:
                    for statement in (self.match_rows, _SAME_PERSON, _SEEN):
                        cursor.execute(statement)
                if writing:
                    cursor.execute(
                        _INSERT_NEW, {"now": self.now, "import": self.register_import_id}
                    )
                if writing and self.match:
                    cursor.execute(self.update, [self.now])
                    cursor.execute(_HISTORY, [self.register_import_id])
                if self.match:
                    report.execute(_REPORT, [max(self.sample_left, 0)])
                    counts.execute(_COUNTS)
                cursor.execute("TRUNCATE import_rows, import_matched")
            if self.match:
                outcome.reports = report.fetchall()
                self._count(outcome, counts.fetchall())
        return outcome

    def _count(self, outcome: BatchOutcome, counts: list[tuple]) -> None:
        self.sample_left -= sum(1 for report in outcome.reports if report[1] == UPDATED)
        for kind, count, no_email, row_without_address in counts:
            outcome.matched += count
            outcome.matched_without_address += row_without_address
            if kind == UPDATED:
                outcome.updated = count
            elif kind == UNCHANGED:
                outcome.unchanged = count
            if kind in (UPDATED, UNCHANGED):
                outcome.without_email += no_email
