"""Helpers of the site master-list import: GPS cells and uploaded files.

Reading the file is the shared reading layer (`sitetrack.core.tabular`); the import
itself is `sitetrack.sites.master_list`.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

GPS_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def split_gps(value: str) -> tuple[str, str] | None:
    """ "4.3986 18.5189", "4.3986,18.5189", "4.3986 18.5189 380 5" (ODK geopoint: lat lon
    altitude accuracy) → ("4.3986", "18.5189"); None when it does not look like a point."""
    text = value.strip().strip("[]()")
    # "4,3986 18,5189" has decimal commas separated by a space.
    parts = text.split() if "," in text and "." not in text else re.split(r"[\s,;]+", text)
    parts = [p for p in parts if p]
    if len(parts) < 2 or not all(GPS_NUMBER.fullmatch(p) for p in parts[:2]):
        return None
    return parts[0], parts[1]


@contextmanager
def save_upload(upload) -> Iterator[str]:
    """Write an uploaded file to a temporary path (keeping its extension) and remove it after."""
    suffix = Path(upload.name).suffix.lower()[:8]
    handle, path = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        yield path
    finally:
        Path(path).unlink(missing_ok=True)
