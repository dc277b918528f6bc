"""The top rows of an XLSX workbook's first worksheet, read without loading the whole file.

openpyxl reads the whole shared-strings table before the first row. Finding the header
row needs only the strings the top rows use, so this streams the sheet until it has
the rows asked for, then streams the shared-strings table until it has their strings.
It gives text as written (numbers and dates as stored): enough to recognise a header
row, which is all it is for. The data rows are openpyxl's, in the import task.
"""

import posixpath
import zipfile
from dataclasses import dataclass

from defusedxml import ElementTree as DefusedET

# The package's own small parts (relationships, the workbook) are a few kilobytes.
SMALL_PART_MAX_BYTES = 1024 * 1024
OFFICE_DOCUMENT = "/officeDocument"
SHARED_STRINGS = "/sharedStrings"
WORKSHEET = "/worksheet"


class NotAWorkbook(ValueError):
    """A part the workbook needs is missing or unreadable."""


@dataclass
class SharedString:
    """A cell's reference into the shared-strings table, until the text is looked up."""

    index: int


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _small_part(archive: zipfile.ZipFile, name: str):
    try:
        info = archive.getinfo(name)
    except KeyError as error:
        raise NotAWorkbook(name) from error
    if info.file_size > SMALL_PART_MAX_BYTES:
        raise NotAWorkbook(name)
    return DefusedET.fromstring(archive.read(info))


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id -> (type, target resolved to a member name)."""
    folder, name = posixpath.split(part)
    try:
        root = _small_part(archive, posixpath.join(folder, "_rels", f"{name}.rels"))
    except NotAWorkbook:
        return {}
    found = {}
    for relationship in root:
        target = relationship.get("Target", "")
        if target.startswith("/"):
            resolved = target.lstrip("/")
        else:
            resolved = posixpath.normpath(posixpath.join(folder, target))
        found[relationship.get("Id", "")] = (relationship.get("Type", ""), resolved)
    return found


def _workbook_part(archive: zipfile.ZipFile) -> str:
    for kind, target in _relationships(archive, "").values():
        if kind.endswith(OFFICE_DOCUMENT):
            return target
    return "xl/workbook.xml"


def _first_sheet_and_strings(archive: zipfile.ZipFile) -> tuple[str, str | None]:
    """The first worksheet, as openpyxl's `worksheets[0]`: chart sheets before it are passed."""
    workbook = _workbook_part(archive)
    relationships = _relationships(archive, workbook)
    sheet = None
    for element in _small_part(archive, workbook).iter():
        if local_name(element.tag) != "sheet":
            continue
        sheet_id = next(
            (value for key, value in element.attrib.items() if local_name(key) == "id"), None
        )
        kind, target = relationships.get(sheet_id, ("", ""))
        if kind.endswith(WORKSHEET):
            sheet = target
            break
    if sheet is None:
        raise NotAWorkbook("no sheet")
    strings = next(
        (target for kind, target in relationships.values() if kind.endswith(SHARED_STRINGS)),
        None,
    )
    return sheet, strings


def column_index(reference: str) -> int | None:
    """0 for "A1", 26 for "AA7"; None without a reference."""
    letters = "".join(character for character in reference if character.isalpha())
    if not letters:
        return None
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _text_of(element) -> str:
    """The text of an inline or shared string: its runs, without phonetic hints."""
    parts = []
    for child in element:
        name = local_name(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if local_name(t.tag) == "t")
    return "".join(parts)


def _cell_value(cell):
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = next((c for c in cell if local_name(c.tag) == "is"), None)
        return _text_of(inline) if inline is not None else ""
    value = next((c.text for c in cell if local_name(c.tag) == "v"), None)
    if value is None:
        return ""
    if kind == "s":
        return SharedString(int(value))
    if kind == "b":
        return str(value == "1")
    if kind == "n" and value.lstrip("-").isdigit():
        return int(value)
    return value


def _row_cells(row) -> list:
    cells: list = []
    for cell in row:
        if local_name(cell.tag) != "c":
            continue
        index = column_index(cell.get("r", ""))
        if index is not None and index > len(cells):
            cells.extend([""] * (index - len(cells)))
        cells.append(_cell_value(cell))
    return cells


def _sheet_rows(archive: zipfile.ZipFile, sheet: str, *, non_empty: int):
    """The first rows until `non_empty` of them have a cell, as (line, cells)."""
    rows, found, line = [], 0, 0
    with archive.open(sheet) as part:
        parent = None
        for event, element in DefusedET.iterparse(part, events=("start", "end")):
            name = local_name(element.tag)
            if event == "start":
                if name == "sheetData":
                    parent = element
                continue
            if name != "row":
                continue
            line = int(element.get("r") or line + 1)
            cells = _row_cells(element)
            if parent is not None:
                parent.remove(element)  # a million rows parsed leave nothing behind
            if any(cell != "" for cell in cells):
                rows.append((line, cells))
                found += 1
                if found >= non_empty:
                    break
    return rows


def _shared_strings(archive: zipfile.ZipFile, part: str, wanted: set[int]) -> dict[int, str]:
    """The texts of the wanted entries, reading the table no further than the last one."""
    texts: dict[int, str] = {}
    last = max(wanted)
    index = 0
    with archive.open(part) as stream:
        parent = None
        for event, element in DefusedET.iterparse(stream, events=("start", "end")):
            name = local_name(element.tag)
            if event == "start":
                if name == "sst":
                    parent = element
                continue
            if name != "si":
                continue
            if index in wanted:
                texts[index] = _text_of(element)
            if parent is not None:
                parent.remove(element)
            if index >= last:
                break
            index += 1
    return texts


def xlsx_top_rows(path, *, non_empty: int) -> list[tuple[int, list]]:
    """The first worksheet's rows up to the `non_empty`-th row with a value, strings looked up.

    Raises NotAWorkbook (or a defusedxml/zip error) for a workbook it cannot read.
    """
    with zipfile.ZipFile(path) as archive:
        sheet, strings_part = _first_sheet_and_strings(archive)
        rows = _sheet_rows(archive, sheet, non_empty=non_empty)
        wanted = {
            cell.index for _line, cells in rows for cell in cells if isinstance(cell, SharedString)
        }
        texts = _shared_strings(archive, strings_part, wanted) if wanted and strings_part else {}
    return [
        (line, [texts.get(c.index, "") if isinstance(c, SharedString) else c for c in cells])
        for line, cells in rows
    ]
