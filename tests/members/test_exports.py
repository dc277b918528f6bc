"""The shared export writer (members.exports) and the exports built on it: members,
the competence shortlist and a gathering's attendees."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from members.exports import CSV, XLSX, Table, csv_response, export_response, safe_cell
from members.models import AuditLog, Visibility
from tests.factories import MemberFactory, StaffFactory
from tests.gatherings.factories import GatheringFactory, OrganiserFactory, RsvpFactory
from tests.members.factories import profile_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body_of(response).decode("utf-8-sig")), delimiter=";"))


def xlsx_sheet(response):
    return load_workbook(io.BytesIO(body_of(response))).active


# The formula guard ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+47 900 00 000", "'+47 900 00 000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Ærlig talt", "Ærlig talt"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_safe_cell_neutralises_what_a_spreadsheet_reads_as_a_formula(value, written):
    assert safe_cell(value) == written


@pytest.mark.parametrize("value", [-5, -0.25, Decimal("-3.5"), 0, None])
def test_safe_cell_leaves_numbers_alone_even_negative_ones(value):
    assert safe_cell(value) == value


TYPED_ROW = [
    '=HYPERLINK("http://x")',
    "Ødegård, Åse",
    -42,
    3.5,
    datetime.date(2024, 2, 29),
    datetime.datetime(2024, 2, 29, 16, 30, 5),
    "#N/A",
    "@here",
    None,
]


def test_xlsx_round_trips_typed_values_and_writes_guarded_text_as_text():
    table = Table(
        name="proof", header=["A", "B", "C", "D", "E", "F", "G", "H", "I"], rows=[TYPED_ROW]
    )

    sheet = xlsx_sheet(export_response(table=table, fmt=XLSX))

    cells = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    assert [c.value for c in cells[:8]] == [
        '\'=HYPERLINK("http://x")',
        "Ødegård, Åse",
        -42,
        3.5,
        datetime.datetime(2024, 2, 29, 0, 0),
        datetime.datetime(2024, 2, 29, 16, 30, 5),
        "#N/A",
        "'@here",
    ]
    assert [c.data_type for c in cells[:8]] == ["s", "s", "n", "n", "d", "d", "s", "s"]
    assert cells[4].number_format == "yyyy-mm-dd"
    assert cells[8].value is None


def test_csv_round_trips_values_as_text_with_the_guard():
    table = Table(
        name="proof", header=["A", "B", "C", "D", "E", "F", "G", "H", "I"], rows=[TYPED_ROW]
    )

    rows = csv_rows(export_response(table=table, fmt=CSV))

    assert rows[1] == [
        '\'=HYPERLINK("http://x")',
        "Ødegård, Åse",
        "-42",
        "3.5",
        "2024-02-29",
        "2024-02-29 16:30:05",
        "#N/A",
        "'@here",
        "",
    ]


def test_csv_is_utf8_with_bom_semicolons_and_not_cached():
    table = Table(name="ansatte-æøå", header=["Navn"], rows=[["Åse"]])

    response = csv_response(table=table)

    assert isinstance(response, StreamingHttpResponse)
    assert body_of(response) == "\ufeffNavn\r\nÅse\r\n".encode()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''ansatte-%C3%A6%C3%B8%C3%A5.csv"
    )


def test_csv_streams_in_chunks_rather_than_one_body():
    table = Table(name="many", header=["N"], rows=([n] for n in range(1200)))

    chunks = list(csv_response(table=table).streaming_content)

    assert len(chunks) == 3
    assert b"".join(chunks).count(b"\r\n") == 1201


def test_xlsx_is_a_streamed_file_with_a_filename_and_not_cached():
    table = Table(name="members-2026-12-03", header=["Navn"], rows=[["Åse"]])

    response = export_response(table=table, fmt=XLSX)

    assert isinstance(response, FileResponse)
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="members-2026-12-03.xlsx"'
    assert response["Cache-Control"] == "private, no-store"
    assert xlsx_sheet(response)["A2"].value == "Åse"


# The members export ---------------------------------------------------------------------


def test_member_export_has_only_what_hr_may_see_and_is_logged(staff_client, staff_user):
    shared = profile_member(
        user__first_name="Åse",
        user__last_name="Ødegård",
        phone="+47 900 00 000",
        personal_email="ase@epost.example",
        started_year=2004,
        left_year=2019,
        employer="Havbruk AS",
    )
    hidden = profile_member(
        user__first_name="Bjørn",
        user__last_name="Hemmelig",
        phone="99999999",
        phone_visibility=Visibility.HIDDEN,
        personal_email_visibility=Visibility.HIDDEN,
        personal_email="bjorn@epost.example",
    )

    response = staff_client.post(reverse("hr_members:member_export"), {"format": "xlsx"})

    sheet = xlsx_sheet(response)
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Åse Ødegård"][1:4] == ("ase@epost.example", "'+47 900 00 000", "Havbruk AS")
    assert rows["Åse Ødegård"][9:11] == (2004, 2019)
    assert rows["Bjørn Hemmelig"][1:3] == (None, None)
    entry = AuditLog.objects.get()
    assert (entry.actor, entry.action, entry.detail_text, entry.ip_address) == (
        staff_user,
        AuditLog.Action.EXPORT,
        "members (xlsx)",
        "127.0.0.1",
    )
    assert entry.member_ids == sorted([shared.pk, hidden.pk])


def test_member_export_as_csv_by_default(staff_client):
    profile_member(user__first_name="Kari", user__last_name="Nordmann")

    response = staff_client.post(reverse("hr_members:member_export"))

    rows = csv_rows(response)
    assert rows[0][:3] == ["Name", "Personal email", "Phone"]
    assert [row[0] for row in rows[1:]] == ["Kari Nordmann"]


def test_a_get_of_the_member_export_changes_nothing(staff_client):
    response = staff_client.get(reverse("hr_members:member_export"))

    assert response.status_code == 405
    assert AuditLog.objects.count() == 0


def test_member_export_is_for_hr_only(member_client):
    response = member_client.post(reverse("hr_members:member_export"))

    assert response.status_code == 403
    assert AuditLog.objects.count() == 0


def test_shortlist_exports_as_xlsx_too(staff_client):
    profile_member(
        user__first_name="Per",
        user__last_name="Python",
        competences=["Python"],
        open_to_returning=True,
    )

    response = staff_client.post(
        reverse("hr_members:competence_export"),
        {"competence": "python", "open_to_returning": "on", "format": "xlsx"},
    )

    sheet = xlsx_sheet(response)
    assert [c.value for c in sheet[2]][:1] == ["Per Python"]
    assert AuditLog.objects.get().detail_text == "shortlist (xlsx): python"


def test_competence_search_page_offers_both_exports(staff_client):
    profile_member(competences=["Python"], open_to_returning=True)

    page = staff_client.get(
        reverse("hr_members:competence_search"), {"competence": "python"}
    ).content.decode()

    assert page.count(f'action="{reverse("hr_members:member_export")}"') == 1
    assert page.count('name="format" value="xlsx"') == 2


# The attendee list ------------------------------------------------------------------------


ANSWERED = datetime.datetime(2026, 11, 2, 9, 15, 30, 123456, tzinfo=datetime.UTC)


def _attendee(gathering, **member_fields):
    member = profile_member(**member_fields)
    return RsvpFactory(gathering=gathering, member=member, answer="yes", answered_at=ANSWERED)


def test_organiser_gets_no_email_and_only_employers_shown_to_members(client):
    gathering = GatheringFactory()
    organiser = OrganiserFactory(gathering=gathering).member
    _attendee(gathering, user__first_name="Åse", user__last_name="Open", employer="Synlig AS")
    _attendee(
        gathering,
        user__first_name="Bjørn",
        user__last_name="Hr",
        employer="Skjult AS",
        work_visibility=Visibility.HR,
    )
    client.force_login(organiser.user)

    response = client.post(
        reverse("gatherings:attendees_export", kwargs={"pk": gathering.pk, "fmt": "csv"})
    )

    rows = csv_rows(response)
    assert rows[0] == ["Name", "Employer", "Answer", "Dietary needs", "Answered", "Checked in"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Åse Open"][1] == "Synlig AS"
    assert by_name["Bjørn Hr"][1] == ""
    assert (
        "@"
        not in body_of(
            client.post(
                reverse("gatherings:attendees_export", kwargs={"pk": gathering.pk, "fmt": "csv"})
            )
        ).decode()
    )


def test_hr_gets_emails_and_employers_shared_with_hr_and_the_export_is_logged(
    staff_client, staff_user
):
    gathering = GatheringFactory()
    rsvp = _attendee(
        gathering,
        user__first_name="Bjørn",
        user__last_name="Hr",
        user__email="bjorn@example.org",
        employer="Skjult AS",
        work_visibility=Visibility.HR,
    )

    response = staff_client.post(
        reverse("gatherings:attendees_export", kwargs={"pk": gathering.pk, "fmt": "xlsx"})
    )

    sheet = xlsx_sheet(response)
    assert [c.value for c in sheet[1]][:3] == ["Name", "Email", "Employer"]
    assert [c.value for c in sheet[2]][:4] == ["Bjørn Hr", "bjorn@example.org", "Skjult AS", "Yes"]
    # Answered: Oslo time, to the second.
    assert sheet["F2"].value == datetime.datetime(2026, 11, 2, 10, 15, 30)
    entry = AuditLog.objects.get()
    assert (entry.action, entry.object_type, entry.object_id, entry.member_ids) == (
        AuditLog.Action.EXPORT,
        "gatherings.gathering",
        str(gathering.pk),
        [rsvp.member_id],
    )
    assert entry.ip_address == "127.0.0.1"
    assert entry.actor == staff_user


def test_a_get_of_the_attendee_export_answers_405_and_logs_nothing(staff_client):
    gathering = GatheringFactory()

    response = staff_client.get(
        reverse("gatherings:attendees_export", kwargs={"pk": gathering.pk, "fmt": "csv"})
    )

    assert response.status_code == 405
    assert AuditLog.objects.count() == 0


def test_another_gatherings_organiser_cannot_export(client):
    gathering = GatheringFactory()
    client.force_login(OrganiserFactory().member.user)

    response = client.post(
        reverse("gatherings:attendees_export", kwargs={"pk": gathering.pk, "fmt": "csv"})
    )

    assert response.status_code == 403
    assert AuditLog.objects.count() == 0


def test_attendee_page_buttons_post(staff_client):
    gathering = GatheringFactory()

    page = staff_client.get(reverse("gatherings:attendees", kwargs={"pk": gathering.pk}))

    for fmt in ("csv", "xlsx"):
        url = reverse("gatherings:attendees_export", kwargs={"pk": gathering.pk, "fmt": fmt})
        assert f'<form method="post" action="{url}">' in page.content.decode()


def test_a_member_without_a_name_is_not_shown_by_address_to_an_organiser(client):
    gathering = GatheringFactory()
    organiser = OrganiserFactory(gathering=gathering).member
    RsvpFactory(
        gathering=gathering,
        answer="yes",
        member=MemberFactory(user__first_name="", user__last_name="", user__email="x@y.example"),
    )
    client.force_login(organiser.user)

    rows = csv_rows(
        client.post(
            reverse("gatherings:attendees_export", kwargs={"pk": gathering.pk, "fmt": "csv"})
        )
    )

    assert rows[1][0] == "Member"


def test_staff_factory_is_not_a_superuser():
    # The audit log tests rely on plain staff not being superusers.
    assert StaffFactory.build().is_superuser is False
