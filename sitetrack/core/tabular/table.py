"""`read_table`: a file, the fields an importer wants → the sheet that holds them, its
header row, the column of each field, the rows, the ignored columns, and a report that
says what was decided and why."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from sitetrack.core.tabular.mapping import Field, apply_explicit, auto_map, is_hxl_row
from sitetrack.core.tabular.problems import INFO, Problem, TabularError
from sitetrack.core.tabular.sheets import Sheet, read_sheets
from sitetrack.core.tabular.text import some_names
from sitetrack.core.tabular.values import clean

# Title rows (a logo line, "Site master list — March 2024", a blank line) sit above the
# header; we look for it among the first rows of each sheet.
HEADER_SEARCH_ROWS = 30


@dataclass
class Row:
    """One data row: its number as the spreadsheet shows it, and its cells as text (the
    missing-value tokens NULL, N/A, - already turned into "")."""

    number: int
    cells: list[str]


@dataclass
class Table:
    file: str
    sheet: str
    sheet_reason: str
    header_row: int  # spreadsheet row number of the header
    header: list[str]
    tags: list[str] | None  # the HXL tag row, when the file has one
    rows: list[Row]
    fields: list[Field]
    mapping: dict[str, int]  # field name → column index
    problems: list[Problem] = field(default_factory=list)
    sheets_seen: list[str] = field(default_factory=list)

    # --- what was decided --------------------------------------------------------------
    def column(self, name: str) -> str:
        """The header of the column mapped to a field ("" when the field is not mapped)."""
        index = self.mapping.get(name)
        return "" if index is None else self.column_label(index)

    def column_label(self, index: int) -> str:
        from sitetrack.core.tabular.sheets import _letter

        header = self.header[index] if index < len(self.header) else ""
        return (
            header
            or (self.tags[index] if self.tags and index < len(self.tags) and self.tags[index] else "")
            or _("column %(letter)s") % {"letter": _letter(index)}
        )

    @property
    def ignored(self) -> list[str]:
        """Columns that have a header or data but feed no field, in file order."""
        used = set(self.mapping.values())
        width = max([len(self.header), *(len(r.cells) for r in self.rows)])
        out = []
        for i in range(width):
            if i in used:
                continue
            has_header = i < len(self.header) and self.header[i]
            if has_header or any(i < len(r.cells) and r.cells[i] for r in self.rows):
                out.append(self.column_label(i))
        return out

    @property
    def missing_required(self) -> list[Field]:
        return [f for f in self.fields if f.required and f.name not in self.mapping]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    # --- the data ----------------------------------------------------------------------
    def records(self) -> Iterator[tuple[Row, dict[str, str]]]:
        """(row, {field name: text}) for every data row; "" for a missing value."""
        for row in self.rows:
            yield (
                row,
                {name: (row.cells[i] if i < len(row.cells) else "") for name, i in self.mapping.items()},
            )

    def samples(self, index: int, limit: int = 3) -> list[str]:
        """The first few distinct values of a column (for a mapping page)."""
        seen: list[str] = []
        for row in self.rows:
            value = row.cells[index] if index < len(row.cells) else ""
            if value and value not in seen:
                seen.append(value)
                if len(seen) == limit:
                    break
        return seen

    def problem(
        self, message: str, *, rule: str, row: int | None = None, field: str = "", value=None, **kw
    ) -> Problem:
        """A Problem located in this table (file, sheet, and the column of `field`)."""
        return Problem(
            message=message,
            rule=rule,
            file=self.file,
            sheet=self.sheet,
            row=row,
            column=kw.pop("column", "") or self.column(field),
            value=value,
            **kw,
        )

    def report_lines(self) -> list[str]:
        """What the reader decided, for a report: sheet and why, header row, columns used
        and ignored."""
        lines = [self.sheet_reason] if self.sheet_reason else []
        lines.append(_("Header on row %(row)s.") % {"row": self.header_row})
        if self.mapping:
            lines.append(_("Columns used:"))
            lines += [f"  {name} ← {self.column(name)}" for name in self.mapping]
        ignored = self.ignored
        if ignored:
            lines.append(
                _("Columns ignored (%(n)s): %(columns)s")
                % {"n": len(ignored), "columns": some_names(ignored)}
            )
        return lines


def read_table(
    path: str | Path,
    *,
    fields: list[Field],
    filename: str | None = None,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
) -> Table:
    """Read the table in a CSV or workbook. `fields`: what the importer wants (to choose
    the sheet, find the header row and map the columns); `sheet`: read this sheet and no
    other; `mapping`: FIELD → COLUMN choices over the automatic ones. Raises TabularError
    for a file that cannot be read at all; everything else is in `Table.problems`."""
    path = Path(path)
    name = filename or path.name
    sheets = read_sheets(path, name=name, only=sheet)
    scored = [(_best_header(s.rows, fields), s) for s in sheets]
    if sheet is not None:
        (score, header_index, _matched), chosen = scored[0]
        reason = _("Read sheet “%(sheet)s”, as asked.") % {"sheet": sheet}
    else:
        (score, header_index, _matched), chosen = _choose(scored)
        reason = _sheet_reason(chosen, scored, fields)
    if header_index is None:
        raise TabularError.make(
            _("The sheet has no rows with data.") if chosen.name else _("The file is empty."),
            file=name,
            sheet=chosen.name,
            rule="empty",
        )
    rows = chosen.rows
    header = rows[header_index]
    tags = None
    first_data = header_index + 1
    if is_hxl_row(header):
        tags, header = header, [""] * len(header)
    elif first_data < len(rows) and is_hxl_row(rows[first_data]):
        tags = rows[first_data]
        first_data += 1
    mapped = auto_map(header, tags, fields)
    table = Table(
        file=name,
        sheet=chosen.name,
        sheet_reason=reason,
        header_row=header_index + 1,
        header=header,
        tags=tags,
        rows=[
            Row(number=i + 1, cells=[clean(c) for c in cells])
            for i, cells in enumerate(rows[first_data:], start=first_data)
            if any(clean(c) for c in cells)
        ],
        fields=fields,
        mapping=mapped,
        sheets_seen=[s.name for s in sheets],
    )
    table.problems += apply_explicit(
        mapped, mapping or {}, header=header, tags=tags, fields=fields, file=name, sheet=chosen.name
    )
    if len(sheets) > 1 or sheet is not None:
        table.problems.append(
            Problem(message=reason, rule="sheet_chosen", file=name, sheet=chosen.name, severity=INFO)
        )
    return table


def _best_header(rows: list[list[str]], fields: list[Field]) -> tuple[int, int | None, int]:
    """(score, index of the header row, fields matched). The score counts the fields the row's names (or
    the HXL row under it) map, required fields twice. With no match at all, the header is
    the first row about as wide as the widest of the first rows (titles are one cell)."""
    best: tuple[int, int | None, int] = (0, None, 0)
    widths = []
    limit = min(len(rows), HEADER_SEARCH_ROWS)
    for i in range(limit):
        cells = rows[i]
        widths.append(sum(1 for c in cells if c))
        if not widths[-1]:
            continue
        tags = rows[i + 1] if i + 1 < len(rows) and is_hxl_row(rows[i + 1]) else None
        if is_hxl_row(cells):
            tags, cells = cells, [""] * len(cells)
        found = auto_map(cells, tags, fields)
        required = {f.name for f in fields if f.required}
        score = len(found) + len(required & set(found))
        if score > best[0]:
            best = (score, i, len(found))
    if best[1] is None and widths and max(widths):
        wide = max(widths)
        first = next(i for i, w in enumerate(widths) if w >= max(2, wide // 2) or w == wide)
        best = (0, first, 0)
    return best


def _choose(
    scored: list[tuple[tuple[int, int | None, int], Sheet]],
) -> tuple[tuple[int, int | None, int], Sheet]:
    """The sheet whose header maps the most fields; on a tie the first; with no match
    anywhere, the first sheet that has data."""
    with_data = [item for item in scored if item[0][1] is not None] or scored
    return max(with_data, key=lambda item: item[0][0])  # max keeps the first of equals


def _sheet_reason(chosen: Sheet, scored, fields: list[Field]) -> str:
    if len(scored) == 1:
        return ""
    matched = {s.name: m for (_sc, _i, m), s in scored}
    others = ", ".join(
        _("“%(sheet)s” %(n)s") % {"sheet": s.name, "n": matched[s.name]}
        for _score, s in scored
        if s is not chosen
    )
    if matched[chosen.name] == 0:
        return _(
            "No sheet has a header that matches the expected columns; read the first sheet with data, “%(sheet)s”. "
            "Name the sheet to read (--sheet) or map the columns."
        ) % {"sheet": chosen.name}
    return _(
        "Read sheet “%(sheet)s” of %(count)s: its header matches %(n)s of the %(total)s expected columns, "
        "more than any other sheet (%(others)s). Name the sheet to read another."
    ) % {
        "sheet": chosen.name,
        "count": len(scored),
        "n": matched[chosen.name],
        "total": len(fields),
        "others": others,
    }
