"""Reads of the intake app: an import's status and summary as the page and the API show it."""

from __future__ import annotations

from django.db.models import Count

from sitetrack.intake.models import CleaningLogEntry, ImportRun, ImportStatus
from sitetrack.intake.run_errors import error_for_reader


def run_status(run: ImportRun) -> dict:
    """Status, progress and summary of an import (no submission content: the raw records
    and their personal data never leave RawSubmission)."""
    return {
        "id": run.pk,
        "status": run.status,
        "status_label": str(run.get_status_display()),
        "file_name": run.file_name,
        "file_format": run.file_format,
        "round": str(run.round),
        "round_id": run.round_id,
        "form": run.form,
        "mapping": run.mapping.name if run.mapping_id else None,
        "processed": run.processed,
        "total": max(run.total, run.processed),
        "percent": run.percent,
        "summary": {
            "new": run.new,
            "updated": run.updated,
            "unchanged": run.unchanged,
            "rejected": run.rejected,
            "held": run.held,
            "warnings": run.warnings,
        },
        # In the reader's language (stored as a code and its parameters, run_errors.py).
        "error": error_for_reader(run.error),
        # Set when the file is identical to an earlier import whose result still stands.
        "identical_to": run.identical_to_id,
        "created_at": run.created_at.isoformat() if run.created_at else None,
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "finished": run.finished,
        # Queued and not taken: no task worker may be running (see docs/intake.md).
        "waiting_for_worker": run_waits_for_worker(run),
    }


# Seconds a queued run may wait before the page says no worker may be running.
WORKER_GRACE_SECONDS = 5


def run_waits_for_worker(run: ImportRun) -> bool:
    from django.utils import timezone

    return (
        run.status == ImportStatus.QUEUED
        and bool(run.task_id)  # handed to the queue (not waiting for a preview)
        and run.created_at is not None
        and (timezone.now() - run.created_at).total_seconds() >= WORKER_GRACE_SECONDS
    )


def cleaning_log_by_rule(run: ImportRun) -> list[dict]:
    """The lines of an import's cleaning log counted by rule (and change type), most
    frequent first: counted in the database, from the stored codes, in any language."""
    return list(
        CleaningLogEntry.objects.filter(run=run)
        .values("rule", "change_type")
        .annotate(lines=Count("id"))
        .order_by("-lines", "rule", "change_type")
    )
