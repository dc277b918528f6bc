"""Erasing an account leaves nothing of the person anywhere, but the hashed suppression entry."""

import json

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from alumni_network.mail.models import OutboxEmail, Suppression, email_hash
from gatherings.models import Connection, Feedback, Guest, HostContact, NetworkingTask, Rsvp
from invitations.models import Invitation, JoinRequest, Leaver, LeaverChange, RegisterImport
from members.models import AuditLog
from members.owndata import ERASED_LABEL, erase_member
from tests.factories import TEST_PASSWORD

from .everywhere import EMAIL, PERSONAL_EMAIL, PHONE, person_everywhere

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def _text_values():
    """(model label, field name, value as lower-case text) for every text column of every row."""
    for model in apps.get_models():
        names = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, TEXT_FIELDS) and not f.is_relation
        ]
        if not names:
            continue
        for row in model._default_manager.values_list(*names):
            for name, value in zip(names, row, strict=True):
                if value not in (None, "", {}, []):
                    text = (
                        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                    )
                    yield model._meta.label, name, text.lower()


def _found_anywhere(needles):
    wanted = [n.lower() for n in needles]
    return sorted(
        {(label, name, n) for label, name, text in _text_values() for n in wanted if n in text}
    )


def test_the_search_sees_the_person_before_erasure():
    person = person_everywhere()

    found = {label for label, _name, _needle in _found_anywhere(person.needles)}

    # The search itself reaches every app's tables, so an empty result below means something.
    assert {
        "members.User",
        "members.Member",
        "members.AuditLog",
        "admin.LogEntry",
        "invitations.Leaver",
        "invitations.LeaverChange",
        "invitations.JoinRequest",
        "invitations.RegisterImport",
        "mail.OutboxEmail",
        "gatherings.Guest",
        "gatherings.HostContact",
        "gatherings.AgendaItem",
    } <= found


def test_nothing_names_the_person_after_erasure():
    person = person_everywhere()

    erase_member(member=person.member)

    assert _found_anywhere([*person.needles, PHONE.replace(" ", "")]) == []
    assert Suppression.objects.filter(email_hash=email_hash(EMAIL)).exists()
    assert Suppression.objects.filter(email_hash=email_hash(PERSONAL_EMAIL)).exists()


def test_the_register_row_stays_for_the_counts_without_who_it_was():
    person = person_everywhere()

    erase_member(member=person.member)

    leaver = Leaver.objects.get()
    assert (leaver.member, leaver.status, leaver.department) == (None, "suppressed", "Drift")
    assert Invitation.objects.filter(leaver=leaver, status=Invitation.Status.JOINED).count() == 1
    assert not LeaverChange.objects.exists()
    assert not JoinRequest.objects.exists()


def test_hr_sees_the_kept_row_as_an_erased_person(staff_client):
    person = person_everywhere()
    erase_member(member=person.member)
    leaver = Leaver.objects.get()

    detail = staff_client.get(reverse("hr_invitations:leaver_detail", kwargs={"pk": leaver.pk}))
    listing = staff_client.get(reverse("hr_invitations:register"))

    assert "<h1>Erased person</h1>" in detail.content.decode()
    assert ">Erased person</a>" in listing.content.decode()


def test_import_error_rows_of_others_stay():
    person_everywhere()
    person = Leaver.objects.get().member

    erase_member(member=person)

    report = RegisterImport.objects.get().report
    assert [row["line"] for row in report["errors"]] == [9, 77]
    assert report["sample"] == []


def test_outbox_rows_to_the_person_go_and_others_stay():
    person = person_everywhere()

    erase_member(member=person.member)

    assert not OutboxEmail.objects.filter(to_email__iexact=EMAIL).exists()
    assert not OutboxEmail.objects.filter(to_email="hr@fjordvik.example").exists()
    assert OutboxEmail.objects.filter(to_email="someone.else@epost.example").exists()


def test_emails_to_others_that_name_the_person_lose_the_name():
    person_everywhere()
    person = Leaver.objects.get().member

    erase_member(member=person)

    sent = OutboxEmail.objects.get(to_email="annen@epost.example")
    queued = OutboxEmail.objects.get(to_email="tredje@epost.example")
    assert sent.data == {}
    assert queued.data == {"first_name": "Annen", "granted_by": "–"}


def test_gathering_data_goes_and_the_seat_goes_to_the_waiting_list():
    person = person_everywhere()

    erase_member(member=person.member)

    waiting = Rsvp.objects.get(member=person.visible)
    person.gathering.refresh_from_db()
    assert waiting.waitlist_position is None
    assert person.gathering.seats_taken == 1
    assert not Feedback.objects.exists()
    assert not NetworkingTask.objects.exists()
    assert not Connection.objects.exists()
    assert not Guest.objects.exists()
    assert not HostContact.objects.exists()


def test_the_audit_log_keeps_entries_but_not_the_address():
    person = person_everywhere()

    erase_member(member=person.member)

    own = AuditLog.objects.get(action=AuditLog.Action.OWN_DATA_EXPORT)
    granted = AuditLog.objects.get(action=AuditLog.Action.ROLE_CHANGE)
    assert (own.actor, own.actor_label) == (None, ERASED_LABEL)
    assert granted.detail_params == {"gathering": 1, "email": ERASED_LABEL}
    assert granted.actor_label == person.staff.email


def test_erasing_from_the_account_page_erases_everywhere(client):
    person = person_everywhere()
    client.force_login(person.member.user)

    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    response = client.post(reverse("members:account_delete"), {"confirm": "on"})

    assert response.status_code == 302
    assert _found_anywhere(person.needles) == []
