"""The audit log: every HR look at HR-only fields and every export leaves a line."""

from .models import AuditLog


def record(*, actor, action: str, detail: str = "", member_ids=()) -> AuditLog:
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "email", "") or "",
        action=action,
        detail=detail[:2000],
        member_ids=sorted({int(pk) for pk in member_ids}),
    )


def log_hr_only_views(*, viewer, profiles, what: str) -> None:
    """Log that HR was shown fields members share with HR only (if any were shown)."""
    shown = [p.pk for p in profiles if p.hr_only]
    if shown:
        record(actor=viewer, action=AuditLog.Action.VIEW_HR_FIELDS, detail=what, member_ids=shown)
