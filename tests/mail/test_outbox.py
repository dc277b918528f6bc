"""The outbox: every email is a row, sent once, retried only when worth it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from alumni_network.mail.models import OutboxEmail, Suppression
from alumni_network.mail.queueing import BulkEmail, queue_email, queue_emails_bulk
from alumni_network.mail.sending import MAX_ATTEMPTS, claim_batch, drain, release_stuck, send_batch
from alumni_network.mail.suppression import suppress_email
from alumni_network.mail.tasks import drain_outbox
from tests.mail_sink import SentCountingSmtpBackend

pytestmark = pytest.mark.django_db


def queue_message(to="kari@example.org", kind="hr_message", language="nb", **data):
    return queue_email(
        kind=kind,
        to=to,
        language=language,
        data={"subject": "Sommerfest", "body": "Hei!\n\nVelkommen.", **data},
    )


def test_queued_email_is_sent_after_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue_message()
        assert mail.outbox == []

    row.refresh_from_db()
    assert row.status == OutboxEmail.Status.SENT
    assert [message.to for message in mail.outbox] == [["kari@example.org"]]
    assert row.provider_message_id == mail.outbox[0].extra_headers["Message-ID"]


def test_rolled_back_event_sends_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue_message()
        raise RuntimeError("the event failed")

    assert OutboxEmail.objects.count() == 0
    assert mail.outbox == []


def test_one_drain_is_dispatched_per_transaction(django_capture_on_commit_callbacks, monkeypatch):
    dispatched = []
    monkeypatch.setattr(drain_outbox, "apply_async", lambda **options: dispatched.append(options))

    with django_capture_on_commit_callbacks(execute=True):
        queue_message(to="a@example.org")
        queue_message(to="b@example.org")

    assert dispatched == [{"retry": False}]


def test_a_rolled_back_transaction_leaves_its_drain_to_the_next_commit(
    django_capture_on_commit_callbacks, monkeypatch
):
    dispatched = []
    monkeypatch.setattr(drain_outbox, "apply_async", lambda **options: dispatched.append(options))
    with django_capture_on_commit_callbacks(execute=False):
        queue_message(to="a@example.org")  # its transaction never commits

    with django_capture_on_commit_callbacks(execute=True):
        queue_message(to="b@example.org")

    assert dispatched == [{"retry": False}]


def test_sent_row_is_never_sent_again():
    row = queue_message()
    drain()
    OutboxEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())

    drain()

    assert len(mail.outbox) == 1


def test_bulk_email_to_a_suppressed_address_is_recorded_not_sent():
    suppress_email(email=" KARI@example.org ", reason=Suppression.Reason.OPTED_OUT)

    row = queue_message(to="kari@example.org")
    drain()

    row.refresh_from_db()
    assert row.status == OutboxEmail.Status.SUPPRESSED
    assert mail.outbox == []


def test_address_suppressed_after_queueing_is_not_sent():
    row = queue_message(to="kari@example.org")
    suppress_email(email="kari@example.org", reason=Suppression.Reason.BOUNCED)

    drain()

    row.refresh_from_db()
    assert row.status == OutboxEmail.Status.SUPPRESSED
    assert mail.outbox == []


def test_transactional_email_still_reaches_an_unsubscribed_address():
    suppress_email(email="kari@example.org", reason=Suppression.Reason.OPTED_OUT)

    queue_message(kind="notice")
    drain()

    assert len(mail.outbox) == 1


def test_bulk_email_carries_one_click_unsubscribe_headers():
    queue_message()
    drain()

    headers = mail.outbox[0].extra_headers
    assert headers["List-Unsubscribe"].startswith("<http")
    assert "/unsubscribe/" in headers["List-Unsubscribe"]
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_transactional_email_has_no_unsubscribe_header():
    queue_message(kind="notice")
    drain()

    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers


def test_email_has_html_with_inlined_css_and_a_text_alternative(settings):
    queue_message()
    drain()

    message = mail.outbox[0]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<style" not in html
    assert 'style="' in html
    assert "Velkommen." in message.body
    assert message.reply_to == [settings.NETWORK_CONTACT_EMAIL]


def test_an_address_in_a_message_is_a_link_in_its_html():
    queue_message(body="Se sakslisten:\n\nhttps://alumni.fjordvik.example/gatherings/3/")
    drain()

    html, _mimetype = mail.outbox[0].alternatives[0]
    assert 'href="https://alumni.fjordvik.example/gatherings/3/"' in html


@pytest.mark.parametrize(
    ("language", "footer"),
    [("nb", "Meld deg av disse e-postene"), ("en", "Unsubscribe from these emails")],
)
def test_email_is_rendered_in_the_recipients_language(language, footer):
    queue_message(language=language)
    drain()

    assert footer in mail.outbox[0].alternatives[0][0]


def test_dedupe_key_makes_queueing_idempotent():
    first = queue_email(kind="notice", to="a@example.org", language="nb", dedupe_key="k1")
    second = queue_email(kind="notice", to="a@example.org", language="nb", dedupe_key="k1")

    assert first.pk == second.pk
    assert OutboxEmail.objects.count() == 1


def test_claimed_rows_are_not_claimed_twice():
    for n in range(3):
        queue_message(to=f"p{n}@example.org")

    first = claim_batch(size=2)
    second = claim_batch(size=2)

    assert len(first) == 2
    assert len(second) == 1
    assert {row.pk for row in first}.isdisjoint({row.pk for row in second})


def test_row_stuck_in_sending_is_handed_back_by_the_sweep():
    row = queue_message()
    claim_batch(size=10)
    OutboxEmail.objects.filter(pk=row.pk).update(claimed_at=timezone.now() - timedelta(hours=1))

    assert release_stuck() == 1
    drain()

    row.refresh_from_db()
    assert row.status == OutboxEmail.Status.SENT


def test_temporary_smtp_failure_is_retried_later(smtp_sink):
    smtp_sink.handler.temporary_failures = 1
    row = queue_message()

    drain()
    row.refresh_from_db()
    assert row.status == OutboxEmail.Status.QUEUED
    assert row.next_attempt_at > timezone.now()
    assert "451" in row.last_error

    OutboxEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    drain()
    row.refresh_from_db()
    assert row.status == OutboxEmail.Status.SENT
    assert len(smtp_sink.messages) == 1


def test_permanent_failure_marks_only_that_row_failed(smtp_sink):
    smtp_sink.handler.refused = {"gone@example.org"}
    rows = [queue_message(to=to) for to in ("a@example.org", "gone@example.org", "b@example.org")]

    drain()

    statuses = {row.to_email: row.status for row in OutboxEmail.objects.all()}
    assert statuses == {
        "a@example.org": "sent",
        "gone@example.org": "failed",
        "b@example.org": "sent",
    }
    assert "550" in OutboxEmail.objects.get(pk=rows[1].pk).last_error
    assert sorted(m["To"] for m in smtp_sink.messages) == ["a@example.org", "b@example.org"]


def test_smtp_that_keeps_failing_gives_up_after_max_attempts(smtp_sink):
    smtp_sink.handler.temporary_failures = 10_000
    row = queue_message()

    for _ in range(MAX_ATTEMPTS):
        OutboxEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        send_batch(claim_batch(size=1))

    row.refresh_from_db()
    assert row.status == OutboxEmail.Status.FAILED
    assert row.attempts == MAX_ATTEMPTS


def test_unreachable_smtp_server_is_a_temporary_failure(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    row = queue_message()

    drain()

    row.refresh_from_db()
    assert row.status == OutboxEmail.Status.QUEUED
    assert row.attempts == 1


def test_each_committed_transaction_gets_its_own_drain(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_message(to="first@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        queue_message(to="second@example.org")

    assert sorted(message.to[0] for message in mail.outbox) == [
        "first@example.org",
        "second@example.org",
    ]


def test_over_smtp_each_email_goes_out_only_after_the_one_before_is_marked_sent(
    smtp_sink, settings
):
    """What bounds the doubles of a killed worker to one: a send waits for the last mark."""
    settings.EMAIL_BACKEND = "tests.mail_sink.SentCountingSmtpBackend"
    SentCountingSmtpBackend.sent_rows_seen = []
    for n in range(6):
        queue_message(to=f"p{n}@example.org")

    drain()

    assert SentCountingSmtpBackend.sent_rows_seen == [0, 1, 2, 3, 4, 5]
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count() == 6
    assert len(smtp_sink.messages) == 6


def test_email_over_smtp_has_headers_text_and_inlined_html(smtp_sink, settings):
    settings.NETWORK_CONTACT_EMAIL = "kontakt@fjordvik.example"
    queue_message(subject="Sommerfest på Aker Brygge – velkommen")

    drain()

    [message] = smtp_sink.messages
    assert message["Subject"] == "Sommerfest på Aker Brygge – velkommen"
    assert message["To"] == "kari@example.org"
    assert message["Reply-To"] == "kontakt@fjordvik.example"
    assert message["List-Unsubscribe"].strip().startswith("<http")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    assert "Velkommen." in message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Velkommen." in html
    assert 'style="' in html
    assert "<style" not in html


@pytest.mark.postgres
def test_bulk_queueing_records_suppressed_addresses_and_skips_known_dedupe_keys():
    suppress_email(email="Nei@Example.org", reason=Suppression.Reason.OPTED_OUT)
    emails = [
        BulkEmail(to=to, language="en", data={"subject": "Hei"}, dedupe_key=f"bulk:{to}")
        for to in ("ja@example.org", "nei@example.org")
    ]

    with transaction.atomic():
        queue_emails_bulk(kind="hr_message", emails=emails)
        queue_emails_bulk(kind="hr_message", emails=emails)

    assert dict(OutboxEmail.objects.values_list("to_email", "status")) == {
        "ja@example.org": "queued",
        "nei@example.org": "suppressed",
    }
    row = OutboxEmail.objects.get(to_email="ja@example.org")
    assert (row.language, row.data, row.bulk, row.attempts) == ("en", {"subject": "Hei"}, True, 0)
