"""How long the register keeps people who never answered, and erasure on request.

Leavers who never joined nor answered are personal data kept on legitimate
interest; after the retention period (REGISTER_RETENTION_DAYS) counted from
their last contact they are deleted. HR can also erase a leaver who never
joined at once. Either way the address stays suppressed as a hash, so a later
register import never brings them back into a campaign.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Max, QuerySet
from django.db.models.functions import Coalesce, Greatest, Lower
from django.utils import timezone

from alumni_network.mail.models import OutboxEmail, Suppression, email_hash, normalise_email
from alumni_network.mail.suppression import suppress_email
from members import audit
from members.models import AuditLog

from ..models import Leaver, RegisterImport

UNANSWERED = [Leaver.Status.IN_REGISTER, Leaver.Status.INVITED]


class CannotErase(Exception):
    """The leaver joined the network: members erase their own account."""


def retention_period() -> timedelta:
    return timedelta(days=settings.REGISTER_RETENTION_DAYS)


def unanswered_with_purge_date() -> QuerySet[Leaver]:
    """Unanswered leavers annotated with their last contact and the day they are purged."""
    last_activity = Greatest(
        F("created_at"), Coalesce(Max("invitations__last_contacted_at"), F("created_at"))
    )
    return (
        Leaver.objects.filter(status__in=UNANSWERED, member__isnull=True)
        .annotate(last_activity=last_activity)
        .annotate(
            purge_on=ExpressionWrapper(
                F("last_activity") + retention_period(), output_field=DateTimeField()
            )
        )
    )


def due_for_purge(*, now=None) -> QuerySet[Leaver]:
    return unanswered_with_purge_date().filter(purge_on__lte=now or timezone.now())


def purged_soon(*, now=None, within: timedelta = timedelta(days=30)) -> QuerySet[Leaver]:
    """Who goes in the coming weeks, soonest first, for HR to see in advance."""
    now = now or timezone.now()
    return (
        unanswered_with_purge_date().filter(purge_on__lte=now + within).order_by("purge_on", "pk")
    )


def purge_unanswered(*, now=None) -> int:
    """The daily purge: leavers past their retention period (how many went), old audit entries."""
    purged = _purge_unanswered_leavers(now=now)
    purge_audit_log(now=now)
    return purged


@transaction.atomic
def _purge_unanswered_leavers(*, now=None) -> int:
    """Delete everyone whose retention period has run out; how many went."""
    due = list(due_for_purge(now=now).values_list("pk", "email"))
    emails = [normalise_email(email) for _pk, email in due if email]
    # The first reason recorded for an address stays, as in suppress_email.
    Suppression.objects.bulk_create(
        [
            Suppression(email_hash=email_hash(email), reason=Suppression.Reason.ERASED)
            for email in emails
        ],
        ignore_conflicts=True,
    )
    for start in range(0, len(emails), 1000):
        OutboxEmail.objects.annotate(address=Lower("to_email")).filter(
            address__in=emails[start : start + 1000]
        ).delete()
    Leaver.objects.filter(pk__in=[pk for pk, _email in due]).delete()
    if due:
        audit.record(
            action=AuditLog.Action.ERASURE,
            detail=audit.Detail.UNANSWERED_PURGED,
            params={"count": len(due)},
        )
    return len(due)


def audit_log_retention() -> timedelta:
    return timedelta(days=settings.AUDIT_LOG_RETENTION_DAYS)


AUDIT_PURGE_BATCH = 5000


def purge_audit_log(*, now=None, batch_size: int = AUDIT_PURGE_BATCH) -> int:
    """Delete audit entries older than AUDIT_LOG_RETENTION_DAYS, a batch per transaction.

    Batches keep each delete short, so writers of new entries never wait long;
    the log is the only record of who saw what, so nothing younger is touched.
    """
    cutoff = (now or timezone.now()) - audit_log_retention()
    old = AuditLog.objects.filter(created_at__lt=cutoff)
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(old.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not batch:
                return deleted
            deleted += AuditLog.objects.filter(pk__in=batch).delete()[0]


@transaction.atomic
def erase_leaver(*, leaver: Leaver, by, request=None) -> None:
    """Erase one leaver who never joined, keeping only the suppressed hash (`request`: the log)."""
    leaver = Leaver.objects.select_for_update().get(pk=leaver.pk)
    if leaver.member_id:
        raise CannotErase
    if leaver.email:
        suppress_email(email=leaver.email, reason=Suppression.Reason.ERASED)
        OutboxEmail.objects.filter(to_email__iexact=leaver.email).delete()
    audit.record(
        request=request,
        actor=by,
        action=AuditLog.Action.ERASURE,
        obj=leaver,
        detail=audit.Detail.LEAVER_ERASED,
        params={"leaver": leaver.pk},
    )
    leaver.delete()


ABANDONED_AFTER = timedelta(days=2)


def forget_abandoned_imports(*, now=None) -> int:
    """Delete uploads HR mapped or previewed but never imported, file and all.

    A register file is personal data; one nobody imported has no reason to stay.
    A preview that never finished (its task lost) counts as abandoned too, and a
    failed import keeps its record but loses its file.
    """
    now = now or timezone.now()
    before = now - ABANDONED_AFTER
    abandoned = RegisterImport.objects.filter(
        status__in=[
            RegisterImport.Status.PENDING,
            RegisterImport.Status.PREVIEWING,
            RegisterImport.Status.PREVIEWED,
        ],
        created_at__lt=before,
    )
    count = 0
    for register_import in abandoned.iterator():
        if register_import.file:
            register_import.file.delete(save=False)
        register_import.delete()
        count += 1
    failed = RegisterImport.objects.filter(
        status=RegisterImport.Status.FAILED, created_at__lt=before
    ).exclude(file="")
    for register_import in failed.iterator():
        register_import.file.delete(save=True)
        count += 1
    return count
