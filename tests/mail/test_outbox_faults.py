"""Fault tests of the outbox with the real thing: a worker killed, Redis stopped."""

import asyncio
import os
import secrets
import signal
import subprocess
import time
from collections import Counter

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.queueing import dispatch_drains
from alumni_network.mail.sending import release_stuck
from alumni_network.mail.tasks import sweep_outbox
from tests.factories import MemberFactory
from tests.mail_sink import SinkHandler, SmtpSink, free_port
from tests.workers import dispatching_to, start_worker, stop, wait_for

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def queue():
    return f"faults-{secrets.token_hex(4)}"


@pytest.fixture
def sink():
    with SmtpSink() as smtp:
        yield smtp


def queue_bulk_emails(total: int, *, prefix: str) -> None:
    OutboxEmail.objects.bulk_create(
        OutboxEmail(
            kind="hr_message",
            to_email=f"{prefix}{n}@example.org",
            language="nb",
            bulk=True,
            data={"subject": "Samling", "body": "Velkommen"},
        )
        for n in range(total)
    )


def sent_count():
    return OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count()


def test_killed_worker_loses_nothing_and_doubles_at_most_one(queue, sink):
    total = 5000
    queue_bulk_emails(total, prefix="p")
    broker = os.environ["REDIS_URL"]
    worker_env = {
        "EMAIL_URL": sink.email_url(),
        "OUTBOX_SENDING_TIMEOUT": 2,
        "OUTBOX_BATCH_SIZE": 50,
    }
    kills = 0
    with dispatching_to(broker_url=broker, queue=queue):
        first = start_worker(broker_url=broker, queue=queue, **worker_env)
        dispatch_drains(1)
        assert wait_for(lambda: len(sink.messages) >= 1000, timeout=120)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        kills += 1
        time.sleep(2.5)  # past OUTBOX_SENDING_TIMEOUT: the dead worker's rows are stuck

        second = start_worker(broker_url=broker, queue=queue, **worker_env)
        try:
            # What beat does every minute: hand back stuck rows, drain what is due.
            sweep_outbox.apply_async()
            assert wait_for(lambda: sent_count() == total, timeout=180), sent_count()
        finally:
            stop(second)

    received = Counter(message["To"] for message in sink.messages)
    duplicates = sum(count - 1 for count in received.values())
    print(f"worker kill: {total} queued, {len(received)} delivered, {duplicates} duplicate(s)")
    assert len(received) == total
    assert duplicates <= kills


class SlowSinkHandler(SinkHandler):
    """A server that takes a while per message, so a batch outlasts a short sending timeout."""

    delay = 0.05

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_sink():
    smtp = SmtpSink()
    smtp.handler = SlowSinkHandler()
    smtp.controller = Controller(smtp.handler, hostname="127.0.0.1", port=smtp.port)
    with smtp:
        yield smtp


def test_sweeping_all_along_with_a_short_timeout_doubles_at_most_one_per_kill(
    queue, slow_sink, settings
):
    """The sweep runs every half second with a 3 s timeout while batches take 5 s to send.

    Only the worker's heartbeat keeps the sweep from handing live batches to
    the other worker; the killed worker's rows come back within seconds.
    """
    total = 600
    queue_bulk_emails(total, prefix="s")
    broker = os.environ["REDIS_URL"]
    worker_env = {
        "EMAIL_URL": slow_sink.email_url(),
        "OUTBOX_SENDING_TIMEOUT": 3,
        "OUTBOX_BATCH_SIZE": 100,
    }
    # The sweep below runs in this process: the same timeout as the workers'.
    settings.OUTBOX_SENDING_TIMEOUT = worker_env["OUTBOX_SENDING_TIMEOUT"]
    released = 0
    kills = 0

    def sweep_until(condition, timeout):
        nonlocal released
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not condition():
            released += release_stuck()
            if OutboxEmail.objects.due().exists():
                dispatch_drains(1)
            time.sleep(0.5)
        return condition()

    with dispatching_to(broker_url=broker, queue=queue):
        first = start_worker(broker_url=broker, queue=queue, **worker_env)
        second = start_worker(broker_url=broker, queue=queue, **worker_env)
        try:
            dispatch_drains(2)
            assert sweep_until(lambda: len(slow_sink.messages) >= 150, timeout=120)
            assert released == 0  # live workers kept their claims
            os.kill(first.pid, signal.SIGKILL)
            first.wait()
            kills += 1
            assert sweep_until(lambda: sent_count() == total, timeout=240), sent_count()
        finally:
            stop(second)

    received = Counter(message["To"] for message in slow_sink.messages)
    duplicates = sum(count - 1 for count in received.values())
    print(f"sweeping kill: {released} handed back, {duplicates} duplicate(s)")
    assert len(received) == total
    assert 0 < released <= 100  # only the killed worker's batch came back
    assert duplicates <= kills


def test_request_succeeds_with_redis_down_and_mail_goes_once_it_is_back(client, queue, sink):
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    user = MemberFactory().user
    worker_env = {"EMAIL_URL": sink.email_url()}

    with dispatching_to(broker_url=broker, queue=queue):
        started = time.monotonic()
        response = client.post(reverse("account_request_login_code"), {"email": user.email})
        elapsed = time.monotonic() - started

        assert response.status_code == 302
        assert elapsed < 5
        assert OutboxEmail.objects.get().status == OutboxEmail.Status.QUEUED

        redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        worker = start_worker(broker_url=broker, queue=queue, **worker_env)
        try:
            assert wait_for(lambda: _redis_answers(port), timeout=10)
            sweep_outbox.apply_async()
            assert wait_for(lambda: sent_count() == 1, timeout=60)
            sweep_outbox.apply_async()  # a second sweep finds nothing more to send
            time.sleep(1)
        finally:
            stop(worker)
            redis.terminate()
            redis.wait()

    assert [message["To"] for message in sink.messages] == [user.email]


def _redis_answers(port) -> bool:
    import redis

    try:
        return redis.Redis(port=port, socket_timeout=0.5).ping()
    except redis.RedisError:
        return False


def test_smtp_answering_4xx_for_a_while_still_delivers_everything(queue, sink):
    sink.handler.temporary_failures = 30
    OutboxEmail.objects.bulk_create(
        OutboxEmail(kind="notice", to_email=f"q{n}@example.org", language="en", data={})
        for n in range(20)
    )
    broker = os.environ["REDIS_URL"]
    with dispatching_to(broker_url=broker, queue=queue):
        worker = start_worker(broker_url=broker, queue=queue, EMAIL_URL=sink.email_url())
        try:
            dispatch_drains(1)
            assert wait_for(
                lambda: OutboxEmail.objects.filter(status="queued", attempts__gt=0).exists(),
                timeout=30,
            )
            # The retries are due later; bring them forward rather than wait minutes.
            while sent_count() < 20:
                OutboxEmail.objects.filter(status="queued").update(
                    next_attempt_at="2000-01-01T00:00Z"
                )
                sweep_outbox.apply_async()
                assert wait_for(
                    lambda: (
                        not OutboxEmail.objects.filter(
                            status__in=["queued", "sending"],
                            next_attempt_at__lt="2001-01-01T00:00Z",
                        ).exists()
                    ),
                    timeout=30,
                )
        finally:
            stop(worker)

    assert sorted(m["To"] for m in sink.messages) == sorted(f"q{n}@example.org" for n in range(20))


def test_pressing_send_with_redis_down_succeeds_and_the_campaign_goes_out_once_later(
    client, queue, sink
):
    from invitations.campaigns.lifecycle import create_campaign
    from invitations.models import Campaign
    from tests.factories import StaffFactory
    from tests.invitations.factories import LeaverFactory, SegmentFactory

    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    staff = StaffFactory()
    client.force_login(staff)
    segment = SegmentFactory()
    segment.leavers.set(LeaverFactory.create_batch(5))
    campaign = create_campaign(name="Høst", segment=segment, user=staff)

    with dispatching_to(broker_url=broker, queue=queue):
        started = time.monotonic()
        response = client.post(
            reverse("hr_invitations:campaign_control", args=[campaign.pk]),
            {"action": "send_now", "confirm": "1"},
        )
        assert response.status_code == 302
        assert time.monotonic() - started < 5

        redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        worker = start_worker(broker_url=broker, queue=queue, EMAIL_URL=sink.email_url())
        try:
            assert wait_for(lambda: _redis_answers(port), timeout=10)
            # What beat does: start due campaigns, then drain the outbox.
            from invitations.campaigns.tasks import run_campaigns

            run_campaigns.apply_async()
            assert wait_for(lambda: sent_count() == 5, timeout=60), sent_count()
            run_campaigns.apply_async()
            sweep_outbox.apply_async()
            time.sleep(2)
        finally:
            stop(worker)
            redis.terminate()
            redis.wait()

    campaign.refresh_from_db()
    assert campaign.status in (Campaign.Status.SENDING, Campaign.Status.DONE)
    assert len(sink.messages) == 5
