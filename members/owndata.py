"""The member's own data: download it all as JSON, or erase the account."""

from allauth.account.models import EmailAddress
from django.db import transaction

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


def _iso(value):
    return value.isoformat() if value else None


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
    """Erase the member's account and everything personal about them.

    Other apps turn what they hold into anonymous counts on `member_erasing`;
    the invitations app keeps a hashed suppression entry on `member_erased`.
    The audit log keeps the bare member id and nothing else.
    """
    user = member.user
    emails = {user.email.strip().lower()}
    emails |= {a.email.strip().lower() for a in EmailAddress.objects.filter(user=user)}
    if member.personal_email:
        emails.add(member.personal_email.strip().lower())
    member_id = member.pk
    member_erasing.send(sender=Member, member=member)
    if member.photo:
        name, storage = member.photo.name, member.photo.storage
        transaction.on_commit(lambda: storage.delete(name))
    # Deleting the user cascades to the member, its acceptances, interests,
    # email addresses, authenticators and sessions' owner.
    user.delete()
    audit.record(actor=None, action=AuditLog.Action.ERASURE, member_ids=[member_id])
    for email in sorted(emails):
        member_erased.send(sender=Member, email=email)
