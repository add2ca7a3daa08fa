"""KoboToolbox CSV exports: `group/field` or `group.field` headers, `;` or `,`, UTF-8
(with or without BOM) or Windows-1252. CSV exports leave repeat groups out."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path

from sitetrack.core.tabular.safety import MAX_CELL_CHARS, huge_cell
from sitetrack.core.xlsx import column_letter
from sitetrack.intake.readers.base import IntakeFileError, Submission, clean_cell, field_keys, strip_uuid
from sitetrack.intake.readers.labels import LabelTranslator


def detect_encoding(path: Path, *, name: str) -> str:
    """utf-8-sig when the whole file is valid UTF-8, else cp1252 when it plausibly is;
    anything else is refused (a wrong guess would silently corrupt names)."""
    with open(path, "rb") as fh:
        head = fh.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
            raise IntakeFileError(
                code="csv_utf16",
                file=name,
                rule="encoding",
            )
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        offset = 0
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
                offset += len(chunk)
            decoder.decode(b"", final=True)
            return "utf-8-sig"
        except UnicodeDecodeError as exc:
            bad_at = offset + exc.start
    with open(path, "rb") as fh:
        data = fh.read()
    row = data[:bad_at].count(b"\n") + 1
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text or any("\x80" <= ch <= "\x9f" for ch in text):
        raise IntakeFileError(
            code="csv_encoding",
            file=name,
            row=row,
            value=data[bad_at : bad_at + 8].hex(" "),
            rule="encoding",
        )
    return "cp1252"


# Files up to this size have their records counted exactly before the import.
COUNT_BYTES = 32 << 20
# Longest cell the parser reads (Python's default, 128 KiB, would stop the whole file on
# one long cell; the import rejects cells over 64 KiB row by row, saying where).
CELL_LIMIT = 16 << 20
csv.field_size_limit(max(csv.field_size_limit(), CELL_LIMIT))


class KoboCsvReader:
    format = "kobo_csv"

    def __init__(
        self, path: Path, *, name: str, labels: LabelTranslator | None = None, encoding: str | None = None
    ) -> None:
        self.path, self.name, self.labels = path, name, labels
        self.encoding = encoding or detect_encoding(path, name=name)
        with open(path, encoding=self.encoding, newline="") as fh:
            sample = fh.read(64 * 1024)
        first = sample.splitlines()[0] if sample else ""
        if not first.strip():
            raise IntakeFileError(code="csv_empty", file=name, rule="empty")
        self.delimiter = ";" if first.count(";") > first.count(",") else ","
        if first.count("\t") > max(first.count(";"), first.count(",")):
            self.delimiter = "\t"
        headers = next(csv.reader(io.StringIO(first), delimiter=self.delimiter))
        self.raw_headers = [h.strip() for h in headers]
        headers = labels.headers(self.raw_headers) if labels is not None else list(self.raw_headers)
        self.sep = "/" if any("/" in h for h in headers) else ("." if any("." in h for h in headers) else "/")
        self.headers = headers
        self.keys = field_keys(headers, self.sep)
        self.columns = dict(zip(self.keys, self.raw_headers, strict=False))
        self.sheet = ""
        # Without either, the mapping must name a stable id column (the checker says so).
        self.has_identity = bool({"_uuid", "meta/instanceID", "meta.instanceID"} & set(headers))
        self.total = self._count_records(path)

    def _count_records(self, path: Path) -> int:
        """Records, not lines (a cell may hold line breaks): counted by the CSV parser for
        files up to COUNT_BYTES, estimated from the lines beyond (the import then sets the
        total it counted)."""
        if path.stat().st_size <= COUNT_BYTES:
            with open(path, encoding=self.encoding, newline="") as fh:
                return max(0, sum(1 for row in csv.reader(fh, delimiter=self.delimiter) if row) - 1)
        # Counting lines is cheap next to parsing them; a quoted newline makes it an estimate.
        with open(path, "rb") as fh:
            return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1)

    def __iter__(self) -> Iterator[Submission]:
        headers, keys = self.headers, self.keys
        value = self.labels.value if self.labels is not None else None
        uuid_i = headers.index("_uuid") if "_uuid" in headers else None
        inst_i = next(
            (headers.index(h) for h in ("meta/instanceID", "meta.instanceID") if h in headers), None
        )
        time_i = headers.index("_submission_time") if "_submission_time" in headers else None
        raw_headers = self.raw_headers
        with open(self.path, encoding=self.encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=self.delimiter)
            next(reader, None)
            yield from self._rows(reader, headers, keys, raw_headers, value, uuid_i, inst_i, time_i)

    def _rows(
        self, reader, headers, keys, raw_headers, value, uuid_i, inst_i, time_i
    ) -> Iterator[Submission]:
        """Row numbers are the spreadsheet's (a record with line breaks is one row)."""
        line = 1
        width = len(keys)
        try:
            for line, row in enumerate(reader, start=2):  # noqa: B007 — `line` is reported on error
                if len(row) > width:
                    self._check_extra_cells(row, width, line)
                fields, raw = {}, {}
                for k, h, v in zip(keys, raw_headers, row, strict=False):
                    if not v:
                        continue
                    v = clean_cell(v)
                    if v is None:
                        continue
                    raw[h] = v
                    fields[k] = value(k, v) if value else v
                if not raw:
                    continue
                uid = strip_uuid(row[uuid_i]) if uuid_i is not None and uuid_i < len(row) else ""
                if not uid and inst_i is not None and inst_i < len(row):
                    uid = strip_uuid(row[inst_i])
                yield Submission(
                    uuid=uid,
                    submitted_at=(row[time_i] or None) if time_i is not None and time_i < len(row) else None,
                    fields=fields,
                    repeats=None,
                    raw=raw,
                    row=line,
                    sheet="",
                )
        except csv.Error as exc:
            raise IntakeFileError(
                code="csv_malformed",
                params={"row": line, "error": str(exc)},
                file=self.name,
                row=line + 1,
                rule="malformed_csv",
            ) from exc

    def _check_extra_cells(self, row: list[str], width: int, line: int) -> None:
        """Cells past the header feed no field and are not read, but one longer than a
        spreadsheet cell can hold is not data (a broken export or an attack): the file is
        refused, naming the row, the column and the limit, rather than imported as if the
        cell were not there."""
        for index in range(width, len(row)):
            if len(row[index]) > MAX_CELL_CHARS:
                problem = huge_cell(
                    file=self.name, sheet="", row=line, column=column_letter(index), length=len(row[index])
                ).problem
                raise IntakeFileError(
                    problem.message, file=self.name, row=line, column=problem.column, rule=problem.rule
                )
