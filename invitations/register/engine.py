"""The import engine: read, check and merge a register file in batches.

One engine behind the wizard and `manage.py import_leavers`. It streams: rows are
read, checked and written in batches, so memory holds two batches (one being
written), the keys already seen (to find duplicates) and a bounded report, never
the file.

A person matches by employee number, else by email. A suppressed address stays
suppressed whatever the file says. Commit is one transaction: every valid row
lands, or (on any crash) none does. On PostgreSQL each batch is merged in the
database (`merge_sql`), elsewhere row by row (`merge_rows`).
"""

import json
import logging
from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alumni_network.mail.models import email_hash

from ..models import Leaver, RegisterImport
from . import merge_sql, writes
from .files import FileUnreadable, open_register
from .mapping import (
    FIELDS,
    IDENTITY_FIELDS,
    clean_mapping,
    header_score,
    initial_mapping,
    mapping_notes,
    mapping_problems,
)
from .merge_rows import merge_batch, merge_error
from .results import SAMPLE_SIZE, CheckedRow, ImportResult, store_result
from .rows import DATA_FIELDS, EMAIL_INDEX, NUMBER_INDEX, RowChecker, is_blank

logger = logging.getLogger(__name__)


# Rows matched and written at a time: in Python (elsewhere), or in PostgreSQL, where
# each batch costs a dozen statements whatever its size. Two batches of the file's
# rows are held: 10k rows is as fast as 20k there, and holds 25 MB less.
BATCH_SIZE = 5000
MERGE_BATCH_SIZE = 10_000


class _DuplicateFinder:
    """Remembers each key's first line by its 64-bit hash, not the key, to stay small."""

    def __init__(self):
        self.seen: dict[str, dict[int, int]] = {name: {} for name in IDENTITY_FIELDS}

    def check(self, values: list, line: int) -> list[str]:
        """Where this row's keys (values in DATA_FIELDS order) came first, if before it."""
        reasons = []
        for name, slot in (("employee_number", NUMBER_INDEX), ("email", EMAIL_INDEX)):
            key = values[slot]
            if not key:
                continue
            first = self.seen[name].setdefault(hash(key), line)
            if first != line:
                reasons.append(
                    _("%(field)s %(value)s appears already on line %(line)s.")
                    % {"field": FIELDS[name], "value": key, "line": first}
                )
        return reasons


def run_import(
    *,
    path,
    file_name: str = "",
    mapping: list[str] | None = None,
    commit: bool,
    register_import: RegisterImport | None = None,
    on_progress: Callable[[int], None] | None = None,
    batch_size: int | None = None,
) -> ImportResult:
    """Read, check and match every row; with commit, write them all in one transaction.

    Raises FileUnreadable when the file cannot be read at all (nothing is written).
    """
    path = Path(path)
    batch_size = batch_size or (MERGE_BATCH_SIZE if writes.can_copy() else BATCH_SIZE)
    if commit:
        with transaction.atomic():
            if register_import is None:
                register_import = RegisterImport.objects.create(
                    file_name=file_name or path.name, status=RegisterImport.Status.COMMITTING
                )
            result = _run(path, file_name, mapping, register_import, on_progress, batch_size)
            store_result(register_import, result)
            register_import.mapping = result.mapping
            register_import.headers = result.headers
            register_import.processed_rows = result.total_rows
            register_import.status = RegisterImport.Status.COMMITTED
            register_import.finished_at = timezone.now()
            register_import.save()
            return result
    if writes.can_copy():
        # The preview matches in temporary tables, which go with this transaction.
        with transaction.atomic():
            return _run(path, file_name, mapping, None, on_progress, batch_size)
    return _run(path, file_name, mapping, None, on_progress, batch_size)


def _run(path, file_name, mapping, register_import, on_progress, batch_size) -> ImportResult:
    # Rows can only ever match people who were in the register before this run (a
    # second row with the same key is a duplicate), so into an empty register there
    # is nothing to look up. A concurrent import creating the same people would hit
    # the unique constraints and roll back whole.
    register_was_empty = not Leaver.objects.exists()
    if register_import is not None and register_was_empty and writes.can_copy():
        # Committing into an empty register: one COPY straight into the register while
        # the file is read. A key twice in the file breaks a unique index there; then
        # the savepoint undoes the COPY and the full path below names every such row.
        try:
            with transaction.atomic():
                result = _run_rows(
                    path, file_name, mapping, register_import, on_progress, batch_size, True, True
                )
            if result is not None:
                return result
        except writes.DuplicateKey:
            logger.info("Register import %s has duplicate keys", register_import.pk)
    return _run_rows(
        path, file_name, mapping, register_import, on_progress, batch_size, register_was_empty
    )


def _run_rows(
    path,
    file_name,
    mapping,
    register_import,
    on_progress,
    batch_size,
    register_was_empty,
    copy_fresh=False,
) -> ImportResult | None:
    """One pass over the file. With copy_fresh (an empty register on PostgreSQL) it
    copies the rows straight in, and answers None if it cannot."""
    result = ImportResult()
    with open_register(path, file_name=file_name, header_matcher=header_score) as table:
        result.headers = table.headers
        if mapping is None:
            mapping, _remembered = initial_mapping(table.headers)
        mapping = clean_mapping(
            table.headers, list(mapping) + [""] * (len(table.headers) - len(mapping))
        )
        if problems := mapping_problems(mapping):
            raise FileUnreadable(" ".join(problems))
        result.mapping = mapping
        result.notes = table.notes + mapping_notes(table.headers, mapping)
        check = RowChecker(mapping)
        suppression = writes.SuppressionCheck()
        if copy_fresh:
            if suppression.known is None:
                return None  # a suppression list too long to hold: checked batch by batch
            rows = _fresh_rows(table.rows, check, result, suppression, on_progress, batch_size)
            writes.copy_new_leavers(rows, register_import_id=register_import.pk)
        else:
            write_batches = _merged_batches if writes.can_copy() else _batches
            write_batches(
                table.rows,
                check,
                result,
                register_import,
                suppression,
                register_was_empty,
                on_progress,
                batch_size,
            )
        if on_progress:
            on_progress(result.total_rows)
    result.error_rows.sort(key=lambda error: error["line"])
    return result


def _fresh_rows(rows, check, result, suppression, on_progress, batch_size):
    """(line, values, status) of each valid row, for a COPY into an empty register.

    Nothing to match, and no key memory: the register's unique indexes catch a key
    that comes twice (see _run)."""
    suppressed = suppression.known
    in_register, suppressed_status = str(Leaver.Status.IN_REGISTER), str(Leaver.Status.SUPPRESSED)
    add_error = result.add_error
    for line, cells in rows:
        if is_blank(cells):
            continue
        result.total_rows += 1
        if on_progress and not result.total_rows % batch_size:
            on_progress(result.total_rows)
        values, reasons = check(cells)
        if reasons:
            add_error(line, reasons, cells)
            continue
        result.created += 1
        email = values[EMAIL_INDEX]
        if not email:
            result.without_email += 1
            yield line, values, in_register
        elif suppressed and email_hash(email) in suppressed:
            yield line, values, suppressed_status
        else:
            yield line, values, in_register


def _checked_batches(rows, check, result: ImportResult, batch_size: int):
    """The file's valid rows as lists of (line, values, cells), batch_size at a time.

    Rows in error, duplicates inside the file among them, go onto the result instead.
    """
    duplicates = _DuplicateFinder()
    batch: list[tuple[int, list, list]] = []
    for line, cells in rows:
        if is_blank(cells):
            continue
        result.total_rows += 1
        values, reasons = check(cells)
        reasons = (reasons or []) + duplicates.check(values, line)
        if reasons:
            result.add_error(line, reasons, cells)
            continue
        batch.append((line, values, cells))
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _batches(
    rows, check, result, register_import, suppression, register_was_empty, on_progress, batch_size
):
    """Match and write the checked rows a batch at a time, in Python.

    The engine for databases other than PostgreSQL (see _merged_batches there): each
    batch is matched against the register as the batches before left it.
    """
    seen: dict[int, int] = {}  # leaver id: the line that matched them
    register_import_id = register_import.pk if register_import else None
    for batch in _checked_batches(rows, check, result, batch_size):
        merge_batch(
            [
                CheckedRow(line, dict(zip(DATA_FIELDS, values, strict=True)), cells)
                for line, values, cells in batch
            ],
            result,
            register_import_id,
            suppression,
            seen,
            register_was_empty,
        )
        if on_progress:
            on_progress(result.total_rows)


def _merged_batches(
    rows, check, result, register_import, suppression, register_was_empty, on_progress, batch_size
):
    """Match and write the checked rows in PostgreSQL (register_merge).

    A batch is merged in a second thread while this one reads and checks the next;
    the batch's cells are kept until then, for its rows in error.
    """
    merge = merge_sql.BatchMerge(
        mapped=[name for name in result.mapping if name in FIELDS],
        register_import_id=register_import.pk if register_import else None,
        match=not register_was_empty,
        # None: a suppression list too long to hold, so ask the database.
        check_suppression=suppression.known is None or bool(suppression.known),
        sample_size=SAMPLE_SIZE,
    )
    in_flight: list[tuple[int, list, list]] = []
    try:
        for batch in _checked_batches(rows, check, result, batch_size):
            _take_outcome(merge, in_flight, result)
            merge.submit([(line, values) for line, values, _cells in batch])
            in_flight = batch
            if on_progress:
                on_progress(result.total_rows)
        _take_outcome(merge, in_flight, result)
    finally:
        merge.close()


def _take_outcome(merge: "merge_sql.BatchMerge", batch: list, result: ImportResult) -> None:
    """Wait for the batch in flight and add what it came to onto the result."""
    outcome = merge.result()
    if outcome is None:
        return
    without_address = sum(1 for _line, values, _cells in batch if not values[EMAIL_INDEX])
    result.created += len(batch) - outcome.matched
    result.updated += outcome.updated
    result.unchanged += outcome.unchanged
    result.without_email += (
        without_address - outcome.matched_without_address + outcome.without_email
    )
    if not outcome.reports:
        return
    by_line = {line: (values, cells) for line, values, cells in batch}
    for line, kind, detail, changes in outcome.reports:
        values, cells = by_line[line]
        if kind == merge_sql.UPDATED:
            # Django's connection hands jsonb over as text, for JSONField to parse.
            changes = json.loads(changes) if isinstance(changes, str) else changes
            result.sample.append(
                {
                    "line": line,
                    "name": detail,
                    "changes": [
                        [name, *changes[name]] for name in [*FIELDS, "status"] if name in changes
                    ],
                }
            )
        else:
            result.add_error(line, [merge_error(kind, detail, values)], cells)
