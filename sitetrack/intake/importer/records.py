"""The named records an import passes between its parts (the checker produces them, the
saver writes them; neither imports the other)."""

from __future__ import annotations

import dataclasses
from typing import Any, NamedTuple


class KnownSite(NamedTuple):
    """A registry site as the checker looks it up: by code, or by location P-code."""

    id: int
    code: str
    area_m2: Any
    area_path: frozenset[str]


class Stored(NamedTuple):
    """A raw submission already stored for the operation."""

    id: int
    content_hash: str
    assessment_id: int | None
    raw_hash: str


class Current(NamedTuple):
    """The round's assessment of a site (id None: staged by this import)."""

    id: int | None
    status: str


class RawRecord(NamedTuple):
    """A raw record to refresh (the submission's values did not change)."""

    uuid: str
    submitted_at: str
    raw_text: str
    digest: str
    raw_hash: str


class Checked(NamedTuple):
    """A submission checked and typed, ready to be written."""

    uuid: str
    submitted_at: str
    raw_text: str
    digest: str
    site_id: int
    site_code: str
    cleaned: dict
    flows: list | None
    issues: list
    errors: int
    warnings: int
    row: int | None
    sheet: str
    raw_hash: str


@dataclasses.dataclass
class Counts:
    """What an import did with the file's records."""

    processed: int = 0
    rejected: int = 0
    unchanged: int = 0
    new: int = 0
    updated: int = 0
    held: int = 0
    warnings: int = 0

    def as_run_fields(self) -> dict[str, int]:
        return dataclasses.asdict(self)
