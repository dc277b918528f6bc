"""Who may reach which area: the member area and the HR area."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def is_staff_user(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


_UNKNOWN = object()


def request_member(user):
    """The member profile of `user`, or None: one query per request, whoever asks.

    Cached on the user object (one per request), and as `user.member` caches it,
    so the membership check, the guidelines gate and the views share one fetch;
    it carries whether the member has accepted the current guidelines, so the
    gate needs no query of its own. The profile's `user` is the same object.
    """
    if not user.is_authenticated:
        return None
    member = getattr(user, "_request_member", _UNKNOWN)
    if member is _UNKNOWN:
        from .guidelines import with_guidelines_state
        from .models import Member

        member = with_guidelines_state(Member.objects.filter(user_id=user.pk)).first()
        if member is not None:
            member.user = user
        Member.user.field.remote_field.set_cached_value(user, member)
        user._request_member = member
    return member


def is_member(user) -> bool:
    """True for an active account with a member profile (cached on the user)."""
    return bool(user.is_authenticated and user.is_active and request_member(user) is not None)


def has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def member_required(view):
    """Members and HR staff only; others log in first or are refused."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (is_member(request.user) or is_staff_user(request.user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def staff_required(view):
    """HR staff only; with HR_REQUIRE_MFA they must have set up MFA first."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff_user(request.user):
            raise PermissionDenied
        if settings.HR_REQUIRE_MFA and not has_mfa(request.user):
            messages.warning(
                request,
                _("Set up two-factor authentication before you open the HR area."),
            )
            return redirect("mfa_activate_totp")
        return view(request, *args, **kwargs)

    return wrapped
