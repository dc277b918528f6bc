"""A sending worker renews its claim, so a short sweep timeout never takes rows from a live one."""

import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.sending import claim_batch, drain, release_stuck, send_batch

pytestmark = pytest.mark.django_db

RELEASED = []


class SweptWhileSendingBackend(LocmemBackend):
    """A slow server, and the beat's sweep running after every message (as another process does)."""

    def send_messages(self, messages):
        time.sleep(0.15)
        sent = super().send_messages(messages)
        RELEASED.append(release_stuck())
        return sent


def queue_rows(count):
    return OutboxEmail.objects.bulk_create(
        OutboxEmail(
            kind="hr_message",
            to_email=f"p{n}@example.org",
            language="nb",
            data={"subject": "Samling", "body": "Velkommen"},
        )
        for n in range(count)
    )


def test_a_batch_slower_than_the_timeout_keeps_its_claim_and_sends_each_once(settings):
    settings.OUTBOX_SENDING_TIMEOUT = 1.2  # the batch below takes 2.4 s
    settings.EMAIL_BACKEND = f"{__name__}.SweptWhileSendingBackend"
    RELEASED.clear()
    queue_rows(16)

    drain(batch_size=16)
    drain(batch_size=16)  # would send again whatever the sweep handed back

    assert sum(RELEASED) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"p{n}@example.org" for n in range(16))
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"sent"}


def test_a_worker_that_stalled_past_the_timeout_leaves_handed_back_rows_alone(settings):
    settings.OUTBOX_SENDING_TIMEOUT = 0.06
    queue_rows(3)
    rows = claim_batch(size=3)
    time.sleep(0.1)  # the worker stalls; the sweep hands its rows back
    assert release_stuck() == 3

    counts = send_batch(rows)

    assert counts["lost"] == 3
    assert mail.outbox == []
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"queued"}


def test_the_default_timeout_is_a_minute_with_a_ten_second_heartbeat():
    from django.conf import settings

    from alumni_network.mail.sending import heartbeat_interval

    assert settings.OUTBOX_SENDING_TIMEOUT == 60
    assert heartbeat_interval() == 10


def test_beat_starts_due_campaigns_and_sweeps_the_outbox_every_minute():
    from django.conf import settings

    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["campaigns-due"]["schedule"] <= 60
    assert schedule["outbox-sweep"]["schedule"] <= 60
