"""Join, answer an invitation and unsubscribe in a browser with JavaScript off,
and log in with the keyboard alone, seeing where the focus is."""

import pytest
from django.utils.crypto import get_random_string

from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.rendering import unsubscribe_url
from alumni_network.mail.suppression import is_suppressed
from gatherings.rsvp import answer_url
from invitations.campaigns.models import Invitation
from invitations.joining.links import join_url
from invitations.models import Leaver
from members.models import Member
from tests.factories import TEST_PASSWORD, MemberFactory
from tests.gatherings.factories import GatheringFactory, RsvpFactory
from tests.invitations.factories import LeaverFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    yield context.new_page()
    context.close()


def on_live_server(url, live_server, settings):
    return url.replace(settings.SITE_URL, live_server.url)


def test_join_from_the_invitation_link_without_javascript(no_js_page, live_server, settings):
    leaver = LeaverFactory(email="kari.nordmann@example.org", first_name="Kari")
    invitation = Invitation.objects.create(leaver=leaver)
    page = no_js_page

    page.goto(
        on_live_server(
            join_url(invitation_id=invitation.pk, leaver_id=leaver.pk), live_server, settings
        )
    )
    assert not Member.objects.exists()  # looking changes nothing
    page.fill("input[name=first_name]", "Kari")
    page.fill("input[name=password]", "fjord-" + get_random_string(12))
    page.check("input[name=accept_guidelines]")
    page.click("button[type=submit]")

    assert page.url == f"{live_server.url}/members/"
    leaver.refresh_from_db()
    assert leaver.status == Leaver.Status.JOINED
    assert leaver.member.user.email == "kari.nordmann@example.org"


def test_answer_a_gathering_from_the_email_link_without_javascript(
    no_js_page, live_server, settings
):
    rsvp = RsvpFactory(gathering=GatheringFactory(status="published", capacity=10), answer="")
    page = no_js_page

    page.goto(on_live_server(answer_url(rsvp=rsvp, answer="yes"), live_server, settings))
    rsvp.refresh_from_db()
    assert rsvp.answer == ""  # a mail scanner's GET changes nothing
    assert page.is_checked("input[name=answer][value=yes]")
    page.click("button[type=submit]")

    rsvp.refresh_from_db()
    assert rsvp.answer == "yes"


def test_unsubscribe_from_the_email_link_without_javascript(no_js_page, live_server, settings):
    row = OutboxEmail.objects.create(kind="hr_message", to_email="ola@example.org", language="en")
    page = no_js_page

    page.goto(on_live_server(unsubscribe_url(row), live_server, settings))
    assert not is_suppressed("ola@example.org")
    page.click("button[type=submit]")

    assert is_suppressed("ola@example.org")
    assert "unsubscribed" in page.content().lower()


def test_login_with_the_keyboard_alone_with_a_visible_focus(page, live_server):
    member = MemberFactory()
    page.goto(f"{live_server.url}/accounts/login/")

    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.locator("input[name=login]").focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    page.keyboard.type(member.user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")

    page.wait_for_url(f"{live_server.url}/members/")
    assert outline != "none"
