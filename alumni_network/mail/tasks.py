"""The outbox's background work: the drain after a commit and the beat's sweep."""

import logging

from celery import shared_task

from .models import OutboxEmail
from .queueing import dispatch_drains
from .sending import drain, release_stuck

logger = logging.getLogger(__name__)


@shared_task(name="mail.drain_outbox", ignore_result=True)
def drain_outbox(*, batch_size: int | None = None) -> dict[str, int]:
    return drain(batch_size=batch_size)


@shared_task(name="mail.sweep_outbox", ignore_result=True)
def sweep_outbox() -> None:
    """Every minute: hand back rows a dead worker left, and drain what a lost task missed."""
    released = release_stuck()
    if released:
        logger.warning("Handed back %s outbox emails stuck in sending", released)
    if OutboxEmail.objects.due().exists():
        dispatch_drains(1)
