"""ODK Central CSV exports: one CSV, or the zip of the main CSV and one CSV per repeat.

Root columns `SubmissionDate`, the fields (groups joined by `-`), then `KEY`,
`SubmitterID`, …; a geopoint is split into `-Latitude`, `-Longitude`, `-Altitude`,
`-Accuracy`; repeat CSVs carry `PARENT_KEY` and `KEY`.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from sitetrack.intake.readers.base import IntakeFileError, Submission, clean_cell, strip_uuid

ODK_ROOT = {
    "SubmissionDate",
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
    "PARENT_KEY",
}
GEO_SUFFIXES = ("-Latitude", "-Longitude", "-Altitude", "-Accuracy")


def _keys(headers: list[str]) -> list[str]:
    out = []
    for h in headers:
        if h in ODK_ROOT:
            out.append(h)
            continue
        for suffix in GEO_SUFFIXES:
            if h.endswith(suffix):
                out.append(f"{h[: -len(suffix)].rsplit('-', 1)[-1]}{suffix}")
                break
        else:
            out.append(h.rsplit("-", 1)[-1])
    return out


def _rows(text_stream) -> tuple[list[str], Iterator[list[str]]]:
    reader = csv.reader(text_stream)
    headers = [h.strip() for h in next(reader, [])]
    return headers, reader


def _record(keys, headers, row) -> tuple[dict, dict]:
    fields, raw = {}, {}
    geo: dict[str, list] = {}
    for k, h, v in zip(keys, headers, row, strict=False):
        v = clean_cell(v)
        if v is None:
            continue
        raw[h] = v
        if k in ODK_ROOT:
            continue
        for i, suffix in enumerate(GEO_SUFFIXES):
            if k.endswith(suffix):
                geo.setdefault(k[: -len(suffix)], [""] * 4)[i] = v
                break
        else:
            fields[k] = v
    for name, parts in geo.items():
        fields[name] = " ".join(p for p in parts if p != "")
    return fields, raw


class OdkCsvReader:
    format = "odk_csv"

    def __init__(self, path: Path, *, name: str) -> None:
        self.path, self.name = path, name
        self.repeat_texts: dict[str, str] = {}
        if zipfile.is_zipfile(path):
            self.format = "odk_zip"
            with zipfile.ZipFile(path) as zf:
                infos = [i for i in zf.infolist() if i.filename.lower().endswith(".csv")]
                if not infos:
                    raise IntakeFileError(code="zip_no_csv", file=name, rule="no_csv")
                if sum(i.file_size for i in infos) > 20 * sum(max(1, i.compress_size) for i in infos) * 10:
                    raise IntakeFileError(
                        code="zip_bomb",
                        file=name,
                        rule="zip_bomb",
                    )
                # The main CSV is the one whose name is a prefix of the others'.
                infos.sort(key=lambda i: len(i.filename))
                main = infos[0]
                self.main_text = zf.read(main).decode("utf-8-sig")
                self.sheet = main.filename
                for info in infos[1:]:
                    stem = info.filename.rsplit("/", 1)[-1][:-4]
                    self.repeat_texts[stem.rsplit("-", 1)[-1]] = zf.read(info).decode("utf-8-sig")
        else:
            self.main_text = Path(path).read_text(encoding="utf-8-sig")
            self.sheet = ""
        headers, _rows_iter = _rows(io.StringIO(self.main_text))
        if "KEY" not in headers:
            raise IntakeFileError(
                code="odk_no_key",
                file=name,
                sheet=self.sheet,
                row=1,
                column="KEY",
                rule="missing_required_column",
            )
        self.headers = headers
        self.keys = _keys(headers)
        self.columns = dict(zip(self.keys, headers, strict=False))
        self.total = max(0, self.main_text.count("\n") - 1)

    def __iter__(self) -> Iterator[Submission]:
        repeats_by_parent: dict[str, dict[str, list]] = {}
        for rname, text in self.repeat_texts.items():
            headers, rows = _rows(io.StringIO(text))
            keys = _keys(headers)
            if "PARENT_KEY" not in headers:
                continue
            pk = headers.index("PARENT_KEY")
            for row in rows:
                fields, raw = _record(keys, headers, row)
                repeats_by_parent.setdefault(row[pk], {}).setdefault(rname, []).append((fields, raw))
        headers, rows = _rows(io.StringIO(self.main_text))
        key_i = headers.index("KEY")
        inst_i = next((i for i, h in enumerate(headers) if h.endswith("instanceID")), None)
        date_i = headers.index("SubmissionDate") if "SubmissionDate" in headers else None
        for line, row in enumerate(rows, start=2):
            if not any(row):
                continue
            fields, raw = _record(self.keys, headers, row)
            key = row[key_i]
            reps = repeats_by_parent.pop(key, {})
            repeats = {r: [f for f, _ in items] for r, items in reps.items()}
            for rname in self.repeat_texts:
                repeats.setdefault(rname, [])
            if reps:
                raw["__repeats__"] = {r: [x for _, x in items] for r, items in reps.items()}
            uid = strip_uuid(row[inst_i]) if inst_i is not None and row[inst_i] else strip_uuid(key)
            yield Submission(
                uuid=uid,
                submitted_at=row[date_i] if date_i is not None else None,
                fields=fields,
                repeats=repeats if self.repeat_texts else None,
                raw=raw,
                row=line,
                sheet=self.sheet,
            )
