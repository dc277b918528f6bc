"""Who may do what in the members app, and the roles every app builds on (django-rules).

Views enforce these with `members.access.permission_required`. The roles:

- coordinator: HR staff, with two-factor authentication when HR_REQUIRE_MFA;
- member: an active account with a member profile;
- owner: the object is the member's own (their profile, or a row of theirs).
"""

import rules
from django.conf import settings

from . import access
from .models import Member


@rules.predicate
def is_hr_staff(user) -> bool:
    return access.is_staff_user(user)


@rules.predicate
def mfa_in_place(user) -> bool:
    """Two-factor authentication is set up, or not required (HR_REQUIRE_MFA off)."""
    return not settings.HR_REQUIRE_MFA or access.has_mfa(user)


is_coordinator = is_hr_staff & mfa_in_place


@rules.predicate
def is_member(user) -> bool:
    return access.is_member(user)


@rules.predicate
def is_owner(user, obj) -> bool:
    """`obj` is the user's own member profile, or belongs to it (`obj.member`)."""
    member = access.request_member(user)
    if member is None or obj is None:
        return False
    if isinstance(obj, Member):
        return obj.pk == member.pk
    return getattr(obj, "member_id", None) == member.pk


# The member area: members, and HR who look after them.
rules.add_perm("members.open_member_area", is_member | is_coordinator)
# A member's own profile and data: edit, confirm the employer, export, erase.
rules.add_perm("members.change_member", is_member & is_owner)
# The HR area, and in it the pages about members: search, jobs, news, guidelines, employers.
rules.add_perm("members.open_hr_area", is_coordinator)
rules.add_perm("members.manage_members", is_coordinator)
rules.add_perm("members.view_audit_log", is_coordinator & rules.is_superuser)

# Granting and revoking roles (coordinator, organiser) on /hr/roles/: coordinators.
rules.add_perm("members.manage_roles", is_coordinator)
# The Django admin, the back office: superusers, with two-factor authentication where required.
rules.add_perm("members.open_back_office", is_coordinator & rules.is_superuser)
