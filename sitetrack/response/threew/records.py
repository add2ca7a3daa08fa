"""What a 3W import reports and plans (importer.py fills them): the report the command, the
page and the API show, and one row's planned writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sitetrack.core.tabular import Problem

# The two shapes of file the importer takes: our template, a published (OCHA) 3W.
TEMPLATE, PUBLISHED = "template", "published"


@dataclass
class ImportReport:
    file: str
    sheet: str = ""
    kind: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    months: int = 0
    repeated: int = 0
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    refused_rows: set[int] = field(default_factory=set)
    organisations_matched: dict[str, list[str]] = field(default_factory=dict)
    organisations_created: list[dict] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.written or (self.dry_run and (self.kind == PUBLISHED or not self.problems))


@dataclass
class RowPlan:
    number: int
    values: dict[str, Any]  # for activity_create / activity_update
    figures: dict[str, Any]  # for activity_report_save
    month: date | None
    activity_id: int | None
    new_organisation: str = ""  # key of an organisation to create
    period: Any = None  # the reporting period of its figures, once known
