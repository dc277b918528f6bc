"""BENCH campaign_send: the outbox through real workers against a bare smtplib loop.

The outbox sends Django's email message over the backend's connection and
marks each row sent in its own durable commit; the baseline sends the same
bytes, already rendered, with nothing to record.

Both send the same campaign invitations (the default text, personalised, with
join, decline and unsubscribe links) to the same loopback aiosmtpd sink in the
same run. Run with the README's benchmark command (PostgreSQL, Redis).
"""

import multiprocessing
import os
import secrets
import smtplib
import statistics
import time

import psycopg
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from alumni_network.mail import queueing
from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.queueing import BulkEmail, dispatch_drains, queue_emails_bulk
from alumni_network.mail.rendering import TemplateCache, render_message, rendering_batch
from invitations.campaigns.emails import INVITATION_KIND
from invitations.campaigns.lifecycle import create_campaign
from invitations.models import Invitation
from tests.factories import StaffFactory
from tests.invitations.factories import SegmentFactory
from tests.mail_sink import SmtpSink
from tests.workers import dispatching_to, start_worker, stop, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SIZE = int(os.environ.get("BENCH_CAMPAIGN_SIZE", 20_000))
BUILD_SIZE = int(os.environ.get("BENCH_OUTBOX_BUILD_SIZE", 100_000))
RUNS = int(os.environ.get("BENCH_RUNS", 3))


@pytest.fixture
def campaign():
    """A campaign with the default text (every placeholder in it), as HR creates one."""
    coordinator = StaffFactory(email="hanne@fjordvik.example")
    return create_campaign(name="Høst", segment=SegmentFactory(), user=coordinator)


def campaign_rows(campaign, count, *, offset=0):
    """The outbox rows start_campaign writes: one invitation email per recipient."""
    invitation_type = ContentType.objects.get_for_model(Invitation)
    return [
        OutboxEmail(
            kind=INVITATION_KIND,
            to_email=f"alumnus{offset + n}@example.org",
            language="nb" if n % 4 else "en",
            bulk=True,
            content_type=invitation_type,
            object_id=offset + n + 1,
            data={
                "campaign": campaign.pk,
                "leaver": offset + n + 1,
                "first_name": f"Kari{n}",
                "years": 1 + n % 30,
            },
            reply_to=campaign.reply_address(),
        )
        for n in range(count)
    ]


def rendered(campaign, count) -> list[tuple[str, bytes]]:
    """The bytes Django's SMTP backend sends for each row, rendered before any clock starts."""
    templates = TemplateCache()
    with rendering_batch():  # as a worker renders a batch
        return [
            (
                row.to_email,
                render_message(row, templates=templates).message().as_bytes(linesep="\r\n"),
            )
            for row in campaign_rows(campaign, count, offset=10_000_000)
        ]


def bare_smtplib_rate(sink, payloads) -> float:
    """Messages/s of pre-rendered messages over one reused connection."""
    count = len(payloads)
    sink.messages.clear()
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
        for to_email, payload in payloads:
            smtp.sendmail("alumni@fjordvik.example", [to_email], payload)
    return count / (time.perf_counter() - started)


def _send_share(port, payloads, barrier) -> None:
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        barrier.wait()
        for to_email, payload in payloads:
            smtp.sendmail("alumni@fjordvik.example", [to_email], payload)


def sink_capacity(sink, payloads, *, clients) -> float:
    """Messages/s the sink takes from `clients` bare smtplib processes at once.

    What two outbox workers could reach at best here: the sink is one Python
    thread, and it shares the machine with the workers and PostgreSQL.
    """
    count = len(payloads)
    sink.messages.clear()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(clients + 1)
    processes = [
        context.Process(target=_send_share, args=(sink.port, payloads[n::clients], barrier))
        for n in range(clients)
    ]
    for process in processes:
        process.start()
    barrier.wait()
    started = time.perf_counter()
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started
    assert len(sink.messages) == count
    return count / elapsed


def outbox_rate(sink, campaign, count, *, workers) -> float:
    """Messages/s from dispatching the drains until every row is sent."""
    OutboxEmail.objects.all().delete()
    OutboxEmail.objects.bulk_create(campaign_rows(campaign, count), batch_size=5000)
    sink.messages.clear()  # a sink holding 100k parsed messages slows down as its heap grows
    queue = f"bench-{secrets.token_hex(4)}"
    broker = os.environ["REDIS_URL"]
    with dispatching_to(broker_url=broker, queue=queue):
        processes = [
            # DEBUG off as in every deployment: no query log, no template debug info.
            start_worker(broker_url=broker, queue=queue, EMAIL_URL=sink.email_url(), DEBUG=0)
            for _ in range(workers)
        ]
        try:
            time.sleep(4)  # let the workers boot before the clock starts
            started = time.perf_counter()
            dispatch_drains(workers)
            done = wait_for(
                lambda: not OutboxEmail.objects.filter(status__in=["queued", "sending"]).exists(),
                timeout=900,
                interval=0.1,
            )
            elapsed = time.perf_counter() - started
        finally:
            for process in processes:
                stop(process)
    assert done
    assert OutboxEmail.objects.filter(status="sent").count() == count
    assert len(sink.messages) == count
    return count / elapsed


def test_bench_campaign_send(campaign):
    """Each run measures the baseline next to the outbox; the ratios are the runs' medians.

    The machine is shared, so a baseline taken minutes away from the figure it
    divides would mostly measure the neighbours' load.
    """
    payloads = rendered(campaign, SIZE)
    with SmtpSink() as sink:
        baselines, single, double, capacity = [], [], [], []
        for _ in range(RUNS):
            baselines.append(bare_smtplib_rate(sink, payloads))
            single.append(outbox_rate(sink, campaign, SIZE, workers=1))
            double.append(outbox_rate(sink, campaign, SIZE, workers=2))
            capacity.append(sink_capacity(sink, payloads[: SIZE // 4], clients=2))
    runs = list(zip(baselines, single, double, capacity, strict=True))
    ratio = statistics.median(one / base for base, one, _two, _cap in runs)
    ratio_two = statistics.median(two / base for base, _one, two, _cap in runs)
    ratio_sink = statistics.median(cap / base for base, _one, _two, cap in runs)
    baseline = statistics.median(baselines)
    print(
        f"BENCH campaign_send ratio={ratio:.3f} target=0.4 "
        f"outbox {statistics.median(single):.0f} msg/s with 1 worker process vs bare smtplib "
        f"{baseline:.0f} msg/s, {SIZE} campaign invitations, median of {RUNS} runs "
        f"(per-run ratios {', '.join(f'{one / base:.2f}' for base, one, _t, _c in runs)})"
    )
    print(
        f"BENCH campaign_send_two_workers ratio={ratio_two:.3f} target=1.5 "
        f"outbox {statistics.median(double):.0f} msg/s with 2 worker processes vs bare smtplib "
        f"{baseline:.0f} msg/s, {SIZE} campaign invitations, median of {RUNS} runs; the sink "
        f"itself takes at most {statistics.median(capacity):.0f} msg/s ({ratio_sink:.2f}x the "
        f"baseline) from two bare smtplib processes on this {os.cpu_count()}-core machine"
        + (", so 1.5x is out of reach here whatever the outbox does" if ratio_sink < 1.5 else "")
    )


def copy_rate(count) -> float:
    """Rows/s of a raw psycopg COPY of the same columns into an UNLOGGED table."""
    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432
    ) as raw:
        raw.execute(
            "CREATE UNLOGGED TABLE IF NOT EXISTS bench_outbox_copy "
            "(to_email text, kind text, language text, bulk boolean, data jsonb, status text)"
        )
        raw.execute("TRUNCATE bench_outbox_copy")
        started = time.perf_counter()
        with raw.cursor().copy(
            "COPY bench_outbox_copy (to_email, kind, language, bulk, data, status) FROM STDIN"
        ) as copy:
            for n in range(count):
                copy.write_row(
                    (
                        f"alumnus{n}@example.org",
                        "hr_message",
                        "nb",
                        True,
                        '{"subject": "x"}',
                        "queued",
                    )
                )
        elapsed = time.perf_counter() - started
        raw.execute("DROP TABLE bench_outbox_copy")
    return count / elapsed


def test_bench_outbox_build(monkeypatch):
    # Only the rows are measured: no drain is dispatched to a worker here.
    monkeypatch.setattr(queueing, "schedule_drain", lambda **kwargs: None)
    ours, copies = [], []
    for _ in range(RUNS):
        OutboxEmail.objects.all().delete()
        emails = [
            BulkEmail(
                to=f"alumnus{n}@example.org",
                language="nb",
                data={"subject": "Invitasjon"},
                dedupe_key=f"bench:{n}",
            )
            for n in range(BUILD_SIZE)
        ]
        started = time.perf_counter()
        with transaction.atomic():
            queue_emails_bulk(kind="hr_message", emails=emails)
        ours.append(BUILD_SIZE / (time.perf_counter() - started))
        copies.append(copy_rate(BUILD_SIZE))
    rate = statistics.median(ours)
    print(
        f"BENCH campaign_outbox_build ratio={rate / statistics.median(copies):.3f} target=0.2 "
        f"{BUILD_SIZE} outbox rows in {BUILD_SIZE / rate:.1f} s ({rate:.0f} rows/s) vs raw COPY "
        f"{statistics.median(copies):.0f} rows/s, median of {RUNS}"
    )
