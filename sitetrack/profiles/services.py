"""Writes of the profiles app: starting a batch of a round's profiles and running it."""

from __future__ import annotations

import datetime
import logging
import tempfile
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sitetrack.assessments.models import Round, RoundKind
from sitetrack.core.access import require
from sitetrack.profiles.batch import BatchResult, render_batch, worker_count
from sitetrack.profiles.models import BatchStatus, ProfileBatch
from sitetrack.profiles.selectors import round_site_profiles

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

log = logging.getLogger(__name__)

LANGUAGES = ("en", "fr")
# Progress is written to the batch row at most this often (seconds), and at the end.
PROGRESS_EVERY_S = 1.0
STALE_AFTER = datetime.timedelta(hours=6)
# Finished batches kept per round and language (their ZIP with the merged PDF) when a new
# one is done; older ones are deleted with their file. SITETRACK_PROFILE_BATCHES_KEPT.
BATCHES_KEPT = 3


def batches_kept() -> int:
    return max(1, int(getattr(settings, "SITETRACK_PROFILE_BATCHES_KEPT", BATCHES_KEPT)))


def check_profile_round(round: Round) -> None:
    if round.kind != RoundKind.MONTHLY:
        raise ValidationError({"round": [_("Site profiles are made for monthly rounds only.")]})


@transaction.atomic
def profile_batch_create(
    *, round: Round, user: AbstractBaseUser, language: str = "en", enqueue: bool = True
) -> ProfileBatch:
    """Record a batch of the round's profiles and hand it to the task queue (the web
    page polls its progress). The same roles as publishing the weekly report."""
    require(user, round.operation, "publish")
    check_profile_round(round)
    if language not in LANGUAGES:
        raise ValidationError({"language": [_("Unknown language %(language)r.") % {"language": language}]})
    # A batch queued or running for long is taken as lost (its worker stopped): it no
    # longer blocks a new one.
    running = ProfileBatch.objects.filter(
        round=round,
        language=language,
        status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING],
        created_at__gte=timezone.now() - STALE_AFTER,
    ).first()
    if running is not None:
        return running
    batch = ProfileBatch.objects.create(round=round, language=language, created_by=user)
    if enqueue:
        from sitetrack.profiles.tasks import profile_batch_task

        def _enqueue() -> None:
            result = profile_batch_task.enqueue(batch.pk)
            ProfileBatch.objects.filter(pk=batch.pk).update(task_id=str(result.id)[:64])

        transaction.on_commit(_enqueue)
    return batch


def _update(batch: ProfileBatch, **fields) -> None:
    for key, value in fields.items():
        setattr(batch, key, value)
    ProfileBatch.objects.filter(pk=batch.pk).update(**fields)


def profile_batch_run(*, batch: ProfileBatch, workers: int | None = None) -> ProfileBatch:
    """Render every profile of the batch's round into its ZIP. Not atomic on purpose:
    progress is written as it goes; a failure of the whole batch is recorded on it."""
    round = batch.round
    _update(batch, status=BatchStatus.RUNNING, started_at=timezone.now(), error="")
    try:
        profiles = round_site_profiles(round, language=batch.language)
        count = worker_count(len(profiles), workers or getattr(settings, "SITETRACK_PROFILE_WORKERS", None))
        _update(batch, total=len(profiles), workers=count, done=0, failed=0)
        last = [0.0]

        def progress(done: int, failed: int, total: int) -> None:
            now = timezone.now().timestamp()
            if now - last[0] >= PROGRESS_EVERY_S or done + failed == total:
                last[0] = now
                _update(batch, done=done, failed=failed)

        with tempfile.TemporaryDirectory(prefix="sitetrack-profile-zip-") as folder:
            path = Path(folder) / zip_filename(round, batch.language)
            result = render_batch(profiles, path, workers=count, progress=progress)
            with open(path, "rb") as fh:
                batch.zip_file.save(path.name, File(fh), save=False)
        _finish(batch, result)
    except Exception as exc:  # noqa: BLE001 — recorded on the batch for the page
        log.exception("site profile batch %s failed", batch.pk)
        _update(
            batch,
            status=BatchStatus.FAILED,
            error="".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000],
            finished_at=timezone.now(),
        )
    return batch


def _finish(batch: ProfileBatch, result: BatchResult) -> None:
    _update(
        batch,
        zip_file=batch.zip_file.name,
        done=len(result.rendered),
        failed=len(result.failed),
        errors=[{"code": r.code, "name": r.name, "error": r.error} for r in result.failed],
        status=BatchStatus.DONE,
        finished_at=timezone.now(),
    )
    profile_batches_prune(round=batch.round, language=batch.language)


def profile_batches_prune(*, round: Round, language: str, keep: int | None = None) -> int:
    """Delete the finished batches of the round in the language beyond the newest `keep`
    (SITETRACK_PROFILE_BATCHES_KEPT, 3 by default), their ZIP files first. Called when a
    batch is done, so a batch that fails never removes the last good one; batches queued
    or running are never touched. Returns how many were deleted."""
    keep = batches_kept() if keep is None else max(1, keep)
    finished = ProfileBatch.objects.filter(
        round=round, language=language, status__in=[BatchStatus.DONE, BatchStatus.FAILED]
    ).order_by("-created_at", "-id")
    old = list(finished[keep:])
    for batch in old:
        if batch.zip_file:
            try:
                batch.zip_file.delete(save=False)
            except OSError:
                log.warning(
                    "profile batch %s: its file %s could not be deleted", batch.pk, batch.zip_file.name
                )
                continue
        batch.delete()
    return len(old)


def zip_filename(round: Round, language: str) -> str:
    return f"site-profiles-{round.operation.slug}-round-{round.number}-{language}.zip"
