"""Background work of the profiles app (django-tasks): a round's batch of site profiles.
The web page enqueues; any worker takes the job and renders on all of its cores."""

from __future__ import annotations

from django_tasks import task


@task()
def profile_batch_task(batch_id: int) -> dict:
    from sitetrack.profiles.models import ProfileBatch
    from sitetrack.profiles.services import profile_batch_run

    batch = profile_batch_run(batch=ProfileBatch.objects.select_related("round__operation").get(pk=batch_id))
    return {"status": batch.status, "done": batch.done, "failed": batch.failed}
