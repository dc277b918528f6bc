"""Matching and writing a batch of checked rows in Python, row by row (SQLite).

The same rules as `merge_sql` applies in PostgreSQL; CI runs the import tests on both.
"""

import datetime

from django.utils.translation import gettext as _

from ..models import Leaver
from . import merge_sql, writes
from .mapping import FIELDS, IDENTITY_FIELDS
from .results import SAMPLE_SIZE, CheckedRow, ImportResult, json_value
from .rows import EMAIL_INDEX


def merge_error(kind: str, detail: str, values: list) -> str:
    """Why a row that matched someone in the register cannot be applied, for a person."""
    if kind == merge_sql.EMAIL_NUMBERED:
        return _email_numbered(values[EMAIL_INDEX], detail)
    if kind == merge_sql.EMAIL_TAKEN:
        return _email_taken(values[EMAIL_INDEX], detail)
    if kind == merge_sql.SAME_PERSON:
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


def merge_batch(
    batch: list[CheckedRow],
    result: ImportResult,
    register_import_id: int | None,
    suppression: writes.SuppressionCheck,
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
    existing = [] if register_was_empty else writes.matching_leavers(numbers=numbers, emails=emails)
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
                changes[name] = [json_value(old), json_value(new)]
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
        writes.write_batch(to_create, to_update, register_import_id)


def _name(leaver: dict) -> str:
    return (
        f"{leaver['first_name']} {leaver['last_name']}".strip()
        or leaver["email"]
        or leaver["employee_number"]
    )
