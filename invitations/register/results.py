"""What an import found: counts, the rows in error (bounded) and a sample of the changes."""

import datetime
from dataclasses import dataclass, field

from ..models import RegisterImport
from .mapping import REASON
from .rows import cell_text

# A preview keeps every error up to this many (with the row's values, for the
# error download) and a sample of the changes; beyond that it only counts.
MAX_STORED_ERRORS = 10_000
SAMPLE_SIZE = 25


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
                "" if self.mapping[i : i + 1] == [REASON] else cell_text(cell)
                for i, cell in enumerate(cells)
            ]
            self.error_rows.append({"line": line, "reason": " ".join(reasons), "values": values})


@dataclass
class CheckedRow:
    line: int
    values: dict
    cells: list


def json_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def store_result(register_import: RegisterImport, result: ImportResult) -> None:
    register_import.total_rows = result.total_rows
    register_import.created_count = result.created
    register_import.updated_count = result.updated
    register_import.unchanged_count = result.unchanged
    register_import.error_count = result.errors
    register_import.without_email_count = result.without_email
    register_import.report = result.report()
