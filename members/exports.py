"""Tabular exports as CSV or XLSX: streamed, never a formula, the same for every app.

One writer for every export of personal data (register, members, competence
search, attendees, campaign results): a header and an iterator of rows go in,
a streamed download comes out, with one formula guard (OWASP "CSV injection").

CSV is separated by semicolons: Norwegian Excel takes the list separator from
the regional settings, and in Norway that is ";" (the comma is the decimal
separator), so a semicolon file opens in columns on a double click. It is UTF-8
with a byte order mark, without which Excel reads it as Windows-1252 and
garbles æøå.
"""

import csv
import datetime
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a spreadsheet reads as the start of a formula (OWASP: =, +, -, @, tab, CR).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# CSV rows written per chunk of the stream: few enough to stay small, enough to be quick.
ROWS_PER_CHUNK = 500
# An XLSX up to this size is built in memory, a larger one in a temporary file.
XLSX_SPOOL_BYTES = 8 * 1024 * 1024
NO_STORE = "private, no-store"


@dataclass(frozen=True)
class Table:
    """What an export holds: the file name (without suffix), a header and the rows."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence]
    sheet_title: str = ""


def safe_cell(value):
    """Neutralise formula injection in text (a leading ' makes it plain text); else unchanged."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def plain_value(value):
    """A cell as both formats write it: safe text, local time to the second, numbers as is."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        return value.replace(microsecond=0)
    return safe_cell(value)


def export_format(value) -> str:
    """The format a form asked for: xlsx, or csv for anything else."""
    return XLSX if value == XLSX else CSV


def export_response(*, table: Table, fmt: str):
    """The table as a download in `fmt` (csv or xlsx)."""
    if fmt == XLSX:
        return xlsx_response(table=table)
    return csv_response(table=table)


# CSV ------------------------------------------------------------------------------------


def _csv_text(value) -> str:
    value = plain_value(value)
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def csv_chunks(*, header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """The CSV file in pieces: the BOM and header, then ROWS_PER_CHUNK rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([_csv_text(h) for h in header])
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_text(v) for v in row])
        if count % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(*, table: Table) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_chunks(header=table.header, rows=table.rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{table.name}.csv")
    response["Cache-Control"] = NO_STORE
    return response


# XLSX -----------------------------------------------------------------------------------


def _xlsx_cell(sheet, value):
    value = plain_value(value)
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value in ERROR_CODES or value.startswith("'"):
        # Text stays text: openpyxl would read "#N/A" as an error; a neutralised
        # formula is written as a text cell whatever comes after the quote.
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def write_xlsx(*, table: Table, out) -> None:
    """Write the table to the file object `out` with openpyxl's write-only workbook."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(table.sheet_title or table.name)[:31])
    sheet.append([_xlsx_cell(sheet, h) for h in table.header])
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    workbook.save(out)


def xlsx_response(*, table: Table) -> FileResponse:
    """The workbook built row by row into a temporary file, then streamed from it."""
    # Not a `with` block: FileResponse closes the file once it is sent.
    out = tempfile.SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES)  # noqa: SIM115
    write_xlsx(table=table, out=out)
    out.seek(0)
    response = FileResponse(
        out, as_attachment=True, filename=f"{table.name}.xlsx", content_type=XLSX_CONTENT_TYPE
    )
    response["Cache-Control"] = NO_STORE
    return response
