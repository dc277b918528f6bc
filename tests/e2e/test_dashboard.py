"""The HR dashboard in a real browser: charts drawn with no console or CSP errors."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MemberFactory, StaffFactory
from tests.test_dashboard import check_in, invite, make_campaign, past_gathering

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHARTS = ["members", "funnel", "campaigns", "gatherings"]


def scenario():
    from invitations.campaigns.models import Invitation
    from tests.invitations.factories import LeaverFactory

    now = timezone.now()
    members = [MemberFactory(joined_at=now - timedelta(days=40 * i)) for i in range(6)]
    gathering = past_gathering(now)
    for member in members[:4]:
        check_in(gathering, member, now - timedelta(days=10))
    campaign = make_campaign()
    for status in (Invitation.Status.JOINED, Invitation.Status.DECLINED, "pending"):
        invite(LeaverFactory(), campaign, status)


def dashboard_page(
    browser, live_server, *, width: int, javascript: bool = True, bypass_csp: bool = False
):
    from tests.e2e.test_accessibility import session_cookie_for

    user = StaffFactory(language="en")
    context = browser.new_context(
        java_script_enabled=javascript,
        bypass_csp=bypass_csp,
        locale="en-GB",
        viewport={"width": width, "height": 900},
        reduced_motion="reduce",
    )
    context.add_cookies([session_cookie_for(user, live_server)])
    page = context.new_page()
    page.problems = []
    page.on(
        "console",
        lambda message: message.type in ("error", "warning") and page.problems.append(message.text),
    )
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.goto(f"{live_server.url}{reverse('hr_dashboard')}")
    return page


@pytest.mark.parametrize("width", [1280, 390])
def test_charts_draw_without_console_or_csp_errors(browser, live_server, width):
    scenario()
    page = dashboard_page(browser, live_server, width=width)

    for chart in CHARTS:
        canvas = page.locator(f'canvas[data-chart="{chart}"]')
        canvas.wait_for(state="visible")
        box = canvas.bounding_box()
        assert box["width"] > 100 and box["height"] > 100, chart
        assert box["x"] + box["width"] <= width, chart
        # Chart.js drew on it: some pixel is not transparent.
        drawn = canvas.evaluate(
            "c => c.getContext('2d').getImageData(0, 0, c.width, c.height).data"
            ".some((value, index) => index % 4 === 3 && value > 0)"
        )
        assert drawn, chart

    # With the charts drawn, their tables wait behind "Show the numbers".
    assert page.locator("details.chart-table[open]").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.problems == []
    page.context.close()


def test_without_javascript_the_tables_show_and_the_charts_do_not(browser, live_server):
    scenario()
    page = dashboard_page(browser, live_server, width=390, javascript=False)

    assert page.locator("details.chart-table[open]").count() == len(CHARTS)
    assert page.locator("canvas[data-chart]").evaluate_all(
        "canvases => canvases.every(c => c.offsetParent === null)"
    )
    assert page.get_by_role("table", name="Members who joined per month").is_visible()
    page.context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_drawn_dashboard_has_no_serious_accessibility_violations(browser, live_server, width):
    from tests.e2e.test_accessibility import AXE, serious_violations

    if not AXE.exists():
        pytest.skip("needs axe-core: run `npm ci` (scripts/test does)")
    scenario()
    # axe is injected as a script, which the strict CSP would rightly block.
    page = dashboard_page(browser, live_server, width=width, bypass_csp=True)
    page.locator('canvas[data-chart="gatherings"]').wait_for(state="visible")

    assert serious_violations(page, AXE.read_text()) == []
    page.context.close()
