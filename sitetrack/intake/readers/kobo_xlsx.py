"""KoboToolbox XLSX exports: a main sheet and one sheet per repeat group.

Repeat rows point at their parent through `_parent_index` (the main sheet's `_index`).
Rows are streamed from python-calamine; repeat sheets, which KoboToolbox writes in parent
order, are merge-joined as the main sheet streams, so only one parent's repeat rows are
held at a time (an out-of-order repeat sheet is indexed once instead).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import python_calamine as pc
from django.utils.translation import gettext as _

from sitetrack.intake.readers.base import IntakeFileError, Submission, clean_cell, field_keys, strip_uuid
from sitetrack.intake.readers.labels import LabelTranslator
from sitetrack.intake.readers.safety import check_xlsx

REPEAT_META = {"_index", "_parent_table_name", "_parent_index"}


def _cell(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return clean_cell(value)


class KoboXlsxReader:
    format = "kobo_xlsx"

    def __init__(self, path: Path, *, name: str, labels: LabelTranslator | None = None) -> None:
        check_xlsx(path, name=name)
        self.path, self.name, self.labels = path, name, labels
        try:
            self.workbook = pc.CalamineWorkbook.from_path(str(path))
        except pc.PasswordError as exc:
            raise IntakeFileError(
                _(
                    "The workbook is password-protected (encrypted). Save it without a password and import it again."
                ),
                file=name,
                rule="password_protected",
            ) from exc
        except (pc.CalamineError, OSError, ValueError) as exc:
            raise IntakeFileError(
                _("The file is not a readable XLSX workbook: it is truncated or damaged. Export it again."),
                file=name,
                value=str(exc)[:200],
                rule="truncated_or_damaged",
            ) from exc
        sheets = self.workbook.sheet_names
        if not sheets:
            raise IntakeFileError(_("The workbook has no sheet."), file=name, rule="no_sheet")
        self.sheet = sheets[0]
        self.main = self._sheet(self.sheet)
        self.total = max(0, self.main.total_height - 1)
        rows = self.main.iter_rows()
        try:
            self.headers = [str(h).strip() for h in next(rows)]
        except StopIteration:
            raise IntakeFileError(
                _("The main sheet is empty."), file=name, sheet=self.sheet, rule="empty"
            ) from None
        self._rows = rows
        if labels is not None:
            self.headers = labels.headers(self.headers)
        self.keys = field_keys(self.headers, "/")
        self.columns = dict(zip(self.keys, self.headers, strict=False))
        self.repeat_sheets = sheets[1:]

    def _sheet(self, name: str):
        try:
            return self.workbook.get_sheet_by_name(name)
        except (pc.CalamineError, OSError, ValueError) as exc:
            raise IntakeFileError(
                _(
                    "A sheet of the workbook cannot be read: the file is truncated or damaged. Export it again."
                ),
                file=self.name,
                sheet=name,
                value=str(exc)[:200],
                rule="truncated_or_damaged",
            ) from exc

    def _repeat_stream(self, sheet_name: str):
        """(parent index, repeat name, row fields, raw) for each repeat row, in file order."""
        sheet = self._sheet(sheet_name)
        rows = sheet.iter_rows()
        try:
            headers = [str(h).strip() for h in next(rows)]
        except StopIteration:
            return
        if self.labels is not None:
            headers = self.labels.headers(headers)
        if "_parent_index" not in headers:
            return
        keys = field_keys(headers, "/")
        pidx = headers.index("_parent_index")
        ptable = headers.index("_parent_table_name") if "_parent_table_name" in headers else None
        value = self.labels.value if self.labels is not None else None
        for line, row in enumerate(rows, start=2):
            parent = _cell(row[pidx])
            if ptable is not None and row[ptable] not in ("", self.sheet) and row[ptable] != sheet_name:
                # Nested repeat (its parent is another repeat): kept in the raw record only.
                pass
            fields = {}
            raw = {}
            for k, h, v in zip(keys, headers, row, strict=False):
                v = _cell(v)
                if v is None:
                    continue
                raw[h] = v
                if h.startswith("_"):
                    continue
                fields[k] = value(k, v) if value else v
            yield parent, fields, raw, line

    def __iter__(self) -> Iterator[Submission]:
        headers, keys, sheet = self.headers, self.keys, self.sheet
        try:
            idx_col = headers.index("_index")
        except ValueError:
            idx_col = None
        uuid_col = headers.index("_uuid") if "_uuid" in headers else None
        root_col = headers.index("meta/rootUuid") if "meta/rootUuid" in headers else None
        inst_col = headers.index("meta/instanceID") if "meta/instanceID" in headers else None
        time_col = headers.index("_submission_time") if "_submission_time" in headers else None
        if uuid_col is None and inst_col is None:
            raise IntakeFileError(
                _("The main sheet has no _uuid or meta/instanceID column: is it a KoboToolbox export?"),
                file=self.name,
                sheet=sheet,
                column="_uuid",
                rule="missing_required_column",
            )
        value = self.labels.value if self.labels is not None else None
        streams = []
        for name in self.repeat_sheets:
            stream = self._repeat_stream(name)
            streams.append([name, stream, next(stream, None), None])
        pairs = list(zip(keys, headers, range(len(headers)), strict=False))
        for line, row in enumerate(self._rows, start=2):
            if len(row) < len(headers):
                row = list(row) + [""] * (len(headers) - len(row))
            fields = {}
            raw = {}
            for k, h, i in pairs:
                v = row[i]
                if v == "" or v is None:
                    continue
                v = _cell(v)
                if v is None:
                    continue
                raw[h] = v
                fields[k] = value(k, v) if value else v
            if not raw:
                continue
            uid = None
            if root_col is not None and row[root_col]:
                uid = strip_uuid(row[root_col])
            if not uid and uuid_col is not None:
                uid = strip_uuid(row[uuid_col])
            if not uid and inst_col is not None:
                uid = strip_uuid(row[inst_col])
            index = _cell(row[idx_col]) if idx_col is not None else line - 1
            repeats: dict[str, list[dict]] = {}
            raw_repeats: dict[str, list[dict]] = {}
            for st in streams:
                name, stream, current = st[0], st[1], st[2]
                out: list = repeats.setdefault(name, [])
                rawlist: list = raw_repeats.setdefault(name, [])
                if st[3] is not None:  # indexed fallback
                    for fields_r, raw_r in st[3].pop(index, []):
                        out.append(fields_r)
                        rawlist.append(raw_r)
                    continue
                while current is not None and current[0] == index:
                    out.append(current[1])
                    rawlist.append(current[2])
                    current = next(stream, None)
                if (
                    current is not None
                    and isinstance(current[0], int)
                    and isinstance(index, int)
                    and current[0] < index
                ):
                    # Out of order: index the rest of the sheet by parent once.
                    table: dict = {}
                    while current is not None:
                        table.setdefault(current[0], []).append((current[1], current[2]))
                        current = next(stream, None)
                    st[3] = table
                    for fields_r, raw_r in table.pop(index, []):
                        out.append(fields_r)
                        rawlist.append(raw_r)
                st[2] = current
            if any(raw_repeats.values()):
                raw["__repeats__"] = {k: v for k, v in raw_repeats.items() if v}
            yield Submission(
                uuid=uid or "",
                submitted_at=str(_cell(row[time_col]))
                if time_col is not None and row[time_col] != ""
                else None,
                fields=fields,
                repeats=repeats,
                raw=raw,
                row=line,
                sheet=sheet,
            )
