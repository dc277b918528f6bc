"""Factories and file builders for the leavers register."""

import datetime
from pathlib import Path

import factory

from invitations.models import Leaver, RegisterImport, Segment
from invitations.register.mapping import guess_mapping


class LeaverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Leaver

    employee_number = factory.Sequence(lambda n: f"{10000 + n}")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    email = factory.Sequence(lambda n: f"leaver{n}@epost.example")
    department = "Drift"
    title = "Ingeniør"
    location = "Bergen"
    hired_on = datetime.date(2015, 1, 1)
    left_on = datetime.date(2023, 6, 30)


class RegisterImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegisterImport

    file_name = "register.csv"
    headers = factory.LazyFunction(lambda: list(HEADER))
    mapping = factory.LazyFunction(lambda: guess_mapping(HEADER))


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    name = factory.Sequence(lambda n: f"Segment {n}")


HEADER = [
    "Ansattnr",
    "Fornavn",
    "Etternavn",
    "E-post privat",
    "Avdeling",
    "Ansatt dato",
    "Sluttdato",
]


def write_csv(
    path: Path,
    rows: list[list[str]],
    *,
    header: list[str] = HEADER,
    delimiter: str = ";",
    encoding: str = "utf-8",
    newline: str = "\n",
    prefix: str = "",
) -> Path:
    """A register file as an HR system writes it (quoting what needs quotes)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes((prefix + buffer.getvalue()).encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list], *, header: list[str] = HEADER, titles=()) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for title in titles:
        sheet.append(title)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path
