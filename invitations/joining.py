"""Joining the network: the signed join link, joining or declining, and requests to join.

The join link names one invitation and its leaver, signed with a salt of its
own. Opening it changes nothing (mail scanners follow links); joining and
declining are POSTs, each a guarded transition on the locked invitation.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from members.guidelines import accept_current_guidelines
from members.models import Member, User

from .models import Invitation, JoinRequest, Leaver, normalise_email
from .sending import queue_email

JOIN_SALT = "invitations.join"
DECLINE_SALT = "invitations.decline"


class InvalidLink(Exception):
    """The link was forged, changed or names an invitation we do not have."""


class AlreadyHasAccount(Exception):
    """Someone already has an account with this address: they log in instead."""


def join_token(*, invitation_id: int, leaver_id: int) -> str:
    return signing.dumps({"i": invitation_id, "l": leaver_id}, salt=JOIN_SALT)


def join_url(*, invitation_id: int, leaver_id: int) -> str:
    token = join_token(invitation_id=invitation_id, leaver_id=leaver_id)
    return settings.SITE_URL + reverse("invitations:join", kwargs={"token": token})


def decline_url(*, invitation_id: int, leaver_id: int) -> str:
    token = join_token(invitation_id=invitation_id, leaver_id=leaver_id)
    return settings.SITE_URL + reverse("invitations:join_decline", kwargs={"token": token})


def invitation_for_token(token: str) -> Invitation:
    try:
        payload = signing.loads(token, salt=JOIN_SALT)
        invitation_id, leaver_id = int(payload["i"]), int(payload["l"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise InvalidLink from error
    invitation = (
        Invitation.objects.select_related("leaver__member", "campaign")
        .filter(pk=invitation_id, leaver_id=leaver_id)
        .first()
    )
    if invitation is None:
        raise InvalidLink
    return invitation


def has_joined(invitation: Invitation) -> bool:
    return invitation.status == Invitation.Status.JOINED or invitation.leaver.member_id is not None


@transaction.atomic
def join_network(
    *,
    invitation: Invitation,
    first_name: str,
    last_name: str,
    password: str | None,
    language: str,
) -> User:
    """Create the account and member profile, link the register entry, accept the guidelines.

    Without a password the member logs in with a code sent to their email.
    """
    invitation = (
        Invitation.objects.select_for_update().select_related("leaver").get(pk=invitation.pk)
    )
    leaver = Leaver.objects.select_for_update().get(pk=invitation.leaver_id)
    if invitation.status == Invitation.Status.JOINED or leaver.member_id:
        raise AlreadyHasAccount
    email = leaver.email
    if User.objects.filter(email__iexact=email).exists():
        raise AlreadyHasAccount
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=password or None,
                first_name=first_name,
                last_name=last_name,
                language=language if language in dict(settings.LANGUAGES) else "",
            )
    except IntegrityError as error:
        # Two tabs submitting at once: the unique address lets only one in.
        raise AlreadyHasAccount from error
    # The link came to this address, which verifies it.
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    member = Member.objects.create(
        user=user,
        started_year=leaver.hired_on.year if leaver.hired_on else None,
        left_year=leaver.left_on.year if leaver.left_on else None,
        departments=leaver.department,
    )
    now = timezone.now()
    Leaver.objects.filter(pk=leaver.pk).update(
        member=member, status=Leaver.Status.JOINED, updated_at=now
    )
    # Joined is joined: every open invitation of theirs stops reminding.
    Invitation.objects.filter(leaver=leaver).filter(
        Q(pk=invitation.pk) | Q(status=Invitation.Status.PENDING)
    ).update(status=Invitation.Status.JOINED, responded_at=now)
    accept_current_guidelines(user=user)
    return user


@transaction.atomic
def decline_invitation(*, invitation: Invitation) -> bool:
    """No thanks: the invitation is answered and reminders stop; False if it already was."""
    now = timezone.now()
    declined = Invitation.objects.filter(pk=invitation.pk, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.DECLINED, responded_at=now
    )
    if declined:
        Leaver.objects.filter(
            pk=invitation.leaver_id,
            status__in=[Leaver.Status.INVITED, Leaver.Status.IN_REGISTER],
        ).update(status=Leaver.Status.DECLINED, updated_at=now)
    return bool(declined)


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
