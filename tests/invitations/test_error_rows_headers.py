"""The error rows download guards its column headers like every other cell."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from invitations.register.exports import import_errors_table
from members.exports import write_xlsx

from .factories import RegisterImportFactory

pytestmark = pytest.mark.django_db

FORMULA_HEADER = '=HYPERLINK("x")'


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def import_with_formula_header():
    return RegisterImportFactory(
        headers=["Ansattnr", FORMULA_HEADER, "+Fornavn", "@Etternavn"],
        error_count=1,
        report={"errors": [{"line": 2, "reason": "Bad", "values": ["1", "x", "Ola", "Dal"]}]},
    )


def test_error_rows_csv_neutralises_a_formula_in_a_column_header(staff_client):
    register_import = import_with_formula_header()

    response = staff_client.get(reverse("hr_invitations:import_errors", args=[register_import.pk]))

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(body), delimiter=";"))
    assert header == ["Line", "Ansattnr", "'" + FORMULA_HEADER, "'+Fornavn", "'@Etternavn", "Error"]


def test_error_rows_xlsx_neutralises_a_formula_in_a_column_header():
    table = import_with_formula_header()
    out = io.BytesIO()

    write_xlsx(table=import_errors_table(register_import=table), out=out)

    out.seek(0)
    sheet = load_workbook(out).active
    header = [cell.value for cell in sheet[1]]
    assert header == ["Line", "Ansattnr", "'" + FORMULA_HEADER, "'+Fornavn", "'@Etternavn", "Error"]
    assert all(cell.data_type == "s" for cell in sheet[1])
