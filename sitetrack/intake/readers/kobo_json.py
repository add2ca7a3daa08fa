"""KoboToolbox API v2 JSON (`/api/v2/assets/{uid}/data/?format=json`).

Accepts one page (`{"count", "next", "previous", "results": [...]}`), a list of pages, or
a plain list of submissions. Keys are full paths (`grp/sub/field`); a repeat group is a
list of dicts whose keys are full paths again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from sitetrack.intake.readers.base import IntakeFileError, Submission, clean_cell, strip_uuid


def _last(key: str) -> str:
    return key.rsplit("/", 1)[-1]


def submission_from_record(record: dict, *, row: int, sheet: str = "") -> Submission:
    fields: dict = {}
    repeats: dict[str, list[dict]] = {}
    for key, value in record.items():
        if isinstance(value, list) and value and isinstance(value[0], dict) and not key.startswith("_"):
            rows = []
            for item in value:
                rows.append(
                    {_last(k): clean_cell(v) for k, v in item.items() if not isinstance(v, list | dict)}
                )
            repeats[_last(key)] = rows
            continue
        if (
            key.startswith("_")
            or key.startswith("meta/")
            or key.startswith("formhub/")
            or key == "__version__"
        ):
            continue
        value = clean_cell(value)
        if value is None or isinstance(value, dict | list):
            continue
        fields[_last(key)] = value
    uid = strip_uuid(record.get("meta/rootUuid") or record.get("_uuid") or record.get("meta/instanceID"))
    return Submission(
        uuid=uid,
        submitted_at=record.get("_submission_time"),
        fields=fields,
        repeats=repeats,
        raw=record,
        row=row,
        sheet=sheet,
    )


def records_from_payload(payload) -> list[dict]:
    if isinstance(payload, dict):
        if "results" not in payload:
            raise IntakeFileError(
                code="json_no_results",
                column="results",
                rule="missing_required_column",
            )
        return list(payload["results"])
    if isinstance(payload, list):
        if payload and isinstance(payload[0], dict) and "results" in payload[0]:
            return [r for page in payload for r in page["results"]]
        return list(payload)
    raise IntakeFileError(code="json_shape", rule="json_shape")


class KoboJsonReader:
    format = "kobo_json"

    def __init__(self, path: Path | None, *, name: str, records: Iterable[dict] | None = None) -> None:
        self.name = name
        self.sheet = ""
        if records is None:
            try:
                with open(path, encoding="utf-8-sig") as fh:
                    payload = json.load(fh)
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise IntakeFileError(
                    code="json_syntax",
                    params={"error": str(exc)},
                    file=name,
                    rule="json_syntax",
                ) from exc
            try:
                records = records_from_payload(payload)
            except IntakeFileError as exc:
                exc.file = name
                raise
        self.records = list(records)
        self.total = len(self.records)
        keys = {k for r in self.records[:50] for k in r}
        self.columns = {_last(k): k for k in keys}

    def __iter__(self) -> Iterator[Submission]:
        for i, record in enumerate(self.records, start=1):
            if not isinstance(record, dict):
                raise IntakeFileError(
                    code="json_not_object",
                    params={"n": i},
                    file=self.name,
                    row=i,
                    rule="json_shape",
                )
            yield submission_from_record(record, row=i)
