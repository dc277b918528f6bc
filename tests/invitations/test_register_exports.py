"""Exporting the leavers register (the page's filter, CSV or XLSX), its error rows, and
that a register of 200,000 people streams in bounded memory."""

import csv
import datetime
import io
import os
import random
import subprocess
import sys
import textwrap

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from invitations.models import Leaver
from members.models import AuditLog
from tests.factories import StaffFactory
from tests.invitations.factories import LeaverFactory, RegisterImportFactory

EXPORT_URL = reverse("hr_invitations:register_export")
HEADER = [
    "Employee number",
    "First name",
    "Last name",
    "Email",
    "Phone",
    "Department",
    "Job title",
    "Location",
    "Hired",
    "Left",
    "Status",
    "Added to the register",
]


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body_of(response).decode("utf-8-sig")), delimiter=";"))


@pytest.mark.django_db
def test_export_follows_the_pages_filter_and_sort(staff_client):
    LeaverFactory(last_name="Berg", department="Drift")
    LeaverFactory(last_name="Aas", department="Drift")
    LeaverFactory(last_name="Dahl", department="Salg")

    response = staff_client.post(EXPORT_URL, {"department": "Drift", "sort": "name"})

    rows = csv_rows(response)
    assert rows[0] == HEADER
    assert [row[2] for row in rows[1:]] == ["Aas", "Berg"]


@pytest.mark.django_db
def test_xlsx_keeps_types_and_text_exactly(staff_client):
    LeaverFactory(
        employee_number="00123",
        first_name="=cmd|' /C calc'!A0",
        last_name="Ødegård",
        phone="+47 900 00 000",
        hired_on=datetime.date(2010, 3, 1),
        left_on=datetime.date(2024, 2, 29),
        status=Leaver.Status.INVITED,
    )

    response = staff_client.post(EXPORT_URL, {"format": "xlsx"})

    sheet = load_workbook(io.BytesIO(body_of(response))).active
    assert response["Content-Disposition"].startswith('attachment; filename="register-')
    assert response["Cache-Control"] == "private, no-store"
    row = [c.value for c in sheet[2]]
    assert row[:11] == [
        "00123",
        "'=cmd|' /C calc'!A0",
        "Ødegård",
        row[3],
        "'+47 900 00 000",
        "Drift",
        "Ingeniør",
        "Bergen",
        datetime.datetime(2010, 3, 1),
        datetime.datetime(2024, 2, 29),
        "Invited",
    ]
    assert sheet.cell(row=2, column=10).number_format == "yyyy-mm-dd"
    assert sheet.cell(row=2, column=2).data_type == "s"
    assert isinstance(row[11], datetime.datetime)


@pytest.mark.django_db
def test_export_is_logged_with_its_filter_and_ip(staff_client, staff_user):
    LeaverFactory(department="Drift")

    staff_client.post(EXPORT_URL, {"department": "Drift"}, REMOTE_ADDR="10.0.0.5")

    entry = AuditLog.objects.get()
    assert (entry.actor, entry.action, entry.ip_address, entry.detail_text) == (
        staff_user,
        AuditLog.Action.EXPORT,
        "10.0.0.5",
        "register (csv), leavers: 1, filter: department: Drift",
    )


@pytest.mark.django_db
def test_a_get_of_the_export_answers_405_and_logs_nothing(staff_client):
    response = staff_client.get(EXPORT_URL)

    assert response.status_code == 405
    assert AuditLog.objects.count() == 0


@pytest.mark.django_db
def test_members_cannot_export_the_register(member_client):
    response = member_client.post(EXPORT_URL)

    assert response.status_code == 403
    assert AuditLog.objects.count() == 0


@pytest.mark.django_db
def test_register_page_posts_the_current_filter_to_the_export(staff_client):
    LeaverFactory(department="Drift")

    page = staff_client.get(
        reverse("hr_invitations:register"), {"department": "Drift", "sort": "name"}
    ).content.decode()

    form = page[page.index(f'action="{EXPORT_URL}"') :]
    form = form[: form.index("</form>")]
    assert '<input type="hidden" name="department" value="Drift">' in form
    assert '<input type="hidden" name="sort" value="name">' in form
    assert 'name="format" value="xlsx"' in form


@pytest.mark.django_db
def test_error_rows_download_is_logged_as_a_download(staff_client):
    register_import = RegisterImportFactory(
        error_count=1,
        report={"errors": [{"line": 3, "reason": "Bad", "values": ["@SUM(A1)"]}]},
    )

    response = staff_client.get(
        reverse("hr_invitations:import_errors", args=[register_import.pk]),
        REMOTE_ADDR="10.0.0.6",
    )

    assert csv_rows(response)[1][:2] == ["3", "'@SUM(A1)"]
    assert response["Cache-Control"] == "private, no-store"
    entry = AuditLog.objects.get()
    assert (entry.action, entry.object_type, entry.object_id, entry.ip_address) == (
        AuditLog.Action.DOWNLOAD,
        "invitations.registerimport",
        str(register_import.pk),
        "10.0.0.6",
    )


# 200,000 rows in bounded memory ---------------------------------------------------------

BIG_REGISTER = 200_000
RSS_LIMIT_MB = 150

# Run in a fresh process so its peak RSS is the export's alone. The peak is read from
# /proc/self/status (VmHWM, the high-water mark of this process image): on Linux
# getrusage's ru_maxrss survives fork and exec, so a child would report the parent's
# peak (this test's 200k rows) instead of its own.
CHILD = textwrap.dedent(
    """
    import os, sys
    import django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alumni_network.settings")
    django.setup()
    from django.conf import settings
    settings.DEBUG = False  # no query log, as in production
    from django.test import Client
    from members.models import User

    client = Client()
    client.force_login(User.objects.get(email=sys.argv[1]))
    response = client.post(sys.argv[2], {"format": sys.argv[3]})
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\\n")
    with open("/proc/self/status") as status:
        peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    peak_mb = peak_kb / 1024
    print(response.status_code, size, lines, round(peak_mb, 1))
    """
)


def _fill_register(count: int) -> None:
    rng = random.Random(14)
    names = ["Åse", "Bjørn", "Ola", "Kari", "Per", "Ingrid", "Øystein", "Sigrid"]
    batch = []
    for number in range(count):
        batch.append(
            Leaver(
                employee_number=f"E{number:07d}",
                first_name=rng.choice(names),
                last_name=f"Nordmann{number}",
                email=f"leaver{number}@epost.example",
                phone=f"+47 9{number:07d}",
                department=rng.choice(["Drift", "Salg", "Økonomi"]),
                title="Ingeniør",
                location="Bergen",
                hired_on=datetime.date(2010, 1, 1),
                left_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=number % 1500),
            )
        )
        if len(batch) == 10_000:
            Leaver.objects.bulk_create(batch)
            batch = []
    Leaver.objects.bulk_create(batch)


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_200k_rows_stream_under_150_mb(fmt):
    _fill_register(BIG_REGISTER)
    staff = StaffFactory(email="rss@fjordvik.example")
    env = {**os.environ, "DATABASE_URL": _database_url()}

    result = subprocess.run(
        [sys.executable, "-c", CHILD, staff.email, EXPORT_URL, fmt],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=True,
    )

    status, size, lines, peak_mb = result.stdout.split()
    print(f"register export {fmt}: {int(size) / 1e6:.1f} MB, peak RSS {peak_mb} MB")
    assert status == "200"
    if fmt == "csv":
        assert int(lines) == BIG_REGISTER + 1
    else:
        assert int(size) > 1_000_000
    assert float(peak_mb) < RSS_LIMIT_MB
