"""The registry of email kinds: what each kind renders from and how it is built.

Each app registers its kinds in its `AppConfig.ready()`, with the kind's name
written out where it is registered, so searching for a name (say
`"campaign_invitation"`) finds its builder and templates in one step.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import OutboxEmail


@dataclass(frozen=True)
class InlineImage:
    """An image the HTML part shows by `<img src="cid:{{ image.cid }}">`, sent inside the email."""

    cid: str
    data: bytes
    # The image/* subtype: "png", "jpeg", "gif".
    subtype: str = "png"
    filename: str = ""

    @property
    def src(self) -> str:
        return f"cid:{self.cid}"


def inline_image(data: bytes, *, name: str, subtype: str = "png") -> InlineImage:
    """An inline image with a Content-ID of its own (RFC 2392: unique, in addr-spec form)."""
    return InlineImage(
        cid=f"{name}.{secrets.token_hex(8)}@inline.invalid",
        data=data,
        subtype=subtype,
        filename=f"{name}.{subtype}",
    )


@dataclass(frozen=True)
class EmailContent:
    context: dict
    attachments: list[tuple[str, str, str]] = field(default_factory=list)
    # Shown inside the HTML part (a QR code), not offered as attachments.
    inline_images: list[InlineImage] = field(default_factory=list)


@dataclass(frozen=True)
class EmailKind:
    name: str
    # Without extension: `<template>_subject.txt`, `<template>.txt` and `<template>.html`.
    template: str
    # Bulk email carries List-Unsubscribe and is never sent to a suppressed address.
    bulk: bool
    build: Callable[[OutboxEmail], EmailContent]
    # Wipe the row's data once sent: it may hold a login code or a reset link.
    forget_data_after_send: bool = False
    # Where a row goes instead of a retry when what sends it has been paused
    # or stopped meanwhile (`held` or `cancelled`), or None to retry.
    retry_instead: Callable[[OutboxEmail], str | None] | None = None
    # What HR reads in the outbox instead of the name (a lazy translated string).
    label: str | Promise = ""


EMAIL_KINDS: dict[str, EmailKind] = {}


class UnknownEmailKind(LookupError):
    """No app registered a kind of this name."""


def register_email_kind(kind: EmailKind) -> None:
    registered = EMAIL_KINDS.get(kind.name)
    if registered is not None and registered != kind:
        raise ValueError(f"Two email kinds are named {kind.name!r}")
    EMAIL_KINDS[kind.name] = kind


def email_kind(name: str) -> EmailKind:
    try:
        return EMAIL_KINDS[name]
    except KeyError:
        raise UnknownEmailKind(name) from None


def kind_label(name: str) -> str:
    """The kind's label in the active language; its name when nobody registered one."""
    kind = EMAIL_KINDS.get(name)
    return str(kind.label) if kind is not None and kind.label else name


def paragraphs(text: str) -> list[str]:
    """A text's paragraphs (split at blank lines), for the HTML part."""
    return [part.strip() for part in text.split("\n\n") if part.strip()]


def build_message(email: OutboxEmail) -> EmailContent:
    """A message written by a person: subject and body come with the row."""
    body = email.data.get("body", "")
    return EmailContent(
        context={
            "subject": email.data.get("subject", ""),
            "paragraphs": paragraphs(body),
            "body": body,
        }
    )


def register_message_kinds() -> None:
    # To many at once (attendees, a segment): carries List-Unsubscribe.
    register_email_kind(
        EmailKind(
            name="hr_message",
            template="mail/email/message",
            bulk=True,
            build=build_message,
            label=_("Message to a group"),
        )
    )
    # To one person about their own business (a reply, a notice to HR).
    register_email_kind(
        EmailKind(
            name="notice",
            template="mail/email/message",
            bulk=False,
            build=build_message,
            label=_("Message to one person"),
        )
    )
