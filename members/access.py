"""Who is asking, and how a view enforces the permissions of each app's rules.py.

- `request_member(user)` is the one way to fetch the member profile of the person
  asking (None for HR staff without one and for anonymous visitors).
- `permission_required(perm, fn=None)` is the one way a view is guarded: every
  app states who may do what as django-rules predicates in its `rules.py`, and
  its views name the permission they need.
"""

from functools import wraps

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


def is_staff_user(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


_UNKNOWN = object()


def request_member(user):
    """The member profile of `user`, or None: one query per request, whoever asks.

    The one way to fetch the current member. Cached on the user object (one
    per request), and as `user.member` caches it, so the permission checks, the
    guidelines gate and the views share one fetch. It comes with its employer,
    and with whether the member has accepted the current guidelines, so the gate
    needs no query of its own. The profile's `user` is the same object.
    """
    if not user.is_authenticated:
        return None
    member = getattr(user, "_request_member", _UNKNOWN)
    if member is _UNKNOWN:
        from .guidelines import with_guidelines_state
        from .models import Member

        member = (
            with_guidelines_state(Member.objects.filter(user_id=user.pk))
            .select_related("employer")
            .first()
        )
        if member is not None:
            member.user = user
        Member.user.field.remote_field.set_cached_value(user, member)
        user._request_member = member
    return member


def member_asking(request, *args, **kwargs):
    """`request_member` in the shape `permission_required(fn=...)` calls it."""
    return request_member(request.user)


def is_member(user) -> bool:
    """True for an active account with a member profile (cached on the user)."""
    return bool(user.is_authenticated and user.is_active and request_member(user) is not None)


def has_member_profile(user) -> bool:
    """Whether an active account has a member profile, for a link to the member area.

    Uses the member `request_member` already fetched this request; otherwise asks
    only whether one exists. Pages outside the member area (the HR area above
    all) then skip loading the whole profile just to draw the menu.
    """
    if not (user.is_authenticated and user.is_active):
        return False
    member = getattr(user, "_request_member", _UNKNOWN)
    if member is not _UNKNOWN:
        return member is not None
    if not hasattr(user, "_has_member_profile"):
        from .models import Member

        user._has_member_profile = Member.objects.filter(user_id=user.pk).exists()
    return user._has_member_profile


def has_mfa(user) -> bool:
    """The account has a TOTP authenticator (asked once per request)."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_has_mfa"):
        from allauth.mfa.models import Authenticator

        user._has_mfa = Authenticator.objects.filter(
            user_id=user.pk, type=Authenticator.Type.TOTP
        ).exists()
    return user._has_mfa


def mfa_pending(user) -> bool:
    """Staff who must set up two-factor authentication before doing anything as staff."""
    return settings.HR_REQUIRE_MFA and is_staff_user(user) and not has_mfa(user)


# URL namespaces of the member area: the pages only members (former employees) use.
MEMBER_AREA_NAMESPACES = ("members", "gatherings")


def staff_outside_member_area(request) -> bool:
    """Staff without a member profile, refused a member-area page.

    They are shown where they belong (the HR area) instead of a bare 403:
    coordinators are usually not former employees themselves.
    """
    match = request.resolver_match
    return bool(
        is_staff_user(request.user)
        and request_member(request.user) is None
        and match is not None
        and match.namespace in MEMBER_AREA_NAMESPACES
    )


def permission_required(perm: str, fn=None):
    """Let the view run only for those the rules permission `perm` allows.

    `fn(request, *view_args, **view_kwargs)` returns the object the permission
    is checked against (it may raise Http404; None is refused); the view then
    receives that very object as its second argument, so it neither fetches it
    again nor acts on another one than was checked. Those refused are answered:

    - anonymous: redirected to log in;
    - staff who still have to set up two-factor authentication (HR_REQUIRE_MFA):
      redirected to set it up, with a message (whatever the page: that comes first);
    - staff without a member profile, on a member-area page: a 403 page that
      explains the area is for former employees and leads back to the HR area;
    - anyone else: 403.

    The rule set is asked directly (`rules.has_perm`), not `user.has_perm`:
    Django lets an active superuser past every `user.has_perm`, which would skip
    the two-factor requirement and the ownership checks.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not rules.perm_exists(perm):  # a misspelt name would refuse everyone
                raise ImproperlyConfigured(f"No rules permission {perm!r}: see the apps' rules.py")
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if fn is None:
                if rules.has_perm(perm, user):
                    return view(request, *args, **kwargs)
            else:
                obj = fn(request, *args, **kwargs)
                if obj is not None and rules.has_perm(perm, user, obj):
                    return view(request, obj, *args, **kwargs)
            if mfa_pending(user):
                messages.warning(
                    request,
                    _("Set up two-factor authentication before you open the HR area."),
                )
                return redirect("mfa_activate_totp")
            if staff_outside_member_area(request):
                return render(request, "members/not_a_member.html", status=403)
            raise PermissionDenied

        return wrapped

    return decorator


def posted_next_url(request) -> str:
    """The POSTed `next` if it is a page of this site (never an open redirect), else ""."""
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else ""
