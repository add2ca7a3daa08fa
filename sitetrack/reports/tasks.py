"""Background work of the reports app (django-tasks): sending a published round."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task

from sitetrack.assessments.models import Round


@task()
def round_send_task(round_id: int, user_id: int | None = None, resend: bool = False) -> dict:
    from sitetrack.reports.services import round_send

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    result = round_send(round=Round.objects.get(pk=round_id), user=user, resend=resend)
    return {"sent": len(result.sent), "failed": len(result.failed), "skipped": result.skipped}
