"""Bad input never answers 500, and no email carries an injected header.

Every public form (what anyone with a link reaches, and what a member fills in)
is read from its page as a browser would see it, then posted again with each
value of a fixed corpus of hostile text: in every field at once, and in one
field at a time next to the page's own valid values (so the view runs past the
form). Afterwards every email the requests wrote is rendered as it would be
sent, and its headers are checked.

A fixed corpus rather than random draws: the same requests every run, in CI
too, where the suite runs on PostgreSQL (the database that refuses NUL bytes).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import getaddresses
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.rendering import TemplateCache, render_message, unsubscribe_token
from gatherings import rsvp as rsvp_module
from gatherings.aftermath import feedback
from invitations.joining.links import join_token
from invitations.models import Invitation
from tests.factories import TEST_PASSWORD, JobFactory, MemberFactory
from tests.gatherings.factories import GatheringFactory, RsvpFactory
from tests.invitations.factories import LeaverFactory

pytestmark = pytest.mark.django_db

LONG = "Å" * 5000
# Direction override, invisible characters and emoji in one value.
UNICODE_TRICKS = "\u202eKari\u200b\u200d\u2060\ufeff😀👩‍👩‍👧🇳🇴"
# Hostile text: over-long, NUL and control bytes, direction overrides, invisible
# characters, emoji, markup, numbers out of range, and email addresses that are
# malformed or smuggle a header.
CORPUS = [
    "",
    LONG,
    "a\x00b",
    "\x1b[31m\x07\x08",
    UNICODE_TRICKS,
    "<script>alert(1)</script>",
    "???",
    "-1",
    "9" * 40,
    "1e309",
    "kari@example.org\r\nBcc: evil@example.org",
    "Kari\r\nBcc: evil@example.org",
    "kari@example.org\nSubject: injected",
    "kari@example.org, ola@example.org",
    "Kari <kari@example.org>",
    "kari@@example.org",
    "kåri.ødegård@eksempel.no",
    "x" * 300 + "@example.org",
    "kari@" + "a" * 250 + ".no",
]
# The values that also go into one field at a time, past a valid rest of the form.
DEEP = [
    LONG,
    "a\x00b",
    UNICODE_TRICKS,
    "9" * 40,
    "Kari\r\nBcc: evil@example.org",
    "kari@example.org\r\nBcc: evil@example.org",
    "x" * 300 + "@example.org",
]


# Forms as a browser sees them ------------------------------------------------------------


@dataclass
class PageForm:
    action: str
    method: str
    # (name, value) pairs as the browser would submit them, in order.
    fields: list[tuple[str, str]] = field(default_factory=list)
    # The fields a person types into (text, email, textarea, hidden, ...): not choices.
    typed: set[str] = field(default_factory=set)
    # Every field the form has, ticked or not.
    known: set[str] = field(default_factory=set)

    def names(self) -> list[str]:
        return list(dict.fromkeys(name for name, _value in self.fields))

    def data(self, **replace) -> dict[str, list[str]]:
        """The form's values, with those named in `replace` put in their place."""
        data: dict[str, list[str]] = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        for name, value in replace.items():
            data[name] = [value]
        return data


class FormParser(HTMLParser):
    """The forms of a page and the values a browser would send for each."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option: tuple[str | None, bool] | None = None
        self._option_text = ""
        self._textarea: str | None = None
        self._textarea_text = ""
        self._radios: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = urljoin(self.page_url, attrs.get("action") or self.page_url)
            self._form = PageForm(action=action, method=(attrs.get("method") or "get").lower())
            self._radios = {}
        elif self._form is None or "disabled" in attrs:
            return
        elif tag == "input":
            self._input(attrs)
        elif tag == "button" and attrs.get("name"):
            self._form.fields.append((attrs["name"], attrs.get("value", "")))
        elif tag == "select":
            self._select, self._options = attrs.get("name"), []
        elif tag == "option" and self._select:
            self._option, self._option_text = (attrs.get("value"), "selected" in attrs), ""
        elif tag == "textarea":
            self._textarea, self._textarea_text = attrs.get("name"), ""

    def _input(self, attrs):
        name, kind = attrs.get("name"), (attrs.get("type") or "text").lower()
        value = attrs.get("value", "on" if kind in ("checkbox", "radio") else "")
        if not name or kind in ("file", "image", "reset"):
            return
        self._form.known.add(name)
        if kind == "radio":
            if "checked" in attrs or name not in self._radios:
                self._radios[name] = value
            return
        if kind == "checkbox" and "checked" not in attrs:
            return
        if kind == "submit":
            return
        self._form.fields.append((name, value))
        if kind != "checkbox":
            self._form.typed.add(name)

    def handle_data(self, data):
        if self._option is not None:
            self._option_text += data
        if self._textarea is not None:
            self._textarea_text += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            value, selected = self._option
            self._options.append((self._option_text.strip() if value is None else value, selected))
            self._option = None
        elif tag == "select" and self._select and self._form is not None:
            chosen = [value for value, selected in self._options if selected]
            if chosen or self._options:
                self._form.fields.append((self._select, (chosen or [self._options[0][0]])[0]))
            self._select = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            self._form.fields.append((self._textarea, self._textarea_text.lstrip("\n")))
            self._form.typed.add(self._textarea)
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self._form.fields.extend(self._radios.items())
            self.forms.append(self._form)
            self._form = None


def forms_on(client, url: str) -> list[PageForm]:
    response = client.get(url, follow=True)
    assert response.status_code == 200, (url, response.status_code)
    page_url = "http://testserver" + response.request["PATH_INFO"]
    parser = FormParser(page_url)
    parser.feed(response.content.decode())
    # The language switcher is on every page; it has a test of its own below.
    return [form for form in parser.forms if not form.action.endswith("/i18n/setlang/")]


def send(client, form: PageForm, data):
    path = urlsplit(form.action)
    url = path.path + (f"?{path.query}" if path.query else "")
    cache.clear()  # rate limits would answer 429 before the form is read
    # What runs after the commit (queueing and sending email) runs as it would live.
    with TestCase.captureOnCommitCallbacks(execute=True):
        if form.method == "post":
            return client.post(url, data)
        return client.get(url, data)


def assert_no_500(response, form: PageForm, data):
    assert response.status_code < 500, (form.action, data)


# Emails: every header one line, one recipient --------------------------------------------


def assert_emails_are_clean() -> int:
    """Check every email the requests wrote; how many there were."""
    messages = [render_message(row, templates=TemplateCache()) for row in OutboxEmail.objects.all()]
    messages += list(mail.outbox)
    for message in messages:
        wire = message.message()
        for name, value in wire.items():
            assert "\r" not in str(value) and "\n" not in str(value), (name, value)
        assert len(message.to) == 1, message.to
        assert len(getaddresses([str(wire["To"])])) == 1, wire["To"]
    return len(messages)


# The forms ----------------------------------------------------------------------------


@dataclass
class Target:
    """A page with forms, and the values a person would add to make its forms valid."""

    url: str
    valid: dict[str, str] = field(default_factory=dict)
    # What a periodic task does with what the forms stored (HR's digest of requests).
    afterwards: Callable[[], object] | None = None


def future_rsvp(member=None):
    return RsvpFactory(**({"member": member} if member else {}))


def attended(member=None):
    start = (timezone.now() - timedelta(days=1)).replace(microsecond=0)
    gathering = GatheringFactory(start=start, end=start + timedelta(hours=3), rsvp_deadline=None)
    return RsvpFactory(
        gathering=gathering,
        answer="yes",
        checked_in_at=start,
        **({"member": member} if member else {}),
    )


def login_page(client):
    user = MemberFactory().user
    return Target(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})


def login_code_page(client):
    user = MemberFactory().user
    return Target(reverse("account_request_login_code"), {"email": user.email})


def login_code_confirm_page(client):
    user = MemberFactory().user
    client.post(reverse("account_request_login_code"), {"email": user.email})
    return Target(reverse("account_confirm_login_code"))


def password_reset_page(client):
    return Target(reverse("account_reset_password"), {"email": MemberFactory().user.email})


def password_from_key_page(client):
    """The page the reset email links to, where a new password is chosen."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    user = MemberFactory().user
    key = default_token_generator.make_token(user)
    url = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )
    return Target(url, {"password1": "Fjordvik-alumni-2026", "password2": "Fjordvik-alumni-2026"})


def join_request_page(client):
    from invitations.joining.announcements import announce_join_requests

    return Target(
        reverse("invitations:join_request"),
        {"name": "Kari Nordmann", "email": "kari@example.org", "years": "2012–2019"},
        afterwards=announce_join_requests,
    )


def join_page(client):
    invitation = Invitation.objects.create(leaver=LeaverFactory())
    token = join_token(invitation_id=invitation.pk, leaver_id=invitation.leaver_id)
    return Target(
        reverse("invitations:join", kwargs={"token": token}),
        {"first_name": "Kari", "password": "Fjordvik-alumni-2026", "accept_guidelines": "on"},
    )


def rsvp_page(client):
    token = rsvp_module.make_token(rsvp=future_rsvp())
    return Target(reverse("gatherings:rsvp", kwargs={"token": token}))


def unsubscribe_page(client):
    row = OutboxEmail.objects.create(kind="hr_message", to_email="kari@example.org", language="nb")
    return Target(reverse("mail:unsubscribe", kwargs={"token": unsubscribe_token(row)}))


def feedback_page(client):
    token = feedback.make_token(rsvp=attended())
    return Target(reverse("gatherings:feedback", kwargs={"token": token}), {"rating": "4"})


def gathering_page(member):
    return Target(reverse("gatherings:detail", kwargs={"pk": future_rsvp(member).gathering_id}))


def attended_gathering_page(member):
    """The page of a gathering the member came to: who they talked to is recorded here."""
    rsvp = attended(member)
    other = RsvpFactory(gathering=rsvp.gathering, answer="yes", checked_in_at=rsvp.checked_in_at)
    return Target(
        reverse("gatherings:detail", kwargs={"pk": rsvp.gathering_id}),
        {"person": str(other.member_id)},
    )


def my_connections_page(member):
    from gatherings.aftermath import connections

    rsvp = attended(member)
    other = RsvpFactory(gathering=rsvp.gathering, answer="yes", checked_in_at=rsvp.checked_in_at)
    connections.record_connections(
        gathering=rsvp.gathering, member=member, person_ids=[other.member_id]
    )
    return Target(reverse("gatherings:connections"))


# What anyone with a link reaches; the function gets the test client.
PUBLIC = {
    "login": login_page,
    "login_code": login_code_page,
    "login_code_confirm": login_code_confirm_page,
    "password_reset": password_reset_page,
    "password_from_key": password_from_key_page,
    "join_request": join_request_page,
    "join": join_page,
    "rsvp": rsvp_page,
    "unsubscribe": unsubscribe_page,
    "feedback": feedback_page,
}
# What a member fills in; the function gets the logged-in member.
MEMBER = {
    "profile": lambda member: Target(reverse("members:profile_edit")),
    "directory": lambda member: Target(reverse("members:directory")),
    "gathering_answer": gathering_page,
    "connections": attended_gathering_page,
    "my_connections": my_connections_page,
    "job_interest": lambda member: Target(
        reverse("members:job_detail", kwargs={"pk": JobFactory().pk})
    ),
    # Left unticked, so the account survives the corpus.
    "account_delete": lambda member: Target(reverse("members:account_delete")),
}


def fuzz(client, target: Target) -> tuple[int, int]:
    """Send the corpus into every form of the page: the requests sent, the emails written."""
    forms = forms_on(client, target.url)
    assert forms, f"no form on {target.url}"
    sent = 0
    for form in forms:
        valid = {name: value for name, value in target.valid.items() if name in form.known}
        names = form.names()
        for value in CORPUS:
            data = form.data(**dict.fromkeys(names, value))
            assert_no_500(send(client, form, data), form, data)
            sent += 1
        for name in [name for name in names if name in form.typed or name in valid]:
            for value in DEEP:
                data = form.data(**{**valid, name: value})
                assert_no_500(send(client, form, data), form, data)
                sent += 1
    if target.afterwards:
        target.afterwards()
    return sent, assert_emails_are_clean()


# Forms whose valid answer writes an email, so its headers are checked too.
WRITES_EMAIL = {"login_code", "password_reset", "join_request"}


@pytest.mark.parametrize("name", PUBLIC)
def test_public_form_never_answers_500(client, name):
    target = PUBLIC[name](client)

    sent, emails = fuzz(client, target)

    assert sent > 0
    assert emails > 0 if name in WRITES_EMAIL else True


@pytest.mark.parametrize("name", MEMBER)
def test_member_form_never_answers_500(client, name):
    member = MemberFactory()
    client.force_login(member.user)
    target = MEMBER[name](member)

    sent, _emails = fuzz(client, target)

    assert sent > 0


@pytest.mark.parametrize(
    "url_name",
    [
        "invitations:join",
        "invitations:join_decline",
        "gatherings:rsvp",
        "gatherings:rsvp_ics",
        "gatherings:feedback",
        "mail:unsubscribe",
    ],
)
def test_hostile_token_in_a_link_never_answers_500(client, url_name):
    for value in CORPUS:
        token = quote(value, safe="") or "x"
        url = reverse(url_name, kwargs={"token": "TOKEN"}).replace("TOKEN", token)

        assert client.get(url).status_code < 500, value
        assert client.post(url, {"answer": value}).status_code < 500, value


@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("members:competence_options", ("q",)),
        ("members:employer_options", ("employer_name",)),
        ("members:directory", ("q", "employer", "competence", "year", "page", "flag")),
    ],
)
def test_hostile_query_parameters_never_answer_500(client, url_name, params):
    client.force_login(MemberFactory().user)
    for value in CORPUS:
        response = client.get(reverse(url_name), dict.fromkeys(params, value))

        assert response.status_code < 500, value


def test_language_switch_never_answers_500(client):
    for value in CORPUS:
        response = client.post(reverse("set_language"), {"language": value, "next": value})

        assert response.status_code < 500, value
