"""Core flows with the keyboard alone, and with JavaScript switched off.

What tests/e2e/test_core_flows_without_javascript.py does not already prove:
logging in and answering a gathering with nothing but Tab, arrows, Space and
Enter (every stop showing where the focus is), and logging in, with a
password or with a code sent by email, in a browser without JavaScript.
"""

import re

import pytest
from django.core import mail
from django.urls import reverse

from gatherings.models import Rsvp
from members.guidelines import accept_guidelines
from tests.factories import TEST_PASSWORD, GuidelinesVersionFactory, MemberFactory
from tests.gatherings.factories import GatheringFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# More Tab presses than any of these pages has stops before the one we want.
MOST_TABS = 80


def english_context(browser, live_server, *, javascript: bool = True):
    context = browser.new_context(
        java_script_enabled=javascript, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    return context


def focused(page, what: str):
    return page.evaluate(f"document.activeElement.{what}")


def focus_is_visible(page) -> bool:
    """The focused element draws an outline or a focus ring (box shadow)."""
    return page.evaluate(
        "(() => { const style = getComputedStyle(document.activeElement);"
        " return style.outlineStyle !== 'none' || style.boxShadow !== 'none'; })()"
    )


def tab_to(page, selector: str) -> int:
    """Press Tab until the element matching `selector` has the focus; returns the presses."""
    for presses in range(1, MOST_TABS + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            assert focus_is_visible(page), selector
            return presses
    raise AssertionError(f"Tab never reached {selector}")


def skip_to_content(page) -> None:
    """The first Tab stop is the skip link; Enter on it moves on past the navigation."""
    page.keyboard.press("Tab")
    assert focused(page, "className") == "skip-link"
    assert focus_is_visible(page)
    page.keyboard.press("Enter")


def keyboard_log_in(page, live_server, *, email: str) -> None:
    page.goto(f"{live_server.url}{reverse('account_login')}")
    skip_to_content(page)
    # Past the navigation (dozens of stops), the email field comes almost at once.
    assert tab_to(page, "input[name=login]") <= 3
    page.keyboard.type(email)
    tab_to(page, "input[name=password]")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")


def test_log_in_and_answer_yes_with_the_keyboard_alone(browser, live_server):
    member = MemberFactory(user__language="en")
    accept_guidelines(member=member, version=GuidelinesVersionFactory())
    gathering = GatheringFactory(title="Autumn gathering", capacity=10)
    context = english_context(browser, live_server)
    page = context.new_page()

    keyboard_log_in(page, live_server, email=member.user.email)
    page.wait_for_url(f"{live_server.url}/members/")

    page.goto(f"{live_server.url}{reverse('gatherings:detail', kwargs={'pk': gathering.pk})}")
    skip_to_content(page)
    tab_to(page, "input[name=answer]")
    # Arrows move through the radio group; Space picks the one with the focus.
    for _ in range(3):
        if focused(page, "value") == Rsvp.Answer.YES:
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert page.get_by_label("Yes, I am coming").is_checked()
    tab_to(page, "form[action$='/answer/'] button[type=submit]")
    assert focused(page, "innerText") == "Send answer"
    page.keyboard.press("Enter")

    page.get_by_text("You are registered.").wait_for()
    assert Rsvp.objects.get(gathering=gathering, member=member).answer == Rsvp.Answer.YES
    context.close()


def test_log_in_with_a_password_without_javascript(browser, live_server):
    member = MemberFactory(user__language="en")
    context = english_context(browser, live_server, javascript=False)
    page = context.new_page()

    page.goto(f"{live_server.url}{reverse('account_login')}")
    page.get_by_label("Email").fill(member.user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.wait_for_url(f"{live_server.url}/members/")
    context.close()


def test_log_in_with_a_code_by_email_without_javascript(browser, live_server):
    member = MemberFactory(user__language="en")
    context = english_context(browser, live_server, javascript=False)
    page = context.new_page()

    page.goto(f"{live_server.url}{reverse('account_login')}")
    page.get_by_role("link", name="Email me a login code").click()
    page.get_by_label("Email").fill(member.user.email)
    page.get_by_role("button", name="Request Code").click()
    page.get_by_label("Code").wait_for()  # the code page: the email went out before it
    (message,) = [m for m in mail.outbox if member.user.email in m.to]
    # allauth's code stands on a line of its own, e.g. "PSTV-NFST".
    code = re.search(r"^([A-Z0-9]{3,}(?:-[A-Z0-9]{3,})*)$", message.body, re.MULTILINE).group(1)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url(f"{live_server.url}/members/")
    context.close()
