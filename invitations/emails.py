"""The kinds of email the invitations app sends through the outbox."""

from .sending import EmailContent, EmailKind, register_email_kind


def build_message(email) -> EmailContent:
    """A message written by a coordinator: subject and body come with the row."""
    return EmailContent(
        context={
            "subject": email.data.get("subject", ""),
            "paragraphs": [
                p.strip() for p in email.data.get("body", "").split("\n\n") if p.strip()
            ],
            "body": email.data.get("body", ""),
        }
    )


MESSAGE_KINDS = [
    # To many at once (attendees, a segment): carries List-Unsubscribe.
    EmailKind(
        name="hr_message", template="invitations/email/message", bulk=True, build=build_message
    ),
    # To one person about their own business (a reply, a notice to HR).
    EmailKind(name="notice", template="invitations/email/message", bulk=False, build=build_message),
]


def register_kinds() -> None:
    for kind in MESSAGE_KINDS:
        register_email_kind(kind)
