"""Real Celery worker processes for fault tests, each on a queue of its own."""

import os
import secrets
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from alumni_network.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def shared_database_url() -> str:
    """The URL of the database this test runs on, for a worker to share it."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(*, broker_url: str, queue: str, **env) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "alumni_network",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
            "--hostname",
            f"{queue}-{secrets.token_hex(3)}@%h",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DEBUG": "1",
            "REDIS_URL": broker_url,
            "CELERY_QUEUE": queue,
            "DATABASE_URL": shared_database_url(),
            **{k: str(v) for k, v in env.items()},
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def reset_producer_pools() -> None:
    # kombu keeps a pool per broker URL; dropping Celery's references makes the
    # next send pick the pool of the URL now configured.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def dispatching_to(*, broker_url: str, queue: str):
    """Send tasks from this test process to a real broker and queue."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_default_queue, conf.task_always_eager
    conf.broker_url, conf.task_default_queue, conf.task_always_eager = broker_url, queue, False
    reset_producer_pools()
    try:
        yield
    finally:
        conf.broker_url, conf.task_default_queue, conf.task_always_eager = saved
        reset_producer_pools()


def wait_for(condition, *, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()
