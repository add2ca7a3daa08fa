"""An import's progress: what the CLI's bar and the run page show, committed as it goes."""

from __future__ import annotations

from collections.abc import Callable

from sitetrack.intake.models import ImportRun

# Called with (records done, records in all, phase: "checking" | "saving" | "unchanged").
Progress = Callable[[int, int, str], None]

# Records between two updates of the run's `processed` counter.
PROGRESS_EVERY = 1000


def set_progress(run: ImportRun, **fields) -> None:
    """Set fields on the run and in its row at once (outside the import's transaction)."""
    for key, value in fields.items():
        setattr(run, key, value)
    ImportRun.objects.filter(pk=run.pk).update(**fields)
