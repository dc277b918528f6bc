"""Checking one register row: dates, addresses, lengths, with a checker made per mapping."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from ..models import Leaver
from . import writes
from .mapping import DATE_FIELDS, FIELDS

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


def cell_text(value) -> str:
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
DATA_FIELDS = list(writes.DATA_FIELDS)
_EMPTY = [None if name in DATE_FIELDS else "" for name in DATA_FIELDS]
NUMBER_INDEX, _FIRST, _LAST, EMAIL_INDEX = (
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
                    % {"field": FIELDS[name], "value": cell_text(raw)}
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
            if count > width and any(cell_text(cell) for cell in cells[width:]):
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
            text = raw.strip() if type(raw) is str else cell_text(raw)
            if len(text) > limit:
                errors.append(
                    _("%(field)s is longer than %(limit)s characters.")
                    % {"field": FIELDS[name], "limit": limit}
                )
            values[slot] = text
        if self.email is not None:
            raw = cells[self.email]
            email = (raw.strip() if type(raw) is str else cell_text(raw)).lower()
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
            values[EMAIL_INDEX] = email
        for index, slot, name in self.dates:
            raw = cells[index]
            if raw != "":
                values[slot] = self._date(raw, name, errors)
        if not (values[NUMBER_INDEX] or values[EMAIL_INDEX]):
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
        return not any(cell_text(cell) for cell in cells)
