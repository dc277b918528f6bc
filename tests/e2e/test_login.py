"""The demo coordinator logs in with a real browser and reaches /hr/."""

import pytest
from django.core.management import call_command

from members.demo import COORDINATOR_EMAIL, DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_demo_coordinator_logs_in_and_reaches_hr(live_server, page):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Logg inn").first.click()
    page.get_by_label("E-post").fill(COORDINATOR_EMAIL)
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()

    page.wait_for_url(f"{live_server.url}/hr/")
    assert page.get_by_role("heading", level=1).inner_text() == "HR-oversikt"
    assert page.csp_violations == []


def test_language_switcher_works_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False, locale="nb-NO")
    page = context.new_page()

    page.goto(f"{live_server.url}/")
    page.get_by_label("Språk").select_option("en")
    page.get_by_role("button", name="Bytt").click()

    assert page.locator("html").get_attribute("lang") == "en"
    context.close()
