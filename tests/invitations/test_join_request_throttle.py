"""Asking to join is rate-limited, and HR hears of new requests in one digest."""

import logging
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.sending import drain
from invitations.joining.announcements import announce_join_requests
from invitations.models import JoinRequest

pytestmark = pytest.mark.django_db

TOO_MANY = "We have received several requests from you in a short time."


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def ask(client, n: int, *, email: str | None = None, ip: str = "203.0.113.7"):
    data = {
        "name": f"Person{n} Nordmann",
        "email": email or f"person{n}@example.org",
        "years": "2010–2018",
        "department": "Drift",
    }
    return client.post(reverse("invitations:join_request"), data, REMOTE_ADDR=ip)


def test_thirty_requests_from_one_client_are_limited_and_hr_gets_one_digest(client, settings):
    responses = [ask(client, n) for n in range(30)]

    assert [r.status_code for r in responses] == [302] * 10 + [429] * 20
    assert TOO_MANY in responses[-1].content.decode()
    assert JoinRequest.objects.count() == 10
    assert OutboxEmail.objects.count() == 0  # nothing per request

    announce_join_requests()
    drain()

    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert (digest.to, digest.subject) == (
        [settings.NETWORK_CONTACT_EMAIL],
        "10 new requests to join",
    )
    listed = [line for line in digest.body.splitlines() if line.startswith("- Person")]
    assert [line.split(" (")[0] for line in listed] == [f"- Person{n} Nordmann" for n in range(10)]


def test_a_first_request_from_a_client_is_never_limited(client):
    for n in range(10):
        ask(client, n)

    response = ask(client, 99, ip="198.51.100.1")

    assert response.status_code == 302
    assert JoinRequest.objects.filter(email="person99@example.org").exists()


def test_one_address_is_limited_whatever_the_client(client):
    codes = [
        ask(client, 1, email="kari@example.org", ip=f"198.51.100.{n}").status_code for n in range(4)
    ]

    assert codes == [302, 302, 302, 429]
    assert JoinRequest.objects.count() == 1


def test_an_invalid_form_is_not_counted(client):
    for _ in range(15):
        client.post(reverse("invitations:join_request"), {"name": "Ola"}, REMOTE_ADDR="203.0.113.7")

    assert ask(client, 1).status_code == 302


def test_requests_go_through_while_the_cache_is_down(client, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "alumni_network.rate_limit_cache.LoginSafeRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    caplog.set_level(logging.WARNING)

    response = ask(client, 1)

    assert response.status_code == 302
    assert JoinRequest.objects.count() == 1
    assert "rate limit 'join_request' not applied" in caplog.text


def test_the_digest_lists_each_request_once(client):
    for n in range(3):
        ask(client, n)

    first = announce_join_requests()
    again = announce_join_requests()
    ask(client, 3)
    later = announce_join_requests()

    assert (len(first), again, len(later)) == (3, [], 1)
    assert OutboxEmail.objects.filter(kind="join_requests_digest").count() == 2
    assert not JoinRequest.objects.filter(announced_at__isnull=True).exists()


def test_a_request_decided_before_the_digest_is_not_announced(client):
    ask(client, 1)
    JoinRequest.objects.update(status=JoinRequest.Status.REJECTED, decided_at="2026-12-01T10:00Z")

    assert announce_join_requests() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_announce_each_request_exactly_once(client):
    for n in range(10):
        ask(client, n)
    barrier = threading.Barrier(4)
    announced: list[list[int]] = []

    def worker():
        barrier.wait()
        try:
            announced.append(announce_join_requests())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(pk for ids in announced for pk in ids) == sorted(
        JoinRequest.objects.values_list("pk", flat=True)
    )
    digests = OutboxEmail.objects.filter(kind="join_requests_digest")
    assert sum(len(row.data["join_request_ids"]) for row in digests) == 10
