"""The report of a master-list import: what was read (sheet, header, columns used and
ignored), what landed, and every error and warning with its place in the file."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sitetrack.core.tabular import Problem, some_names


@dataclass
class SitesImportReport:
    file: str
    dry_run: bool = False
    sheet: str = ""
    sheet_reason: str = ""
    header_row: int | None = None
    mapping: dict[str, str] = field(default_factory=dict)  # field → column
    defaults: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Population (households, individuals) landed in a baseline round.
    population_round: str = ""
    population_landed: int = 0
    population_unchanged: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the import decided, e.g. checks skipped

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, problem: Problem) -> None:
        (self.errors if problem.is_error else self.warnings).append(problem)

    def summary(self) -> str:
        if self.errors:
            return ngettext(
                "%(file)s: %(n)s error, nothing was imported.",
                "%(file)s: %(n)s errors, nothing was imported.",
                len(self.errors),
            ) % {
                "file": self.file,
                "n": len(self.errors),
            }
        text = _(
            "%(file)s: %(rows)s rows — %(created)s new, %(updated)s updated, %(unchanged)s unchanged"
        ) % {
            "file": self.file,
            "rows": self.rows,
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }
        if self.population_round:
            text += ngettext(
                "; population of %(n)s site in %(round)s (%(same)s unchanged)",
                "; population of %(n)s sites in %(round)s (%(same)s unchanged)",
                self.population_landed,
            ) % {
                "n": self.population_landed,
                "round": self.population_round,
                "same": self.population_unchanged,
            }
        if self.warnings:
            text += ngettext(", %(n)s warning", ", %(n)s warnings", len(self.warnings)) % {
                "n": len(self.warnings)
            }
        if self.dry_run:
            text += _(" (check only: nothing was written)")
        return text + "."

    def as_text(self) -> str:
        lines = [self.summary()]
        if self.sheet_reason:
            lines.append(self.sheet_reason)
        if self.header_row:
            lines.append(_("Header on row %(row)s.") % {"row": self.header_row})
        if self.mapping:
            lines.append(_("Columns used:"))
            lines += [f"  {f} ← {c}" for f, c in self.mapping.items()]
        if self.defaults:
            lines.append(_("Defaults for empty cells:"))
            lines += [f"  {f} = {v}" for f, v in self.defaults.items()]
        if self.ignored:
            lines.append(
                _("Columns ignored (%(n)s): %(columns)s")
                % {"n": len(self.ignored), "columns": some_names(self.ignored)}
            )
        lines += self.notes
        lines += [_("ERROR %(problem)s") % {"problem": p} for p in self.errors]
        lines += [_("WARNING %(problem)s") % {"problem": p} for p in self.warnings]
        return "\n".join(lines)
