"""Checks made before a spreadsheet is opened: size, zip structure, zip bombs, passwords.

The checks live in the shared reading layer (`sitetrack.core.tabular.safety`); this
module keeps Kobo's names and raises IntakeFileError as before."""

from __future__ import annotations

from pathlib import Path

from sitetrack.core.tabular.problems import TabularError
from sitetrack.core.tabular.safety import MAX_RATIO, MAX_UNCOMPRESSED, OLE_MAGIC
from sitetrack.core.tabular.safety import check_xlsx as _check_xlsx
from sitetrack.intake.readers.base import IntakeFileError

__all__ = ["MAX_RATIO", "MAX_UNCOMPRESSED", "OLE_MAGIC", "check_xlsx"]


def check_xlsx(path: Path, *, name: str) -> None:
    """Refuse a file that would be unsafe or impossible to open, before opening it."""
    try:
        _check_xlsx(path, name=name)
    except TabularError as exc:
        p = exc.problem
        raise IntakeFileError(p.message, file=p.file, value=p.value, rule=p.rule) from exc
