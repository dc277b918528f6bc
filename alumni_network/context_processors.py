"""Template context shared by every page."""

from django.conf import settings

from members.access import has_member_profile
from members.rules import is_hr_staff


def network(request):
    user = getattr(request, "user", None)
    return {
        "network_name": settings.NETWORK_NAME,
        "company_name": settings.COMPANY_NAME,
        "network_contact_email": settings.NETWORK_CONTACT_EMAIL,
        "csp_nonce": getattr(request, "csp_nonce", ""),
        # Links, not permissions: staff who still need two-factor authentication
        # see the way in and are asked to set it up there. The member area is
        # linked only for those with a member profile: for staff without one
        # most of its pages are closed.
        "can_reach_members": bool(user and has_member_profile(user)),
        "can_reach_hr": bool(user and is_hr_staff(user)),
    }
