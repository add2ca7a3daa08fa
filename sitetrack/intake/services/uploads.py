"""Imports from the web page and the API: the file stored, the run recorded and queued."""

from __future__ import annotations

from pathlib import Path

from sitetrack.assessments.models import Round
from sitetrack.core.access import require
from sitetrack.intake.importer.files import store_upload, upload_dir
from sitetrack.intake.models import FieldMapping, ImportRun
from sitetrack.intake.services.runs import import_run_create

__all__ = ["import_run_enqueue", "import_upload", "import_upload_store", "upload_dir"]


def import_upload_store(upload) -> Path:
    """Save an uploaded file for an import (keeps its extension, which helps the reader)."""
    return store_upload(upload)


def import_run_enqueue(*, run: ImportRun) -> ImportRun:
    """Hand the import to the task queue (the immediate backend runs it at once)."""
    from sitetrack.intake.tasks import import_run_task

    result = import_run_task.enqueue(run.pk)
    ImportRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
    run.refresh_from_db()
    return run


def import_upload(
    *,
    operation,
    round: Round,
    user,
    upload,
    form: str = "site-assessment",
    mapping: FieldMapping | None = None,
    all_or_nothing: bool = False,
    sheet: str = "",
    enqueue: bool = True,
) -> ImportRun:
    """The web page's and the API's import: store the file, record the run, enqueue it
    (`enqueue` False: the run waits for the new-sites preview to be confirmed)."""
    require(user, operation, "import")
    path = import_upload_store(upload)
    try:
        run = import_run_create(
            operation=operation,
            round=round,
            user=user,
            path=path,
            file_name=Path(upload.name).name[:255],
            form=form,
            mapping=mapping,
            all_or_nothing=all_or_nothing,
            sheet=sheet,
        )
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return import_run_enqueue(run=run) if enqueue else run
