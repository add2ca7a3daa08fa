"""What makes two submissions, or two files, the same: raw text and digests of a
submission, the digests of a file, and the earlier import a file is identical to."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from django.db import models

from sitetrack.intake.models import ImportRun, ImportSource, ImportStatus
from sitetrack.intake.readers import Submission

# One encoder for every record (json.dumps with options builds a new one per call).
to_json: Callable[[Any], str] = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), default=str
).encode


def stored_json(value: Any) -> str:
    """Text that is stored (raw records, log parameters): the same compact JSON as
    `to_json`, encoded by orjson, several times faster (a 5,000-row export's records took
    the reading process most of a second with the standard encoder). Values orjson
    refuses (integers past 64 bits, keys that are not text, lone surrogates) go through
    `to_json`; a NaN is stored as null. Content digests keep `to_json` (their text must
    not change); the raw hash of a reader without its own (`raw_digest`) is taken of this
    text, so rows stored before it are compared by content once, then skipped early."""
    try:
        return orjson.dumps(value, default=str, option=orjson.OPT_PASSTHROUGH_DATETIME).decode()
    except TypeError:
        return to_json(value)


def text(value: Any) -> str:
    """A value as the cleaning log stores it."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return to_json(value)
    return str(value)


def raw_text(sub: Submission) -> str:
    """The raw record as stored: compact JSON (encoded already when the file was read in
    a second process)."""
    return sub.raw if isinstance(sub.raw, str) else stored_json(sub.raw)


def raw_digest(sub: Submission) -> str:
    """The raw hash of a submission from a reader that does not compute one."""
    return hashlib.blake2b(raw_text(sub).encode("utf-8"), digest_size=16).hexdigest()


def digest(text_: str) -> str:
    return hashlib.blake2b(text_.encode("utf-8"), digest_size=16).hexdigest()


def file_sha256(path: Path | None) -> str:
    """The file's SHA-256, "" when there is no file."""
    if path is None or not path.is_file():
        return ""
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def content_digest(path: Path | None) -> str:
    """What a workbook holds, from its zip directory alone: every part's name, CRC-32 and
    size, leaving out the document properties (docProps/: export time, application).
    KoboToolbox writes a new file for each download; with the same submissions its sheets
    are the same, so a re-download is recognised as identical to its earlier import
    without being read (the first rows are still probed against the stored hashes).
    "" for files that are not zip archives."""
    if path is None or not path.is_file():
        return ""
    try:
        with zipfile.ZipFile(path) as zf:
            parts = sorted(
                (info.filename, info.CRC, info.file_size)
                for info in zf.infolist()
                if not info.filename.startswith("docProps/")
            )
    except (zipfile.BadZipFile, OSError, ValueError):
        return ""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest() if parts else ""


# Rows of a file compared with the stored raw hashes before trusting an identical file.
PROBE_ROWS = 3


def identical_import(run: ImportRun) -> ImportRun | None:
    """An earlier import of exactly this file (same bytes, operation, round, form and
    mapping, mapping not edited since) whose result still stands: it rejected nothing,
    and no later import of the operation wrote anything (which this file could revert).
    The caller also probes the first rows against the stored raw hashes, which checks
    the round, form, mapping and catalogue by construction."""
    if not run.file_sha256 or run.source != ImportSource.FILE:
        return None
    same_file = models.Q(file_sha256=run.file_sha256)
    if run.content_digest:
        same_file |= models.Q(content_digest=run.content_digest)
    earlier = (
        ImportRun.objects.filter(
            same_file,
            operation_id=run.operation_id,
            round_id=run.round_id,
            form=run.form,
            mapping_id=run.mapping_id,
            status=ImportStatus.DONE,
            rejected=0,
        )
        .exclude(pk=run.pk)
        .order_by("-pk")
        .first()
    )
    if earlier is None or earlier.processed == 0:
        return None
    if run.mapping_id and run.mapping.updated_at > (earlier.started_at or earlier.created_at):
        return None
    later_writes = (
        ImportRun.objects.filter(operation_id=run.operation_id, pk__gt=earlier.pk, status=ImportStatus.DONE)
        .exclude(pk=run.pk)
        .filter(models.Q(new__gt=0) | models.Q(updated__gt=0) | models.Q(held__gt=0))
        .exists()
    )
    return None if later_writes else earlier
