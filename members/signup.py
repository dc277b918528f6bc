"""Signup is closed except for someone holding a valid invitation or approval.

The join flow checks the invitation (or the approved join request) and then
grants a signup permit in the session; allauth's adapter asks for it.
"""

SIGNUP_PERMIT_SESSION_KEY = "members:signup-permit"


def grant_signup(request, *, email: str) -> None:
    request.session[SIGNUP_PERMIT_SESSION_KEY] = email.strip().lower()


def permitted_signup_email(request) -> str | None:
    return request.session.get(SIGNUP_PERMIT_SESSION_KEY)


def signup_is_permitted(request) -> bool:
    return bool(permitted_signup_email(request))


def revoke_signup(request) -> None:
    request.session.pop(SIGNUP_PERMIT_SESSION_KEY, None)
