"""Background work of gatherings."""

import logging

from celery import shared_task

from . import reminders

logger = logging.getLogger(__name__)


@shared_task(name="gatherings.send_reminders")
def send_reminders() -> dict[str, int]:
    counts = reminders.send_due_reminders()
    logger.info("gathering reminders queued: %s", counts)
    return counts
