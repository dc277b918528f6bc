"""The member's own data: download it all as JSON, or erase the account."""

import re

from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from alumni_network.mail import erasure as mail_erasure

from . import audit
from .models import AuditLog, Member
from .privacy import GROUPS
from .signals import collect_member_data, member_erased, member_erasing

PROFILE_FIELDS = [
    "personal_email",
    "phone",
    "title",
    "location",
    "linkedin_url",
    "bio",
    "languages",
    "started_year",
    "left_year",
    "departments",
    "open_to_returning",
    "open_to_projects",
    "open_to_speaking",
    "open_to_hosting",
    "open_to_mentoring",
    "wants_gathering_emails",
    "wants_news_emails",
    "wants_job_emails",
    "in_directory",
]


# What the audit log says instead of an erased person's address: the entry
# stays (who did what matters), the person does not.
ERASED_LABEL = "erased user"


def _iso(value):
    return value.isoformat() if value else None


def member_addresses(member: Member) -> set[str]:
    """Every address the member used (login, verified or not, personal), lower-case."""
    user = member.user
    emails = {user.email, member.personal_email}
    emails |= set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    return {e.strip().lower() for e in emails if e and e.strip()}


def export_member_data(*, member: Member, request=None) -> dict:
    """Everything the network holds about the member, machine-readable (`request` for the log)."""
    user = member.user
    data = {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "preferred_language": user.language,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in EmailAddress.objects.filter(user=user)
            ],
        },
        "profile": {
            **{name: getattr(member, name) for name in PROFILE_FIELDS},
            "joined_at": _iso(member.joined_at),
            "employer": member.employer.name if member.employer_id else None,
            "photo": bool(member.photo),
            "competences": [c.name for c in member.competences.order_by("name")],
            "employment_confirmed_at": _iso(member.employment_confirmed_at),
            "last_job_digest_at": _iso(member.last_job_digest_at),
            "last_news_digest_at": _iso(member.last_news_digest_at),
        },
        "privacy": {g: getattr(member, f"{g}_visibility") for g in GROUPS},
        "guidelines_accepted": [
            {
                "version_published_at": _iso(a.version.published_at),
                "accepted_at": _iso(a.accepted_at),
            }
            for a in member.guidelines_acceptances.select_related("version")
        ],
        "job_interests": [
            {"job": i.job.title, "at": _iso(i.created_at)}
            for i in member.job_interests.select_related("job")
        ],
    }
    emails = member_addresses(member)
    data["emails_sent_to_you"] = mail_erasure.emails_sent_to(emails)
    data["suppressions"] = mail_erasure.suppressions_of(emails)
    data["email_events"] = mail_erasure.events_about(emails)
    for _receiver, response in collect_member_data.send(sender=Member, member=member):
        if response:
            key, value = response
            data[key] = value
    audit.record(
        request=request,
        actor=user,
        action=AuditLog.Action.OWN_DATA_EXPORT,
        obj=member,
        member_ids=[member.pk],
    )
    return data


@transaction.atomic
def erase_member(*, member: Member) -> None:
    """Erase the member's account and everything personal about them, in every app.

    Other apps delete or anonymise what they hold on `member_erasing`; the
    invitations app keeps a hashed suppression entry on `member_erased`. The
    outbox loses every email to the person, the admin history its entries on
    them, and the audit log keeps its entries with the person's address blanked.
    """
    user = member.user
    emails = member_addresses(member)
    full_name = user.get_full_name()
    member_id = member.pk
    member_erasing.send(sender=Member, member=member)
    if member.photo:
        name, storage = member.photo.name, member.photo.storage
        transaction.on_commit(lambda: storage.delete(name))
    _forget_admin_history(user, member)
    _blank_in_audit_log(user, emails)
    # Deleting the user cascades to the member, its acceptances, interests,
    # email addresses, authenticators and sessions' owner.
    user.delete()
    mail_erasure.forget_emails_to(emails)
    mail_erasure.forget_mentions([*emails, full_name])
    audit.record(actor=None, action=AuditLog.Action.ERASURE, member_ids=[member_id])
    for email in sorted(emails):
        member_erased.send(sender=Member, email=email)


def _forget_admin_history(*rows) -> None:
    """Admin "history" entries about the rows: their object_repr names the person."""
    for row in rows:
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(row), object_id=str(row.pk)
        ).delete()


def _blank_in_audit_log(user, emails: set[str]) -> None:
    """Keep the person's entries, but say "erased user" where the log named their address."""
    AuditLog.objects.filter(actor=user).update(actor_label=ERASED_LABEL)
    for email in emails:
        AuditLog.objects.filter(actor_label__iexact=email).update(actor_label=ERASED_LABEL)
        pattern = re.compile(re.escape(email), re.IGNORECASE)
        # Old entries wrote the address into the text, newer ones into a parameter:
        # "email" by rule (its key lookup finds a non-ASCII address that the JSON
        # text escapes), any other by its text.
        naming = (
            Q(detail__icontains=email)
            | Q(detail_params__icontains=email)
            | Q(detail_params__email__iexact=email)
        )
        for entry in AuditLog.objects.filter(naming).only("pk", "detail", "detail_params"):
            AuditLog.objects.filter(pk=entry.pk).update(
                detail=pattern.sub(ERASED_LABEL, entry.detail),
                detail_params=_blanked(entry.detail_params, pattern),
            )


def _blanked(value, pattern: re.Pattern):
    """A detail parameter with every mention of the address replaced by ERASED_LABEL."""
    if isinstance(value, str):
        return pattern.sub(ERASED_LABEL, value)
    if isinstance(value, list):
        return [_blanked(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _blanked(item, pattern) for key, item in value.items()}
    return value
