"""Master lists uploaded on the web wait in the data folder between the mapping step and
the import; the session holds which file belongs to which token, so a posted token can
never name another file."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest

SESSION_KEY = "site_import_uploads"
KEEP_SECONDS = 24 * 3600


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "site-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stage_upload(request: HttpRequest, upload) -> str:
    """Keep an uploaded file for the next steps; its token. Files older than a day go."""
    folder = _folder()
    now = time.time()
    for old in folder.iterdir():
        if old.is_file() and now - old.stat().st_mtime > KEEP_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(16)
    suffix = "".join(c for c in Path(upload.name).suffix.lower()[:8] if c.isalnum() or c == ".")
    path = folder / f"{token}{suffix}"
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    staged = request.session.get(SESSION_KEY, {})
    staged[token] = {"path": path.name, "name": Path(upload.name).name[:200]}
    request.session[SESSION_KEY] = staged
    return token


def staged_upload(request: HttpRequest, token: str) -> tuple[Path, str] | None:
    """(path, original name) of a file this session staged, or None."""
    entry = request.session.get(SESSION_KEY, {}).get(token or "")
    if not entry:
        return None
    path = _folder() / entry["path"]
    return (path, entry["name"]) if path.exists() else None


def discard_upload(request: HttpRequest, token: str) -> None:
    staged = request.session.get(SESSION_KEY, {})
    entry = staged.pop(token, None)
    request.session[SESSION_KEY] = staged
    if entry:
        (_folder() / entry["path"]).unlink(missing_ok=True)
