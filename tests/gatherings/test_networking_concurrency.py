"""Two generations of the same gathering's tasks at once (the button and the door closing)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from gatherings.models import NetworkingPick, NetworkingTask
from gatherings.networking.generation import generate_tasks

from .factories import GatheringFactory, RsvpFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_generations_do_not_collide():
    gathering = GatheringFactory()
    for _ in range(20):
        RsvpFactory(gathering=gathering, answer="yes", checked_in_at=timezone.now())
    start = threading.Barrier(4)
    errors = []

    def generate():
        try:
            start.wait()
            generate_tasks(gathering=gathering)
        except Exception as error:  # noqa: BLE001 - any failure fails the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=generate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert NetworkingTask.objects.filter(gathering=gathering).count() == 20
    # Nobody knows anyone here: each task is its two new people, written once.
    assert NetworkingPick.objects.filter(task__gathering=gathering).count() == 20 * 2
