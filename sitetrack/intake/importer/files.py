"""Uploaded files waiting for their import, and their removal once it has ended."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.utils import timezone

from sitetrack.intake.models import ImportRun


def upload_dir() -> Path:
    """Where uploaded files wait for the task (under MEDIA_ROOT: a worker on another
    machine needs the same media storage)."""
    from django.conf import settings

    path = Path(settings.MEDIA_ROOT) / "intake" / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(upload) -> Path:
    """Save an uploaded file for an import (keeps its extension, which helps the reader)."""
    suffix = Path(upload.name).suffix.lower()[:8]
    path = upload_dir() / f"{timezone.now():%Y%m%d}-{secrets.token_hex(8)}{suffix}"
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def discard_upload(run: ImportRun) -> None:
    """An uploaded export holds key informants' names and phone numbers: once its import
    has ended (done or failed), the file is deleted. What arrived is kept in the
    restricted raw records; files named on the command line are the user's and stay."""
    if not run.file_path:
        return
    path = Path(run.file_path)
    try:
        uploaded = path.resolve().is_relative_to(upload_dir().resolve())
    except OSError:
        return
    if uploaded:
        path.unlink(missing_ok=True)
        ImportRun.objects.filter(pk=run.pk).update(file_path="")
