"""The audit log: one function writes every entry (who, what, on which object, when, from where).

HR looks at HR-only fields, downloads and exports of personal data, erasures,
role changes, imports and campaign sends all come through `record`. What an
entry says is a registered `Detail` and its parameters, put into words in the
reader's language when the log is read (members.audit_details).
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address

from .audit_details import Detail
from .models import AuditLog

MAX_PARAM_LENGTH = 2000
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def client_ip(request) -> str | None:
    """The address the request came from: REMOTE_ADDR, or the header the proxy in front sets.

    AUDIT_IP_HEADER names the request.META key to trust (e.g. "HTTP_X_REAL_IP"
    behind nginx); anything that is not an IP address is not recorded.
    """
    if request is None:
        return None
    value = request.META.get(getattr(settings, "AUDIT_IP_HEADER", "REMOTE_ADDR"), "")
    value = value.split(",")[0].strip()
    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return value


def record(
    *,
    action: str,
    request=None,
    actor=None,
    obj=None,
    detail: Detail | str = "",
    params: dict | None = None,
    member_ids=(),
) -> AuditLog:
    """Write one audit entry; `actor` defaults to the request's user, `obj` is any model row.

    `detail` is a registered `Detail` (anything else raises ValueError) and
    `params` its parameters, as JSON keeps them: the text is written in the
    reader's language when the entry is read.
    """
    if actor is None and request is not None:
        actor = request.user
    msgid = Detail(detail).value if detail else ""
    params = {name: _bounded(value) for name, value in (params or {}).items()}
    _check_params(msgid, params)
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "email", "") or "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=msgid,
        detail_params=params,
        member_ids=sorted({int(pk) for pk in member_ids}),
        ip_address=client_ip(request),
    )


def _check_params(msgid: str, params: dict) -> None:
    # A forgotten parameter fails where the entry is written, not on the log's page.
    missing = set(PLACEHOLDER.findall(msgid)) - params.keys()
    if missing:
        raise ValueError(f"The audit detail {msgid!r} needs {sorted(missing)}")


def _bounded(value):
    # What a person typed (a search, a file name) is kept, but not without limit.
    return value[:MAX_PARAM_LENGTH] if isinstance(value, str) else value


def log_hr_only_views(
    *, viewer, profiles, what: Detail, params: dict | None = None, request=None
) -> None:
    """Log that HR was shown fields members share with HR only (if any were shown)."""
    shown = [p.pk for p in profiles if p.hr_only]
    if shown:
        record(
            request=request,
            actor=viewer,
            action=AuditLog.Action.VIEW_HR_FIELDS,
            detail=what,
            params=params,
            member_ids=shown,
        )


def filtered_entries(
    *,
    action: str = "",
    who: str = "",
    object_type: str = "",
    date_from=None,
    date_to=None,
):
    """The log, newest first, narrowed by what the audit-log page's filter asks."""
    entries = AuditLog.objects.all()
    if action:
        entries = entries.filter(action=action)
    if who:
        entries = entries.filter(actor_label__icontains=who.strip())
    if object_type:
        entries = entries.filter(object_type=object_type)
    if date_from:
        entries = entries.filter(created_at__date__gte=date_from)
    if date_to:
        entries = entries.filter(created_at__date__lte=date_to)
    return entries.order_by("-created_at", "-pk")


def object_types() -> list[str]:
    """The kinds of object the log names, for the filter's choices."""
    return list(
        AuditLog.objects.exclude(object_type="")
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )
