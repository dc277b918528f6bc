"""Inline images: an email kind's builder hands images to the renderer, which attaches
them with Content-IDs inside multipart/related, through Django's public email API."""

import email

import pytest

from alumni_network.mail.kinds import EMAIL_KINDS, EmailContent, EmailKind, inline_image
from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.rendering import TemplateCache, render_message

pytestmark = pytest.mark.django_db

PIXEL = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def kind_with_image():
    image = inline_image(PIXEL, name="pixel")

    def build(row):
        return EmailContent(
            context={"subject": "Bilde", "body": "Se bildet.", "paragraphs": ["Se bildet."]},
            inline_images=[image],
        )

    kind = EmailKind(
        name="test_inline_image", template="mail/email/message", bulk=False, build=build
    )
    EMAIL_KINDS[kind.name] = kind
    yield image
    del EMAIL_KINDS[kind.name]


def test_inline_image_is_a_related_part_with_its_content_id(kind_with_image):
    row = OutboxEmail.objects.create(
        kind="test_inline_image", to_email="kari@example.org", language="nb"
    )

    message = render_message(row, templates=TemplateCache())
    wire = email.message_from_bytes(message.message().as_bytes())

    assert wire.get_content_type() == "multipart/related"
    [image] = [part for part in wire.walk() if part.get_content_maintype() == "image"]
    assert image["Content-ID"] == f"<{kind_with_image.cid}>"
    assert image["Content-Disposition"] == 'inline; filename="pixel.png"'
    assert image.get_payload(decode=True) == PIXEL
    [html] = [part for part in wire.walk() if part.get_content_type() == "text/html"]
    assert html.get_content_type() == "text/html"


def test_without_images_the_message_stays_multipart_mixed_or_alternative():
    row = OutboxEmail.objects.create(
        kind="notice",
        to_email="kari@example.org",
        language="nb",
        data={"subject": "S", "body": "B"},
    )

    wire = email.message_from_bytes(
        render_message(row, templates=TemplateCache()).message().as_bytes()
    )

    assert wire.get_content_type() == "multipart/alternative"
    assert [p for p in wire.walk() if p.get_content_maintype() == "image"] == []


def test_each_inline_image_gets_a_content_id_of_its_own():
    first, second = inline_image(PIXEL, name="code"), inline_image(PIXEL, name="code")

    assert first.cid != second.cid
    assert first.src == f"cid:{first.cid}"
    assert "@" in first.cid
