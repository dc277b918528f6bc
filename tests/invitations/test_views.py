"""The HR pages of the register: list, leaver, segments and the import wizard."""

import csv
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from invitations.models import ColumnMapping, Leaver, RegisterImport, Segment
from invitations.register import imports
from invitations.register.imports import progress_key
from invitations.register.mapping import guess_mapping
from invitations.tasks import preview_register_import

from .factories import HEADER, LeaverFactory, RegisterImportFactory, write_csv

pytestmark = pytest.mark.django_db

REGISTER = reverse("hr_invitations:register")
IMPORT = reverse("hr_invitations:import_start")


def names(response):
    return [leaver.last_name for leaver in response.context["page"].object_list]


@pytest.mark.parametrize("leaver_count", [1, 30])
def test_register_queries_stay_flat_as_rows_grow(
    staff_client, django_assert_num_queries, leaver_count
):
    LeaverFactory.create_batch(leaver_count)

    # session, user, is-member (menu), 3 filter option lists, count, page
    with django_assert_num_queries(8):
        response = staff_client.get(REGISTER)

    assert len(response.context["page"].object_list) == leaver_count


def test_register_searches_name_and_email(staff_client):
    LeaverFactory(first_name="Åse", last_name="Ødegård", email="ase@epost.example")
    LeaverFactory(first_name="Per", last_name="Berg", email="per.berg@firma.example")

    assert names(staff_client.get(REGISTER, {"q": "ødegård"})) == ["Ødegård"]
    assert names(staff_client.get(REGISTER, {"q": "FIRMA.example"})) == ["Berg"]
    assert names(staff_client.get(REGISTER, {"q": "åse ødeg"})) == ["Ødegård"]


def test_register_filters_by_department_dates_and_email(staff_client):
    import datetime

    LeaverFactory(last_name="A", department="IT", left_on=datetime.date(2020, 5, 1))
    LeaverFactory(last_name="B", department="IT", left_on=datetime.date(2024, 5, 1), email="")
    LeaverFactory(last_name="C", department="Salg", left_on=datetime.date(2024, 6, 1))

    it = {"department": "IT", "sort": "name"}
    assert names(staff_client.get(REGISTER, it)) == ["A", "B"]
    assert names(staff_client.get(REGISTER, {**it, "left_from": "2024-01-01"})) == ["B"]
    assert names(staff_client.get(REGISTER, {**it, "has_email": "no"})) == ["B"]
    assert names(staff_client.get(REGISTER, {"left_to": "2023-12-31"})) == ["A"]


def test_register_sorts_and_paginates(staff_client):
    for name in ["C", "A", "B"]:
        LeaverFactory(last_name=name)

    assert names(staff_client.get(REGISTER, {"sort": "name"})) == ["A", "B", "C"]
    assert names(staff_client.get(REGISTER, {"sort": "-name"})) == ["C", "B", "A"]
    assert names(staff_client.get(REGISTER, {"sort": "nonsense"})) == ["A", "B", "C"]


def test_register_paginates_fifty_a_page(staff_client):
    LeaverFactory.create_batch(51)

    response = staff_client.get(REGISTER, {"page": 2})

    assert len(response.context["page"].object_list) == 1


def test_leaver_detail_shows_history(staff_client, tmp_path):
    from invitations.register.engine import run_import

    run_import(
        path=write_csv(tmp_path / "a.csv", [["7", "Kari", "Berg", "", "Drift", "", ""]]),
        commit=True,
    )
    run_import(
        path=write_csv(tmp_path / "b.csv", [["7", "Kari", "Berg", "", "Nett", "", ""]]), commit=True
    )
    leaver = Leaver.objects.get()

    response = staff_client.get(reverse("hr_invitations:leaver_detail", args=[leaver.pk]))

    history = response.context["history"]
    assert [(change.register_import.file_name, changes) for change, changes in history] == [
        ("b.csv", [("Department", "Drift", "Nett")]),
        ("a.csv", []),
    ]


def test_segment_from_ticked_leavers(staff_client, staff_user):
    chosen = LeaverFactory.create_batch(2)
    LeaverFactory()

    response = staff_client.post(
        reverse("hr_invitations:segment_create"),
        {
            "name": "Bergen 2023",
            "scope": "chosen",
            "leaver": [chosen[0].pk, chosen[1].pk, 999999, "9" * 40],
            "department": "Drift",
        },
    )

    assert response.status_code == 302
    segment = Segment.objects.get()
    assert (segment.name, segment.filters, segment.created_by) == (
        "Bergen 2023",
        {"department": "Drift"},
        staff_user,
    )
    assert sorted(segment.leavers.values_list("pk", flat=True)) == sorted(
        leaver.pk for leaver in chosen
    )


def test_segment_from_filter_keeps_the_filter_only(staff_client):
    from invitations.register.filters import segment_leavers

    it = LeaverFactory(department="IT")
    LeaverFactory(department="Salg")

    staff_client.post(
        reverse("hr_invitations:segment_create"),
        {"name": "IT", "scope": "filter", "department": "IT", "leaver": [it.pk]},
    )

    segment = Segment.objects.get()
    assert (segment.filters, segment.leavers.count()) == ({"department": "IT"}, 0)
    assert list(segment_leavers(segment)) == [it]


def test_segment_without_ticks_is_refused(staff_client):
    response = staff_client.post(
        reverse("hr_invitations:segment_create"), {"name": "x", "scope": "chosen"}
    )

    assert response.status_code == 302
    assert Segment.objects.count() == 0


# The wizard --------------------------------------------------------------------------


def upload(client, name, content: bytes):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})


def csv_bytes(rows, header=HEADER):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


ROWS = [
    ["1001", "Åse", "Ødegård", "ase@epost.example", "Drift", "01.02.2010", "03.04.2020"],
    ["1002", "Per", "Ås", "", "IT", "", ""],
    ["1003", "Liv", "Dal", "ikke-epost", "IT", "", ""],
]
MAPPING = {f"column_{i}": name for i, name in enumerate(guess_mapping(HEADER))}


def test_wizard_uploads_maps_previews_and_commits(staff_client, django_capture_on_commit_callbacks):
    response = upload(staff_client, "register.csv", csv_bytes(ROWS))
    register_import = RegisterImport.objects.get()
    detail = reverse("hr_invitations:import_detail", args=[register_import.pk])
    assert response.url == detail
    assert staff_client.get(detail).context["form"]["column_0"].initial == "employee_number"

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(detail, {"action": "map", **MAPPING})
    assert response.url == detail
    preview = staff_client.get(detail)
    assert preview.context["import"].status == RegisterImport.Status.PREVIEWED
    assert [(e["line"], e["reason"]) for e in preview.context["errors"]] == [
        (4, "“ikke-epost” is not a valid email address.")
    ]
    assert Leaver.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(detail, {"action": "commit"})

    register_import.refresh_from_db()
    assert register_import.status == RegisterImport.Status.COMMITTED
    assert (register_import.created_count, register_import.error_count) == (2, 1)
    assert register_import.file.name == ""  # the uploaded copy is gone once imported
    assert Leaver.objects.count() == 2
    assert staff_client.get(detail).status_code == 200


def test_wizard_commit_that_crashes_is_recorded_and_changes_nothing(
    staff_client, django_capture_on_commit_callbacks, caplog
):
    upload(staff_client, "register.csv", csv_bytes(ROWS))
    register_import = RegisterImport.objects.get()
    detail = reverse("hr_invitations:import_detail", args=[register_import.pk])
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(detail, {"action": "map", **MAPPING})
    register_import.refresh_from_db()
    register_import.file.storage.delete(register_import.file.name)  # the disk lost it

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(detail, {"action": "commit"})

    assert response.status_code == 302
    register_import.refresh_from_db()
    assert register_import.status == RegisterImport.Status.FAILED
    assert register_import.failure == "The file is no longer there. Upload it again."
    assert Leaver.objects.count() == 0


def test_wizard_mapping_post_only_queues_the_check(
    staff_client, django_capture_on_commit_callbacks
):
    upload(staff_client, "register.csv", csv_bytes(ROWS))
    register_import = RegisterImport.objects.get()
    detail = reverse("hr_invitations:import_detail", args=[register_import.pk])
    mapping = {**MAPPING, "column_4": ""}  # Avdeling is not imported

    with django_capture_on_commit_callbacks() as callbacks:
        response = staff_client.post(detail, {"action": "map", **mapping})

    assert response.url == detail
    assert len(callbacks) == 1  # the check, queued for a worker
    register_import.refresh_from_db()
    assert register_import.status == RegisterImport.Status.PREVIEWING
    assert register_import.mapping[4] == ""  # saved at once
    assert (register_import.total_rows, register_import.error_count) == (0, 0)
    assert "errors" not in register_import.report  # no row was read yet
    page = staff_client.get(detail)
    assert page.templates[0].name == "invitations/hr/import_result.html"
    assert "Checking the rows…" in page.content.decode()

    callbacks[0]()

    register_import.refresh_from_db()
    assert register_import.status == RegisterImport.Status.PREVIEWED
    assert (register_import.total_rows, register_import.error_count) == (3, 1)
    assert staff_client.get(detail).context["errors"][0]["line"] == 4


def test_wizard_second_mapping_post_while_checking_queues_nothing(
    staff_client, django_capture_on_commit_callbacks
):
    upload(staff_client, "register.csv", csv_bytes(ROWS))
    register_import = RegisterImport.objects.get()
    detail = reverse("hr_invitations:import_detail", args=[register_import.pk])
    with django_capture_on_commit_callbacks() as first:
        staff_client.post(detail, {"action": "map", **MAPPING})

    with django_capture_on_commit_callbacks() as second:
        response = staff_client.post(detail, {"action": "map", **MAPPING, "column_4": ""})

    assert (len(first), len(second)) == (1, 0)
    assert response.url == detail
    register_import.refresh_from_db()
    assert register_import.status == RegisterImport.Status.PREVIEWING
    assert register_import.mapping == guess_mapping(HEADER)  # the first choice stands


def test_wizard_remapping_a_preview_checks_the_rows_again(
    staff_client, django_capture_on_commit_callbacks
):
    upload(staff_client, "register.csv", csv_bytes(ROWS))
    register_import = RegisterImport.objects.get()
    detail = reverse("hr_invitations:import_detail", args=[register_import.pk])
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(detail, {"action": "map", **MAPPING})
    assert staff_client.get(detail, {"step": "map"}).context["form"] is not None

    without_email = {**MAPPING, "column_3": ""}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        staff_client.post(detail, {"action": "map", **without_email})

    assert len(callbacks) == 1
    register_import.refresh_from_db()
    assert register_import.status == RegisterImport.Status.PREVIEWED
    assert register_import.mapping[3] == ""
    assert (register_import.error_count, register_import.without_email_count) == (0, 3)


def test_wizard_check_of_a_file_gone_from_disk_fails_cleanly(
    staff_client, django_capture_on_commit_callbacks
):
    upload(staff_client, "register.csv", csv_bytes(ROWS))
    register_import = RegisterImport.objects.get()
    register_import.file.storage.delete(register_import.file.name)  # the disk lost it
    detail = reverse("hr_invitations:import_detail", args=[register_import.pk])

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(detail, {"action": "map", **MAPPING})

    register_import.refresh_from_db()
    assert register_import.status == RegisterImport.Status.FAILED
    assert register_import.failure == "The file is no longer there. Upload it again."
    assert register_import.finished_at is not None
    assert "The file is no longer there." in staff_client.get(detail).content.decode()
    assert Leaver.objects.count() == 0


def test_wizard_check_that_crashes_is_recorded_and_logged(
    staff_client, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def crash(**kwargs):
        raise RuntimeError("disk on fire")

    upload(staff_client, "register.csv", csv_bytes(ROWS))
    register_import = RegisterImport.objects.get()
    detail = reverse("hr_invitations:import_detail", args=[register_import.pk])
    monkeypatch.setattr(imports, "run_import", crash)

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(detail, {"action": "map", **MAPPING})

    register_import.refresh_from_db()
    assert register_import.status == RegisterImport.Status.FAILED
    assert register_import.failure == (
        "The check stopped on an unexpected error; nothing was saved."
    )
    [record] = [r for r in caplog.records if r.name == "invitations.register.imports"]
    assert record.exc_info[1].args == ("disk on fire",)


def test_preview_task_leaves_an_import_that_is_not_checking_alone():
    register_import = RegisterImportFactory(status=RegisterImport.Status.PREVIEWED, total_rows=7)

    preview_register_import.delay(register_import_id=register_import.pk)
    preview_register_import.delay(register_import_id=register_import.pk + 1)

    register_import.refresh_from_db()
    assert (register_import.status, register_import.total_rows) == (
        RegisterImport.Status.PREVIEWED,
        7,
    )


def test_wizard_commit_twice_runs_once(staff_client, django_capture_on_commit_callbacks):
    register_import = RegisterImportFactory(status=RegisterImport.Status.COMMITTED)
    detail = reverse("hr_invitations:import_detail", args=[register_import.pk])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        staff_client.post(detail, {"action": "commit"})

    assert callbacks == []


def test_wizard_remembers_the_corrected_mapping(staff_client):
    header = ["Nr", "Fornavn", "Etternavn", "Privat"]
    upload(
        staff_client, "a.csv", csv_bytes([["1", "Ola", "Nordmann", "ola@epost.example"]], header)
    )
    first = RegisterImport.objects.get()
    detail = reverse("hr_invitations:import_detail", args=[first.pk])
    mapping = {
        "column_0": "employee_number",
        "column_1": "first_name",
        "column_2": "last_name",
        "column_3": "email",
    }
    staff_client.post(detail, {"action": "map", **mapping})

    upload(staff_client, "b.csv", csv_bytes([["2", "Kari", "Berg", "kari@epost.example"]], header))

    second = RegisterImport.objects.exclude(pk=first.pk).get()
    assert second.mapping == ["employee_number", "first_name", "last_name", "email"]
    assert ColumnMapping.objects.count() == 1


def test_wizard_mapping_without_a_key_column_is_refused(staff_client):
    upload(staff_client, "a.csv", csv_bytes(ROWS))
    detail = reverse("hr_invitations:import_detail", args=[RegisterImport.objects.get().pk])

    response = staff_client.post(detail, {"action": "map", "column_1": "first_name"})

    assert response.context["form"].non_field_errors() == [
        "Choose a column for employee number or email, so people can be matched."
    ]


def test_wizard_refuses_a_file_over_the_size_limit(staff_client, settings):
    settings.UPLOAD_MAX_BYTES = 100

    response = upload(staff_client, "register.csv", csv_bytes(ROWS))

    size = len(csv_bytes(ROWS))
    assert response.context["form"].errors["file"] == [
        f"The file is {size}\xa0bytes; the limit is 100\xa0bytes."
    ]
    assert RegisterImport.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "The submitted file is empty."),
        (
            "garbage.csv",
            bytes(range(256)) * 10,
            "This is not a text file. Upload the register as CSV or XLSX.",
        ),
        ("fake.xlsx", b"PK\x03\x04nonsense", "The file is not a valid XLSX workbook."),
        ("register.pdf", b"%PDF-1.4", "Upload a CSV or XLSX file."),
    ],
)
def test_wizard_refuses_unreadable_files_with_a_message(staff_client, name, content, message):
    response = upload(staff_client, name, content)

    assert response.context["form"].errors["file"] == [message]
    assert RegisterImport.objects.count() == 0


def test_error_download_is_formula_safe_csv(staff_client):
    register_import = RegisterImportFactory(
        error_count=1,
        report={
            "errors": [
                {
                    "line": 3,
                    "reason": "“=1+1” is not a valid email address.",
                    "values": ["=cmd|' /C calc'!A0", "Ola", "", "=1+1"],
                }
            ]
        },
    )

    response = staff_client.get(reverse("hr_invitations:import_errors", args=[register_import.pk]))

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows == [
        ["Line", *HEADER, "Error"],
        [
            "3",
            "'=cmd|' /C calc'!A0",
            "Ola",
            "",
            "'=1+1",
            "",
            "",
            "",
            "“=1+1” is not a valid email address.",
        ],
    ]


@pytest.mark.parametrize(
    "status",
    [
        RegisterImport.Status.PREVIEWED,
        RegisterImport.Status.COMMITTED,
        RegisterImport.Status.FAILED,
    ],
)
def test_progress_asks_htmx_to_reload_when_done(staff_client, status):
    register_import = RegisterImportFactory(status=status)

    response = staff_client.get(
        reverse("hr_invitations:import_progress", args=[register_import.pk]),
        headers={"HX-Request": "true"},
    )

    assert response.headers["HX-Refresh"] == "true"


def test_progress_renders_the_bar_while_committing(staff_client):
    register_import = RegisterImportFactory(
        status=RegisterImport.Status.COMMITTING, total_rows=10, processed_rows=4
    )

    response = staff_client.get(
        reverse("hr_invitations:import_progress", args=[register_import.pk]),
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert '<progress id="import-progress-bar" max="10" value="4">' in html
    assert "<html" not in html


def test_progress_counts_the_rows_checked_while_previewing(staff_client):
    register_import = RegisterImportFactory(status=RegisterImport.Status.PREVIEWING)
    cache.set(progress_key(register_import.pk), 40)

    response = staff_client.get(
        reverse("hr_invitations:import_progress", args=[register_import.pk]),
        headers={"HX-Request": "true"},
    )
    cache.delete(progress_key(register_import.pk))

    html = response.content.decode()
    # How many rows the file holds is unknown until the check ends: no value, no max.
    assert '<progress id="import-progress-bar">40</progress>' in html
    assert "40 rows checked" in html
    assert "<html" not in html


def test_page_while_previewing_shows_the_progress_and_refreshes_without_javascript(
    staff_client,
):
    register_import = RegisterImportFactory(status=RegisterImport.Status.PREVIEWING)

    response = staff_client.get(reverse("hr_invitations:import_detail", args=[register_import.pk]))

    html = response.content.decode()
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert (
        'data-hx-get="{}"'.format(
            reverse("hr_invitations:import_progress", args=[register_import.pk])
        )
        in html
    )
    assert "0 rows checked" in html
    assert '<li aria-current="step">Preview</li>' in html
