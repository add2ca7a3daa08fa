"""Reading a site master list: file decoding, column mapping, the import report.

The writing itself is `services.sites_import`, which runs every row through the same
rules as the web form and the API.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sitetrack.core.tabular import UndecodableText, cell_text, decode_text, sniff_delimiter
from sitetrack.sites.choices import normalise

# Field → what users call it in the report ("missing columns: site name, ...").
FIELD_LABELS = {
    "code": gettext_lazy("site code"),
    "name": gettext_lazy("site name"),
    "aliases": gettext_lazy("other names"),
    "site_type": gettext_lazy("site type"),
    "admin_area": gettext_lazy("admin P-code"),
    "latitude": gettext_lazy("latitude"),
    "longitude": gettext_lazy("longitude"),
    "gps": gettext_lazy("GPS point"),
    "management_agency": gettext_lazy("management agency"),
    "management_type": gettext_lazy("management type"),
    "land_tenure": gettext_lazy("land tenure"),
    "area_m2": gettext_lazy("site area (m²)"),
    "capacity": gettext_lazy("capacity"),
    "opened_on": gettext_lazy("opened on"),
    "notes": gettext_lazy("notes"),
}
REQUIRED_FIELDS = ("name", "site_type", "admin_area")

# Normalised header names recognised for each field, most specific first. Includes the
# DTM Kobo field codes (m0445_loc_site_id_ssid ...) and common English/French headers.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "code": (
        "site code",
        "code site",
        "site id",
        "ssid",
        "site ssid",
        "m0445 loc site id ssid",
        "site id ssid",
        "code",
        "id site",
        "identifiant du site",
        "site pcode",
        "site p code",
    ),
    "name": ("site name", "nom du site", "m0448 loc site name", "nom site", "name", "nom", "site"),
    "aliases": ("aliases", "alias", "other names", "autres noms", "also known as", "aka"),
    "site_type": (
        "site type",
        "type de site",
        "type site",
        "m0342 loc site type multiple",
        "m0342 loc site type",
        "type",
    ),
    "admin_area": (
        "admin pcode",
        "admin p code",
        "pcode",
        "p code",
        "admin area pcode",
        "admin3 pcode",
        "adm3 pcode",
        "admin3pcode",
        "adm3pcode",
        "admin2 pcode",
        "adm2 pcode",
        "admin area",
        "admin area code",
        "location pcode",
        "sous prefecture pcode",
    ),
    "latitude": ("latitude", "lat", "gps latitude", "y", "site latitude", "m1650 loc gps coords latitude"),
    "longitude": (
        "longitude",
        "lon",
        "long",
        "lng",
        "gps longitude",
        "x",
        "site longitude",
        "m1650 loc gps coords longitude",
    ),
    "gps": (
        "gps",
        "gps coordinates",
        "coordinates",
        "coordonnees",
        "coordonnees gps",
        "lat lon",
        "latlon",
        "geolocation",
        "location",
        "m1650 loc gps coords",
        "geopoint",
    ),
    "management_agency": (
        "management agency",
        "site management agency",
        "camp management agency",
        "gestionnaire",
        "agence de gestion",
        "organisation gestionnaire",
        "cccm agency",
        "managing agency",
        "sma",
        "cma",
    ),
    "management_type": ("management type", "type de gestion"),
    "land_tenure": ("land tenure", "land ownership", "statut foncier", "propriete du terrain", "tenure"),
    "area_m2": ("site area m2", "area m2", "site area", "area", "superficie m2", "superficie", "surface"),
    "capacity": ("capacity", "capacite", "site capacity", "capacity people", "max capacity"),
    "opened_on": ("opened on", "opening date", "date d ouverture", "date ouverture", "open date"),
    "notes": ("notes", "remarks", "comments", "commentaires", "observations"),
}


@dataclass
class ImportProblem:
    """One error or warning, with everything a user needs to find it."""

    file: str
    row: int | None
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += _(", row %(row)s") % {"row": self.row}
        if self.column:
            where += _(", column “%(column)s”") % {"column": self.column}
        if self.value not in ("", None):
            where += _(" (value “%(value)s”)") % {"value": self.value}
        return f"{where}: {self.message}"


@dataclass
class SitesImportReport:
    file: str
    dry_run: bool = False
    mapping: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return _("%(file)s: %(n)s error(s), nothing was imported.") % {
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
        if self.warnings:
            text += _(", %(n)s warning(s)") % {"n": len(self.warnings)}
        if self.dry_run:
            text += _(" (check only: nothing was written)")
        return text + "."

    def as_text(self) -> str:
        lines = [self.summary()]
        if self.mapping:
            lines.append(_("Columns used:"))
            lines += [f"  {f} ← {c}" for f, c in self.mapping.items()]
        lines += [_("ERROR %(problem)s") % {"problem": p} for p in self.errors]
        lines += [_("WARNING %(problem)s") % {"problem": p} for p in self.warnings]
        return "\n".join(lines)


class FileProblem(Exception):
    """The file cannot be read at all (encoding, format, no header)."""


def read_table(path: str | Path) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the first sheet of an XLSX or of a CSV; cells as stripped text."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        from python_calamine import CalamineWorkbook

        try:
            sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
            data = [[cell_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
        except Exception as exc:  # calamine raises its own error types for broken files
            raise FileProblem(
                _("%(file)s is not a readable spreadsheet: %(error)s") % {"file": path.name, "error": exc}
            ) from exc
    else:
        try:
            text, _encoding = decode_text(path.read_bytes())
        except UndecodableText as exc:
            raise FileProblem(f"{path.name}: {exc}") from exc
        first = text.split("\n", 1)[0]
        data = [
            [c.strip() for c in row]
            for row in csv.reader(io.StringIO(text), delimiter=sniff_delimiter(first))
        ]
    data = [row for row in data if any(c for c in row)] if data else []
    if not data:
        raise FileProblem(_("%(file)s is empty.") % {"file": path.name})
    header, rows = data[0], data[1:]
    width = len(header)
    return header, [(row + [""] * width)[:width] for row in rows]


def auto_mapping(header: list[str]) -> dict[str, str]:
    """field → column, from the header names (HXL-style tag rows are not needed)."""
    normalised = {normalise(h): h for h in header if h}
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for fieldname, synonyms in HEADER_SYNONYMS.items():
        for synonym in synonyms:
            column = normalised.get(synonym)
            if column and column not in taken:
                mapping[fieldname] = column
                taken.add(column)
                break
    # A GPS column is only needed when there are no separate latitude/longitude columns.
    if "latitude" in mapping and "longitude" in mapping:
        mapping.pop("gps", None)
    return mapping


GPS_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def split_gps(value: str) -> tuple[str, str] | None:
    """ "4.3986 18.5189", "4.3986,18.5189", "4.3986 18.5189 380 5" (ODK geopoint: lat lon
    altitude accuracy) → ("4.3986", "18.5189"); None when it does not look like a point."""
    text = value.strip().strip("[]()")
    # "4,3986 18,5189" has decimal commas separated by a space.
    parts = text.split() if "," in text and "." not in text else re.split(r"[\s,;]+", text)
    parts = [p for p in parts if p]
    if len(parts) < 2 or not all(GPS_NUMBER.fullmatch(p) for p in parts[:2]):
        return None
    return parts[0], parts[1]


@contextmanager
def save_upload(upload) -> Iterator[str]:
    """Write an uploaded file to a temporary path (keeping its extension) and remove it after."""
    suffix = Path(upload.name).suffix.lower()[:8]
    handle, path = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        yield path
    finally:
        Path(path).unlink(missing_ok=True)
