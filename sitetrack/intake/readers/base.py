"""What every reader produces: normalised submissions, and file errors that say where."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _


class IntakeFileError(Exception):
    """A file that cannot be imported at all; nothing is written.

    Names the file, sheet, row, column, value and the rule broken, as users need to fix it.
    """

    def __init__(
        self,
        message: str = "",
        *,
        code: str = "",
        params: dict | None = None,
        file: str = "",
        sheet: str = "",
        row: int | None = None,
        column: str = "",
        value: Any = None,
        rule: str = "",
    ) -> None:
        # What it says is a code and its parameters (intake/run_errors.py), stored as such
        # and read in the reader's language; `message` is its sentence in the active one.
        # (A message without a code is text from the shared reading layer, kept as is.)
        self.code, self.params = code, dict(params or {})
        if code:
            from sitetrack.intake.run_errors import render

            message = render(code, self.params)
        super().__init__(message)
        self.message = message
        self.file, self.sheet, self.row, self.column, self.value, self.rule = (
            file,
            sheet,
            row,
            column,
            value,
            rule,
        )

    def as_dict(self) -> dict:
        """What ImportRun.error stores: the code and its parameters (text only when there
        is no code), and where the problem is."""
        said = {"code": self.code, "params": self.params} if self.code else {"message": str(self.message)}
        return {
            **said,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": None if self.value is None else str(self.value),
            "rule": self.rule,
        }

    def __str__(self) -> str:
        where = ", ".join(
            p
            for p in (
                self.file,
                _("sheet %s") % self.sheet if self.sheet else "",
                _("row %s") % self.row if self.row else "",
                _("column %s") % self.column if self.column else "",
                _("value %r") % self.value if self.value not in (None, "") else "",
            )
            if p
        )
        return f"{self.message} ({where}) [{self.rule}]" if where else f"{self.message} [{self.rule}]"


@dataclass(slots=True)
class Submission:
    """One submission, whatever the export it came from.

    `fields` is keyed by the XLSForm name without its group path; `repeats` maps each
    repeat group's name to its rows (keyed the same way), or is None when the export
    cannot carry repeat groups (KoboToolbox CSV); `raw` is the record as the file had it.
    """

    uuid: str
    submitted_at: str | None
    fields: dict[str, Any]
    repeats: dict[str, list[dict[str, Any]]] | None
    raw: dict[str, Any]
    row: int
    sheet: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # Digest of the submission as read (cells, repeat rows), before any typing; "" when
    # the reader does not compute one. `skipped`: the caller knew this digest already
    # (see KoboXlsxReader.known), so fields/raw were not decoded.
    raw_hash: str = ""
    skipped: bool = False


GEO_PARTS = {"latitude", "longitude", "altitude", "precision", "accuracy"}
_UUID_PREFIX = re.compile(r"^uuid:", re.I)


def strip_uuid(value: Any) -> str:
    return _UUID_PREFIX.sub("", str(value or "").strip())


def field_keys(headers: list[str], sep: str) -> list[str]:
    """Map full-path headers to field keys: the last path segment.

    A header whose parent path is itself a column is a select_multiple detail column
    (`grp/incidents/theft` under `grp/incidents`): keyed `incidents/theft` so that it
    cannot collide with a field called `theft`.
    """
    present = set(headers)
    keys = []
    for h in headers:
        h = h.strip()
        if sep and sep in h:
            parent, last = h.rsplit(sep, 1)
            if parent in present:
                keys.append(f"{parent.rsplit(sep, 1)[-1]}/{last}")
            else:
                keys.append(last)
        else:
            keys.append(h)
    return keys


def clean_cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value if value else None
    return value
