"""Two organisers at the door on two phones (390 px wide) checking people in at once."""

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from gatherings.models import Rsvp
from tests.factories import StaffFactory
from tests.gatherings.factories import GatheringFactory, OrganiserFactory, RsvpFactory

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
FIRST_NAMES = ["Astrid", "Bjørn", "Camilla", "Dag", "Eirik", "Frida", "Geir", "Jon", "Hilde"]


def session_cookie_for(user, live_server) -> dict:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": session.session_key,
        "url": live_server.url,
    }


def phone_for(browser, user, live_server):
    context = browser.new_context(locale="en-GB", viewport=PHONE, has_touch=True, is_mobile=True)
    context.add_cookies([session_cookie_for(user, live_server)])
    page = context.new_page()
    page.csp_violations = []
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and page.csp_violations.append(message.text)
        ),
    )
    return context, page


def find(page, letters):
    """Type a few letters the way a person does; htmx swaps in the results."""
    field = page.locator("#id_q")
    field.fill("")
    with page.expect_response(lambda r: "/door/?q=" in r.url):
        field.type(letters, delay=30)
    page.wait_for_selector(".door-person")


def check_in(page, name):
    button = page.locator(".door-person", has_text=name).get_by_role("button")
    with page.expect_response(lambda r: r.url.endswith("/door/check-in/")):
        button.click()
    page.wait_for_selector(".door-outcome")


def test_two_organisers_check_people_in_at_once_and_both_counts_end_right(browser, live_server):
    gathering = GatheringFactory(capacity=20)
    for first_name in FIRST_NAMES:
        RsvpFactory(
            gathering=gathering,
            answer="yes",
            member__user__first_name=first_name,
            member__user__last_name="Nordmann",
        )
    hr = StaffFactory()
    organiser = OrganiserFactory(gathering=gathering).member.user
    door = live_server.url + reverse("gatherings:door", kwargs={"pk": gathering.pk})
    (one_context, one), (two_context, two) = (
        phone_for(browser, hr, live_server),
        phone_for(browser, organiser, live_server),
    )
    one.goto(door)
    two.goto(door)

    # The page fits the phone: nothing wider than the screen.
    for page in (one, two):
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Each takes every other person, interleaved; both also try "Hilde" at the same moment.
    for mine, theirs in zip(FIRST_NAMES[:8:2], FIRST_NAMES[1:8:2], strict=True):
        find(one, mine[:3])
        find(two, theirs[:3])
        check_in(one, mine)
        check_in(two, theirs)
    find(one, "hil")
    find(two, "hil")
    check_in(one, "Hilde")
    check_in(two, "Hilde")
    outcomes = {
        one.locator(".door-outcome").inner_text(),
        two.locator(".door-outcome").inner_text(),
    }

    assert any("already here" in text for text in outcomes)  # the second phone is told
    assert Rsvp.objects.filter(gathering=gathering, checked_in_at__isnull=False).count() == 9
    for page in (one, two):
        # The count is swapped in out of band after each check-in; a reload shows the same.
        page.reload()
        assert page.locator(".door-count__main").inner_text().startswith("9 / 9")
        assert page.csp_violations == []
        assert page.errors == []  # door.js runs without errors
    one_context.close()
    two_context.close()


def test_door_works_without_javascript_as_plain_forms(browser, live_server):
    gathering = GatheringFactory()
    RsvpFactory(
        gathering=gathering,
        answer="yes",
        member__user__first_name="Solveig",
        member__user__last_name="Nordmann",
    )
    context = browser.new_context(java_script_enabled=False, locale="en-GB", viewport=PHONE)
    context.add_cookies([session_cookie_for(StaffFactory(), live_server)])
    page = context.new_page()
    page.goto(live_server.url + reverse("gatherings:door", kwargs={"pk": gathering.pk}))

    page.fill("#id_q", "sol")
    page.get_by_role("button", name="Find").click()
    page.locator(".door-person", has_text="Solveig").get_by_role("button").click()

    assert "Solveig Nordmann is checked in." in page.content()
    assert page.locator(".door-count__main").inner_text().startswith("1 / 1")
    assert page.get_by_role("button", name="Undo").is_visible()
    context.close()
