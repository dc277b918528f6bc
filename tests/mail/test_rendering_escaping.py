"""Subjects and text parts are plain text; HTML parts are escaped once, with real links."""

import email

import pytest

from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.rendering import TemplateCache, render_message

pytestmark = pytest.mark.django_db

SUBJECT = "Mat & drikke – Kari's tur"


def rendered(*, subject=SUBJECT, body="Ta med <deg> & dine."):
    row = OutboxEmail.objects.create(
        kind="notice",
        to_email="kari@example.org",
        language="nb",
        data={"subject": subject, "body": body},
    )
    return render_message(row, templates=TemplateCache())


def html_part(message) -> str:
    wire = email.message_from_bytes(message.message().as_bytes())
    [html] = [part for part in wire.walk() if part.get_content_type() == "text/html"]
    return html.get_payload(decode=True).decode()


def test_subject_arrives_as_written():
    message = rendered()

    assert message.subject == SUBJECT
    wire = email.message_from_bytes(message.message().as_bytes())
    assert str(email.header.make_header(email.header.decode_header(wire["Subject"]))) == SUBJECT


def test_text_part_is_not_html_escaped():
    message = rendered()

    assert message.body.startswith("Ta med <deg> & dine.")


def test_html_part_escapes_subject_and_body():
    html = html_part(rendered())

    # css_inline writes the page anew: an apostrophe in text needs no entity there.
    assert "<h1" in html and "Mat &amp; drikke – Kari's tur</h1>" in html
    assert "Ta med &lt;deg&gt; &amp; dine." in html
    assert "<deg>" not in html


def test_link_in_a_paragraph_is_a_real_link_in_the_html_part():
    html = html_part(rendered(body="Les mer på https://alumni.example.no/a/?x=1&y=2 i dag."))

    assert '<a href="https://alumni.example.no/a/?x=1&amp;y=2" rel="nofollow"' in html
    assert "&lt;a href" not in html


def test_script_next_to_a_link_stays_escaped_in_the_html_part():
    html = html_part(
        rendered(body="<script>alert(1)</script> https://alumni.example.no/\nny linje")
    )

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    assert '<a href="https://alumni.example.no/"' in html
    assert "<br>ny linje" in html
