"""Background work of the register: preview and commit of an import, retention, old uploads."""

import logging

from celery import shared_task

from ..models import RegisterImport
from .imports import commit_import, preview_import

logger = logging.getLogger(__name__)


@shared_task(name="invitations.preview_register_import")
def preview_register_import(*, register_import_id: int) -> None:
    register_import = RegisterImport.objects.filter(
        pk=register_import_id, status=RegisterImport.Status.PREVIEWING
    ).first()
    if register_import is None:
        logger.info(
            "Register import %s is gone or not previewing; nothing to do", register_import_id
        )
        return
    preview_import(register_import=register_import)


@shared_task(name="invitations.commit_register_import")
def commit_register_import(*, register_import_id: int) -> None:
    register_import = RegisterImport.objects.filter(
        pk=register_import_id, status=RegisterImport.Status.COMMITTING
    ).first()
    if register_import is None:
        logger.info(
            "Register import %s is gone or not committing; nothing to do", register_import_id
        )
        return
    commit_import(register_import=register_import)


@shared_task(name="invitations.purge_unanswered_leavers")
def purge_unanswered_leavers() -> int:
    """Daily: delete leavers whose retention period ran out without an answer."""
    from .retention import purge_unanswered

    purged = purge_unanswered()
    logger.info("Purged %s unanswered leavers past their retention period", purged)
    return purged


@shared_task(name="invitations.forget_abandoned_imports")
def forget_abandoned_imports_task() -> int:
    """Daily: delete uploaded register files that were never imported."""
    from .retention import forget_abandoned_imports

    forgotten = forget_abandoned_imports()
    logger.info("Deleted %s abandoned register uploads", forgotten)
    return forgotten
