"""Template context shared by every page."""

from django.conf import settings

from members.access import is_member, is_staff_user


def network(request):
    user = getattr(request, "user", None)
    return {
        "network_name": settings.NETWORK_NAME,
        "company_name": settings.COMPANY_NAME,
        "network_contact_email": settings.NETWORK_CONTACT_EMAIL,
        "csp_nonce": getattr(request, "csp_nonce", ""),
        "can_reach_members": bool(user and (is_member(user) or is_staff_user(user))),
        "can_reach_hr": bool(user and is_staff_user(user)),
    }
