"""Long values in tables: cut with an ellipsis, whole on hover (title) and on keyboard focus."""

import pytest
from django.urls import reverse
from django.utils import timezone

from alumni_network.mail.models import OutboxEmail
from alumni_network.templatetags.tables import clipped
from invitations.models import JoinRequest

from .invitations.factories import LeaverFactory

LONG = "kari.nordmann-andersen.privat@en-lang-arbeidsgiver.example"


@pytest.fixture(autouse=True)
def in_english(settings):
    settings.LANGUAGE_CODE = "en"


def test_clipped_is_a_focusable_span_titled_with_the_whole_value():
    assert clipped(LONG) == f'<span class="clipped" title="{LONG}" tabindex="0">{LONG}</span>'


def test_clipped_escapes_the_value():
    assert clipped('a"<b>@x.example') == (
        '<span class="clipped" title="a&quot;&lt;b&gt;@x.example" tabindex="0">'
        "a&quot;&lt;b&gt;@x.example</span>"
    )


def test_a_clipped_mail_link_is_focusable_by_itself():
    assert clipped(LONG, "mailto") == (
        f'<a class="clipped" href="mailto:{LONG}" title="{LONG}">{LONG}</a>'
    )


def test_an_empty_value_stays_empty():
    assert clipped("") == ""


def test_the_register_cuts_a_long_email_instead_of_breaking_it(staff_client):
    LeaverFactory(email=LONG)

    html = staff_client.get(reverse("hr_invitations:register")).content.decode()

    assert f'<span class="clipped" title="{LONG}" tabindex="0">{LONG}</span>' in html


def test_the_roles_page_cuts_a_coordinators_long_email(staff_client, staff_user):
    staff_user.email = LONG
    staff_user.save()

    html = staff_client.get(reverse("hr_members:roles")).content.decode()

    assert f'<span class="clipped" title="{LONG}" tabindex="0">{LONG}</span>' in html


def test_decided_join_requests_cut_a_long_email(staff_client):
    JoinRequest.objects.create(
        name="Kari Nordmann",
        email=LONG,
        years="2010",
        status=JoinRequest.Status.REJECTED,
        decided_at=timezone.now(),
    )

    html = staff_client.get(reverse("hr_invitations:join_requests")).content.decode()

    assert f'<td><span class="clipped" title="{LONG}" tabindex="0">{LONG}</span></td>' in html


def test_the_outbox_cuts_a_long_address_in_its_link(staff_client):
    row = OutboxEmail.objects.create(to_email=LONG, kind="notice", language="nb")

    html = staff_client.get(reverse("hr_invitations:outbox")).content.decode()

    url = reverse("hr_invitations:outbox_email", args=[row.pk])
    assert f'<a class="clipped" href="{url}" title="{LONG}">{LONG}</a>' in html
