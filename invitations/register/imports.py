"""A register import's steps: upload, preview, commit, and its progress while a worker runs it."""

import logging
from pathlib import Path

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import RegisterImport
from .engine import run_import
from .files import FileUnreadable
from .mapping import (
    clean_mapping,
    initial_mapping,
    read_headers,
    remember_mapping,
)
from .results import store_result

logger = logging.getLogger(__name__)


# The wizard's steps ----------------------------------------------------------------------


def progress_key(register_import_id: int) -> str:
    return f"invitations:register-import:{register_import_id}:progress"


def start_import(*, uploaded_file, user) -> RegisterImport:
    """Keep an uploaded file and read its header row; raises FileUnreadable (and keeps nothing)."""
    register_import = RegisterImport(
        file_name=Path(uploaded_file.name).name[:255], uploaded_by=user
    )
    register_import.file.save(register_import.file_name, uploaded_file, save=False)
    try:
        headers, notes = read_headers(
            register_import.file.path, file_name=register_import.file_name
        )
    except FileUnreadable:
        register_import.file.delete(save=False)
        raise
    mapping, _remembered = initial_mapping(headers)
    register_import.headers = headers
    register_import.mapping = mapping
    register_import.report = {"notes": notes}
    register_import.save()
    return register_import


def request_preview(*, register_import_id: int, mapping: list[str]) -> bool:
    """Move an import waiting for its mapping (or being remapped) to previewing, once.

    Saves and remembers the mapping; the rows are checked by a task queued after the commit.
    """
    from .tasks import preview_register_import

    headers = (
        RegisterImport.objects.filter(pk=register_import_id)
        .values_list("headers", flat=True)
        .first()
    )
    if headers is None:
        return False
    mapping = clean_mapping(headers, mapping)
    with transaction.atomic():
        claimed = RegisterImport.objects.filter(
            pk=register_import_id,
            status__in=[RegisterImport.Status.PENDING, RegisterImport.Status.PREVIEWED],
        ).update(
            status=RegisterImport.Status.PREVIEWING, mapping=mapping, processed_rows=0, failure=""
        )
        if claimed:
            remember_mapping(headers=headers, mapping=mapping)
            transaction.on_commit(
                lambda: preview_register_import.delay(register_import_id=register_import_id)
            )
    return bool(claimed)


def preview_import(*, register_import: RegisterImport, on_progress=None) -> RegisterImport:
    """Check every row against the register without writing, with the import's mapping."""
    try:
        result = run_import(
            path=register_import.file.path,
            file_name=register_import.file_name,
            mapping=register_import.mapping,
            commit=False,
            on_progress=_progress_reporter(register_import.pk, on_progress),
        )
    except Exception as error:
        return _fail(
            register_import,
            error,
            step="preview",
            unexpected=_("The check stopped on an unexpected error; nothing was saved."),
        )
    finally:
        _forget_progress(register_import.pk)
    store_result(register_import, result)
    register_import.status = RegisterImport.Status.PREVIEWED
    register_import.save()
    return register_import


def request_commit(*, register_import_id: int) -> bool:
    """Move a previewed import to committing, once; the task is queued after the commit."""
    from .tasks import commit_register_import

    with transaction.atomic():
        claimed = RegisterImport.objects.filter(
            pk=register_import_id, status=RegisterImport.Status.PREVIEWED
        ).update(status=RegisterImport.Status.COMMITTING, processed_rows=0)
        if claimed:
            transaction.on_commit(
                lambda: commit_register_import.delay(register_import_id=register_import_id)
            )
    return bool(claimed)


def commit_import(*, register_import: RegisterImport, on_progress=None) -> RegisterImport:
    """Write the file for real, all or nothing; a failure leaves the register as it was."""
    try:
        run_import(
            path=register_import.file.path,
            file_name=register_import.file_name,
            mapping=register_import.mapping,
            commit=True,
            register_import=register_import,
            on_progress=_progress_reporter(register_import.pk, on_progress),
        )
    except Exception as error:
        return _fail(
            register_import,
            error,
            step="commit",
            unexpected=_("The import stopped on an unexpected error; nothing was changed."),
        )
    finally:
        _forget_progress(register_import.pk)
    # The register now holds what HR needs; the uploaded copy of the file is personal
    # data with no further use (the error rows are kept in the report).
    register_import.file.delete(save=True)
    return register_import


# Progress and failure, shared by the preview and the commit ----------------------------


def _progress_reporter(register_import_id: int, on_progress=None):
    """Rows done so far go to the cache, where the page's progress bar reads them."""
    key = progress_key(register_import_id)

    def progress(rows: int) -> None:
        cache.set(key, rows, timeout=3600)
        if on_progress:
            on_progress(rows)

    return progress


def _forget_progress(register_import_id: int) -> None:
    cache.delete(progress_key(register_import_id))


def _fail(
    register_import: RegisterImport, error: Exception, *, step: str, unexpected: str
) -> RegisterImport:
    """Record why the step stopped: the file's problem as it is, anything else as `unexpected`."""
    unreadable = isinstance(error, FileUnreadable)
    RegisterImport.objects.filter(pk=register_import.pk).update(
        status=RegisterImport.Status.FAILED,
        failure=str(error) if unreadable else unexpected,
        finished_at=timezone.now(),
    )
    register_import.refresh_from_db()
    if not unreadable:
        # Recorded on the import for the coordinator; the traceback goes to the log.
        logger.error(
            "Register import %s failed in its %s", register_import.pk, step, exc_info=error
        )
    return register_import


def current_progress(register_import: RegisterImport) -> int:
    """Rows read so far by the preview or the commit running now."""
    return cache.get(progress_key(register_import.pk), register_import.processed_rows)
