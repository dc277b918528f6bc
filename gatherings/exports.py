"""The attendee list as CSV or XLSX, safe to open in a spreadsheet, and logged."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from members import audit
from members.exports import safe_cell
from members.models import AuditLog

from .models import Gathering


def _status(rsvp) -> str:
    if rsvp.confirmed:
        return _("Yes")
    if rsvp.waitlisted:
        return _("Waiting list")
    return str(rsvp.get_answer_display())


def table(*, rows) -> tuple[list[str], list[list[str]]]:
    header = [
        _("Name"),
        _("Email"),
        _("Employer"),
        _("Answer"),
        _("Dietary needs"),
        _("Answered"),
        _("Checked in"),
    ]
    body = []
    for rsvp in rows:
        user = rsvp.member.user
        body.append(
            [
                safe_cell(user.get_full_name() or user.email),
                safe_cell(user.email),
                safe_cell(rsvp.member.employer.name if rsvp.member.employer else ""),
                safe_cell(_status(rsvp)),
                safe_cell(rsvp.dietary),
                timezone.localtime(rsvp.answered_at).strftime("%Y-%m-%d %H:%M")
                if rsvp.answered_at
                else "",
                timezone.localtime(rsvp.checked_in_at).strftime("%Y-%m-%d %H:%M")
                if rsvp.checked_in_at
                else "",
            ]
        )
    return header, body


def _filename(gathering: Gathering, suffix: str) -> str:
    return f"attendees-{gathering.pk}-{timezone.localdate(gathering.start).isoformat()}.{suffix}"


def csv_response(*, gathering: Gathering, rows) -> HttpResponse:
    header, body = table(rows=rows)
    buffer = io.StringIO()
    # A BOM so Excel opens UTF-8 (æøå) right.
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows(body)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(gathering, "csv")}"'
    return response


def xlsx_response(*, gathering: Gathering, rows) -> HttpResponse:
    header, body = table(rows=rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Attendees")[:31])
    sheet.append(header)
    for row in body:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(gathering, "xlsx")}"'
    return response


def log_export(*, user, gathering: Gathering, rows, fmt: str) -> None:
    audit.record(
        actor=user,
        action=AuditLog.Action.EXPORT,
        detail=f"gathering {gathering.pk} attendees ({fmt})",
        member_ids=[rsvp.member_id for rsvp in rows],
    )
