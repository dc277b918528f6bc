"""The migrations that moved the outbox into `mail` and restored the register's keys lose no row."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

BEFORE = [("invitations", "0007_leaver_change_import_unchecked"), ("mail", None)]
AFTER = [("invitations", "0009_register_foreign_keys_enforced"), ("mail", "0001_initial")]


def _old_rows(state):
    """A database as the old migrations left it: register, history, outbox, suppressions, events."""
    RegisterImport = state.apps.get_model("invitations", "RegisterImport")
    Leaver = state.apps.get_model("invitations", "Leaver")
    LeaverChange = state.apps.get_model("invitations", "LeaverChange")
    OutboxEmail = state.apps.get_model("invitations", "OutboxEmail")
    Suppression = state.apps.get_model("invitations", "Suppression")
    ProcessedWebhookEvent = state.apps.get_model("invitations", "ProcessedWebhookEvent")
    register_import = RegisterImport.objects.create(file_name="register.csv", status="committed")
    leaver = Leaver.objects.create(
        first_name="Kari",
        last_name="Nordmann",
        email="kari@example.org",
        employee_number="1001",
        left_on=datetime.date(2024, 5, 31),
        created_by_import=register_import,
        created_line=2,
    )
    LeaverChange.objects.create(leaver=leaver, register_import=register_import, action="created")
    OutboxEmail.objects.create(
        to_email="kari@example.org",
        kind="notice",
        language="nb",
        data={"subject": "Hei"},
        status="sent",
        sent_at=timezone.now(),
        dedupe_key="notice:1",
    )
    OutboxEmail.objects.create(to_email="ola@example.org", kind="hr_message", language="en")
    Suppression.objects.create(email_hash="a" * 64, reason="bounced")
    ProcessedWebhookEvent.objects.create(event_id="evt-1", event_type="bounced")
    return leaver.pk, register_import.pk


@pytest.mark.slow
def test_moving_the_outbox_to_mail_keeps_every_row(migrator):
    old_state = migrator.apply_initial_migration(BEFORE)
    leaver_id, import_id = _old_rows(old_state)

    new_state = migrator.apply_tested_migration(AFTER)

    OutboxEmail = new_state.apps.get_model("mail", "OutboxEmail")
    Suppression = new_state.apps.get_model("mail", "Suppression")
    ProcessedWebhookEvent = new_state.apps.get_model("mail", "ProcessedWebhookEvent")
    Leaver = new_state.apps.get_model("invitations", "Leaver")
    LeaverChange = new_state.apps.get_model("invitations", "LeaverChange")
    assert sorted(OutboxEmail.objects.values_list("to_email", "kind", "status")) == [
        ("kari@example.org", "notice", "sent"),
        ("ola@example.org", "hr_message", "queued"),
    ]
    assert OutboxEmail.objects.get(dedupe_key="notice:1").data == {"subject": "Hei"}
    assert list(Suppression.objects.values_list("reason", flat=True)) == ["bounced"]
    assert list(ProcessedWebhookEvent.objects.values_list("event_id", flat=True)) == ["evt-1"]
    assert Leaver.objects.get(pk=leaver_id).created_by_import_id == import_id
    assert LeaverChange.objects.get(leaver_id=leaver_id).register_import_id == import_id


@pytest.mark.slow
def test_the_registers_links_to_its_imports_are_database_foreign_keys_again(migrator):
    migrator.apply_initial_migration(BEFORE)

    migrator.apply_tested_migration(AFTER)

    with connection.cursor() as cursor:
        leaver = connection.introspection.get_constraints(cursor, "invitations_leaver")
        change = connection.introspection.get_constraints(cursor, "invitations_leaverchange")
    assert [
        c["foreign_key"]
        for c in leaver.values()
        if c["columns"] == ["created_by_import_id"] and c["foreign_key"]
    ] == [("invitations_registerimport", "id")]
    assert [
        c["foreign_key"]
        for c in change.values()
        if c["columns"] == ["register_import_id"] and c["foreign_key"]
    ] == [("invitations_registerimport", "id")]
