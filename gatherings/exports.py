"""The attendee list as CSV or XLSX through the shared writer: private fields kept private, logged.

An organiser is a member: they get names, the employer only where the member
shows their work to all members, and never an email address. HR gets what HR
may see (members.privacy) and the account's email address, to reach people.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members import audit
from members.exports import Table
from members.models import AuditLog
from members.privacy import visible_groups

from .models import Gathering

HEADER = (
    gettext_lazy("Name"),
    gettext_lazy("Employer"),
    gettext_lazy("Answer"),
    gettext_lazy("Dietary needs"),
    gettext_lazy("Answered"),
    gettext_lazy("Checked in"),
)


def _status(rsvp) -> str:
    if rsvp.confirmed:
        return _("Yes")
    if rsvp.waitlisted:
        return _("Waiting list")
    return str(rsvp.get_answer_display())


def employer_as_seen(rsvp, viewer) -> str:
    """The attendee's employer if `viewer` may see it under the member's privacy choice."""
    member = rsvp.member
    if member.employer_id and "work" in visible_groups(member=member, viewer=viewer):
        return member.employer.name
    return ""


def attendee_table(*, gathering: Gathering, rows, viewer, with_email: bool) -> Table:
    """The answers as a table for `viewer`; `with_email` (HR only) adds the account's address."""
    header = list(HEADER)
    if with_email:
        header.insert(1, _("Email"))
    return Table(
        name=f"attendees-{gathering.pk}-{timezone.localdate(gathering.start).isoformat()}",
        header=header,
        rows=(_row(rsvp, viewer=viewer, with_email=with_email) for rsvp in rows),
        sheet_title=_("Attendees"),
    )


def _row(rsvp, *, viewer, with_email: bool) -> list:
    user = rsvp.member.user
    # A member without a name shows as "Member" to an organiser: the address is HR's only.
    name = user.get_full_name() or (user.email if with_email else _("Member"))
    row = [
        name,
        employer_as_seen(rsvp, viewer),
        _status(rsvp),
        rsvp.dietary,
        rsvp.answered_at,
        rsvp.checked_in_at,
    ]
    if with_email:
        row.insert(1, user.email)
    return row


def log_export(*, request, gathering: Gathering, rows, fmt: str) -> None:
    audit.record(
        request=request,
        action=AuditLog.Action.EXPORT,
        obj=gathering,
        detail=audit.Detail.ATTENDEES_EXPORT,
        params={"format": fmt},
        member_ids=[rsvp.member_id for rsvp in rows],
    )
