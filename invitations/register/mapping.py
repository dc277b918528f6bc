"""Which column of a register file holds what: header aliases, guesses and checks of a mapping."""

import hashlib
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from ..models import ColumnMapping
from .files import open_register

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
