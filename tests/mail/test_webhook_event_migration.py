"""Webhook events handled before recipients were kept survive the move to (event id, recipient)."""

import pytest
from django.db import IntegrityError, transaction

BEFORE = ("mail", "0002_dashboard_indexes")
AFTER = ("mail", "0003_mail_events_and_webhook_recipients")


@pytest.mark.slow
def test_existing_webhook_events_migrate_and_stay_unique(migrator):
    old_state = migrator.apply_initial_migration(BEFORE)
    OldEvent = old_state.apps.get_model("mail", "ProcessedWebhookEvent")
    OldEvent.objects.create(event_id="evt-1", event_type="bounced")
    OldEvent.objects.create(event_id="evt-2", event_type="complained")

    new_state = migrator.apply_tested_migration(AFTER)

    Event = new_state.apps.get_model("mail", "ProcessedWebhookEvent")
    assert sorted(Event.objects.values_list("event_id", "recipient_hash")) == [
        ("evt-1", ""),
        ("evt-2", ""),
    ]
    # One id, two recipients: both are kept; the same pair twice is refused.
    Event.objects.create(event_id="evt-3", recipient_hash="a" * 64, event_type="bounced")
    Event.objects.create(event_id="evt-3", recipient_hash="b" * 64, event_type="bounced")
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(event_id="evt-3", recipient_hash="a" * 64, event_type="bounced")
