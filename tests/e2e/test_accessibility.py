"""axe-core finds no serious or critical violation on any page, in either language."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from tests.pages import html_pages
from tests.test_access_matrix import ROLES, url_for

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def axe_source():
    if not AXE.exists():
        pytest.skip("needs axe-core: run `npm ci` (scripts/test does)")
    return AXE.read_text()


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


def serious_violations(page, axe_source) -> list[str]:
    page.evaluate(axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_pages_have_no_serious_accessibility_violations(
    role, language, world, live_server, browser, axe_source
):
    # axe is injected as a script, which the strict CSP would rightly block.
    context = browser.new_context(
        bypass_csp=True, locale=f"{language}-NO" if language == "nb" else "en-GB"
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    if role != "anonymous":
        context.add_cookies([session_cookie_for(world[f"{role}_user"], live_server)])
    page = context.new_page()
    urls = [url_for(name, world) for name, page_role in html_pages() if page_role == role]
    if role == "anonymous":
        urls.append("login-with-errors")

    found = {}
    for url in urls:
        if url == "login-with-errors":
            page.goto(f"{live_server.url}{reverse('account_login')}")
            page.get_by_role("button", name="Logg inn" if language == "nb" else "Log in").click()
            page.wait_for_load_state()
        else:
            page.goto(f"{live_server.url}{url}")
        if violations := serious_violations(page, axe_source):
            found[url] = violations
    context.close()

    assert found == {}


def answer_with(html):
    def fulfill(route):
        route.fulfill(body=html, content_type="text/html; charset=utf-8")

    return fulfill


@pytest.mark.parametrize("language", ["nb", "en"])
def test_forms_with_errors_have_no_serious_accessibility_violations(
    language, world, live_server, browser, axe_source
):
    from django.test import Client

    from tests.test_markup import FORMS_WITH_ERRORS

    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    found = {}
    for name, role, data in FORMS_WITH_ERRORS:
        client = Client(headers={"accept-language": language})
        if role != "anonymous":
            client.force_login(world[f"{role}_user"])
        html = client.post(reverse(name), data).content.decode()
        url = f"{live_server.url}{reverse(name)}"
        # Show the page exactly as the POST answered it; its CSS loads from the server.
        page.route(url, answer_with(html))
        page.goto(url)
        page.unroute(url)
        shown = page.locator(".errorlist, .field__errors, .message--error, [aria-invalid=true]")
        assert shown.count() > 0, f"{name} shows no error"
        if violations := serious_violations(page, axe_source):
            found[name] = violations
    context.close()

    assert found == {}
