"""The kinds of email the members app sends through the outbox."""

from django.utils.translation import gettext_lazy as _

from alumni_network.mail.kinds import EmailKind, register_email_kind

from .adapters import build_account_email
from .digests import build_job_digest, build_news_digest
from .roles import build_role_granted


def register_kinds() -> None:
    # allauth's login codes, password resets and confirmations.
    register_email_kind(
        EmailKind(
            name="account",
            template="members/email/account",
            bulk=False,
            build=build_account_email,
            label=_("Account email (login, password)"),
            forget_data_after_send=True,
        )
    )
    register_email_kind(
        EmailKind(
            name="job_digest",
            template="members/email/job_digest",
            bulk=True,
            build=build_job_digest,
            label=_("Job digest"),
        )
    )
    register_email_kind(
        EmailKind(
            name="news_digest",
            template="members/email/news_digest",
            bulk=True,
            build=build_news_digest,
            label=_("News digest"),
        )
    )
    # To someone HR just made a coordinator: how to get in (and set up two-factor).
    register_email_kind(
        EmailKind(
            name="role_granted",
            template="members/email/role_granted",
            bulk=False,
            build=build_role_granted,
            label=_("New role"),
        )
    )
