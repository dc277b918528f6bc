"""The signed join and decline links in invitation emails."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from ..models import Invitation

JOIN_SALT = "invitations.join"
DECLINE_SALT = "invitations.decline"


class InvalidLink(Exception):
    """The link was forged, changed or names an invitation we do not have."""


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
