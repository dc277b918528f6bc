"""What a member hides stays hidden: on every page, export and email, from every role.

One member has set every part of their profile to "only me", with a value no
other row has in every field. They answered Yes to a gathering, are checked in,
speak there, are in another member's networking task, have a connection, gave
feedback, showed interest in a job and have a register row. Then every route of
the URLconf (tests/test_access_matrix.py names them all, so a new page is
covered the day it is added), every export and every email that shows members
is opened as each role, and none may hold any of those values. Their name is
not hidden; their login email is for HR's eyes only. Their own pages, as
themselves, are not in scope.
"""

import io
import re
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from alumni_network.mail.kinds import EMAIL_KINDS
from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.rendering import TemplateCache, render_message
from gatherings import emails as gathering_emails
from gatherings.aftermath import emails as aftermath_emails
from gatherings.models import (
    AgendaItem,
    Connection,
    Feedback,
    NetworkingPick,
    NetworkingTask,
    Organiser,
    Rsvp,
)
from gatherings.roles_emails import queue_organiser_granted
from gatherings.rsvp import make_token
from invitations.models import Leaver
from members.models import JobInterest, Visibility
from members.privacy import FLAG_LABELS, GROUPS

from .factories import JobFactory, StaffFactory
from .gatherings.factories import GatheringFactory, OrganiserFactory, RsvpFactory
from .invitations.factories import LeaverFactory
from .members.factories import profile_member
from .test_access_matrix import GET_MATRIX, is_back_office, url_kwargs

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "member", "organiser", "other_organiser", "staff", "superuser")
HR_ROLES = {"staff", "superuser"}

# Every hidden text value carries this mark, so one search finds any of them.
MARK = "zyxwhidden"
EMPLOYER = "Zyxwhidden Employer AS"
PHONE = "+47 413 97 531"
LOGIN_EMAIL = "hedda.login@konto.example"
# A member with no name: what stands in for it is never their login email.
NAMELESS_EMAIL = "uten.navn@konto.example"
STARTED, LEFT = 1971, 1983
HIDDEN_PROFILE = {
    "title": "Zyxwhidden Chief Geologist",
    "phone": PHONE,
    "personal_email": "zyxwhidden.private@example.net",
    "location": "Zyxwhiddenby",
    "linkedin_url": "https://www.linkedin.com/in/zyxwhidden-profile",
    "bio": "Zyxwhidden biography of mine.",
    "languages": "Zyxwhidden tongue",
    "departments": "Zyxwhidden department",
    "started_year": STARTED,
    "left_year": LEFT,
    "open_to_returning": True,
    "open_to_projects": True,
    "open_to_speaking": True,
    "open_to_hosting": True,
    "open_to_mentoring": True,
}
COMPETENCE = "Zyxwhidden rock physics"
# A 1×1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)

# Routes that cannot show another member, each with why.
NOT_ABOUT_MEMBERS = {
    # The hidden member's own export of their own data: only they may download it.
    "members:my_data_download": "the member's own data, POST only",
}


@pytest.fixture(autouse=True)
def english(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "media"


def _hidden_member():
    member = profile_member(
        user__first_name="Hedda",
        user__last_name="Gjemmesen",
        user__email=LOGIN_EMAIL,
        employer=EMPLOYER,
        competences=[COMPETENCE],
        **HIDDEN_PROFILE,
        **{f"{group}_visibility": Visibility.HIDDEN for group in GROUPS},
    )
    member.photo.save("hedda.png", ContentFile(PNG))
    return member


def _gathering_with(hidden, member, organiser, nameless, *, start, status):
    """A gathering: the hidden member checked in and speaking, in a task, met; the
    nameless member too."""
    gathering = GatheringFactory(
        title=f"Samling {status}",
        start=start,
        end=start + timedelta(hours=3),
        rsvp_deadline=None,
        ask_dietary=True,
        status=status,
    )
    rsvps = {
        who: RsvpFactory(
            gathering=gathering, member=who, answer=Rsvp.Answer.YES, checked_in_at=start
        )
        for who in (hidden, member, organiser, nameless)
    }
    organiser_row = Organiser.objects.create(gathering=gathering, member=organiser)
    Organiser.objects.create(gathering=gathering, member=nameless)
    item = AgendaItem.objects.create(
        gathering=gathering, order=1, duration_minutes=20, title="Bergarter", speaker_member=hidden
    )
    AgendaItem.objects.create(
        gathering=gathering,
        order=2,
        duration_minutes=20,
        title="Mineraler",
        speaker_member=nameless,
    )
    task = NetworkingTask.objects.create(gathering=gathering, member=member)
    NetworkingPick.objects.create(task=task, person=hidden, kind="old", reason="worked_together")
    NetworkingPick.objects.create(
        task=task, person=nameless, kind="new", reason="never_met", order=1
    )
    for other in (hidden, nameless):
        low, high = sorted((other, member), key=lambda m: m.pk)
        Connection.objects.create(
            member_low=low, member_high=high, gathering=gathering, recorded_by=member
        )
    Feedback.objects.create(gathering=gathering, member=hidden, rating=4, comment="Fin kveld")
    return {"gathering": gathering, "item": item, "rsvps": rsvps, "organiser_row": organiser_row}


# The gathering the routes name: one under way (the door, the tasks) and one held
# yesterday (who came, who met, the feedback).
MOMENTS = ("under_way", "done")


@pytest.fixture
def hidden_world():
    hidden = _hidden_member()
    member = profile_member(user__first_name="Marit", user__last_name="Medlem")
    organiser = profile_member(user__first_name="Ola", user__last_name="Arrangør")
    other_organiser = OrganiserFactory().member
    nameless = profile_member(user__first_name="", user__last_name="", user__email=NAMELESS_EMAIL)
    now = timezone.now()
    moments = {
        "under_way": _gathering_with(
            hidden, member, organiser, nameless, start=now - timedelta(hours=1), status="published"
        ),
        "done": _gathering_with(
            hidden, member, organiser, nameless, start=now - timedelta(days=1), status="done"
        ),
    }
    job = JobFactory()
    JobInterest.objects.create(member=hidden, job=job)
    leaver = LeaverFactory(member=hidden, status=Leaver.Status.JOINED)
    users = {
        "member_user": member.user,
        "organiser_user": organiser.user,
        "other_organiser_user": other_organiser.user,
        "staff_user": StaffFactory(),
        "superuser_user": StaffFactory(is_superuser=True, first_name="Sigurd", last_name="Super"),
    }
    return {
        **users,
        "hidden": hidden,
        "member": member,
        "organiser": organiser,
        "moments": moments,
        **moments["under_way"],
        "job": job,
        "leaver": leaver,
    }


def at_moment(world, moment: str) -> dict:
    """The world with the routes naming the gathering of that moment."""
    return world | world["moments"][moment]


def _kwargs_in(world) -> dict:
    """URL arguments naming this world's people and things, where a route takes them."""
    gathering, hidden = world["gathering"].pk, world["hidden"].pk
    item = {"pk": gathering, "item_pk": world["item"].pk}
    return {
        "members:profile": {"pk": hidden},
        "members:photo": {"pk": hidden},
        "hr_members:member_detail": {"pk": hidden},
        "hr_members:rehire_add": {"pk": hidden},
        "hr_members:job_detail": {"pk": world["job"].pk},
        "hr_members:job_edit": {"pk": world["job"].pk},
        "hr_members:organisation_edit": {"pk": world["hidden"].employer_id},
        "hr_members:organisation_merge": {"pk": world["hidden"].employer_id},
        "hr_invitations:leaver_detail": {"pk": world["leaver"].pk},
        "hr_invitations:leaver_edit": {"pk": world["leaver"].pk},
        "hr_invitations:leaver_erase": {"pk": world["leaver"].pk},
        "gatherings:agenda_item_edit": item,
        "gatherings:item_materials": item,
        "gatherings:rsvp": {"token": make_token(rsvp=world["rsvps"][world["member"]])},
        "hr_gatherings:organiser_remove": {
            "pk": gathering,
            "organiser_pk": world["organiser_row"].pk,
        },
    }


def _url(name, world) -> str:
    own = _kwargs_in(world)
    if name in own:
        return reverse(name, kwargs=own[name])
    kwargs = url_kwargs(name, world)
    if name.startswith(("gatherings:", "hr_gatherings:")) and "pk" in kwargs:
        kwargs["pk"] = world["gathering"].pk
    return reverse(name, kwargs=kwargs)


def _client(role, world) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world[f"{role}_user"])
    return client


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def readable_text(response) -> str:
    """What a person would read in the answer: HTML, CSV, calendar, XLSX cells, PDF text."""
    content_type = response.get("Content-Type", "")
    body = _body(response)
    if "spreadsheetml" in content_type:
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            " ".join("" if cell is None else str(cell) for cell in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    if content_type.startswith("application/pdf"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    if content_type.startswith("image/"):
        return "<an image>"
    return body.decode("utf-8", errors="replace")


def leaks(text: str, world, *, to_hr: bool) -> list[str]:
    """Which of the hidden member's values `text` holds."""
    lowered = text.lower()
    found = [MARK] if MARK in lowered else []
    found += [needle for needle in (PHONE, PHONE.replace(" ", "")) if needle in text]
    photo = reverse("members:photo", kwargs={"pk": world["hidden"].pk})
    if photo in text:
        found.append(photo)
    found += [
        str(year) for year in (STARTED, LEFT) if re.search(rf"(?<![\w-]){year}(?![\w-])", text)
    ]
    if not to_hr:
        found += [email for email in (LOGIN_EMAIL, NAMELESS_EMAIL) if email in lowered]
    return found


def _routes():
    return sorted(
        name for name in GET_MATRIX if not is_back_office(name) and name not in NOT_ABOUT_MEMBERS
    )


# Pages that do show the hidden member (by name) to each role: the search below looks
# where the member really is, not at pages that happen to leave them out.
SHOWN_BY_NAME = {
    "member": {
        "members:directory",
        "members:profile",
        "gatherings:detail",
        "gatherings:connections",
    },
    "organiser": {"gatherings:attendees", "gatherings:badges", "gatherings:agenda"},
    "staff": {"gatherings:attendees", "hr_members:member_detail", "hr_members:job_detail"},
    "superuser": {"gatherings:attendees", "hr_members:member_detail", "hr_members:job_detail"},
}


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_what_a_member_hid(role, moment, hidden_world):
    hidden_world = at_moment(hidden_world, moment)
    client = _client(role, hidden_world)
    found, shown = {}, set()
    for name in _routes():
        response = client.get(_url(name, hidden_world))
        if response.status_code != 200:
            continue
        # htmx asks for a fragment of some pages: it too goes through the rule.
        fragment = client.get(_url(name, hidden_world), headers={"HX-Request": "true"})
        text = readable_text(response) + "\n" + readable_text(fragment)
        if "Gjemmesen" in text:
            shown.add(name)
        if where := leaks(text, hidden_world, to_hr=role in HR_ROLES):
            found[name] = where
        if response.get("Content-Type", "").startswith("image/"):
            found[name] = ["the photo itself"]  # the only image route is the hidden photo

    assert found == {}
    assert SHOWN_BY_NAME.get(role, set()) <= shown


# What was typed into a search, a filter or a suggestion box: nothing hidden may find
# the member. (route, query)
SEARCHES = [
    ("members:directory", {"q": "Zyxwhidden"}),
    ("members:directory", {"q": "Zyxwhidden rock physics"}),
    ("members:directory", {"employer": "Zyxwhidden Employer"}),
    ("members:directory", {"employer": "Zyxwhidden Chief"}),
    ("members:directory", {"competence": COMPETENCE}),
    ("members:directory", {"department": "Zyxwhidden department"}),
    ("members:directory", {"location": "Zyxwhiddenby"}),
    ("members:directory", {"year": "1975"}),
    *(("members:directory", {"flag": flag}) for flag in FLAG_LABELS),
    ("members:employer_options", {"employer_name": "Zyxwhidden"}),
    ("members:competence_options", {"competence_names": "Zyxwhidden"}),
    ("hr_members:competence_search", {"competence": "Zyxwhidden rock"}),
    ("hr_members:competence_search", {"competence": COMPETENCE, "open_to_returning": "on"}),
]


@pytest.mark.parametrize("role", ROLES)
def test_no_search_finds_a_member_by_what_they_hid(role, hidden_world):
    client = _client(role, hidden_world)
    found = {}
    for name, query in SEARCHES:
        response = client.get(reverse(name), query)
        # The page repeats what was typed: look for the name and the rest of hidden values.
        text = readable_text(response).lower() if response.status_code == 200 else ""
        typed = " ".join(query.values()).lower()
        if where := [
            needle
            for needle in ("gjemmesen", "rock physics", "employer as")
            if needle in text and needle not in typed
        ]:
            found[f"{name} {query}"] = where

    assert found == {}
    # The same search by what is not hidden finds the member: the searches above work.
    by_name = client.get(reverse("members:directory"), {"q": "Gjemmesen"})
    assert ("Gjemmesen" in readable_text(by_name)) == (role != "anonymous")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("role", ROLES)
def test_no_export_holds_what_a_member_hid(role, fmt, hidden_world):
    client = _client(role, hidden_world)
    gathering = hidden_world["gathering"].pk
    exports = {
        "gatherings:attendees_export": (
            reverse("gatherings:attendees_export", kwargs={"pk": gathering, "fmt": fmt}),
            {},
        ),
        "hr_members:member_export": (reverse("hr_members:member_export"), {"format": fmt}),
        "hr_members:competence_export": (
            reverse("hr_members:competence_export"),
            {"competence": COMPETENCE, "format": fmt},
        ),
        "hr_invitations:register_export": (
            reverse("hr_invitations:register_export"),
            {"format": fmt},
        ),
    }
    found, downloaded = {}, set()
    for name, (url, data) in exports.items():
        response = client.post(url, data)
        if response.status_code != 200:
            continue
        downloaded.add(name)
        if where := leaks(readable_text(response), hidden_world, to_hr=role in HR_ROLES):
            found[name] = where

    assert found == {}
    # The exports were really read, by those who may download them.
    expected = {
        "organiser": {"gatherings:attendees_export"},
        "staff": set(exports),
        "superuser": set(exports),
    }
    assert downloaded == expected.get(role, set())


# Kinds of email that never show a member other than their recipient, with why.
EMAILS_WITHOUT_MEMBERS = {
    "account": "login codes and password links, to the account's own address",
    "role_granted": "to a new coordinator about their own role",
    "job_digest": "open positions only",
    "news_digest": "company news only",
    "campaign_invitation": "to a leaver, about joining",
    "campaign_reminder": "to a leaver, about joining",
    "join_invitation": "to a person who asked to join",
    "join_rejected": "to a person who asked to join",
    "hr_message": "a text HR wrote, to many",
    "join_requests_digest": "to HR, about people asking to join (not members yet)",
    "gathering_host_request": "to the member asked, about their own employer",
}


def _emails_about_the_world(world) -> list[OutboxEmail]:
    """Every email the world's events send to someone other than the hidden member."""
    member_rsvp = world["rsvps"][world["member"]]
    for queue in (
        gathering_emails.queue_invitation,
        gathering_emails.queue_nudge,
        gathering_emails.queue_answer,
        gathering_emails.queue_promotion,
        gathering_emails.queue_reminder,
        gathering_emails.queue_cancellation,
        aftermath_emails.queue_follow_up,
    ):
        queue(rsvp=member_rsvp)
    # One day-after email per answer: the organiser's is the one for those who missed it.
    aftermath_emails.queue_missed(rsvp=world["rsvps"][world["organiser"]])
    gathering_emails.queue_update(rsvp=member_rsvp, sequence=2)
    gathering_emails.queue_message(
        rsvp=member_rsvp, subject="Velkommen", body="Ta med godt humør.", message_id="m1"
    )
    queue_organiser_granted(organiser=world["organiser_row"])
    return list(OutboxEmail.objects.exclude(to_email__iexact=LOGIN_EMAIL))


def _message_text(message) -> str:
    """Subject, text and HTML parts, and every text attachment (the calendar file)."""
    parts = [message.subject, message.body]
    parts += [content for content, _mimetype in message.alternatives]
    for attachment in message.attachments:
        if isinstance(attachment, tuple) and str(attachment[2]).startswith("text/"):
            payload = attachment[1]
            parts.append(payload.decode() if isinstance(payload, bytes) else str(payload))
    return "\n".join(parts)


def test_no_email_shows_what_a_member_hid(hidden_world, settings):
    rows = _emails_about_the_world(hidden_world)
    templates = TemplateCache()
    found = {}
    for row in rows:
        to_hr = row.to_email == settings.NETWORK_CONTACT_EMAIL
        text = _message_text(render_message(row, templates=templates))
        if where := leaks(text, hidden_world, to_hr=to_hr):
            found[row.kind] = where

    assert found == {}
    # The emails that name the hidden member (as speaker, as someone met) were among them.
    named = {
        row.kind
        for row in rows
        if "Gjemmesen" in _message_text(render_message(row, templates=templates))
    }
    assert {"gathering_invitation", "gathering_follow_up"} <= named
    # Every kind of email is either rendered here or said not to show members.
    rendered = {row.kind for row in rows}
    assert sorted(set(EMAIL_KINDS) - rendered - set(EMAILS_WITHOUT_MEMBERS)) == []


def test_the_hidden_values_are_really_in_the_world(hidden_world):
    """The search above means something: the member themself sees every value."""
    client = _client("member", {"member_user": hidden_world["hidden"].user})

    text = readable_text(client.get(reverse("members:profile_edit")))

    assert leaks(text, hidden_world, to_hr=True)[:1] == [MARK]
