"""Turning an outbox row into Django's email message, in its recipient's language.

Text and HTML come from one kind's templates; the HTML has its CSS inlined.
Templates are compiled once per batch, and what a batch's rows share (a
campaign's text) is read once per batch through `batch_cache()`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from email.mime.image import MIMEImage
from email.utils import make_msgid

import css_inline
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation

from .kinds import email_kind
from .models import OutboxEmail

# Kept from when the outbox lived in `invitations`: links already sent must keep working.
UNSUBSCRIBE_SALT = "invitations.unsubscribe"

_batch_cache: ContextVar[dict | None] = ContextVar("outbox_batch_cache", default=None)


@contextmanager
def rendering_batch() -> Iterator[dict]:
    """Render a batch of rows: `batch_cache()` returns one shared dict until it ends."""
    token = _batch_cache.set({})
    try:
        yield _batch_cache.get()
    finally:
        _batch_cache.reset(token)


def batch_cache() -> dict:
    """A dict that lives while one batch is rendered, for what its rows share.

    A builder keeps there what every row of a batch would otherwise read again
    (a campaign's text); outside a batch it is a fresh dict each call.
    """
    cache = _batch_cache.get()
    return cache if cache is not None else {}


class TemplateCache:
    """Templates compiled once per batch, per kind.

    A `.txt` template (a subject, a text part) is plain text and comes from the
    engine that does not escape HTML; any other (the HTML part) from the one that does.
    """

    def __init__(self):
        self._templates = {}

    def get(self, name):
        if name not in self._templates:
            self._templates[name] = get_template(name, using=template_engine(name))
        return self._templates[name]


def template_engine(name: str) -> str | None:
    """The engine for an email template: plain text unescaped, the default for HTML."""
    return settings.PLAIN_TEXT_TEMPLATES if name.endswith(".txt") else None


def unsubscribe_token(row: OutboxEmail) -> str:
    return signing.dumps(row.pk, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(row: OutboxEmail) -> str:
    return settings.SITE_URL + reverse("mail:unsubscribe", kwargs={"token": unsubscribe_token(row)})


def sender_domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">")
    return address.rsplit("@", 1)[-1] or "localhost"


def render_message(
    row: OutboxEmail, *, templates: TemplateCache, connection=None
) -> EmailMultiAlternatives:
    kind = email_kind(row.kind)
    with translation.override(row.language):
        content = kind.build(row)
        context = {
            "site_url": settings.SITE_URL,
            "network_name": settings.NETWORK_NAME,
            "company_name": settings.COMPANY_NAME,
            "contact_email": settings.NETWORK_CONTACT_EMAIL,
            "language": row.language,
            "recipient_email": row.to_email,
            "unsubscribe_url": unsubscribe_url(row) if row.bulk else "",
            **content.context,
        }
        subject = " ".join(templates.get(f"{kind.template}_subject.txt").render(context).split())
        text = templates.get(f"{kind.template}.txt").render(context)
        html = css_inline.inline(templates.get(f"{kind.template}.html").render(context))
    # Set here rather than left to Django, so the row can record it once sent.
    headers = {"Message-ID": make_msgid(domain=sender_domain())}
    if row.bulk:
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[row.to_email],
        reply_to=[row.reply_to or settings.NETWORK_CONTACT_EMAIL],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    for filename, payload, mimetype in content.attachments:
        message.attach(filename, payload, mimetype)
    attach_inline_images(message, content.inline_images)
    return message


def attach_inline_images(message: EmailMultiAlternatives, images) -> None:
    """Attach images the HTML shows by Content-ID, in a multipart/related container.

    Django's public `mixed_subtype` makes the container of the body and the
    attachments multipart/related, so mail clients show the images inline
    where the HTML refers to them; any other attachment (a calendar file)
    keeps its own `Content-Disposition: attachment`.
    """
    if not images:
        return
    message.mixed_subtype = "related"
    for image in images:
        part = MIMEImage(image.data, image.subtype)
        part.add_header("Content-ID", f"<{image.cid}>")
        if image.filename:
            part.add_header("Content-Disposition", "inline", filename=image.filename)
        else:
            part.add_header("Content-Disposition", "inline")
        message.attach(part)
