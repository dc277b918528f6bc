"""A real Celery worker process consumes a task through Redis."""

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache.backends.redis import RedisCache

from alumni_network.celery import app as celery_app
from alumni_network.health import HEARTBEAT_CACHE_KEY
from alumni_network.tasks import record_heartbeat

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def worker():
    """A worker process on the REDIS_URL broker, stopped after the test."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "alumni_network",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            f"smoke-{secrets.token_hex(4)}@%h",
        ],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def not_eager():
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


@pytest.mark.worker
def test_worker_consumes_a_task_through_redis(worker, not_eager):
    source = f"smoke-{secrets.token_hex(6)}"
    shared_cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "alumni"})

    record_heartbeat.apply_async(kwargs={"source": source})

    deadline = time.monotonic() + 60
    seen = None
    while time.monotonic() < deadline and worker.poll() is None:
        seen = shared_cache.get(HEARTBEAT_CACHE_KEY)
        if seen and seen["source"] == source:
            break
        time.sleep(0.25)
    assert worker.poll() is None, worker.stdout.read()
    assert seen is not None and seen["source"] == source
