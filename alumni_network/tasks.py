"""Background tasks that belong to the site as a whole."""

import logging

from celery import shared_task

from .health import record_worker_heartbeat

logger = logging.getLogger(__name__)


@shared_task(name="alumni_network.record_heartbeat")
def record_heartbeat(*, source: str = "beat") -> str:
    """Note that a worker is alive, so /healthz can tell when it last ran."""
    seen = record_worker_heartbeat(source=source)
    logger.debug("worker heartbeat from %s at %s", source, seen)
    return seen
