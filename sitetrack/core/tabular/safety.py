"""Checks made before a file is opened (size, zip structure, zip bombs, passwords) and
on every cell read (length), so no upload can exhaust the memory of the server."""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from sitetrack.core.tabular.problems import TabularError

# An XLSX compresses well (XML), but not a thousand to one.
MAX_RATIO = 200
MAX_UNCOMPRESSED = 4 * 1024**3
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The most a spreadsheet cell can hold (Excel's own limit); a longer cell is not data.
MAX_CELL_CHARS = 32_767


def max_upload_bytes() -> int:
    return getattr(settings, "SITETRACK_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)


def check_size(size: int, *, name: str) -> None:
    """Refuse a file larger than SITETRACK_MAX_UPLOAD_BYTES."""
    limit = max_upload_bytes()
    if size > limit:
        raise TabularError.make(
            _("The file is larger than the allowed %(limit)s bytes.") % {"limit": limit},
            file=name,
            value=size,
            rule="max_file_size",
        )


def check_xlsx(path: Path, *, name: str) -> None:
    """Refuse a workbook that would be unsafe or impossible to open, before opening it."""
    path = Path(path)
    check_size(path.stat().st_size, name=name)
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:
        # Encrypted XLSX files are OLE containers, not zips.
        raise TabularError.make(
            _(
                "The workbook is password-protected (encrypted). Save it without a password and import it again."
            ),
            file=name,
            rule="password_protected",
        )
    names = check_zip(path, name=name)
    if "xl/workbook.xml" not in names:
        raise TabularError.make(
            _("The file is a zip archive but not an XLSX workbook."), file=name, rule="not_a_workbook"
        )


def check_zip(path: Path, *, name: str) -> set[str]:
    """Refuse a damaged zip or one that would expand too much (a zip bomb); its file names."""
    if not zipfile.is_zipfile(path):
        raise TabularError.make(
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
        raise TabularError.make(
            _("The file is not a readable XLSX workbook: it is truncated or damaged. Export it again."),
            file=name,
            value=str(exc),
            rule="truncated_or_damaged",
        ) from exc
    if declared > MAX_UNCOMPRESSED or declared / compressed > MAX_RATIO:
        raise TabularError.make(
            _(
                "The workbook would expand to %(size)s bytes (%(ratio)s times its compressed size): "
                "refused as a possible zip bomb."
            )
            % {"size": declared, "ratio": declared // compressed},
            file=name,
            value=declared,
            rule="zip_bomb",
        )
    return names


def huge_cell(
    *, file: str, sheet: str, row: int | None, column: str, length: int, at_least: bool = False
) -> TabularError:
    template = (
        _(
            "A cell holds more than %(length)s characters; a spreadsheet cell holds at most %(limit)s. "
            "This is not a table of data: check the file."
        )
        if at_least
        else _(
            "A cell holds %(length)s characters; a spreadsheet cell holds at most %(limit)s. "
            "This is not a table of data: check the file."
        )
    )
    return TabularError.make(
        template % {"length": length, "limit": MAX_CELL_CHARS},
        file=file,
        sheet=sheet,
        row=row,
        column=column,
        rule="cell_too_long",
    )
