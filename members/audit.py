"""The audit log: one function writes every entry (who, what, on which object, when, from where).

HR looks at HR-only fields, downloads and exports of personal data, erasures,
role changes, imports and campaign sends all come through `record`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address

from .models import AuditLog


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
    detail: str = "",
    member_ids=(),
) -> AuditLog:
    """Write one audit entry; `actor` defaults to the request's user, `obj` is any model row."""
    if actor is None and request is not None:
        actor = request.user
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "email", "") or "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail[:2000],
        member_ids=sorted({int(pk) for pk in member_ids}),
        ip_address=client_ip(request),
    )


def log_hr_only_views(*, viewer, profiles, what: str, request=None) -> None:
    """Log that HR was shown fields members share with HR only (if any were shown)."""
    shown = [p.pk for p in profiles if p.hr_only]
    if shown:
        record(
            request=request,
            actor=viewer,
            action=AuditLog.Action.VIEW_HR_FIELDS,
            detail=what,
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
