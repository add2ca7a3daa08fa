"""What a COD import reports: the rules, one finding, the counts, the fatal error."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class Rule:
    """Names of the rules a finding or an error reports (stable: scripts may read them)."""

    PREFIX_MISMATCH = "prefix_mismatch"
    DUPLICATE_CODE = "duplicate_code"
    NAME_CONFLICT = "name_conflict"
    NAME_CODE_CONFLICT = "name_code_conflict"
    MISSING_PARENT = "missing_parent"
    PARENT_CONFLICT = "parent_conflict"
    LEVEL_CONFLICT = "level_conflict"
    VALUE_CONFLICT = "value_conflict"
    MISSING_CODE = "missing_code"
    UNKNOWN_COUNTRY = "unknown_country_name"
    INVALID_GEOMETRY = "invalid_geometry"
    INFERRED_PARENT = "inferred_parent"
    LOST_TEXT = "lost_text"
    TOTAL_ROW = "total_row"
    # Fatal: nothing is written.
    NOT_A_NUMBER = "not_a_number"
    INVALID_CODE = "invalid_code"
    NO_PCODE_COLUMN = "no_pcode_column"
    NO_PARENT = "no_parent"
    WRONG_COUNTRY = "wrong_country"


@dataclass(frozen=True)
class Origin:
    """Where a value was read: file (with its sheet), row as a person sees it, column."""

    file: str
    row: int | None
    column: str


@dataclass(frozen=True)
class Finding:
    file: str
    row: int | None
    column: str
    value: str
    rule: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}" if self.row else self.file
        if self.column:
            where += f" {self.column}={self.value}"
        return f"{where} — {self.rule}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "rule": self.rule,
            "message": self.message,
        }


@dataclass
class LevelCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    files: list[str]
    dry_run: bool = False
    counts: dict[int, LevelCounts] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # What was read, for the user to check: "codes.xlsx: sheet 'ADM2' (header on row 3)".
    notes: list[str] = field(default_factory=list)

    def level(self, level: int) -> LevelCounts:
        return self.counts.setdefault(level, LevelCounts())

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.counts.values())

    def rules(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for finding in self.findings:
            counts[finding.rule] += 1
        return dict(counts)

    def summary_lines(self) -> list[str]:
        lines = list(self.notes)
        lines += [
            _("admin%(level)d: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
            % {"level": level, "created": c.created, "updated": c.updated, "unchanged": c.unchanged}
            for level, c in sorted(self.counts.items())
        ]
        lines.append(_("%(count)d findings") % {"count": len(self.findings)})
        if self.dry_run:
            lines.append(_("Dry run: nothing was saved."))
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "dry_run": self.dry_run,
            "notes": self.notes,
            "levels": {
                str(level): {"created": c.created, "updated": c.updated, "unchanged": c.unchanged}
                for level, c in sorted(self.counts.items())
            },
            "findings": [f.as_dict() for f in self.findings],
        }


class AdminAreaImportError(ValidationError):
    """Fatal problems: nothing was written. `problems` holds them as findings."""

    def __init__(self, problems: list[Finding]) -> None:
        self.problems = problems
        super().__init__({"paths": [str(p) for p in problems]})


class FindingLog:
    """Findings and fatal errors as an import collects them; a finding can be kept to
    one per key (`once`), so a repeated quirk is reported once, not on every row."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.errors: list[Finding] = []
        self._reported: set[tuple] = set()

    def find(self, origin: Origin, value: str, rule: str, message: str, *, once: tuple | None = None) -> None:
        if once is not None:
            if once in self._reported:
                return
            self._reported.add(once)
        self.findings.append(Finding(origin.file, origin.row, origin.column, value, rule, message))

    def error(self, origin: Origin, value: str, rule: str, message: str) -> None:
        self.errors.append(Finding(origin.file, origin.row, origin.column, value, rule, message))
