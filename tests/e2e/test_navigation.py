"""The area menus in a real browser: HR's menu is one row at 1280 px, and on a
390 px phone both menus open from a button, with every item visible and no
sideways scrolling."""

import pytest
from django.urls import reverse

from tests.factories import MemberFactory, StaffFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["nb", "en"]


def open_page(browser, live_server, user, path: str, *, width: int, language: str):
    from tests.e2e.test_accessibility import session_cookie_for

    user.language = language
    user.save(update_fields=["language"])
    context = browser.new_context(
        locale="nb-NO" if language == "nb" else "en-GB",
        viewport={"width": width, "height": 900},
    )
    context.add_cookies([session_cookie_for(user, live_server)])
    page = context.new_page()
    page.goto(f"{live_server.url}{path}")
    return page


def horizontal_overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_hr_menu_fits_one_row_at_1280(browser, live_server, language):
    user = StaffFactory(is_superuser=True)  # sees every item, the audit log too
    page = open_page(
        browser,
        live_server,
        user,
        reverse("hr_invitations:segments"),
        width=1280,
        language=language,
    )

    tops = page.eval_on_selector_all(
        ".area-nav__row > li", "items => items.map(item => item.offsetTop)"
    )
    assert len(tops) == 8  # the overview, six groups and "More"
    assert len(set(tops)) == 1
    assert not page.locator(".area-nav__menu").is_visible()
    assert page.locator('.area-nav__subrow a[aria-current="page"]').is_visible()
    assert horizontal_overflow(page) == 0

    page.click(".area-nav__more summary")
    more = page.locator(".area-nav__more ul a")
    assert more.count() == 2  # roles and the audit log
    assert all(more.nth(index).is_visible() for index in range(2))

    page.click("h1")
    assert not more.first.is_visible()
    page.click(".area-nav__more summary")
    page.keyboard.press("Escape")
    assert not more.first.is_visible()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.context.close()


@pytest.mark.parametrize(
    ("area", "language"), [(area, language) for area in ("hr", "members") for language in LANGUAGES]
)
def test_phone_menu_opens_from_its_button(browser, live_server, area, language):
    if area == "hr":
        user, path = StaffFactory(is_superuser=True), reverse("hr_invitations:register")
    else:
        user, path = MemberFactory().user, reverse("members:directory")
    page = open_page(browser, live_server, user, path, width=390, language=language)

    links = page.locator(".area-nav__menu .area-nav__list a")
    assert not page.locator(".area-nav__bar").is_visible()
    assert links.count() > 0
    assert not any(links.nth(index).is_visible() for index in range(links.count()))

    page.click(".area-nav__menu > summary")

    assert page.locator(".area-nav__menu").get_attribute("open") is not None
    assert all(links.nth(index).is_visible() for index in range(links.count()))
    assert page.locator('.area-nav__menu a[aria-current="page"]').count() == 1
    assert horizontal_overflow(page) == 0
    widths = page.eval_on_selector_all(
        ".area-nav__menu a", "links => links.map(link => link.getBoundingClientRect().right)"
    )
    assert max(widths) <= 390
    page.context.close()
