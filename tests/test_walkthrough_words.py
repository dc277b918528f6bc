"""Issue #15, from a coordinator's walk-through: dead ends, wrong words and dates."""

import importlib
import inspect
import pkgutil
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import allauth
import polib
import pytest
from django import forms
from django.conf import settings
from django.core import mail
from django.core.exceptions import ObjectDoesNotExist
from django.core.management import call_command
from django.db.models.fields import BLANK_CHOICE_DASH
from django.urls import reverse
from django.utils import timezone, translation

from alumni_network.allauth_words import ALLAUTH_MSGIDS
from alumni_network.mail.sending import drain
from gatherings import planning, selectors
from gatherings.forms import AgendaItemForm, GatheringForm
from members.demo import demo_people, describe_logins
from members.forms import ProfileForm
from members.models import Member

from .factories import MemberFactory, NewsItemFactory, OrganisationFactory, StaffFactory
from .gatherings.factories import AgendaItemFactory, GatheringFactory

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


# 1. A coordinator who is not a member meets no dead end.


def test_header_links_the_member_area_only_for_members(staff_client, client):
    html = staff_client.get(reverse("hr_dashboard")).content.decode()
    assert f'href="{reverse("members:home")}"' not in html
    assert "Member area" not in html

    client.force_login(MemberFactory().user)
    html = client.get(reverse("members:directory")).content.decode()
    assert "Member area" in html


@pytest.mark.parametrize("url_name", ["gatherings:list", "members:profile_edit"])
def test_staff_without_a_profile_get_a_way_back_to_hr(staff_client, url_name):
    response = staff_client.get(reverse(url_name))

    assert response.status_code == 403
    assert "members/not_a_member.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "The member area is for former employees" in html
    assert f'href="{reverse("hr_dashboard")}"' in html


def test_others_refused_still_get_the_plain_403(client, plain_user):
    client.force_login(plain_user)

    response = client.get(reverse("gatherings:list"))

    assert response.status_code == 403
    assert "members/not_a_member.html" not in [t.name for t in response.templates]


# 5. The agenda editor moves an item "Ned", not "Nede".


def test_agenda_editor_says_ned_in_norwegian(staff_client, settings):
    settings.LANGUAGE_CODE = "nb"
    gathering = GatheringFactory()
    AgendaItemFactory(gathering=gathering)
    AgendaItemFactory(gathering=gathering)

    html = staff_client.get(reverse("gatherings:agenda", kwargs={"pk": gathering.pk})).content
    html = html.decode()

    assert "↓ Ned<" in html
    assert "Nede" not in html


# 15. Host rotation: the last gathering held there, and the next one planned.


def hosting_organisation(name):
    organisation = OrganisationFactory(name=name)
    for _ in range(3):
        MemberFactory(employer=organisation)
    return organisation


def test_a_planned_gathering_is_next_not_last_hosted(staff_client):
    now = timezone.now()
    organisation = hosting_organisation("Framtid AS")
    waiting = hosting_organisation("Venter AS")
    past = GatheringFactory(host=organisation, status="done", rsvp_deadline=None)
    past.start, past.end = now - timedelta(days=200), now - timedelta(days=200, hours=-2)
    past.save()
    planned = GatheringFactory(host=organisation, status="published")

    rows, suggested = selectors.host_rotation(viewer=StaffFactory(), min_members=3)

    row = next(r for r in rows if r.organisation == organisation)
    assert row.last_hosted == past.start
    assert row.next_hosted == planned.start
    # Already hosting the next one: another organisation is suggested.
    assert suggested == waiting

    html = staff_client.get(reverse("hr_gatherings:hosts")).content.decode()
    assert "Next planned" in html and "None planned" in html


# 13. One date style per language, on pages and in emails.

FIRST_OF_DECEMBER = datetime(2026, 12, 1, 16, 0, tzinfo=OSLO)


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "1 December 2026"), ("nb", "1. desember 2026")]
)
def test_pages_write_dates_in_the_languages_style(staff_client, settings, language, expected):
    settings.LANGUAGE_CODE = language
    NewsItemFactory(published_at=FIRST_OF_DECEMBER)

    html = staff_client.get(reverse("hr_members:news_list")).content.decode()

    assert f"<td>{expected}</td>" in html


@pytest.mark.parametrize(
    ("language", "subject_date", "body_date"),
    [
        ("en", "1 December", "1 December 2026, 16:00"),
        ("nb", "1. desember", "1. desember 2026 kl. 16:00"),
    ],
)
def test_emails_write_dates_in_the_recipients_style(
    django_capture_on_commit_callbacks, language, subject_date, body_date
):
    gathering = GatheringFactory(status="draft", title="Julemøte", rsvp_deadline=None)
    gathering.start, gathering.end = FIRST_OF_DECEMBER, FIRST_OF_DECEMBER + timedelta(hours=2)
    gathering.save()
    MemberFactory(user__language=language)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        planning.publish_and_invite(gathering=gathering)
    drain()

    [message] = mail.outbox
    assert message.subject.endswith(f"Julemøte, {subject_date}")
    assert body_date in message.body


# 16. Words: no stock Django empty option, no photo to remove, allauth's nb fixed.


def project_form_classes():
    """Every form class the project's apps define."""
    found = []
    for package in ("members", "invitations", "gatherings", "alumni_network"):
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if any(part in info.name for part in (".migrations", ".management", "demo")):
                continue
            module = importlib.import_module(info.name)
            found += [
                cls
                for _name, cls in inspect.getmembers(module, inspect.isclass)
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
            ]
    return found


def offers_dashes(field) -> bool:
    """The field would show Django's "---------" as its empty choice."""
    if isinstance(field, forms.ModelChoiceField):
        return field.empty_label == BLANK_CHOICE_DASH[0][1]
    choices = getattr(field, "choices", None) or []
    return any(label == BLANK_CHOICE_DASH[0][1] for _value, label in choices)


def fields_of(form_class):
    """The fields as a new form has them (some are set up in __init__)."""
    try:
        return form_class().fields
    except (TypeError, ObjectDoesNotExist):  # needs arguments: its declared fields
        return form_class.base_fields


def test_no_form_offers_djangos_dashes():
    offenders = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in project_form_classes()
        for name, field in fields_of(cls).items()
        if offers_dashes(field)
    ]

    assert offenders == []
    assert len(project_form_classes()) > 20  # the scan found the forms


def test_gathering_and_agenda_forms_name_their_empty_choice():
    gathering_form = GatheringForm(viewer=StaffFactory(), creating=True)
    agenda_form = AgendaItemForm()

    assert "---------" not in str(gathering_form) + str(agenda_form)
    assert gathering_form.fields["host"].empty_label == "Choose the host …"
    assert agenda_form.fields["speaker_member"].empty_label == "Choose a member …"


def test_remove_my_photo_is_offered_only_with_a_photo():
    without = MemberFactory()
    with_photo = MemberFactory(photo="photos/portrait.jpg")

    assert "remove_photo" not in ProfileForm(instance=without).fields
    assert "remove_photo" in ProfileForm(instance=with_photo).fields
    rows = [row for section in ProfileForm(instance=without).sections() for row in section.rows]
    assert ["photo_upload"] in [[field.name for field in row.fields] for row in rows]


def test_our_catalogue_overrides_allauths_norwegian(client, member_user, settings):
    settings.LANGUAGE_CODE = "nb"
    allauth_msgids = {
        entry.msgid
        for entry in polib.pofile(
            str(Path(allauth.__file__).parent / "locale/nb/LC_MESSAGES/django.po")
        )
    }
    assert set(ALLAUTH_MSGIDS) <= allauth_msgids  # the very msgids allauth uses
    client.force_login(member_user)

    html = client.get(reverse("account_logout")).content.decode()

    assert "Er du sikker på at du vil logge ut?" in html
    with translation.override("nb"):
        assert translation.gettext("Change Password") == "Endre passord"
        assert translation.gettext("Note") == "Merk"


def test_header_login_button_has_room_inside_its_border():
    css = (Path(settings.BASE_DIR) / "static/css/app.css").read_text()
    rule = re.search(r"\.site-nav a\.button \{([^}]*)\}", css).group(1)

    assert re.search(r"padding:\s*[\d.]+rem\s+0?\.[5-9]\d*rem", rule), rule


# 17 and 18. seed_demo says what a newcomer needs; demo people have their own names.


def test_demo_people_have_names_of_their_own():
    people = demo_people()

    names = [(first, last) for first, last, _email, _language in people]
    assert len(set(names)) == len(names) == 32
    assert all(email.isascii() for _f, _l, email, _language in people)


@pytest.mark.slow
def test_seed_demo_prints_the_url_the_logins_and_one_line(capfd):
    call_command("seed_demo")

    out, err = capfd.readouterr()
    lines = out.strip().splitlines()
    assert lines[0].startswith("Demo network ready: ")
    assert lines[1] == f"Open {settings.SITE_URL}/accounts/login/ and log in as"
    assert lines[2:] == [f"  {line}" for line in describe_logins()]
    for noise in ("No hostname was supplied", "started with", "Demo emails sent", "Task "):
        assert noise not in out + err
    members = Member.objects.values_list("user__first_name", "user__last_name")
    assert len(set(members)) == len(members) > 32
