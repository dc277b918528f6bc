"""Ticking who you talked to in a real browser: plain form without JavaScript, htmx with it."""

import pytest
from django.urls import reverse

from tests.factories import MemberFactory
from tests.gatherings.test_connections import came, pairs, past_gathering

# In a real browser: the form works without JavaScript, and with htmx in place.


def logged_in_page(browser, live_server, user, *, javascript: bool):
    from tests.e2e.test_accessibility import session_cookie_for

    context = browser.new_context(java_script_enabled=javascript, locale="en-GB")
    context.add_cookies(
        [
            session_cookie_for(user, live_server),
            {"name": "django_language", "value": "en", "url": live_server.url},
        ]
    )
    return context.new_page()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("javascript", [False, True])
def test_ticking_in_a_browser_records_the_connection(browser, live_server, javascript):
    gathering = past_gathering()
    me = came(gathering, MemberFactory(user__language="en"))
    kari = came(gathering, MemberFactory(user__first_name="Kari", user__last_name="Nordmann"))
    page = logged_in_page(browser, live_server, me.user, javascript=javascript)

    page.goto(f"{live_server.url}{reverse('gatherings:detail', kwargs={'pk': gathering.pk})}")
    page.get_by_label("Kari Nordmann").check()
    page.get_by_role("button", name="Save who I talked to").click()
    page.get_by_text("1 new connection recorded.").wait_for()

    assert pairs(gathering) == [tuple(sorted((me.pk, kari.pk)))]
    assert page.get_by_label("Kari Nordmann").is_checked()
    # Without JavaScript the browser went through the redirect; with it, htmx swapped the list.
    assert page.url.endswith("#met-people") is not javascript
    page.context.close()
