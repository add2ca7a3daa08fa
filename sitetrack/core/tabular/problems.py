"""One `Problem` type for every importer, and the error that stops a file from being read."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _

ERROR = "error"
WARNING = "warning"
INFO = "info"


@dataclass(frozen=True)
class Problem:
    """Something a user must know about a file: where (file, sheet, row, column, value),
    which rule, and a message already translated into the active language.

    `row` is the row number as the spreadsheet shows it (1 = the first line of the
    file), `column` the header as the file has it. `severity` is error (nothing is
    written), warning (written, but look) or info (what the reader decided, e.g. the
    sheet it chose)."""

    message: str
    rule: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: Any = None
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def where(self) -> str:
        parts = [self.file] if self.file else []
        if self.sheet:
            parts.append(_("sheet “%(sheet)s”") % {"sheet": self.sheet})
        if self.row is not None:
            parts.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            parts.append(_("column “%(column)s”") % {"column": self.column})
        if self.value not in (None, ""):
            parts.append(_("value “%(value)s”") % {"value": shorten(self.value)})
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["value"] = None if self.value is None else shorten(self.value, 200)
        return data


def shorten(value: Any, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TabularError(Exception):
    """The file cannot be read at all (format, size, encoding, no header, unknown sheet).
    Carries one Problem; nothing is written."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem

    @classmethod
    def make(cls, message: str, *, rule: str, **where: Any) -> TabularError:
        return cls(Problem(message=message, rule=rule, **where))
