"""50 simultaneous Yes answers for the last 10 seats, against a live server on PostgreSQL.

The control run sends the same burst to a server whose seat decision is the
racy read-decide-write defined here, to show the burst does race.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.urls import reverse

from gatherings import rsvp as rsvp_module
from gatherings.models import Gathering, Rsvp

from .factories import GatheringFactory, RsvpFactory

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SEATS_TAKEN, SEATS_LEFT, BURST = 30, 10, 50


def burst_of_yes(live_server) -> tuple[int, int, list[int], int]:
    """Fill all but SEATS_LEFT seats, POST BURST Yes at once.

    Returns (confirmed, waiting, statuses, the gathering's seat counter).
    """
    gathering = GatheringFactory(capacity=SEATS_TAKEN + SEATS_LEFT, ask_dietary=False)
    for rsvp in RsvpFactory.create_batch(SEATS_TAKEN, gathering=gathering):
        rsvp_module.record_answer(rsvp=rsvp, answer="yes")
    paths = [
        reverse("gatherings:rsvp", kwargs={"token": rsvp_module.make_token(rsvp=rsvp)})
        for rsvp in (RsvpFactory(gathering=gathering) for _ in range(BURST))
    ]
    connection.close()  # the server threads use their own connections
    address = urlsplit(live_server.url)
    start = threading.Barrier(BURST)

    def answer(path: str) -> int:
        http = HTTPConnection(address.hostname, address.port, timeout=60)
        # GET first, for the CSRF cookie and token a browser would have.
        http.request("GET", path)
        response = http.getresponse()
        page = response.read().decode()
        cookie = response.getheader("Set-Cookie", "").split(";")[0]
        token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        start.wait()
        http.request(
            "POST",
            path,
            body=f"csrfmiddlewaretoken={token}&answer=yes",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        )
        status = http.getresponse().status
        http.close()
        return status

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        statuses = list(pool.map(answer, paths))

    answers = Rsvp.objects.filter(gathering=gathering, answer="yes")
    confirmed = answers.filter(waitlist_position__isnull=True).count() - SEATS_TAKEN
    waiting = answers.filter(waitlist_position__isnull=False).count()
    gathering.refresh_from_db()
    return confirmed, waiting, statuses, gathering.seats_taken


def test_burst_of_yes_fills_exactly_the_free_seats(live_server):
    confirmed, waiting, statuses, seats_taken = burst_of_yes(live_server)

    assert statuses == [200] * BURST
    assert (confirmed, waiting) == (SEATS_LEFT, BURST - SEATS_LEFT)
    assert seats_taken == SEATS_TAKEN + SEATS_LEFT


def racy_take_free_seat(gathering_id: int, now) -> bool:
    """The seat decision without the conditional UPDATE: read the counter, decide, write back."""
    taken, capacity = Gathering.objects.values_list("seats_taken", "capacity").get(pk=gathering_id)
    if taken >= capacity:
        return False
    Gathering.objects.filter(pk=gathering_id).update(seats_taken=taken + 1)
    return True


def test_with_a_read_decide_write_seat_the_burst_overbooks(live_server, monkeypatch):
    # The control run: the same burst, the seat taken by read-decide-write.
    monkeypatch.setattr(rsvp_module, "_take_free_seat", racy_take_free_seat)

    confirmed, _waiting, statuses, _seats_taken = burst_of_yes(live_server)

    print(f"control run with read-decide-write: {confirmed} confirmed for {SEATS_LEFT} seats")
    # Requests read the seat counter before others wrote it back: more Yes
    # answers got a seat than there were seats (lost updates of the counter).
    assert confirmed > SEATS_LEFT, (confirmed, statuses)
