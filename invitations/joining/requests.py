"""Asking to join from the public page, and HR's decision matched against the register."""

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from alumni_network.mail.models import normalise_email
from alumni_network.mail.queueing import queue_email

from ..models import Invitation, JoinRequest, Leaver

# Requests to join -----------------------------------------------------------------------


def request_to_join(
    *, name: str, email: str, years: str, department: str, message: str, language: str
) -> JoinRequest:
    """Queue a request for HR; asking again while it waits returns the first request."""
    email = normalise_email(email)
    existing = JoinRequest.objects.filter(
        email__iexact=email, status=JoinRequest.Status.PENDING
    ).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(
                name=name.strip(),
                email=email,
                years=years.strip(),
                department=department.strip(),
                message=message.strip(),
                language=language if language in dict(settings.LANGUAGES) else "nb",
            )
            queue_email(
                kind="notice",
                to=settings.NETWORK_CONTACT_EMAIL,
                language=settings.LANGUAGE_CODE,
                refers_to=join_request,
                data={
                    "subject": f"Ny forespørsel om medlemskap: {join_request.name}",
                    "body": (
                        f"{join_request.name} ({join_request.years}, "
                        f"{join_request.department or '-'}) ber om å bli med i nettverket.\n\n"
                        f"{settings.SITE_URL}{reverse('hr_invitations:join_requests')}"
                    ),
                },
            )
            return join_request
    except IntegrityError:
        return JoinRequest.objects.get(email__iexact=email, status=JoinRequest.Status.PENDING)


def _split_name(name: str) -> tuple[str, str]:
    parts = name.split()
    if len(parts) < 2:
        return name.strip(), ""
    return " ".join(parts[:-1]), parts[-1]


@dataclass(frozen=True)
class Suggestion:
    leaver: Leaver
    by: str  # "email" or "name"


def suggest_matches(join_requests: list[JoinRequest]) -> dict[int, list[Suggestion]]:
    """Register rows that may be each requester: by email, else by name. Two queries in all."""
    emails = {normalise_email(request.email) for request in join_requests}
    by_email: dict[str, list[Leaver]] = {}
    for leaver in Leaver.objects.filter(email__in=emails).exclude(email=""):
        by_email.setdefault(leaver.email, []).append(leaver)
    name_query = Q()
    wanted = []
    for request in join_requests:
        if normalise_email(request.email) in by_email:
            continue
        first, last = _split_name(request.name)
        if last:
            first_word = first.split()[0]
            name_query |= Q(last_name__iexact=last, first_name__istartswith=first_word)
            wanted.append((request.pk, first_word.lower(), last.lower()))
    by_name: list[Leaver] = list(Leaver.objects.filter(name_query)[:200]) if wanted else []
    suggestions: dict[int, list[Suggestion]] = {}
    for request in join_requests:
        found = [
            Suggestion(leaver, "email")
            for leaver in by_email.get(normalise_email(request.email), [])
        ]
        if not found:
            for pk, first_word, last in wanted:
                if pk != request.pk:
                    continue
                found = [
                    Suggestion(leaver, "name")
                    for leaver in by_name
                    if leaver.last_name.lower() == last
                    and leaver.first_name.lower().startswith(first_word)
                ]
        suggestions[request.pk] = found[:5]
    return suggestions


def _decide(join_request: JoinRequest, *, status: str, user, leaver=None) -> bool:
    return bool(
        JoinRequest.objects.filter(pk=join_request.pk, status=JoinRequest.Status.PENDING).update(
            status=status, decided_by=user, decided_at=timezone.now(), leaver=leaver
        )
    )


@transaction.atomic
def approve_join_request(
    *, join_request: JoinRequest, leaver: Leaver | None, user
) -> Invitation | None:
    """Approve once: link (or add) the register entry and send a join invitation."""
    email = normalise_email(join_request.email)
    if leaver is None:
        leaver = Leaver.objects.with_email(email).first()
    if leaver is None:
        first, last = _split_name(join_request.name)
        leaver = Leaver.objects.create(
            first_name=first, last_name=last, email=email, department=join_request.department
        )
    if not _decide(join_request, status=JoinRequest.Status.APPROVED, user=user, leaver=leaver):
        return None
    if leaver.email != email and not Leaver.objects.with_email(email).exists():
        # Matched by name: the address they wrote from is the one they use now,
        # and the one the account is created with.
        Leaver.objects.filter(pk=leaver.pk).update(email=email, updated_at=timezone.now())
    invitation = Invitation.objects.filter(leaver=leaver, campaign__isnull=True).first()
    if invitation is None:
        invitation = Invitation.objects.create(
            leaver=leaver, language=join_request.language, last_contacted_at=timezone.now()
        )
    Leaver.objects.filter(pk=leaver.pk, status=Leaver.Status.IN_REGISTER).update(
        status=Leaver.Status.INVITED
    )
    # To the address they asked from: they proved nothing yet, but they asked.
    queue_email(
        kind="join_invitation",
        to=email,
        language=join_request.language,
        refers_to=invitation,
        data={"leaver": leaver.pk, "first_name": _split_name(join_request.name)[0]},
        dedupe_key=f"join-invitation:{join_request.pk}",
        reply_to=user.email if user else "",
    )
    return invitation


@transaction.atomic
def reject_join_request(*, join_request: JoinRequest, user) -> bool:
    if not _decide(join_request, status=JoinRequest.Status.REJECTED, user=user):
        return False
    queue_email(
        kind="join_rejected",
        to=join_request.email,
        language=join_request.language,
        refers_to=join_request,
        data={"first_name": _split_name(join_request.name)[0]},
        dedupe_key=f"join-rejected:{join_request.pk}",
        reply_to=user.email if user else "",
    )
    return True
