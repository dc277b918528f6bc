"""allauth's emails (login codes, password resets, confirmations) go through the outbox.

The adapter lives here rather than in `members`, which may not import the
outbox in `invitations`.
"""

from django.conf import settings
from django.utils import translation

from invitations.sending import EmailContent, EmailKind, queue_email, register_email_kind
from members.adapters import AccountAdapter as MembersAccountAdapter


def build_account_email(email) -> EmailContent:
    return EmailContent(
        context={key: email.data.get(key, "") for key in ("subject", "text", "html")}
    )


ACCOUNT_EMAIL = EmailKind(
    name="account",
    template="email/account",
    bulk=False,
    build=build_account_email,
    forget_data_after_send=True,
)


def register_kinds() -> None:
    register_email_kind(ACCOUNT_EMAIL)


class AccountAdapter(MembersAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Render allauth's message now, in the reader's language; send it from the outbox.

        Its plain text goes into the network's own HTML layout.
        """
        message = self.render_mail(template_prefix, email, context)
        queue_email(
            kind=ACCOUNT_EMAIL.name,
            to=email,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            data={"subject": message.subject, "text": message.body},
        )
