"""Writes for admin areas: the COD table import, and create / update of one area.

The import (`admin_areas_import`) reads COD tables (CSV, XLSX, GeoJSON), reports every
inconsistency it finds as a `Finding` (file, row, column, value, rule, message) and never
silently fixes one: within a call, the first value seen wins and the finding says so. It
is idempotent (a re-import updates changed values and creates nothing twice) and atomic
(a fatal problem in any file raises `AdminAreaImportError` and nothing is written). Its
steps live in `sitetrack.geo.cod_import`: read → plan → check → apply.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sitetrack.geo.cod_import.apply import apply
from sitetrack.geo.cod_import.checks import check_across
from sitetrack.geo.cod_import.findings import (
    AdminAreaImportError,
    Finding,
    ImportReport,
    LevelCounts,
    Origin,
    Rule,
)
from sitetrack.geo.cod_import.plan import Plan
from sitetrack.geo.cod_import.values import is_pcode, names_clean
from sitetrack.geo.geometry import COUNTRIES, boundary_clean, resolve_country
from sitetrack.geo.models import AdminArea
from sitetrack.geo.readers import TableError, read_tables
from sitetrack.geo.selectors import admin_area_editable_by

__all__ = [
    "COUNTRIES",
    "AdminAreaImportError",
    "Finding",
    "ImportReport",
    "LevelCounts",
    "Rule",
    "admin_area_create",
    "admin_area_update",
    "admin_areas_import",
    "boundary_clean",
]


def admin_areas_import(
    *,
    paths: Iterable[str | Path],
    dry_run: bool = False,
    country_name: str | None = None,
    sheet: str | None = None,
    country: str | None = None,
) -> ImportReport:
    """Import COD admin tables; see the module docstring. `sheet` reads only that sheet of
    each workbook (by default, every sheet with a P-code column); `country` (ISO 3166 alpha-3
    or alpha-2) names the country and refuses areas of another. Raises AdminAreaImportError."""
    paths = [Path(p) for p in paths]
    report = ImportReport(files=[p.name for p in paths], dry_run=dry_run)
    iso2, name = _country(country) if country else (None, "")
    plan = Plan(country_name=country_name, country=iso2, fallback_name=name)
    for path in paths:
        try:
            reading = read_tables(path, sheet=sheet)
        except TableError as exc:
            plan.error(Origin(exc.file, None, ""), "", exc.rule, exc.message)
            continue
        report.notes += reading.notes
        for table in reading.tables:
            plan.add_table(table)
    if plan.errors:
        raise AdminAreaImportError(plan.errors)

    with transaction.atomic():
        existing = {
            a.pcode: a for a in AdminArea.objects.filter(pcode__in=list(plan.areas)).select_related("parent")
        }
        check_across(plan, existing)
        if plan.errors:
            raise AdminAreaImportError(plan.errors)
        apply(plan, existing, report)
        report.findings = plan.findings
        if dry_run:
            transaction.set_rollback(True)
    return report


def _country(code: str) -> tuple[str, str]:
    """(alpha-2 code, name) of --country; AdminAreaImportError when unknown."""
    resolved = resolve_country(code)
    if resolved is None:
        message = _("Unknown country code %(code)s: expected ISO 3166 alpha-3 (SOM) or alpha-2 (SO).") % {
            "code": code
        }
        raise AdminAreaImportError([Finding("", None, "--country", code, Rule.WRONG_COUNTRY, message)])
    return resolved


# --- one area (API, admin) -----------------------------------------------------------


@transaction.atomic
def admin_area_create(
    *,
    user: AbstractBaseUser,
    pcode: str,
    name_en: str,
    parent: AdminArea | None,
    name_fr: str = "",
    population: int | None = None,
    population_year: int | None = None,
    boundary: dict | None = None,
    source: str = "",
    names: dict[str, str] | None = None,
) -> AdminArea:
    """Create one area under `parent` (a country when None: superusers only); the user
    must be allowed to edit the parent's country (PermissionDenied otherwise). `names`:
    {language: name} in other languages (ISO 639-1)."""
    if parent is None and not user.is_superuser:
        raise PermissionDenied(_("Only a superuser can create a country (an area without a parent)."))
    if parent is not None and not admin_area_editable_by(user, parent.country_pcode):
        raise PermissionDenied(
            _("Only administrators and IMOs of an operation in %(country)s can add admin areas there.")
            % {"country": parent.country_pcode}
        )
    pcode = (pcode or "").strip()
    errors: dict[str, list[str]] = {}
    if not is_pcode(pcode):
        errors["pcode"] = [_("Not a P-code: expected letters and digits, at most 20 characters.")]
    elif AdminArea.objects.filter(pcode=pcode).exists():
        errors["pcode"] = [_("An admin area with the P-code %(code)s already exists.") % {"code": pcode}]
    elif parent is not None and not pcode.startswith(parent.pcode):
        errors["pcode"] = [
            _("%(code)s must start with the code of its parent %(parent)s.")
            % {"code": pcode, "parent": parent.pcode}
        ]
    if not (name_en or "").strip():
        errors["name_en"] = [_("A name is required.")]
    if errors:
        raise ValidationError(errors)
    area = AdminArea(pcode=pcode, level=parent.level + 1 if parent else 0, parent=parent)
    _set_details(
        area,
        name_en=name_en,
        name_fr=name_fr,
        population=population,
        population_year=population_year,
        boundary=boundary,
        source=source,
        names=names or {},
    )
    area.save()
    return area


_UNSET: Any = object()


@transaction.atomic
def admin_area_update(
    *,
    user: AbstractBaseUser,
    area: AdminArea,
    name_en: str = _UNSET,
    name_fr: str = _UNSET,
    population: int | None = _UNSET,
    population_year: int | None = _UNSET,
    boundary: dict | None = _UNSET,
    source: str = _UNSET,
    names: dict[str, str] = _UNSET,
) -> AdminArea:
    """Change what is given; the P-code and the place in the hierarchy stay (re-import
    a COD table to restructure). PermissionDenied unless the user may edit the country.
    `names` sets the languages it gives ({"ar": "عدن"}); an empty name removes one."""
    if not admin_area_editable_by(user, area.country_pcode):
        raise PermissionDenied(
            _("Only administrators and IMOs of an operation in %(country)s can change its admin areas.")
            % {"country": area.country_pcode}
        )
    if name_en is not _UNSET and not (name_en or "").strip():
        raise ValidationError({"name_en": [_("A name is required.")]})
    _set_details(
        area,
        name_en=name_en,
        name_fr=name_fr,
        population=population,
        population_year=population_year,
        boundary=boundary,
        source=source,
        names=names,
    )
    area.save()
    return area


def _set_details(area: AdminArea, **values: Any) -> None:
    for name, value in values.items():
        if value is _UNSET:
            continue
        if name == "boundary":
            if value is None:
                area.boundary = None
                if area.level > 0 or area.pcode not in COUNTRIES:
                    area.min_lon = area.min_lat = area.max_lon = area.max_lat = None
                else:
                    area.min_lon, area.min_lat, area.max_lon, area.max_lat = COUNTRIES[area.pcode]["extent"]
            else:
                area.boundary, bbox = boundary_clean(value)
                area.min_lon, area.min_lat, area.max_lon, area.max_lat = bbox
        elif name == "names":
            area.names = names_clean(value, current=area.names or {})
        elif name in ("name_en", "name_fr", "source"):
            setattr(area, name, (value or "").strip())
        else:
            setattr(area, name, value)
