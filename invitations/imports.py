"""Importing the leavers register: map columns, validate, match, preview and commit.

One engine behind the wizard and `manage.py import_leavers`. It streams: rows are
read, checked and written in batches, so memory holds two batches (one being
written), the keys already seen (to find duplicates) and a bounded report, never
the file.

A person matches by employee number, else by email. A suppressed address stays
suppressed whatever the file says. Commit is one transaction: every valid row
lands, or (on any crash) none does.
"""

import datetime
import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from . import register_merge, register_writes
from .models import ColumnMapping, Leaver, RegisterImport, email_hash
from .register_files import FileUnreadable, open_register

logger = logging.getLogger(__name__)

# Rows matched and written at a time: in Python (elsewhere), or in PostgreSQL, where
# each batch costs a dozen statements whatever its size. Two batches of the file's
# rows are held: 10k rows is as fast as 20k there, and holds 25 MB less.
BATCH_SIZE = 5000
MERGE_BATCH_SIZE = 10_000
# A preview keeps every error up to this many (with the row's values, for the
# error download) and a sample of the changes; beyond that it only counts.
MAX_STORED_ERRORS = 10_000
SAMPLE_SIZE = 25
REASON = "_reason"  # a column saying why someone left: recognised, never read

FIELDS = {
    "employee_number": gettext_lazy("Employee number"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "email": gettext_lazy("Email"),
    "phone": gettext_lazy("Phone"),
    "department": gettext_lazy("Department"),
    "title": gettext_lazy("Job title"),
    "hired_on": gettext_lazy("Hired"),
    "left_on": gettext_lazy("Left"),
    "location": pgettext_lazy("workplace", "Location"),
}
DATE_FIELDS = ("hired_on", "left_on")
IDENTITY_FIELDS = ("employee_number", "email")

_ALIASES = {
    "employee_number": [
        "Ansattnr",
        "Ansattnummer",
        "Ansatt nr",
        "Employee ID",
        "Employee Number",
        "Employee No",
        "Person ID",
    ],
    "first_name": ["Fornavn", "First Name", "Given Name"],
    "last_name": ["Etternavn", "Last Name", "Surname", "Family Name"],
    "email": [
        "E-post",
        "Epost",
        "E-post privat",
        "Privat e-post",
        "Email",
        "E-mail",
        "Personal Email",
        "Private Email",
    ],
    "phone": ["Mobil", "Mobilnummer", "Telefon", "Mobile", "Phone", "Phone Number"],
    "department": ["Avdeling", "Department"],
    "title": ["Stilling", "Stillingstittel", "Job Title", "Title", "Position"],
    "hired_on": [
        "Ansatt dato",
        "Ansattdato",
        "Ansettelsesdato",
        "Startdato",
        "Hire Date",
        "Hired",
        "Start Date",
    ],
    "left_on": [
        "Sluttdato",
        "Fratredelsesdato",
        "Termination Date",
        "End Date",
        "Leaving Date",
        "Left",
    ],
    "location": ["Arbeidssted", "Kontor", "Location", "Office"],
    REASON: [
        "Sluttårsak",
        "Årsak",
        "Fratredelsesårsak",
        "Årsak til fratreden",
        "Reason for leaving",
        "Leaving reason",
        "Termination reason",
        "Exit reason",
        "Reason",
    ],
}


def normalise_header(header: str) -> str:
    """Compare headers ignoring case, spaces and punctuation ("E-post privat" = "epostprivat")."""
    return re.sub(r"[\W_]+", "", str(header).casefold())


HEADER_TABLE = {
    normalise_header(alias): name for name, aliases in _ALIASES.items() for alias in aliases
}


def header_score(cells: list[str]) -> int:
    """How many cells of a row are headers we know: finds the header below report titles."""
    return sum(1 for cell in cells if normalise_header(cell) in HEADER_TABLE)


def header_signature(headers: list[str]) -> str:
    return hashlib.sha256("\x1f".join(normalise_header(h) for h in headers).encode()).hexdigest()


def guess_mapping(headers: list[str]) -> list[str]:
    """Each column's field by its header; "" for a column we do not know, or a repeat."""
    mapping, used = [], set()
    for header in headers:
        name = HEADER_TABLE.get(normalise_header(header), "")
        if name in used and name != REASON:
            name = ""
        used.add(name)
        mapping.append(name)
    return mapping


def initial_mapping(headers: list[str]) -> tuple[list[str], bool]:
    """The remembered mapping for these headers if there is one, else a guess."""
    remembered = ColumnMapping.objects.filter(signature=header_signature(headers)).first()
    if remembered and len(remembered.mapping) == len(headers):
        return clean_mapping(headers, remembered.mapping), True
    return guess_mapping(headers), False


def clean_mapping(headers: list[str], mapping: list[str]) -> list[str]:
    """Reason columns stay ignored whatever was chosen; unknown fields are dropped."""
    guessed = guess_mapping(headers)
    return [
        REASON if guessed[i] == REASON else (name if name in FIELDS else "")
        for i, name in enumerate(mapping)
    ]


def remember_mapping(*, headers: list[str], mapping: list[str]) -> None:
    ColumnMapping.objects.update_or_create(
        signature=header_signature(headers),
        defaults={"headers": headers, "mapping": mapping, "updated_at": timezone.now()},
    )


def mapping_problems(mapping: list[str]) -> list[str]:
    """Why a mapping cannot be imported with, if it cannot."""
    problems = []
    chosen = [name for name in mapping if name and name != REASON]
    for name in sorted({n for n in chosen if chosen.count(n) > 1}):
        problems.append(
            _("%(field)s is chosen for more than one column.") % {"field": FIELDS[name]}
        )
    if "employee_number" not in chosen and "email" not in chosen:
        problems.append(
            _("Choose a column for employee number or email, so people can be matched.")
        )
    if "first_name" not in chosen and "last_name" not in chosen:
        problems.append(_("Choose a column for the first or last name."))
    return problems


def mapping_notes(headers: list[str], mapping: list[str]) -> list[str]:
    notes = []
    for header, name in zip(headers, mapping, strict=False):
        if name == REASON:
            notes.append(
                _(
                    "The column “%(header)s” says why people left. It is ignored: "
                    "the register never stores why someone left."
                )
                % {"header": header}
            )
    ignored = [h for h, n in zip(headers, mapping, strict=False) if not n and h]
    if ignored:
        notes.append(
            _("These columns are not imported: %(columns)s.")
            % {"columns": ", ".join(f"“{h}”" for h in ignored)}
        )
    return notes


def read_headers(path, *, file_name: str = "") -> tuple[list[str], list[str]]:
    """The header row of a file and notes on how it was found; raises FileUnreadable."""
    with open_register(path, file_name=file_name, header_matcher=header_score) as table:
        return table.headers, table.notes


# Rows ----------------------------------------------------------------------------------

_DATE_DOTTED = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_MAX_LENGTHS = {
    name: Leaver._meta.get_field(name).max_length for name in FIELDS if name not in DATE_FIELDS
}


def parse_date(value) -> datetime.date | None:
    """dd.mm.yyyy, d.m.yyyy, yyyy-mm-dd, or an Excel date cell; raises ValueError."""
    if type(value) is str:  # the common case first: every CSV cell
        text = value.strip()
        if not text:
            return None
        if match := _DATE_DOTTED.match(text):
            day, month, year = match.groups()
            return datetime.date(int(year), int(month), int(day))
        if match := _DATE_ISO.match(text):
            year, month, day = match.groups()
            return datetime.date(int(year), int(month), int(day))
        raise ValueError(text)
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float):
        # An Excel serial date in a cell not formatted as a date.
        from openpyxl.utils.datetime import from_excel

        result = from_excel(value)
        return result.date() if isinstance(result, datetime.datetime) else result
    return parse_date(str(value))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


# Addresses of this plain shape are valid by Django's rules too; only the rest
# (rare in a register) pays for the full validator.
_PLAIN_EMAIL = re.compile(
    r"^[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)


def _email_error(email: str) -> str | None:
    if len(email) <= 254 and _PLAIN_EMAIL.match(email):
        return None
    try:
        validate_email(email)
    except ValidationError:
        return _("“%(value)s” is not a valid email address.") % {"value": email}
    return None


def validate_row(cells: list, mapping: list[str]) -> tuple[dict, list[str]]:
    """The row's values by field, normalised, and what is wrong with it."""
    values, errors = RowChecker(mapping)(cells)
    present = set(mapping)
    return (
        {name: value for name, value in zip(DATA_FIELDS, values, strict=True) if name in present},
        errors or [],
    )


# The columns of a row as the engine passes it on: every field, in this order.
DATA_FIELDS = list(register_writes.DATA_FIELDS)
_EMPTY = [None if name in DATE_FIELDS else "" for name in DATA_FIELDS]
_NUMBER, _FIRST, _LAST, _EMAIL = (
    DATA_FIELDS.index(name) for name in ("employee_number", "first_name", "last_name", "email")
)
_HIRED, _LEFT = DATA_FIELDS.index("hired_on"), DATA_FIELDS.index("left_on")
_BAD_DATE = object()
_DATE_CACHE_LIMIT = 50_000


class RowChecker:
    """Checks rows against one mapping, fast: a register row is a handful of short texts
    and two dates, and a million of them must cost little more than reading the file.

    Calling it with a row's cells gives (values, errors): the values of DATA_FIELDS in
    that order, normalised ("" or None for a field not in the file), and None or the
    reasons the row is wrong. HR files repeat the same dates endlessly, so each date
    text is parsed once; plain addresses pass a regular expression and only the odd
    ones pay for Django's full validator.
    """

    def __init__(self, mapping: list[str]):
        self.width = len(mapping)
        position = {name: index for index, name in enumerate(mapping) if name in FIELDS}
        self.texts = [
            (position[name], DATA_FIELDS.index(name), name, _MAX_LENGTHS[name])
            for name in DATA_FIELDS
            if name in position and name not in DATE_FIELDS and name != "email"
        ]
        self.email = position.get("email")
        self.dates = [
            (position[name], DATA_FIELDS.index(name), name)
            for name in DATE_FIELDS
            if name in position
        ]
        self.parsed: dict = {}

    def _date(self, raw, name: str, errors: list):
        parsed = self.parsed.get(raw, _BAD_DATE) if type(raw) is str else _BAD_DATE
        if parsed is _BAD_DATE:
            try:
                parsed = parse_date(raw)
            except (ValueError, OverflowError):
                errors.append(
                    _("%(field)s “%(value)s” is not a date (write it as dd.mm.yyyy).")
                    % {"field": FIELDS[name], "value": _text(raw)}
                )
                return None
            if type(raw) is str:
                if len(self.parsed) >= _DATE_CACHE_LIMIT:
                    self.parsed.clear()
                self.parsed[raw] = parsed
        return parsed

    def __call__(self, cells: list) -> tuple[list, list[str] | None]:
        width, count = self.width, len(cells)
        errors: list[str] = []
        if count != width:
            if count > width and any(_text(cell) for cell in cells[width:]):
                errors.append(
                    _(
                        "The row has %(cells)s columns but the header has %(headers)s. "
                        "A value containing the delimiter must be in quotes."
                    )
                    % {"cells": count, "headers": width}
                )
            if count < width:
                cells = [*cells, *([""] * (width - count))]
        values = _EMPTY.copy()
        for index, slot, name, limit in self.texts:
            raw = cells[index]
            text = raw.strip() if type(raw) is str else _text(raw)
            if len(text) > limit:
                errors.append(
                    _("%(field)s is longer than %(limit)s characters.")
                    % {"field": FIELDS[name], "limit": limit}
                )
            values[slot] = text
        if self.email is not None:
            raw = cells[self.email]
            email = (raw.strip() if type(raw) is str else _text(raw)).lower()
            if email:
                if not (len(email) <= 254 and _PLAIN_EMAIL.match(email)) and (
                    error := _email_error(email)
                ):
                    errors.append(error)
                if len(email) > _MAX_LENGTHS["email"]:
                    errors.append(
                        _("%(field)s is longer than %(limit)s characters.")
                        % {"field": FIELDS["email"], "limit": _MAX_LENGTHS["email"]}
                    )
            values[_EMAIL] = email
        for index, slot, name in self.dates:
            raw = cells[index]
            if raw != "":
                values[slot] = self._date(raw, name, errors)
        if not (values[_NUMBER] or values[_EMAIL]):
            errors.append(_("The row has neither an employee number nor an email."))
        if not (values[_FIRST] or values[_LAST]):
            errors.append(_("The row has no name."))
        hired, left = values[_HIRED], values[_LEFT]
        if hired and left and left < hired:
            errors.append(
                _("The leaving date %(left)s is before the hire date %(hired)s.")
                % {"left": left.strftime("%d.%m.%Y"), "hired": hired.strftime("%d.%m.%Y")}
            )
        return values, errors or None


def is_blank(cells: list) -> bool:
    """A row with no text in any cell: a blank line, trailing or not."""
    try:
        return not "".join(cells).strip()
    except TypeError:  # XLSX cells are numbers and dates too
        return not any(_text(cell) for cell in cells)


# The run -------------------------------------------------------------------------------


@dataclass
class ImportResult:
    headers: list[str] = field(default_factory=list)
    mapping: list[str] = field(default_factory=list)
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    without_email: int = 0
    error_rows: list[dict] = field(default_factory=list)
    sample: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def valid_rows(self) -> int:
        return self.created + self.updated + self.unchanged

    def report(self) -> dict:
        return {"notes": self.notes, "errors": self.error_rows, "sample": self.sample}

    def add_error(self, line: int, reasons: list[str], cells: list) -> None:
        self.errors += 1
        if len(self.error_rows) < MAX_STORED_ERRORS:
            # The row is kept for the error download, but never a reason for leaving.
            values = [
                "" if self.mapping[i : i + 1] == [REASON] else _text(cell)
                for i, cell in enumerate(cells)
            ]
            self.error_rows.append({"line": line, "reason": " ".join(reasons), "values": values})


@dataclass
class _Row:
    line: int
    values: dict
    cells: list


class _DuplicateFinder:
    """Remembers each key's first line by its 64-bit hash, not the key, to stay small."""

    def __init__(self):
        self.seen: dict[str, dict[int, int]] = {name: {} for name in IDENTITY_FIELDS}

    def check(self, values: list, line: int) -> list[str]:
        """Where this row's keys (values in DATA_FIELDS order) came first, if before it."""
        reasons = []
        for name, slot in (("employee_number", _NUMBER), ("email", _EMAIL)):
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
    batch_size = batch_size or (MERGE_BATCH_SIZE if register_writes.can_copy() else BATCH_SIZE)
    if commit:
        with transaction.atomic():
            if register_import is None:
                register_import = RegisterImport.objects.create(
                    file_name=file_name or path.name, status=RegisterImport.Status.COMMITTING
                )
            result = _run(path, file_name, mapping, register_import, on_progress, batch_size)
            _store_result(register_import, result)
            register_import.mapping = result.mapping
            register_import.headers = result.headers
            register_import.processed_rows = result.total_rows
            register_import.status = RegisterImport.Status.COMMITTED
            register_import.finished_at = timezone.now()
            register_import.save()
            return result
    if register_writes.can_copy():
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
    if register_import is not None and register_was_empty and register_writes.can_copy():
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
        except register_writes.DuplicateKey:
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
        suppression = register_writes.SuppressionCheck()
        if copy_fresh:
            if suppression.known is None:
                return None  # a suppression list too long to hold: checked batch by batch
            rows = _fresh_rows(table.rows, check, result, suppression, on_progress, batch_size)
            register_writes.copy_new_leavers(rows, register_import_id=register_import.pk)
        else:
            write_batches = _merged_batches if register_writes.can_copy() else _batches
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
        email = values[_EMAIL]
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
        _process_batch(
            [
                _Row(line, dict(zip(DATA_FIELDS, values, strict=True)), cells)
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
    merge = register_merge.BatchMerge(
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


def _take_outcome(merge: "register_merge.BatchMerge", batch: list, result: ImportResult) -> None:
    """Wait for the batch in flight and add what it came to onto the result."""
    outcome = merge.result()
    if outcome is None:
        return
    without_address = sum(1 for _line, values, _cells in batch if not values[_EMAIL])
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
        if kind == register_merge.UPDATED:
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
            result.add_error(line, [_merge_error(kind, detail, values)], cells)


def _merge_error(kind: str, detail: str, values: list) -> str:
    """Why a row that matched someone in the register cannot be applied, for a person."""
    if kind == register_merge.EMAIL_NUMBERED:
        return _email_numbered(values[_EMAIL], detail)
    if kind == register_merge.EMAIL_TAKEN:
        return _email_taken(values[_EMAIL], detail)
    if kind == register_merge.SAME_PERSON:
        return _same_person(detail)
    hired, left = (datetime.date.fromisoformat(day) for day in detail.split())
    return _left_before_hired(hired, left)


def _email_numbered(email: str, other: str) -> str:
    return _("The email %(email)s belongs to employee number %(other)s in the register.") % {
        "email": email,
        "other": other,
    }


def _email_taken(email: str, name: str) -> str:
    return _("The email %(email)s belongs to another person in the register (%(name)s).") % {
        "email": email,
        "name": name,
    }


def _same_person(line) -> str:
    return _(
        "This row is the same person as line %(line)s: a person can be in the file only once."
    ) % {"line": line}


def _left_before_hired(hired: datetime.date, left: datetime.date) -> str:
    return _("The leaving date %(left)s is before the hire date %(hired)s.") % {
        "left": left.strftime("%d.%m.%Y"),
        "hired": hired.strftime("%d.%m.%Y"),
    }


def _process_batch(
    batch: list[_Row],
    result: ImportResult,
    register_import_id: int | None,
    suppression: register_writes.SuppressionCheck,
    seen: dict[int, int],
    register_was_empty: bool = False,
):
    """Match a batch against the register in two queries; write it if committing.

    Rows and leavers stay plain dicts here: building model instances for every
    row would cost more than reading the file.
    """
    mapped = [name for name in result.mapping if name in FIELDS]
    numbers = [row.values["employee_number"] for row in batch if row.values.get("employee_number")]
    emails = [row.values["email"] for row in batch if row.values.get("email")]
    by_number: dict[str, dict] = {}
    by_email: dict[str, dict] = {}
    existing = (
        []
        if register_was_empty
        else register_writes.matching_leavers(numbers=numbers, emails=emails)
    )
    for leaver in existing:
        if leaver["employee_number"]:
            by_number[leaver["employee_number"]] = leaver
        if leaver["email"]:
            by_email[leaver["email"]] = leaver
    suppressed = suppression.suppressed_emails(emails)
    to_create: list[tuple[int, dict]] = []
    to_update: list[tuple[int, dict, dict]] = []
    for row in batch:
        values = row.values
        number, email = values.get("employee_number", ""), values.get("email", "")
        leaver = by_number.get(number) if number else None
        if leaver is None and email and (candidate := by_email.get(email)):
            if number and candidate["employee_number"] and candidate["employee_number"] != number:
                result.add_error(
                    row.line, [_email_numbered(email, candidate["employee_number"])], row.cells
                )
                continue
            leaver = candidate
        if leaver is not None and email and email != leaver["email"]:
            other = by_email.get(email)
            if other is not None and other["id"] != leaver["id"]:
                result.add_error(row.line, [_email_taken(email, _name(other))], row.cells)
                continue
        if leaver is not None:
            first = seen.setdefault(leaver["id"], row.line)
            if first != row.line:
                result.add_error(row.line, [_same_person(first)], row.cells)
                continue
        is_suppressed = bool(email) and email in suppressed
        if leaver is None:
            status = Leaver.Status.SUPPRESSED if is_suppressed else Leaver.Status.IN_REGISTER
            to_create.append((row.line, {**values, "status": str(status)}))
            result.created += 1
            if not email:
                result.without_email += 1
            continue
        changes = {}
        for name in mapped:
            new = values.get(name)
            if name in IDENTITY_FIELDS and not new:
                continue  # an empty cell never erases how a person is matched
            old = leaver[name]
            if old != new and (old or new):
                changes[name] = [_json_value(old), _json_value(new)]
        if is_suppressed and leaver["status"] != Leaver.Status.SUPPRESSED:
            changes["status"] = [leaver["status"], str(Leaver.Status.SUPPRESSED)]
        hired = values["hired_on"] if "hired_on" in changes else leaver["hired_on"]
        left = values["left_on"] if "left_on" in changes else leaver["left_on"]
        if hired and left and left < hired:
            result.add_error(row.line, [_left_before_hired(hired, left)], row.cells)
            continue
        if not (email or leaver["email"]):
            result.without_email += 1
        if not changes:
            result.unchanged += 1
            continue
        result.updated += 1
        if len(result.sample) < SAMPLE_SIZE:
            result.sample.append(
                {
                    "line": row.line,
                    "name": _name(leaver),
                    "changes": [[name, old, new] for name, (old, new) in changes.items()],
                }
            )
        merged = dict(leaver)
        for name in changes:
            merged[name] = values[name] if name != "status" else str(Leaver.Status.SUPPRESSED)
        to_update.append((row.line, merged, changes))
    if register_import_id is not None:
        register_writes.write_batch(to_create, to_update, register_import_id)


def _name(leaver: dict) -> str:
    return (
        f"{leaver['first_name']} {leaver['last_name']}".strip()
        or leaver["email"]
        or leaver["employee_number"]
    )


def _json_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


# The wizard's steps ----------------------------------------------------------------------


def progress_key(register_import_id: int) -> str:
    return f"invitations:register-import:{register_import_id}:progress"


def start_import(*, uploaded_file, user) -> RegisterImport:
    """Keep an uploaded file and read its header row; raises FileUnreadable (and keeps nothing)."""
    register_import = RegisterImport(
        file_name=Path(uploaded_file.name).name[:255], uploaded_by=user
    )
    register_import.file.save(register_import.file_name, uploaded_file, save=False)
    try:
        headers, notes = read_headers(
            register_import.file.path, file_name=register_import.file_name
        )
    except FileUnreadable:
        register_import.file.delete(save=False)
        raise
    mapping, _remembered = initial_mapping(headers)
    register_import.headers = headers
    register_import.mapping = mapping
    register_import.report = {"notes": notes}
    register_import.save()
    return register_import


def preview_import(*, register_import: RegisterImport, mapping: list[str]) -> RegisterImport:
    """Check every row against the register without writing; remember the mapping."""
    mapping = clean_mapping(register_import.headers, mapping)
    remember_mapping(headers=register_import.headers, mapping=mapping)
    register_import.mapping = mapping
    try:
        result = run_import(
            path=register_import.file.path,
            file_name=register_import.file_name,
            mapping=mapping,
            commit=False,
        )
    except FileUnreadable as error:
        register_import.status = RegisterImport.Status.FAILED
        register_import.failure = str(error)
        register_import.save()
        return register_import
    _store_result(register_import, result)
    register_import.status = RegisterImport.Status.PREVIEWED
    register_import.save()
    return register_import


def _store_result(register_import: RegisterImport, result: ImportResult) -> None:
    register_import.total_rows = result.total_rows
    register_import.created_count = result.created
    register_import.updated_count = result.updated
    register_import.unchanged_count = result.unchanged
    register_import.error_count = result.errors
    register_import.without_email_count = result.without_email
    register_import.report = result.report()


def request_commit(*, register_import_id: int) -> bool:
    """Move a previewed import to committing, once; the task is queued after the commit."""
    from .tasks import commit_register_import

    with transaction.atomic():
        claimed = RegisterImport.objects.filter(
            pk=register_import_id, status=RegisterImport.Status.PREVIEWED
        ).update(status=RegisterImport.Status.COMMITTING, processed_rows=0)
        if claimed:
            transaction.on_commit(
                lambda: commit_register_import.delay(register_import_id=register_import_id)
            )
    return bool(claimed)


def commit_import(*, register_import: RegisterImport, on_progress=None) -> RegisterImport:
    """Write the file for real, all or nothing; a failure leaves the register as it was."""
    from django.core.cache import cache

    key = progress_key(register_import.pk)

    def progress(rows: int) -> None:
        cache.set(key, rows, timeout=3600)
        if on_progress:
            on_progress(rows)

    try:
        run_import(
            path=register_import.file.path,
            file_name=register_import.file_name,
            mapping=register_import.mapping,
            commit=True,
            register_import=register_import,
            on_progress=progress,
        )
    except Exception as error:
        failure = (
            str(error)
            if isinstance(error, FileUnreadable)
            else _("The import stopped on an unexpected error; nothing was changed.")
        )
        RegisterImport.objects.filter(pk=register_import.pk).update(
            status=RegisterImport.Status.FAILED, failure=failure, finished_at=timezone.now()
        )
        register_import.refresh_from_db()
        if not isinstance(error, FileUnreadable):
            # Recorded on the import for the coordinator; the traceback goes to the log.
            logger.exception("Register import %s failed", register_import.pk)
        return register_import
    finally:
        cache.delete(key)
    # The register now holds what HR needs; the uploaded copy of the file is personal
    # data with no further use (the error rows are kept in the report).
    register_import.file.delete(save=True)
    return register_import


def current_progress(register_import: RegisterImport) -> int:
    from django.core.cache import cache

    return cache.get(progress_key(register_import.pk), register_import.processed_rows)
