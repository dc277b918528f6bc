"""Joining the network from an invitation, or declining it."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from members.guidelines import accept_current_guidelines
from members.models import Member, User

from ..models import Invitation, Leaver


class AlreadyHasAccount(Exception):
    """Someone already has an account with this address: they log in instead."""


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
