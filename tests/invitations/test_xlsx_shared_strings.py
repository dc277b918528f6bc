"""XLSX shared-strings tables are bounded by the upload limit before anything loads them,
and the upload reads the header row without loading the whole table."""

import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from invitations.models import Leaver
from invitations.register.engine import run_import
from invitations.register.files import FileUnreadable
from invitations.register.mapping import read_headers

from .factories import HEADER, write_xlsx

pytestmark = pytest.mark.django_db

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
TOO_MUCH_TEXT = "holds far more text than a register of its size"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def content_types(strings_part: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        f'<Override PartName="/{strings_part}" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    )


def workbook_parts(strings_part: str) -> dict[str, str]:
    """A one-sheet workbook whose two rows refer to the first six shared strings."""
    target = strings_part.removeprefix("xl/")
    return {
        "[Content_Types].xml": content_types(strings_part),
        "_rels/.rels": (
            f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
            f'Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>'
            '<sheet name="Ark1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PACKAGE}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/sharedStrings" Target="{target}"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{MAIN}"><sheetData>'
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
            '<c r="C1" t="s"><v>2</v></c></row>'
            '<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c>'
            '<c r="C2" t="s"><v>5</v></c></row>'
            "</sheetData></worksheet>"
        ),
    }


def write_workbook(
    path: Path,
    *,
    filler: int = 0,
    width: int = 1,
    declared: int | None = None,
    prefix: str = "",
    strings_part: str = "xl/sharedStrings.xml",
    alphabet: str = "ab",
) -> Path:
    """A workbook with a real header and row, then `filler` random shared strings."""
    tag = f"{prefix}:" if prefix else ""
    namespace = f"xmlns:{prefix}" if prefix else "xmlns"
    real = ["Ansattnummer", "Fornavn", "E-post", "0042", "Kari", "kari@epost.example"]
    count = len(real) + filler if declared is None else declared
    randomness = random.Random(2026)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in workbook_parts(strings_part).items():
            archive.writestr(name, text)
        with archive.open(strings_part, "w", force_zip64=True) as part:
            part.write(
                f'<?xml version="1.0" encoding="UTF-8"?><{tag}sst {namespace}="{MAIN}" '
                f'count="{count}" uniqueCount="{count}">'.encode()
            )
            for text in real:
                part.write(f"<{tag}si><{tag}t>{text}</{tag}t></{tag}si>".encode())
            for start in range(0, filler, 100_000):
                texts = (
                    "".join(randomness.choices(alphabet, k=width))
                    for _ in range(min(100_000, filler - start))
                )
                part.write(
                    "".join(f"<{tag}si><{tag}t>{t}</{tag}t></{tag}si>" for t in texts).encode()
                )
            part.write(f"</{tag}sst>".encode())
    return path


def test_a_workbook_within_the_limits_imports_with_its_text_intact(tmp_path, settings):
    settings.UPLOAD_MAX_BYTES = 32 * 1000  # room for 1000 shared strings
    path = write_workbook(tmp_path / "register.xlsx", filler=900)

    run_import(path=path, commit=True)

    assert Leaver.objects.get().employee_number == "0042"


def test_too_many_shared_strings_are_refused(tmp_path, settings):
    settings.UPLOAD_MAX_BYTES = 32 * 1000
    path = write_workbook(tmp_path / "register.xlsx", filler=1100)

    with pytest.raises(FileUnreadable, match=TOO_MUCH_TEXT):
        run_import(path=path, commit=True)


def test_shared_strings_that_declare_too_few_are_counted_as_they_stream(tmp_path, settings):
    settings.UPLOAD_MAX_BYTES = 32 * 1000
    path = write_workbook(tmp_path / "register.xlsx", filler=1100, declared=4)

    with pytest.raises(FileUnreadable, match=TOO_MUCH_TEXT):
        run_import(path=path, commit=True)


def test_shared_strings_with_a_namespace_prefix_are_counted(tmp_path, settings):
    settings.UPLOAD_MAX_BYTES = 32 * 1000
    path = write_workbook(tmp_path / "register.xlsx", filler=1100, declared=4, prefix="x")

    with pytest.raises(FileUnreadable, match=TOO_MUCH_TEXT):
        run_import(path=path, commit=True)


def test_shared_strings_larger_than_the_upload_limit_are_refused(tmp_path, settings):
    settings.UPLOAD_MAX_BYTES = 32 * 1000
    path = write_workbook(tmp_path / "register.xlsx", filler=10, width=4000)

    with pytest.raises(FileUnreadable, match=TOO_MUCH_TEXT):
        run_import(path=path, commit=True)


def test_shared_strings_under_another_part_name_are_checked(tmp_path, settings):
    settings.UPLOAD_MAX_BYTES = 32 * 1000
    path = write_workbook(
        tmp_path / "register.xlsx", filler=1100, declared=4, strings_part="xl/tekst.xml"
    )

    with pytest.raises(FileUnreadable, match=TOO_MUCH_TEXT):
        run_import(path=path, commit=True)


def test_an_openpyxl_workbook_keeps_leading_zeros_dates_and_empty_cells(tmp_path):
    import datetime

    rows = [["0007", "Åse", "Ødegård", None, "", datetime.date(2010, 2, 1), "03.04.2020"]]
    path = write_xlsx(tmp_path / "register.xlsx", rows, header=HEADER)

    run_import(path=path, commit=True)

    leaver = Leaver.objects.get()
    assert (leaver.employee_number, leaver.email, leaver.hired_on, leaver.left_on) == (
        "0007",
        "",
        datetime.date(2010, 2, 1),
        datetime.date(2020, 4, 3),
    )


def replace_part(path: Path, name: str, text: str) -> Path:
    """The same workbook with one part's text replaced."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[name] = text.encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, data in parts.items():
            archive.writestr(member, data)
    return path


def test_reading_the_header_row_stops_in_the_shared_strings_it_needs(tmp_path):
    path = write_workbook(tmp_path / "register.xlsx")
    strings = (
        f'<sst xmlns="{MAIN}"><si><t>Ansattnummer</t></si><si><t>Fornavn</t></si>'
        "<si><t>E-post</t></si><si><t>0042</t></si><si><t>Kari</t></si>"
        "<si><t>kari@epost.example</t></si><si><t>not closed"
    )
    replace_part(path, "xl/sharedStrings.xml", strings)

    headers, _notes = read_headers(path)

    assert headers == ["Ansattnummer", "Fornavn", "E-post"]
    with pytest.raises(FileUnreadable, match="not a valid XLSX workbook"):
        run_import(path=path, commit=True)  # the import task reads the whole table


def test_header_row_with_rich_text_gaps_and_inline_strings_below_titles(tmp_path):
    path = write_workbook(tmp_path / "register.xlsx")
    sheet = (
        f'<worksheet xmlns="{MAIN}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Sluttregister</t></is></c></row>'
        '<row r="3"><c r="A3" t="s"><v>0</v></c>'
        '<c r="C3" t="inlineStr"><is><r><t>Forn</t></r><r><t>avn</t></r></is></c>'
        '<c r="D3" t="s"><v>2</v></c></row>'
        '<row r="4"><c r="A4" t="s"><v>3</v></c><c r="C4" t="s"><v>4</v></c>'
        '<c r="D4" t="s"><v>5</v></c></row>'
        "</sheetData></worksheet>"
    )
    replace_part(path, "xl/worksheets/sheet1.xml", sheet)

    headers, notes = read_headers(path)
    run_import(path=path, commit=True)

    assert headers == ["Ansattnummer", "", "Fornavn", "E-post"]
    assert notes[0] == "The rows above line 3 were taken as report titles and skipped."
    leaver = Leaver.objects.get()
    assert (leaver.employee_number, leaver.first_name, leaver.email) == (
        "0042",
        "Kari",
        "kari@epost.example",
    )


PEAK_RSS = """
import os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alumni_network.settings")
django.setup()
from invitations.register.files import FileUnreadable, open_register
try:
    with open_register(sys.argv[1]) as table:
        for _row in table.rows:
            pass
    outcome = "read"
except FileUnreadable:
    outcome = "refused"
peak = next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]
print(outcome, int(peak) // 1024)
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("filler", "width", "alphabet", "outcome"),
    [
        pytest.param(5_700_000, 1, "ab", "refused", id="1.4 MB with 5.7 million strings"),
        pytest.param(16_700_000, 1, "ab", "refused", id="4.1 MB with 16.7 million strings"),
        # Just inside both limits at 20 MB, every string stored 4 bytes a character.
        pytest.param(600_000, 8, "ab\U0001f600", "read", id="the most the limits let in"),
    ],
)
def test_an_xlsx_within_the_upload_limit_is_read_or_refused_in_bounded_memory(
    tmp_path, filler, width, alphabet, outcome
):
    path = write_workbook(tmp_path / "r.xlsx", filler=filler, width=width, alphabet=alphabet)

    result = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "UPLOAD_MAX_BYTES": str(20 * 1024 * 1024)},
    )
    read_or_refused, peak_mb = result.stdout.split()

    assert read_or_refused == outcome
    assert int(peak_mb) < 300


def test_a_chart_sheet_before_the_register_is_passed_over(tmp_path):
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Ansattnummer", "Fornavn", "E-post"])
    sheet.append(["0042", "Kari", "kari@epost.example"])
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=1, min_row=1, max_row=2))
    workbook.create_chartsheet("Oversikt", 0).add_chart(chart)
    path = tmp_path / "register.xlsx"
    workbook.save(path)

    headers, _notes = read_headers(path)
    run_import(path=path, commit=True)

    assert headers == ["Ansattnummer", "Fornavn", "E-post"]
    assert Leaver.objects.get().email == "kari@epost.example"
