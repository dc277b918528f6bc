"""The leavers register as a table for export: every column HR keeps, as typed values."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from members.exports import Table

from ..models import Leaver, RegisterImport

# The reason someone left is never stored, so it is never exported either.
COLUMNS = (
    ("employee_number", gettext_lazy("Employee number")),
    ("first_name", gettext_lazy("First name")),
    ("last_name", gettext_lazy("Last name")),
    ("email", gettext_lazy("Email")),
    ("phone", gettext_lazy("Phone")),
    ("department", gettext_lazy("Department")),
    ("title", gettext_lazy("Job title")),
    ("location", pgettext_lazy("workplace", "Location")),
    ("hired_on", gettext_lazy("Hired")),
    ("left_on", gettext_lazy("Left")),
    ("status", gettext_lazy("Status")),
    ("created_at", gettext_lazy("Added to the register")),
)
STATUS = [name for name, _label in COLUMNS].index("status")
ROWS_PER_FETCH = 2000


def _rows(leavers: QuerySet[Leaver]):
    """Plain value tuples, fetched in chunks (a server-side cursor on PostgreSQL)."""
    labels = {value: str(label) for value, label in Leaver.Status.choices}
    names = [name for name, _label in COLUMNS]
    for values in leavers.values_list(*names).iterator(chunk_size=ROWS_PER_FETCH):
        row = list(values)
        row[STATUS] = labels.get(row[STATUS], row[STATUS])
        yield row


def register_table(*, leavers: QuerySet[Leaver]) -> Table:
    """The (filtered, sorted) register as a Table for members.exports."""
    return Table(
        name=f"register-{timezone.localdate().isoformat()}",
        header=[label for _name, label in COLUMNS],
        rows=_rows(leavers),
        sheet_title=_("Register"),
    )


def import_errors_table(*, register_import: RegisterImport) -> Table:
    """The rows an import skipped, as uploaded, with the line and the reason, to fix and upload."""
    width = len(register_import.headers)
    rows = (
        [error["line"], *(error["values"] + [""] * (width - len(error["values"]))), error["reason"]]
        for error in register_import.report.get("errors", [])
    )
    return Table(
        name=f"{register_import.file_name.rsplit('.', 1)[0]}-errors",
        header=[_("Line"), *register_import.headers, _("Error")],
        rows=rows,
        sheet_title=_("Errors"),
    )
