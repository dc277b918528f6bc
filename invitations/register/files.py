"""Reading register files as HR systems export them, one row at a time.

CSV (UTF-8, UTF-8 with BOM or Windows-1252; `;`, `,` or tab) and XLSX (streamed by
openpyxl in read-only mode, with defusedxml guarding the XML). Nothing here holds
more than a sample of the file in memory, except XLSX's shared-strings table, which
openpyxl loads whole and which is therefore bounded by the upload limit first; the
header row (all the upload request reads) comes from a light read of the top of the
sheet that loads only the strings it needs (xlsx_top.py). Every way a file can be
unreadable ends in `FileUnreadable` with a sentence a coordinator understands.
"""

import codecs
import csv
import datetime
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree as DefusedET
from django.conf import settings
from django.utils.translation import gettext as _

from .xlsx_top import xlsx_top_rows

# A CSV line longer than this is not a register row; refusing it keeps memory bounded.
MAX_LINE_CHARS = 64 * 1024
# XLSX is a zip: refuse one that declares more than this once unpacked, or a member
# that unpacks to far more than its packed size (a zip bomb).
XLSX_MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
XLSX_MAX_RATIO = 200
# openpyxl keeps every shared string in memory (100-200 bytes each with the text), so
# the shared-strings table may unpack to at most this many times the upload limit and
# hold at most one string per this many bytes of it. 20 MB allows 20 MB of strings and
# 655 360 of them: a register of some 300 000 rows saved by Excel. At that edge, with
# every string stored 4 bytes a character, the import peaks at about 210 MB RSS.
SHARED_STRINGS_BYTES_PER_UPLOAD_BYTE = 1
UPLOAD_BYTES_PER_SHARED_STRING = 32
SHARED_STRINGS_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
# An `<si>` start tag, with or without a namespace prefix.
SHARED_STRING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
UNIQUE_COUNT_ATTRIBUTE = re.compile(rb"\suniqueCount\s*=\s*[\"'](\d+)[\"']")
# The header row is looked for among this many rows at the top (below report titles).
HEADER_SEARCH_ROWS = 30
DELIMITERS = (";", ",", "\t")


class FileUnreadable(Exception):
    """The file cannot be read at all; the message says why, for a person."""


@dataclass
class RegisterTable:
    headers: list[str]
    header_line: int
    rows: Iterator[tuple[int, list]]
    kind: str
    notes: list[str]


def is_xlsx(path: Path, file_name: str) -> bool:
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        return True
    with open(path, "rb") as file:
        return file.read(4) == b"PK\x03\x04"


@contextmanager
def open_register(path, *, file_name: str = "", header_matcher=None):
    """Open a register file as a table: its header row and a stream of (line, cells).

    `header_matcher(cells) -> int` scores a row as a header row (how many cells it
    recognises); the first row scoring at least 2 is the header, else the first row.
    """
    path = Path(path)
    file_name = file_name or path.name
    if not path.exists():
        raise FileUnreadable(_("The file is no longer there. Upload it again."))
    if path.stat().st_size == 0:
        raise FileUnreadable(_("The file is empty."))
    if is_xlsx(path, file_name):
        check_zip(path)
        # The header row from a light read of the top; the data rows from openpyxl,
        # which reads the whole shared-strings table, only once they are asked for.
        table = _table(iter(_xlsx_top(path)), kind="xlsx", header_matcher=header_matcher)
        table.rows = _xlsx_rows_after(path, line=table.header_line)
        yield table
    else:
        with _open_csv(path) as rows:
            yield _table(rows, kind="csv", header_matcher=header_matcher)


def _table(rows: Iterator[tuple[int, list]], *, kind: str, header_matcher) -> RegisterTable:
    """Find the header row among the first rows; what is above it is report titles."""
    top: list[tuple[int, list]] = []
    for line, cells in rows:
        if any(_cell_text(cell) for cell in cells):
            top.append((line, cells))
        if len(top) >= HEADER_SEARCH_ROWS:
            break
    if not top:
        raise FileUnreadable(_("The file has no rows."))
    header_index = 0
    if header_matcher is not None:
        for index, (_line, cells) in enumerate(top):
            if header_matcher([_cell_text(cell) for cell in cells]) >= 2:
                header_index = index
                break
    header_line, header_cells = top[header_index]
    headers = [_cell_text(cell) for cell in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise FileUnreadable(_("The file has no header row."))
    notes = []
    if header_index:
        notes.append(
            _("The rows above line %(line)s were taken as report titles and skipped.")
            % {"line": header_line}
        )

    def data_rows():
        yield from top[header_index + 1 :]
        yield from rows

    return RegisterTable(
        headers=headers, header_line=header_line, rows=data_rows(), kind=kind, notes=notes
    )


def _cell_text(cell) -> str:
    if cell is None:
        return ""
    return str(cell).strip()


# CSV ---------------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) if every byte decodes as such, else Windows-1252."""
    with open(path, "rb") as file:
        head = file.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        file.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        first = True
        try:
            while chunk := file.read(1 << 16):
                if first and b"\x00" in chunk:
                    raise FileUnreadable(
                        _("This is not a text file. Upload the register as CSV or XLSX.")
                    )
                first = False
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def _guarded_lines(text, *, start: int = 0) -> Iterator[str]:
    """The file's lines, refusing any longer than MAX_LINE_CHARS before it fills memory."""
    line_number = start
    while True:
        line = text.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        line_number += 1
        if len(line) > MAX_LINE_CHARS:
            raise FileUnreadable(
                _(
                    "Line %(line)s is longer than %(limit)s characters. "
                    "This does not look like a register file."
                )
                % {"line": line_number, "limit": f"{MAX_LINE_CHARS:,}".replace(",", " ")}
            )
        yield line


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the sample into the most columns, most consistently."""
    best, best_score = ";", (0, 0)
    for delimiter in DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
        except csv.Error:
            continue
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = (common if common > 1 else 0, widths.count(common))
        if score > best_score:
            best, best_score = delimiter, score
    return best


@contextmanager
def _open_csv(path: Path):
    encoding = detect_encoding(path)
    try:
        with open(path, encoding=encoding, newline="") as text:
            sample = []
            for line in _guarded_lines(text):
                sample.append(line)
                if len(sample) >= HEADER_SEARCH_ROWS + 20:
                    break
            delimiter = sniff_delimiter(sample)
        with open(path, encoding=encoding, newline="") as text:
            yield _csv_rows(text, delimiter)
    except UnicodeDecodeError as error:
        raise FileUnreadable(
            _("The file contains bytes that are not text. Upload the register as CSV or XLSX.")
        ) from error


def _csv_rows(text, delimiter: str) -> Iterator[tuple[int, list]]:
    reader = csv.reader(_guarded_lines(text), delimiter=delimiter, strict=False)
    previous = 0
    try:
        for cells in reader:
            line, previous = previous + 1, reader.line_num
            if cells:
                yield line, cells
    except csv.Error as error:
        raise FileUnreadable(
            _("Line %(line)s cannot be read as CSV: %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from error
    except UnicodeDecodeError as error:
        raise FileUnreadable(
            _("The file contains bytes that are not text. Upload the register as CSV or XLSX.")
        ) from error


# XLSX --------------------------------------------------------------------------------


def check_zip(path: Path) -> None:
    """Refuse a zip bomb by the sizes its directory declares, before anything unpacks."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = 0
            for info in archive.infolist():
                total += info.file_size
                packed = max(info.compress_size, 1)
                if info.file_size > 1024 * 1024 and info.file_size / packed > XLSX_MAX_RATIO:
                    raise FileUnreadable(
                        _("The XLSX file unpacks to far more than its size and was refused.")
                    )
            if total > XLSX_MAX_UNCOMPRESSED_BYTES:
                raise FileUnreadable(_("The XLSX file is too large once unpacked and was refused."))
            for name in shared_strings_parts(archive):
                check_shared_strings(archive, name)
    except (zipfile.BadZipFile, OSError, zlib.error) as error:
        raise FileUnreadable(_("The file is not a valid XLSX workbook.")) from error


def shared_strings_parts(archive: zipfile.ZipFile) -> set[str]:
    """The members a reader may take as the shared-strings table: by name or by content type."""
    names = {info.filename for info in archive.infolist()}
    parts = {name for name in names if name.lower().endswith("sharedstrings.xml")}
    try:
        declared = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return parts
    if declared.file_size > 1024 * 1024:  # a real one is a few kilobytes
        raise FileUnreadable(_("The file is not a valid XLSX workbook."))
    try:
        types = DefusedET.fromstring(archive.read(declared))
    except (DefusedET.ParseError, ValueError) as error:  # defusedxml's refusals too
        raise FileUnreadable(_("The file is not a valid XLSX workbook.")) from error
    for override in types:
        if override.get("ContentType") == SHARED_STRINGS_CONTENT_TYPE:
            parts.add(override.get("PartName", "").lstrip("/"))
    return parts & names


def shared_strings_limits() -> tuple[int, int]:
    """How many bytes and how many strings the shared-strings table may hold."""
    return (
        settings.UPLOAD_MAX_BYTES * SHARED_STRINGS_BYTES_PER_UPLOAD_BYTE,
        settings.UPLOAD_MAX_BYTES // UPLOAD_BYTES_PER_SHARED_STRING,
    )


def check_shared_strings(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse a shared-strings table too big to hold in memory, by what it declares and
    then by counting its entries as it streams past (declarations may lie)."""
    max_bytes, max_strings = shared_strings_limits()
    info = archive.getinfo(name)
    if info.file_size > max_bytes:
        raise_too_much_text()
    unpacked = strings = 0
    carry = b""
    with archive.open(info) as part:
        while chunk := part.read(1 << 20):
            declared = None if unpacked else UNIQUE_COUNT_ATTRIBUTE.search(chunk[:4096])
            if declared and int(declared.group(1)) > max_strings:
                raise_too_much_text()
            unpacked += len(chunk)
            window = carry + chunk
            # A tag cut off by the chunk's end is counted with the next chunk.
            cut = window.rfind(b"<")
            if cut < 0 or len(window) - cut > 64:
                cut = len(window)
            strings += len(SHARED_STRING_TAG.findall(window, 0, cut))
            carry = window[cut:]
            if unpacked > max_bytes or strings > max_strings:
                raise_too_much_text()
    if strings + len(SHARED_STRING_TAG.findall(carry)) > max_strings:
        raise_too_much_text()


def raise_too_much_text():
    raise FileUnreadable(
        _(
            "The XLSX file holds far more text than a register of its size and was "
            "refused. Save it as CSV in your spreadsheet program and upload that."
        )
    )


def _xlsx_top(path: Path) -> list[tuple[int, list]]:
    try:
        return xlsx_top_rows(path, non_empty=HEADER_SEARCH_ROWS)
    # xlsx_top.NotAWorkbook and defusedxml's refusals are ValueErrors, as is a bad number.
    except (
        ValueError,
        KeyError,
        DefusedET.ParseError,
        zipfile.BadZipFile,
        OSError,
        zlib.error,
    ) as error:
        raise FileUnreadable(_("The file is not a valid XLSX workbook.")) from error


def _xlsx_rows_after(path: Path, *, line: int) -> Iterator[tuple[int, list]]:
    """The rows below `line`; the workbook is opened at the first row asked for."""
    with _open_xlsx(path) as rows:
        for number, cells in rows:
            if number > line:
                yield number, cells


@contextmanager
def _open_xlsx(path: Path):
    # defusedxml being installed makes openpyxl parse with it (no entity expansion).
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken workbook
        raise FileUnreadable(_("The file is not a valid XLSX workbook.")) from error
    try:
        sheet = workbook.worksheets[0]
        # Exporters often write a wrong <dimension>; read what is really there.
        sheet.reset_dimensions()
        yield _xlsx_rows(sheet)
    finally:
        workbook.close()


def _xlsx_rows(sheet) -> Iterator[tuple[int, list]]:
    try:
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, [_xlsx_value(cell) for cell in cells]
    except FileUnreadable:
        raise
    except Exception as error:
        raise FileUnreadable(_("The XLSX workbook could not be read to the end.")) from error


def _xlsx_value(cell):
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    return cell
