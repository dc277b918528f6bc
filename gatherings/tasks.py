"""Background work of gatherings."""

import logging

from celery import shared_task

from . import reminders
from .aftermath import follow_ups

logger = logging.getLogger(__name__)


@shared_task(name="gatherings.send_reminders")
def send_reminders() -> dict[str, int]:
    counts = reminders.send_due_reminders()
    logger.info("gathering reminders queued: %s", counts)
    return counts


@shared_task(name="gatherings.send_follow_ups")
def send_follow_ups() -> dict[str, int]:
    """The day-after emails of gatherings that ended; safe to run as often as beat likes."""
    counts = follow_ups.send_due_follow_ups()
    logger.info("gathering follow-ups queued: %s", counts)
    return counts
