from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

from alumni_network.tasks import record_heartbeat


def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


def test_healthz_answers_503_when_the_database_is_down(client, db, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(BaseDatabaseWrapper, "cursor", refuse)
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["database"]["ok"] is False


def test_healthz_shows_the_last_worker_heartbeat(client, db):
    seen = record_heartbeat.delay(source="test").get()

    assert client.get("/healthz").json()["worker"] == {"at": seen, "source": "test"}


def test_healthz_reports_a_broker_that_does_not_answer(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    body = client.get("/healthz").json()

    assert body["status"] == "degraded"
    assert body["broker"]["ok"] is False
