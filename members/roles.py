"""The roles HR grants: coordinator (staff), and the roles other apps register (organisers).

Coordinators are granted and revoked here. A role that belongs to an app above
this one (the organiser of a gathering) registers a `GrantableRole` in its
`AppConfig.ready()`, so the roles page lists, grants and revokes it without
this app importing that one. Every grant and revoke is audit-logged, and a
new coordinator is told by email through the outbox.
"""

from collections.abc import Callable
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from alumni_network.mail.kinds import EmailContent
from alumni_network.mail.queueing import queue_email

from . import audit
from .models import AuditLog, User

ROLE_GRANTED = "role_granted"
# How entries written before details were translated begin (plain English).
GRANTED_COORDINATOR_BEFORE = "granted coordinator to "


class RoleError(Exception):
    """A grant or revoke the rules refuse; the message says why, for the person asking."""


@dataclass(frozen=True)
class GrantableRole:
    """A role an app above this one lets HR grant on the roles page.

    `context(request)` gives what its include template shows (holders, a grant
    form); `grant(request)` and `revoke(request, pk)` act on a POST and return
    the message to show, or raise RoleError.
    """

    slug: str
    template: str
    context: Callable
    grant: Callable
    revoke: Callable


GRANTABLE_ROLES: dict[str, GrantableRole] = {}


def register_role(role: GrantableRole) -> None:
    """Add a role to the roles page (idempotent: ready() may run twice)."""
    registered = GRANTABLE_ROLES.get(role.slug)
    if registered is not None and registered != role:
        raise ValueError(f"Two grantable roles are named {role.slug!r}")
    GRANTABLE_ROLES[role.slug] = role


def grantable_role(slug: str) -> GrantableRole | None:
    return GRANTABLE_ROLES.get(slug)


def _granted_at():
    """When the user was last made a coordinator here, from the audit log."""
    return Subquery(
        AuditLog.objects.filter(
            action=AuditLog.Action.ROLE_CHANGE,
            object_type=User._meta.label_lower,
            object_id=OuterRef("pk_text"),
        )
        .filter(
            Q(
                detail__in=[
                    audit.Detail.COORDINATOR_GRANTED,
                    audit.Detail.COORDINATOR_GRANTED_NEW_ACCOUNT,
                ]
            )
            | Q(detail__startswith=GRANTED_COORDINATOR_BEFORE)
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )


def coordinators() -> QuerySet[User]:
    """Active staff, with whether they have two-factor authentication, and since when."""
    totp = Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.TOTP)
    return (
        User.objects.filter(is_staff=True, is_active=True)
        .annotate(pk_text=Cast("pk", CharField()))
        .annotate(has_mfa=Exists(totp), since=Coalesce(_granted_at(), "date_joined"))
        .order_by("first_name", "last_name", "email")
    )


def _queue_role_granted(*, user: User, by: User, new_account: bool) -> None:
    queue_email(
        kind=ROLE_GRANTED,
        to=user.email,
        language=user.language or settings.LANGUAGE_CODE,
        refers_to=user,
        data={
            "first_name": user.first_name,
            "granted_by": by.get_full_name() or by.email,
            "new_account": new_account,
        },
    )


def build_role_granted(email) -> EmailContent:
    """The email telling someone they are now an HR coordinator, and how to get in."""
    return EmailContent(
        context={
            "first_name": email.data.get("first_name", ""),
            "granted_by": email.data.get("granted_by", ""),
            "new_account": email.data.get("new_account", False),
            "login_url": settings.SITE_URL + reverse("account_request_login_code"),
            "reset_url": settings.SITE_URL + reverse("account_reset_password"),
            "hr_url": settings.SITE_URL + reverse("hr_dashboard"),
            "mfa_required": settings.HR_REQUIRE_MFA,
        }
    )


def _find_user(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def grant_coordinator(*, email: str, first_name: str = "", last_name: str = "", request) -> User:
    """Make the account with this email a coordinator, or create one for a new colleague.

    An existing account must be active; a new one needs a name, gets no
    password (they log in by code or set one through the password reset) and
    is told by email either way.
    """
    with transaction.atomic():
        user = _find_user(email)
        new_account = user is None
        if new_account:
            if not (first_name.strip() or last_name.strip()):
                raise RoleError(
                    _("There is no account with that email. Give a name to create one.")
                )
            user = _create_colleague(email=email, first_name=first_name, last_name=last_name)
        elif not user.is_active:
            raise RoleError(_("That account is deactivated."))
        elif user.is_staff:
            raise RoleError(_("%(email)s is already a coordinator.") % {"email": user.email})
        else:
            User.objects.filter(pk=user.pk).update(is_staff=True)
            user.is_staff = True
        audit.record(
            action=AuditLog.Action.ROLE_CHANGE,
            request=request,
            obj=user,
            detail=(
                audit.Detail.COORDINATOR_GRANTED_NEW_ACCOUNT
                if new_account
                else audit.Detail.COORDINATOR_GRANTED
            ),
            params={"email": user.email},
        )
        _queue_role_granted(user=user, by=request.user, new_account=new_account)
    return user


def _create_colleague(*, email: str, first_name: str, last_name: str) -> User:
    """A staff account without a password; allauth's login by code verifies the address."""
    from allauth.account.models import EmailAddress

    user = User.objects.create_user(
        email=User.objects.normalize_email(email.strip()),
        password=None,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        is_staff=True,
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    return user


def revoke_coordinator(*, user: User, request) -> None:
    """Take staff rights away: never one's own, never the last coordinator's.

    A superuser's staff flag only another superuser may take. The staff rows
    are locked so two revokes at once cannot leave nobody.
    """
    by = request.user
    if user.pk == by.pk:
        raise RoleError(_("You cannot revoke your own coordinator rights."))
    if user.is_superuser and not by.is_superuser:
        raise RoleError(_("Only a superuser can revoke a superuser's coordinator rights."))
    with transaction.atomic():
        staff = list(
            User.objects.select_for_update()
            .filter(is_staff=True, is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if user.pk not in staff:
            raise RoleError(_("%(email)s is not a coordinator.") % {"email": user.email})
        if len(staff) <= 1:
            raise RoleError(_("The network needs at least one coordinator."))
        User.objects.filter(pk=user.pk).update(is_staff=False)
        user.is_staff = False
        audit.record(
            action=AuditLog.Action.ROLE_CHANGE,
            request=request,
            obj=user,
            detail=audit.Detail.COORDINATOR_REVOKED,
            params={"email": user.email},
        )
