"""Background work of the intake app (django-tasks): running an import, pulling from
KoboToolbox. The web page and the API enqueue; any worker takes the job."""

from __future__ import annotations

from django_tasks import task


@task()
def import_run_task(run_id: int) -> dict:
    from sitetrack.intake.models import ImportRun
    from sitetrack.intake.services import import_run_execute

    run = import_run_execute(run=ImportRun.objects.get(pk=run_id))
    return {
        "status": run.status,
        "new": run.new,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "rejected": run.rejected,
        "held": run.held,
        "warnings": run.warnings,
    }
