"""Celery tasks of joining."""

import logging

from celery import shared_task

from .announcements import announce_join_requests

logger = logging.getLogger(__name__)


@shared_task(name="invitations.announce_join_requests")
def announce_join_requests_task() -> int:
    """Every few minutes (beat): HR's digest of the requests to join that came in."""
    announced = announce_join_requests()
    if announced:
        logger.info("Announced %s requests to join to HR", len(announced))
    return len(announced)
