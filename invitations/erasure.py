"""The register's part of "download my data" and of erasing an account.

A member's register row is matched by the member link or by any address they
used. Erasure keeps the row for the campaign counts (its invitations say who
was invited and who joined) but blanks everything that names the person, and
forgets the row's history, their requests to join and their import error rows.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.db.models.functions import Lower

from alumni_network.mail.erasure import mentioning
from alumni_network.mail.models import OutboxEmail
from members import signals
from members.owndata import member_addresses

from .models import Invitation, JoinRequest, Leaver, LeaverChange, RegisterImport

# What a register row keeps after erasure: enough to count leavers by
# department and year, nothing to tell who it was.
BLANKED_ON_ERASURE = {
    "employee_number": "",
    "first_name": "",
    "last_name": "",
    "email": "",
    "phone": "",
    "title": "",
    "location": "",
    "hired_on": None,
    "status": Leaver.Status.SUPPRESSED,
    "member": None,
}


def _iso(value):
    return value.isoformat() if value else None


def leavers_of_member(member):
    """The register rows of the member: linked to them, or with one of their addresses."""
    emails = sorted(member_addresses(member))
    return Leaver.objects.annotate(address=Lower("email")).filter(
        Q(member=member) | Q(address__in=emails)
    )


def join_requests_of_member(member, leaver_ids):
    emails = sorted(member_addresses(member))
    return JoinRequest.objects.annotate(address=Lower("email")).filter(
        Q(leaver_id__in=leaver_ids) | Q(address__in=emails)
    )


def _register_row(leaver: Leaver) -> dict:
    return {
        "employee_number": leaver.employee_number,
        "first_name": leaver.first_name,
        "last_name": leaver.last_name,
        "email": leaver.email,
        "phone": leaver.phone,
        "department": leaver.department,
        "title": leaver.title,
        "location": leaver.location,
        "hired_on": _iso(leaver.hired_on),
        "left_on": _iso(leaver.left_on),
        "status": leaver.status,
        "created_at": _iso(leaver.created_at),
    }


def _invitation(invitation: Invitation) -> dict:
    return {
        "campaign": invitation.campaign.name,
        "status": invitation.status,
        "language": invitation.language,
        "reminders_sent": invitation.reminders_sent,
        "created_at": _iso(invitation.created_at),
        "last_contacted_at": _iso(invitation.last_contacted_at),
        "responded_at": _iso(invitation.responded_at),
    }


def _join_request(request: JoinRequest) -> dict:
    return {
        "name": request.name,
        "email": request.email,
        "years": request.years,
        "department": request.department,
        "message": request.message,
        "status": request.status,
        "created_at": _iso(request.created_at),
        "decided_at": _iso(request.decided_at),
    }


def invitations_data_of_member(sender, *, member, **kwargs):
    """Register rows, campaign invitations and requests to join, for "download my data"."""
    leavers = list(leavers_of_member(member).order_by("pk"))
    leaver_ids = [leaver.pk for leaver in leavers]
    invitations = (
        Invitation.objects.filter(leaver_id__in=leaver_ids)
        .select_related("campaign")
        .order_by("created_at", "pk")
    )
    requests = join_requests_of_member(member, leaver_ids).order_by("created_at", "pk")
    history = (
        LeaverChange.objects.filter(leaver_id__in=leaver_ids)
        .select_related("register_import")
        .order_by("register_import__created_at", "pk")
    )
    return "invitations", {
        "register_rows": [_register_row(leaver) for leaver in leavers],
        "register_history": [
            {
                "at": _iso(change.register_import.created_at),
                "action": change.action,
                "changes": change.changes,
            }
            for change in history
        ],
        "campaign_invitations": [_invitation(i) for i in invitations],
        "join_requests": [_join_request(r) for r in requests],
    }


def erase_register_data(sender, *, member, **kwargs) -> None:
    """Blank the member's register rows, drop their history and their requests to join."""
    leaver_ids = list(leavers_of_member(member).values_list("pk", flat=True))
    texts, cells = _what_names(member, Leaver.objects.filter(pk__in=leaver_ids))
    requests = join_requests_of_member(member, leaver_ids)
    # HR's notice of each request names the person; it refers to the request.
    OutboxEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(JoinRequest),
        object_id__in=list(requests.values_list("pk", flat=True)),
    ).delete()
    requests.delete()
    LeaverChange.objects.filter(leaver_id__in=leaver_ids).delete()
    Leaver.objects.filter(pk__in=leaver_ids).update(**BLANKED_ON_ERASURE)
    _forget_import_report_rows(texts=texts, cells=cells)


def _what_names(member, leavers) -> tuple[set[str], set[str]]:
    """Texts that name the person anywhere in a cell, and short values that must match a cell."""
    texts = set(member_addresses(member))
    cells = set()
    people = [(member.user.first_name, member.user.last_name)]
    for leaver in leavers:
        people.append((leaver.first_name, leaver.last_name))
        texts |= {leaver.email.lower()} - {""}
        cells |= {v.strip().lower() for v in (leaver.employee_number, leaver.phone) if v.strip()}
    for first, last in people:
        if first and last:
            texts |= {f"{first} {last}".lower(), f"{last}, {first}".lower()}
    return texts, cells


def _leaves(value):
    """Every text inside a JSON value, lower-case (numbers are line numbers, never a person)."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, str):
        yield value.strip().lower()


def _names_person(entry, *, texts: set[str], cells: set[str]) -> bool:
    return any(leaf in cells or any(text in leaf for text in texts) for leaf in _leaves(entry))


def _forget_import_report_rows(*, texts: set[str], cells: set[str]) -> None:
    """An import's stored error rows and change sample lose the entries naming the person."""
    for register_import in RegisterImport.objects.filter(mentioning("report", texts | cells)):
        report = dict(register_import.report)
        for key in ("errors", "sample"):
            report[key] = [
                entry
                for entry in report.get(key) or []
                if not _names_person(entry, texts=texts, cells=cells)
            ]
        register_import.report = report
        register_import.save(update_fields=["report"])


def connect() -> None:
    """Join "download my data" and erasure (called from the app's ready())."""
    signals.collect_member_data.connect(
        invitations_data_of_member, dispatch_uid="invitations.invitations_data_of_member"
    )
    signals.member_erasing.connect(
        erase_register_data, dispatch_uid="invitations.erase_register_data"
    )
