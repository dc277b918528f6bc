"""The register import engine: files as HR systems export them, rules, and commit."""

import datetime
import re
import zipfile

import pytest
from django.core.cache import cache
from django.core.files import File

from alumni_network.mail.suppression import is_suppressed, suppress_email
from invitations.models import Leaver, LeaverChange, RegisterImport
from invitations.register.engine import run_import
from invitations.register.files import FileUnreadable
from invitations.register.imports import preview_import, progress_key, request_preview
from invitations.register.mapping import guess_mapping, normalise_header

from .factories import HEADER, LeaverFactory, RegisterImportFactory, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

ROWS = [
    ["1001", "Åse", "Ødegård", "Ase.Odegard@Epost.example", "Drift", "01.02.2010", "3.4.2020"],
    ["1002", "Bjørn", "Æsebø", "bjorn@epost.example", "Økonomi", "2012-08-15", "2021-12-31"],
]


def counts(result):
    return (result.created, result.updated, result.unchanged, result.errors)


def errors(result):
    return [(error["line"], error["reason"]) for error in result.error_rows]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_import_reads_encodings_with_norwegian_letters_intact(tmp_path, encoding):
    path = write_csv(tmp_path / "register.csv", ROWS, encoding=encoding)

    result = run_import(path=path, commit=True)

    assert counts(result) == (2, 0, 0, 0)
    names = list(Leaver.objects.order_by("employee_number").values_list("first_name", "last_name"))
    assert names == [("Åse", "Ødegård"), ("Bjørn", "Æsebø")]
    assert Leaver.objects.get(employee_number="1002").department == "Økonomi"


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_import_detects_delimiter_and_line_endings(tmp_path, delimiter, newline):
    rows = [*ROWS, ["1003", "Kari", "Berg, jr.; d.y.", "kari@epost.example", "IT", "", ""]]
    path = write_csv(tmp_path / "r.csv", rows, delimiter=delimiter, newline=newline)

    result = run_import(path=path, commit=True)

    assert counts(result) == (3, 0, 0, 0)
    assert Leaver.objects.get(employee_number="1003").last_name == "Berg, jr.; d.y."


def test_import_ignores_trailing_blank_lines(tmp_path):
    path = write_csv(tmp_path / "r.csv", ROWS)
    path.write_bytes(path.read_bytes() + b"\n\n;;;;;;\n\n")

    result = run_import(path=path, commit=True)

    assert counts(result) == (2, 0, 0, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03.04.2020", datetime.date(2020, 4, 3)),
        ("3.4.2020", datetime.date(2020, 4, 3)),
        ("2020-04-03", datetime.date(2020, 4, 3)),
    ],
)
def test_import_reads_date_forms(tmp_path, text, expected):
    path = write_csv(tmp_path / "r.csv", [["1", "Ola", "Nordmann", "", "", "", text]])

    run_import(path=path, commit=True)

    assert Leaver.objects.get().left_on == expected


def test_import_reads_xlsx_with_excel_dates_below_title_rows(tmp_path):
    rows = [
        [
            1001,
            "Åse",
            "Ødegård",
            "ase@epost.example",
            "Drift",
            datetime.datetime(2010, 2, 1),
            "03.04.2020",
        ],
        [1002, "Per", "Ås", None, "IT", datetime.date(2011, 1, 1), datetime.date(2019, 5, 31)],
    ]
    titles = [["Sluttregister Fjordvik Energi AS"], ["Utskrevet 01.11.2026"], []]
    path = write_xlsx(tmp_path / "register.xlsx", rows, titles=titles)

    result = run_import(path=path, commit=True)

    assert counts(result) == (2, 0, 0, 0)
    per = Leaver.objects.get(employee_number="1002")
    assert (per.last_name, per.hired_on, per.left_on) == (
        "Ås",
        datetime.date(2011, 1, 1),
        datetime.date(2019, 5, 31),
    )
    assert Leaver.objects.get(employee_number="1001").hired_on == datetime.date(2010, 2, 1)
    assert result.notes[0] == "The rows above line 4 were taken as report titles and skipped."


def test_import_finds_csv_header_below_title_rows(tmp_path):
    path = write_csv(tmp_path / "r.csv", ROWS, prefix="Sluttregister 2026\nRapport;;\n\n")

    result = run_import(path=path, commit=True)

    assert counts(result) == (2, 0, 0, 0)
    assert errors(result) == []


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Ansattnr", "employee_number"),
        ("ANSATTNUMMER", "employee_number"),
        ("Employee ID", "employee_number"),
        ("employee_number", "employee_number"),
        ("Person-ID", "employee_number"),
        ("Fornavn", "first_name"),
        ("first name", "first_name"),
        ("Surname", "last_name"),
        ("E-post privat", "email"),
        ("Privat e-post", "email"),
        ("e-post", "email"),
        ("Personal Email", "email"),
        ("Mobil", "phone"),
        ("Stillingstittel", "title"),
        ("Job Title", "title"),
        ("Ansatt dato", "hired_on"),
        ("Hire date", "hired_on"),
        ("Fratredelsesdato", "left_on"),
        ("Termination Date", "left_on"),
        ("Kontor", "location"),
        ("Office", "location"),
        ("Sluttårsak", "_reason"),
        ("Reason for leaving", "_reason"),
        ("Favorittfarge", ""),
    ],
)
def test_header_mapping_ignores_case_spaces_and_punctuation(header, field):
    assert guess_mapping([header]) == [field]


def test_normalise_header_keeps_norwegian_letters():
    assert normalise_header(" Sluttårsak ") == "sluttårsak"


def test_import_never_stores_why_someone_left(tmp_path):
    header = [*HEADER, "Sluttårsak"]
    path = write_csv(tmp_path / "r.csv", [[*ROWS[0], "Oppsigelse"]], header=header)

    result = run_import(path=path, commit=True)

    assert counts(result) == (1, 0, 0, 0)
    assert result.notes == [
        "The column “Sluttårsak” says why people left. It is ignored: "
        "the register never stores why someone left."
    ]
    leaver = Leaver.objects.values().get()
    assert "Oppsigelse" not in leaver.values()


def test_error_rows_keep_no_reason_for_leaving(tmp_path):
    header = [*HEADER, "Sluttårsak"]
    row = ["1", "Ola", "Nordmann", "ikke-epost", "", "", "", "Oppsigelse"]
    path = write_csv(tmp_path / "r.csv", [row], header=header)

    result = run_import(path=path, commit=False)

    assert result.error_rows[0]["values"] == ["1", "Ola", "Nordmann", "ikke-epost", "", "", "", ""]


def test_reimport_of_the_same_file_changes_nothing(tmp_path):
    path = write_csv(tmp_path / "r.csv", ROWS)
    run_import(path=path, commit=True)
    before = list(Leaver.objects.order_by("pk").values())

    result = run_import(path=path, commit=True)

    assert counts(result) == (0, 0, 2, 0)
    assert list(Leaver.objects.order_by("pk").values()) == before
    assert LeaverChange.objects.count() == 0
    first = RegisterImport.objects.order_by("pk").first()
    assert list(Leaver.objects.order_by("pk").values_list("created_by_import", "created_line")) == [
        (first.pk, 2),
        (first.pk, 3),
    ]


def test_later_export_updates_without_duplicating(tmp_path):
    run_import(path=write_csv(tmp_path / "a.csv", ROWS), commit=True)
    changed = [
        [*ROWS[0][:4], "Nett", *ROWS[0][5:]],
        ROWS[1],
        ["1003", "Ny", "Person", "", "", "", ""],
    ]

    result = run_import(path=write_csv(tmp_path / "b.csv", changed), commit=True)

    assert counts(result) == (1, 1, 1, 0)
    assert Leaver.objects.count() == 3
    assert Leaver.objects.get(employee_number="1001").department == "Nett"
    assert result.sample == [
        {"line": 2, "name": "Åse Ødegård", "changes": [["department", "Drift", "Nett"]]}
    ]
    history = Leaver.objects.get(employee_number="1001").history()
    assert [(c.action, c.register_import.file_name, c.line, c.changes) for c in history] == [
        ("updated", "b.csv", 2, {"department": ["Drift", "Nett"]}),
        ("created", "a.csv", 2, {}),
    ]


def test_import_matches_by_email_when_no_employee_number(tmp_path):
    leaver = LeaverFactory(employee_number="", email="kari@epost.example", department="IT")
    header = ["Fornavn", "Etternavn", "Email", "Department"]
    path = write_csv(
        tmp_path / "r.csv", [["Kari", "Berg", " KARI@Epost.Example ", "Salg"]], header=header
    )

    result = run_import(path=path, commit=True)

    assert counts(result) == (0, 1, 0, 0)
    leaver.refresh_from_db()
    assert (leaver.department, leaver.email) == ("Salg", "kari@epost.example")


def test_import_stores_formula_like_text_verbatim(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["1", '=HYPERLINK("x")', "+47", "", "@SUM(A1)", "", ""]])

    run_import(path=path, commit=True)

    leaver = Leaver.objects.get()
    assert (leaver.first_name, leaver.last_name, leaver.department) == (
        '=HYPERLINK("x")',
        "+47",
        "@SUM(A1)",
    )


def test_missing_email_is_imported_and_cannot_be_invited(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["1", "Ola", "Nordmann", "", "", "", ""]])

    result = run_import(path=path, commit=True)

    assert (result.created, result.without_email) == (1, 1)
    assert Leaver.objects.get().can_be_invited is False


def test_every_error_kind_has_its_line_number(tmp_path):
    rows = [
        ["1", "Ola", "Nordmann", "ola@epost.example", "", "", ""],
        ["2", "Kari", "Berg", "not-an-email", "", "", ""],
        ["3", "Per", "Ås", "per@epost.example", "", "01.01.2020", "31.12.2019"],
        ["4", "Liv", "Dal", "liv@epost.example", "", "31.02.2020", ""],
        ["1", "Ola", "Kopi", "ola2@epost.example", "", "", ""],
        ["5", "Ola", "Epost", "OLA@epost.example", "", "", ""],
        ["", "Uten", "Nøkkel", "", "", "", ""],
        ["6", "", "", "noname@epost.example", "", "", ""],
        ["7", "Stine", "Sluttdato", "stine@epost.example", "", "", "i fjor"],
    ]
    path = write_csv(tmp_path / "r.csv", rows)

    result = run_import(path=path, commit=True)

    assert errors(result) == [
        (3, "“not-an-email” is not a valid email address."),
        (4, "The leaving date 31.12.2019 is before the hire date 01.01.2020."),
        (5, "Hired “31.02.2020” is not a date (write it as dd.mm.yyyy)."),
        (6, "Employee number 1 appears already on line 2."),
        (7, "Email ola@epost.example appears already on line 2."),
        (8, "The row has neither an employee number nor an email."),
        (9, "The row has no name."),
        (10, "Left “i fjor” is not a date (write it as dd.mm.yyyy)."),
    ]
    assert counts(result) == (1, 0, 0, 8)
    assert Leaver.objects.count() == 1


def test_conflicts_with_the_register_are_errors(tmp_path):
    LeaverFactory(employee_number="1", email="ola@epost.example")
    LeaverFactory(employee_number="2", email="kari@epost.example")
    LeaverFactory(employee_number="4", email="liv@epost.example")
    rows = [
        ["1", "Ola", "Nordmann", "kari@epost.example", "", "", ""],
        ["3", "Liv", "Dal", "liv@epost.example", "", "", ""],
    ]
    path = write_csv(tmp_path / "r.csv", rows)

    result = run_import(path=path, commit=True)

    assert [line for line, _reason in errors(result)] == [2, 3]
    assert (
        errors(result)[1][1]
        == "The email liv@epost.example belongs to employee number 4 in the register."
    )


def test_unquoted_delimiter_in_a_value_is_an_error(tmp_path):
    path = write_csv(tmp_path / "r.csv", [])
    path.write_text(path.read_text() + "1;Ola;Nord;mann;ola@epost.example;IT;;01.01.2020\n")

    result = run_import(path=path, commit=False)

    assert errors(result)[0][0] == 2
    assert errors(result)[0][1].startswith("The row has 8 columns but the header has 7.")


@pytest.mark.parametrize(
    "variant", ["OLA@Epost.Example", "  ola@epost.example  ", "Ola@EPOST.example"]
)
def test_suppressed_person_stays_suppressed_through_reimport(tmp_path, variant):
    suppress_email(email="ola@epost.example", reason="opted_out")
    path = write_csv(tmp_path / "r.csv", [["1", "Ola", "Nordmann", variant, "", "", ""]])

    run_import(path=path, commit=True)
    run_import(path=path, commit=True)

    leaver = Leaver.objects.get()
    assert leaver.status == Leaver.Status.SUPPRESSED
    assert is_suppressed(variant)


def test_suppressing_later_marks_the_leaver_and_reimport_keeps_it(tmp_path):
    path = write_csv(
        tmp_path / "r.csv", [["1", "Ola", "Nordmann", "ola@epost.example", "", "", ""]]
    )
    run_import(path=path, commit=True)

    suppress_email(email=" OLA@epost.example", reason="bounced")
    result = run_import(path=path, commit=True)

    assert Leaver.objects.get().status == Leaver.Status.SUPPRESSED
    assert counts(result) == (0, 0, 1, 0)


def test_reimport_suppresses_a_leaver_whose_address_was_suppressed_elsewhere(tmp_path):
    leaver = LeaverFactory(employee_number="1", email="old@epost.example")
    suppress_email(email="new@epost.example", reason="complained")
    path = write_csv(
        tmp_path / "r.csv", [["1", "Ola", "Nordmann", "new@epost.example", "", "", ""]]
    )

    run_import(path=path, commit=True)

    leaver.refresh_from_db()
    assert (leaver.email, leaver.status) == ("new@epost.example", Leaver.Status.SUPPRESSED)


def test_dry_run_writes_nothing(tmp_path):
    path = write_csv(tmp_path / "r.csv", ROWS)

    result = run_import(path=path, commit=False)

    assert counts(result) == (2, 0, 0, 0)
    assert (Leaver.objects.count(), RegisterImport.objects.count()) == (0, 0)


def test_crash_mid_import_leaves_the_register_as_it_was(tmp_path):
    LeaverFactory(employee_number="1", department="Drift")
    rows = [["1", "Ola", "Nordmann", "", "Nett", "", ""]] + [
        [str(n), "Ny", f"Person {n}", "", "", "", ""] for n in range(2, 12)
    ]
    path = write_csv(tmp_path / "r.csv", rows)

    def crash(rows_done):
        if rows_done >= 4:
            raise RuntimeError("the worker died")

    with pytest.raises(RuntimeError):
        run_import(path=path, commit=True, on_progress=crash, batch_size=4)

    assert list(Leaver.objects.values_list("employee_number", "department")) == [("1", "Drift")]
    assert (RegisterImport.objects.count(), LeaverChange.objects.count()) == (0, 0)


# Hostile files ---------------------------------------------------------------------


def test_empty_file_is_refused_with_a_message(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    with pytest.raises(FileUnreadable, match="The file is empty."):
        run_import(path=path, commit=True)


def test_binary_garbage_is_refused_with_a_message(tmp_path):
    path = tmp_path / "garbage.csv"
    path.write_bytes(bytes(range(256)) * 64)

    with pytest.raises(FileUnreadable, match="not a text file"):
        run_import(path=path, commit=True)
    assert RegisterImport.objects.count() == 0


def test_a_10_mb_line_is_refused_without_reading_it_whole(tmp_path):
    path = write_csv(tmp_path / "r.csv", ROWS)
    with open(path, "ab") as file:
        file.write(b"1;" + b"x" * (10 * 1024 * 1024) + b"\n")

    with pytest.raises(FileUnreadable, match="Line 4 is longer than"):
        run_import(path=path, commit=True, batch_size=1)  # the good rows were written first
    assert (Leaver.objects.count(), RegisterImport.objects.count()) == (0, 0)


def test_xlsx_zip_bomb_is_refused_before_opening(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))

    with pytest.raises(FileUnreadable, match="unpacks to far more than its size"):
        run_import(path=path, commit=True)


def test_broken_xlsx_is_refused_with_a_message(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")

    with pytest.raises(FileUnreadable, match="not a valid XLSX workbook"):
        run_import(path=path, commit=True)


def test_file_with_unknown_headers_is_refused(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["a", "b"]], header=["Farge", "Dyr"])

    with pytest.raises(FileUnreadable, match="employee number or email"):
        run_import(path=path, commit=True)


def test_crash_mid_import_into_an_empty_register_leaves_it_empty(tmp_path):
    # Into an empty register PostgreSQL takes the one-COPY path; a crash inside it
    # rolls back the same way.
    rows = [[str(n), "Ny", f"Person {n}", f"p{n}@epost.example", "", "", ""] for n in range(20)]
    path = write_csv(tmp_path / "r.csv", rows)

    def crash(rows_done):
        if rows_done >= 8:
            raise RuntimeError("the worker died")

    with pytest.raises(RuntimeError):
        run_import(path=path, commit=True, on_progress=crash, batch_size=4)

    assert (Leaver.objects.count(), RegisterImport.objects.count()) == (0, 0)


def test_a_key_twice_in_a_file_for_an_empty_register_is_an_error_and_the_rest_lands(tmp_path):
    rows = [
        ["1", "Ola", "Nordmann", "ola@epost.example", "", "", ""],
        ["2", "Kari", "Berg", "kari@epost.example", "", "", ""],
        ["3", "Per", "Ås", "KARI@epost.example", "", "", ""],
    ]
    path = write_csv(tmp_path / "r.csv", rows)

    result = run_import(path=path, commit=True)

    assert counts(result) == (2, 0, 0, 1)
    assert errors(result) == [(4, "Email kari@epost.example appears already on line 3.")]
    register_import = RegisterImport.objects.get()
    assert sorted(
        Leaver.objects.values_list("employee_number", "created_by_import", "created_line")
    ) == [("1", register_import.pk, 2), ("2", register_import.pk, 3)]


def test_repeated_dates_are_read_once_and_a_bad_one_is_an_error_every_time(tmp_path):
    rows = [
        [str(n), "Ola", f"Nordmann {n}", "", "", "01.02.2010", date]
        for n, date in enumerate(["3.4.2020", "2020-04-03", "3.4.2020", "31.02.2020", "31.02.2020"])
    ]
    path = write_csv(tmp_path / "r.csv", rows)

    result = run_import(path=path, commit=True)

    assert counts(result) == (3, 0, 0, 2)
    assert [line for line, _reason in errors(result)] == [5, 6]
    assert set(Leaver.objects.values_list("left_on", flat=True)) == {datetime.date(2020, 4, 3)}


def test_leaver_history_lists_the_import_that_added_them_last(tmp_path):
    run_import(path=write_csv(tmp_path / "a.csv", ROWS), commit=True)
    changed = [[*ROWS[0][:4], "Nett", *ROWS[0][5:]]]
    run_import(path=write_csv(tmp_path / "b.csv", changed), commit=True)

    leaver = Leaver.objects.get(employee_number="1001")

    assert [(c.action, c.register_import.file_name) for c in leaver.history()] == [
        ("updated", "b.csv"),
        ("created", "a.csv"),
    ]
    assert Leaver.objects.get(employee_number="1002").history()[0].line == 3


@pytest.mark.parametrize("batch_size", [None, 1], ids=["one batch", "a batch a row"])
def test_a_person_matched_by_two_rows_is_an_error_on_the_later_one(tmp_path, batch_size):
    leaver = LeaverFactory(employee_number="1", email="ola@epost.example", department="IT")
    rows = [
        ["", "Ola", "Nordmann", "ola@epost.example", "HR", "", ""],  # by email
        ["1", "Ola", "Nordmann", "ola.ny@epost.example", "Salg", "", ""],  # by number
    ]
    path = write_csv(tmp_path / "r.csv", rows)

    result = run_import(path=path, commit=True, batch_size=batch_size)

    assert counts(result) == (0, 1, 0, 1)
    assert errors(result) == [
        (3, "This row is the same person as line 2: a person can be in the file only once.")
    ]
    leaver.refresh_from_db()
    assert (leaver.department, leaver.email) == ("HR", "ola@epost.example")


def test_a_change_that_would_leave_before_being_hired_is_an_error(tmp_path):
    LeaverFactory(
        employee_number="1", hired_on=datetime.date(2020, 1, 1), left_on=datetime.date(2022, 1, 1)
    )
    header = ["Ansattnr", "Fornavn", "Sluttdato"]
    path = write_csv(tmp_path / "r.csv", [["1", "Ola", "31.12.2019"]], header=header)

    result = run_import(path=path, commit=True)

    assert errors(result) == [
        (2, "The leaving date 31.12.2019 is before the hire date 01.01.2020.")
    ]
    assert Leaver.objects.get().left_on == datetime.date(2022, 1, 1)


def test_preview_counts_what_commit_then_does(tmp_path):
    LeaverFactory(employee_number="1001", email="ase.odegard@epost.example", department="IT")
    LeaverFactory(employee_number="9", email="bjorn@epost.example")
    path = write_csv(tmp_path / "r.csv", [*ROWS, ["1003", "Liv", "Dal", "", "", "", ""]])

    preview = run_import(path=path, commit=False)
    committed = run_import(path=path, commit=True)

    assert counts(preview) == counts(committed) == (1, 1, 0, 1)
    assert preview.without_email == committed.without_email == 1
    assert errors(preview) == errors(committed)
    assert preview.sample == committed.sample


def test_an_import_that_added_people_cannot_be_deleted(tmp_path):
    from django.db.models import ProtectedError

    run_import(path=write_csv(tmp_path / "r.csv", ROWS), commit=True)

    with pytest.raises(ProtectedError):
        RegisterImport.objects.get().delete()


@pytest.mark.postgres
def test_batch_matching_probes_the_unique_indexes_whatever_the_statistics(tmp_path):
    """Planned from stale statistics, the lookups once hashed the whole register."""
    from django.db import connection, transaction

    from invitations.register import merge_sql as register_merge
    from invitations.register.rows import DATA_FIELDS

    LeaverFactory.create_batch(30)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE invitations_leaver")
    with transaction.atomic():
        merge = register_merge.BatchMerge(
            mapped=list(DATA_FIELDS),
            register_import_id=None,
            match=True,
            check_suppression=False,
            sample_size=25,
        )
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + register_merge._match_sql(list(DATA_FIELDS)))
            plan = "\n".join(row[0] for row in cursor.fetchall())
        merge.close()

    # Each lookup probes its unique index per row, as a plain or a bitmap index scan
    # (the planner picks either for a one-row probe, by the statistics the suite left),
    # and nothing reads the whole register.
    for index in (
        "leaver_employee_number_unique",
        "leaver_email_ci_unique",
        "invitations_leaver_pkey",
    ):
        assert re.search(rf"(Index Scan using|Bitmap Index Scan on) {index}\b", plan), index
    assert "Seq Scan on invitations_leaver" not in plan
    assert "Hash Join" not in plan


# The wizard's preview, queued for a worker ----------------------------------------------


@pytest.mark.parametrize(
    "status", [RegisterImport.Status.PREVIEWING, RegisterImport.Status.COMMITTING]
)
def test_request_preview_claims_an_import_once(django_capture_on_commit_callbacks, status):
    register_import = RegisterImportFactory(status=RegisterImport.Status.PENDING)
    mapping = guess_mapping(HEADER)

    with django_capture_on_commit_callbacks() as callbacks:
        first = request_preview(register_import_id=register_import.pk, mapping=mapping)
        RegisterImport.objects.filter(pk=register_import.pk).update(status=status)
        again = request_preview(register_import_id=register_import.pk, mapping=mapping)

    assert (first, again, len(callbacks)) == (True, False, 1)
    register_import.refresh_from_db()
    assert register_import.status == status


def test_preview_reports_rows_checked_and_forgets_them_when_done(tmp_path):
    path = write_csv(tmp_path / "r.csv", ROWS, header=HEADER)
    register_import = RegisterImportFactory(status=RegisterImport.Status.PREVIEWING)
    with path.open("rb") as file:
        register_import.file.save("r.csv", File(file), save=True)
    seen = []

    preview_import(
        register_import=register_import,
        on_progress=lambda rows: seen.append(cache.get(progress_key(register_import.pk))),
    )

    register_import.refresh_from_db()
    assert register_import.status == RegisterImport.Status.PREVIEWED
    assert (register_import.total_rows, register_import.created_count) == (2, 2)
    assert seen and seen[-1] == 2
    assert cache.get(progress_key(register_import.pk)) is None
    assert register_import.file  # kept for the commit
