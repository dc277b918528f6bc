"""One outbox row's email as its recipient got it, for HR to read.

The row keeps what the email was built from, not the bytes that went out, so
the copy is rendered again by the outbox's own code. Links to this site in an
email act for its recipient without a login (join, answer, unsubscribe), so a
copy shown to someone else has them taken out. A kind that carries a login
code or a password link (`forget_data_after_send`) is never shown: its data is
the secret, and it is wiped once sent anyway.
"""

import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.html import escape
from django.utils.translation import gettext as _

from .kinds import UnknownEmailKind, email_kind
from .models import OutboxEmail
from .rendering import TemplateCache, render_message

logger = logging.getLogger(__name__)

# Paths of this site that hold nothing personal: images and styles in the email.
PUBLIC_PREFIXES = ("/static/", "/media/")


@dataclass(frozen=True)
class SentCopy:
    subject: str = ""
    text: str = ""
    html: str = ""
    # Why there is no copy to show, in the reader's language; empty when there is one.
    withheld: str = ""


def sent_copy(row: OutboxEmail) -> SentCopy:
    """The row's email rendered again, with its acting links taken out, or why it cannot be."""
    try:
        kind = email_kind(row.kind)
    except UnknownEmailKind:
        return SentCopy(withheld=_("This kind of email no longer exists, so it cannot be shown."))
    if kind.forget_data_after_send:
        return SentCopy(
            withheld=_(
                "This email carried a login code or a password link. "
                "Its content is never shown to anyone else."
            )
        )
    try:
        message = render_message(row, templates=TemplateCache())
    except Exception:  # noqa: BLE001 - whatever it was built from may be gone
        logger.info("Outbox email %s can no longer be rendered", row.pk, exc_info=True)
        return SentCopy(
            withheld=_("What this email was built from has since been changed or deleted.")
        )
    return SentCopy(
        subject=message.subject,
        text=without_links(message.body),
        html=without_links(html_part(message), html=True),
    )


def html_part(message: EmailMultiAlternatives) -> str:
    return next(
        (content for content, mimetype in message.alternatives if mimetype == "text/html"), ""
    )


def _site_links() -> re.Pattern:
    site = re.escape(settings.SITE_URL.rstrip("/"))
    public = "|".join(re.escape(prefix) for prefix in PUBLIC_PREFIXES)
    return re.compile(rf"{site}(?!{public})(?:/[^\s\"'<>]*)?")


def without_links(content: str, *, html: bool = False) -> str:
    """`content` with every link to this site (but its images) replaced by a note."""
    placeholder = _("[link hidden]")
    links = _site_links()
    if html:
        # A hidden link's href goes nowhere; its text, where it was the URL, says so.
        content = re.sub(
            r"""(href=)(["'])(?P<url>[^"']*)\2""",
            lambda match: (
                f"{match[1]}{match[2]}#{match[2]}" if links.match(match["url"]) else match[0]
            ),
            content,
        )
        placeholder = escape(placeholder)
    return links.sub(placeholder, content)
