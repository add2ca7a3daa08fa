"""Checks made before a spreadsheet is opened: size, zip structure, zip bombs, passwords."""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from sitetrack.intake.readers.base import IntakeFileError

# An XLSX compresses well (XML), but not a thousand to one.
MAX_RATIO = 200
MAX_UNCOMPRESSED = 4 * 1024**3
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_xlsx(path: Path, *, name: str) -> None:
    """Refuse a file that would be unsafe or impossible to open, before opening it."""
    size = path.stat().st_size
    limit = getattr(settings, "SITETRACK_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)
    if size > limit:
        raise IntakeFileError(
            _("The file is larger than the allowed %(limit)s bytes.") % {"limit": limit},
            file=name,
            value=size,
            rule="max_file_size",
        )
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:
        # Encrypted XLSX files are OLE containers, not zips.
        raise IntakeFileError(
            _(
                "The workbook is password-protected (encrypted). Save it without a password and import it again."
            ),
            file=name,
            rule="password_protected",
        )
    if not zipfile.is_zipfile(path):
        raise IntakeFileError(
            _("The file is not a readable XLSX workbook: it is truncated or damaged. Export it again."),
            file=name,
            rule="truncated_or_damaged",
        )
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            declared = sum(i.file_size for i in infos)
            compressed = sum(i.compress_size for i in infos) or 1
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError) as exc:
        raise IntakeFileError(
            _("The file is not a readable XLSX workbook: it is truncated or damaged. Export it again."),
            file=name,
            value=str(exc),
            rule="truncated_or_damaged",
        ) from exc
    if declared > MAX_UNCOMPRESSED or declared / compressed > MAX_RATIO:
        raise IntakeFileError(
            _(
                "The workbook would expand to %(size)s bytes (%(ratio)s times its compressed size): "
                "refused as a possible zip bomb."
            )
            % {"size": declared, "ratio": declared // compressed},
            file=name,
            value=declared,
            rule="zip_bomb",
        )
    if "xl/workbook.xml" not in names:
        raise IntakeFileError(
            _("The file is a zip archive but not an XLSX workbook."), file=name, rule="not_a_workbook"
        )
