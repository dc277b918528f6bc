"""The pages of the three areas, as the markup and accessibility checks visit them."""

from .test_access_matrix import MATRIX, ROLES

# Pages whose answer is not HTML meant for people.
NOT_HTML = {
    "healthz",
    "gatherings:ics",
    "gatherings:rsvp_ics",
    "gatherings:attendees_export",
    "gatherings:badges",
    "gatherings:material",
    # A fragment the door page polls for its live count, not a page.
    "gatherings:door_count",
    # The email as its recipient will see it, in their language, inside the preview's frame.
    "hr_invitations:campaign_preview_html",
    # The same for one email of the outbox.
    "hr_invitations:outbox_email_html",
}


def html_pages() -> list[tuple[str, str]]:
    """(url name, role) for every page some role opens with a 200."""
    return [
        (name, role)
        for name, answers in sorted(MATRIX.items())
        for role, expected in zip(ROLES, answers, strict=True)
        if expected == "200" and name not in NOT_HTML
    ]
