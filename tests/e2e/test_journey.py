"""The network's whole life in one browser journey, on the full stack.

A live server, a real Celery worker on Redis sharing the PostgreSQL database,
and every email over real SMTP to a loopback sink, read back and followed:
the coordinator imports the register and invites; the invitee joins from the
email, accepts the guidelines and fills in a profile; the coordinator plans a
gathering from the template and invites; the member says yes from the email;
an organiser checks people in at the door; the member sees their networking
task and records who they talked to; the coordinator sees it on /hr/.
"""

import os
import re
import secrets
import time
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from gatherings.models import Connection, Gathering, Rsvp
from gatherings.rsvp import answer_gathering
from invitations.models import Leaver
from members.guidelines import accept_guidelines
from members.models import GuidelinesAcceptance, Member
from tests.factories import (
    TEST_PASSWORD,
    GuidelinesVersionFactory,
    MemberFactory,
    StaffFactory,
)
from tests.mail_sink import SmtpSink
from tests.workers import dispatching_to, start_worker, stop, wait_for

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.worker,
    pytest.mark.postgres,  # the worker process shares the test database
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

KARI = "kari.nordmann@example.org"
REGISTER = (
    "Ansattnr;Fornavn;Etternavn;E-post;Avdeling;Sluttdato\n"
    f"4711;Kari;Nordmann;{KARI};Drift;31.08.2024\n"
    "4712;Per;Hansen;per.hansen@example.org;Økonomi;15.01.2023\n"
)
# Waiting for the worker or the browser: generous, since CI machines are shared.
TIMEOUT = 60
WAIT_MS = TIMEOUT * 1000


@pytest.fixture
def sink():
    with SmtpSink() as smtp:
        yield smtp


@pytest.fixture
def worker(live_server, sink, settings):
    """A real worker on its own queue, sending over SMTP with links to the live server."""
    settings.SITE_URL = live_server.url
    broker = os.environ["REDIS_URL"]
    queue = f"journey-{secrets.token_hex(4)}"
    with dispatching_to(broker_url=broker, queue=queue):
        process = start_worker(
            broker_url=broker,
            queue=queue,
            EMAIL_URL=sink.email_url(),
            SITE_URL=live_server.url,
            # The worker reads the register file the web process saved in this test's folder.
            MEDIA_ROOT=settings.MEDIA_ROOT,
        )
        try:
            yield process
        finally:
            stop(process)


@pytest.fixture
def new_browser(browser, live_server):
    """Opens a browser of its own (cookies, session) per person, showing the site in English;
    afterwards, `new_browser.errors` holds the JavaScript errors any of their pages raised."""
    contexts = []

    def open_page():
        context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: open_page.errors.append(f"{page.url}: {error}"))
        return page

    open_page.errors = []
    yield open_page
    for context in contexts:
        context.close()


def link_in_email(sink, live_server, *, to: str, path: str) -> str:
    """The first link to `path` on the live server in a plain-text email the sink got for `to`,
    waiting for the worker to send it."""
    pattern = re.compile(re.escape(f"{live_server.url}{path}") + r"\S+")

    def find() -> str | None:
        for message in list(sink.messages):
            if to in message["To"]:
                text = message.get_body(preferencelist=("plain",)).get_content()
                if match := pattern.search(text):
                    return match.group(0)
        return None

    assert wait_for(lambda: find() is not None, timeout=TIMEOUT), [m["To"] for m in sink.messages]
    return find()


def current_totp(secret: str) -> str:
    """The code an authenticator app shows now; never one about to expire (no tolerance)."""

    def seconds_left() -> float:
        return 30 - time.time() % 30

    assert wait_for(lambda: seconds_left() > 5, timeout=10)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def shows(locator) -> None:
    """Waits until the page shows it: pages that wait for the worker reload themselves."""
    expect(locator).to_be_visible(timeout=WAIT_MS)


def log_in(page, live_server, *, email: str, password: str = TEST_PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_from_the_register_to_a_new_connection_on_the_dashboard(
    new_browser, live_server, sink, worker, settings
):
    settings.HR_REQUIRE_MFA = True  # as in production: /hr/ needs a second factor
    guidelines = GuidelinesVersionFactory()
    coordinator = StaffFactory(email="hanne@fjordvik.example", language="en")
    secret = generate_totp_secret()
    TOTP.activate(coordinator, secret)
    ola = MemberFactory(user__first_name="Ola", user__last_name="Berg", user__language="en")
    organiser = MemberFactory(user__first_name="Siri", user__last_name="Vik", user__language="en")
    for member in (ola, organiser):
        accept_guidelines(member=member, version=guidelines)

    hr = new_browser()

    # 1. The coordinator logs in with a password and a TOTP code, and imports the register.
    log_in(hr, live_server, email=coordinator.email)
    hr.get_by_label("Code").fill(current_totp(secret))
    hr.get_by_role("button", name="Sign In").click()
    shows(hr.get_by_role("heading", level=1, name="HR overview"))

    hr.goto(f"{live_server.url}/hr/register/import/")
    hr.get_by_label("Register file").set_input_files(
        files=[{"name": "sluttere.csv", "mimeType": "text/csv", "buffer": REGISTER.encode()}]
    )
    hr.get_by_role("button", name="Upload and continue").click()
    shows(hr.get_by_role("heading", level=1, name="Map columns"))
    hr.get_by_role("button", name="Check the file").click()
    # The worker checks the rows; the page reloads itself when the preview is ready.
    shows(hr.get_by_role("heading", level=1, name="Preview of sluttere.csv"))
    hr.get_by_role("button", name="Import", exact=True).click()
    shows(hr.get_by_text("Imported "))
    assert Leaver.objects.filter(email=KARI).exists()

    # 2. ...puts Kari in a segment and sends her a campaign, confirming the send.
    hr.get_by_role("link", name="Open the register").click()
    hr.get_by_role("checkbox", name=re.compile("Kari")).check()
    hr.get_by_label("Segment name").fill("Drift 2024")
    hr.get_by_role("button", name="Save segment").click()
    hr.goto(f"{live_server.url}/hr/campaigns/new/")
    hr.get_by_label("Name").fill("Autumn 2026")
    hr.get_by_label("Who to invite").select_option(label="Drift 2024")
    hr.get_by_role("button", name="Create campaign").click()
    hr.get_by_role("button", name="Send now").click()
    shows(hr.get_by_role("heading", level=1, name="Send the campaign now?"))
    hr.get_by_role("button", name="Yes, send to 1 person").click()

    # 3. Kari opens the email the worker sent, joins, accepts the guidelines, fills in a profile.
    kari = new_browser()
    kari.goto(link_in_email(sink, live_server, to=KARI, path="/join/"))
    kari.get_by_label("First name").fill("Kari")
    kari.get_by_label("Last name").fill("Nordmann")
    kari.get_by_label("Password", exact=True).fill("fjord-" + secrets.token_hex(8))
    kari.get_by_label("I accept the network's purpose and guidelines").check()
    kari.get_by_role("button", name="Join the network").click()
    kari.wait_for_url(f"{live_server.url}/members/")
    kari.goto(f"{live_server.url}/members/profile/")
    kari.get_by_label("Competences", exact=True).fill("Offshore wind, Project management")
    kari.get_by_role("button", name="Save my profile").click()
    kari_member = Member.objects.get(user__email=KARI)
    assert GuidelinesAcceptance.objects.filter(member=kari_member).exists()
    assert sorted(kari_member.competences.values_list("name", flat=True)) == [
        "Offshore wind",
        "Project management",
    ]

    # 4. The coordinator plans a gathering from the template, adds an organiser, publishes
    # and invites everyone, confirming the number.
    start = (timezone.localtime() + timedelta(days=7)).replace(hour=16, minute=0)
    hr.goto(f"{live_server.url}/hr/gatherings/new/")
    hr.get_by_label("Title").fill("Autumn gathering")
    hr.get_by_label("Starts").fill(start.strftime("%Y-%m-%dT%H:%M"))
    hr.get_by_label("Ends").fill((start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    hr.get_by_label("Start the agenda from the format's template").check()
    hr.get_by_role("button", name="Create draft").click()
    shows(hr.get_by_role("heading", level=1, name="Autumn gathering"))
    gathering = Gathering.objects.get(title="Autumn gathering")
    assert gathering.agenda_items.count() >= 4  # the template's four parts
    hr.get_by_label("Member", exact=True).select_option(label=str(organiser))
    hr.get_by_role("button", name="Add organiser").click()
    hr.get_by_role("button", name="Publish and invite").click()
    hr.get_by_role("button", name="Yes, publish and invite 3 members").click()
    shows(hr.get_by_text("The gathering is published."))

    # 5. Kari answers Yes from the link in her invitation: the GET only shows the choice.
    kari.goto(link_in_email(sink, live_server, to=KARI, path="/rsvp/"))
    rsvp = Rsvp.objects.get(gathering=gathering, member=kari_member)
    assert rsvp.answer == ""
    expect(kari.get_by_label("Yes, I am coming")).to_be_checked(timeout=WAIT_MS)
    kari.get_by_role("button", name="Send answer").click()
    shows(kari.get_by_text("You are registered."))
    rsvp.refresh_from_db()
    assert rsvp.answer == Rsvp.Answer.YES
    gathering.refresh_from_db()  # published now
    answer_gathering(gathering=gathering, member=ola, answer=Rsvp.Answer.YES)  # Ola too

    # The day comes: the gathering has begun (moving it is quicker than waiting a week).
    now = timezone.now()
    Gathering.objects.filter(pk=gathering.pk).update(
        start=now - timedelta(minutes=30), end=now + timedelta(hours=2), rsvp_deadline=None
    )

    # 6. Siri, the organiser, checks Kari and Ola in at the door and closes check-in,
    # which makes the networking tasks.
    door = new_browser()
    log_in(door, live_server, email=organiser.user.email)
    door.wait_for_url(f"{live_server.url}/members/")
    door.goto(f"{live_server.url}/gatherings/{gathering.pk}/door/")
    for name in ("Kari Nordmann", "Ola Berg"):
        door.get_by_label("Name or personal code").fill(name.split()[0])
        door.get_by_role("button", name="Find").click()
        door.get_by_role("button", name=f"Check in {name}", exact=True).click()
        shows(door.get_by_text(f"{name} is checked in."))
    door.get_by_role("button", name="Close check-in").click()
    shows(door.get_by_text("Check-in is closed."))

    # ...Kari sees her task naming Ola, and ticks that she talked to him.
    kari.goto(f"{live_server.url}/gatherings/{gathering.pk}/")
    task = kari.get_by_role("region", name="Your networking task")
    expect(task).to_contain_text("Ola Berg", timeout=WAIT_MS)
    task.get_by_label("Ola Berg").check()
    task.get_by_role("button", name="Save who I talked to").click()
    shows(kari.get_by_text("1 new connection recorded."))
    assert Connection.objects.count() == 1

    # 7. The coordinator sees the gathering on the dashboard: three invited, two yes, two
    # checked in, one new connection. (Its figures are kept a minute; that minute has passed.)
    cache.clear()
    hr.goto(f"{live_server.url}/hr/")
    gatherings = hr.get_by_role("region", name="Gatherings", exact=True)
    gatherings.get_by_text("Show the numbers").click()  # the chart is drawn; open its table
    row = gatherings.get_by_role("table", name="Gatherings in the period").get_by_role(
        "row", name=re.compile("Autumn gathering")
    )
    expect(row.get_by_role("cell")).to_have_text(["3", "2", "2", "0 %", "1"], timeout=WAIT_MS)
    assert worker.poll() is None  # the worker lived through it all
    assert new_browser.errors == []
