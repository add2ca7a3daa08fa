"""`sites_import`: a master list → sites (and their baseline population), all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sitetrack.core.access import require
from sitetrack.core.models import Operation
from sitetrack.core.tabular import INFO, WARNING, Problem, Table, TabularError, normalise, read_table
from sitetrack.geo.countries import check_point, country_outline, iso3
from sitetrack.geo.models import AdminArea
from sitetrack.geo.spatial import boundary_area, point_in_area
from sitetrack.sites.choices import match_choice
from sitetrack.sites.master_list.duplicates import likely_duplicates, same_site_by_name
from sitetrack.sites.master_list.fields import FIELD_LABELS, site_fields
from sitetrack.sites.master_list.population import land_population
from sitetrack.sites.master_list.report import SitesImportReport
from sitetrack.sites.master_list.rows import AreaFromCode, RowValues, row_values
from sitetrack.sites.models import Site, SiteType
from sitetrack.sites.services import site_create, site_names_set, site_update

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass
class _Run:
    operation: Operation
    user: User | None
    table: Table
    report: SitesImportReport
    defaults: dict[str, str]
    areas: AreaFromCode
    seen_codes: dict[str, int] = field(default_factory=dict)
    touched: dict[int, int] = field(default_factory=dict)  # site pk → file row
    population: list[tuple[Site, dict[str, int], int]] = field(default_factory=list)
    from_code: list[tuple[int, str]] = field(default_factory=list)  # (row, why) admin area from the code
    area_of: dict[str, AdminArea | None] = field(default_factory=dict)  # P-code → area, looked up once


@transaction.atomic
def sites_import(
    *,
    operation: Operation,
    user: User | None,
    path: str,
    mapping: dict[str, str] | None = None,
    defaults: dict[str, str] | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    filename: str | None = None,
) -> SitesImportReport:
    """Import a site master list (CSV or workbook). All or nothing: any row error leaves
    the registry untouched and the report lists every error. A row whose code exists
    updates that site (so re-importing the same file changes nothing); households and
    individuals land in a baseline round; likely duplicates are warnings.

    `mapping`: FIELD → COLUMN over the automatic mapping; `defaults`: FIELD → VALUE for
    empty cells (e.g. site_type); `sheet`: the sheet to read (else the best match)."""
    name = filename or Path(path).name
    defaults = {k: v for k, v in (defaults or {}).items()}
    report = SitesImportReport(file=name, dry_run=dry_run, defaults=defaults)
    if user is not None:
        require(user, operation, "import")
    fields = site_fields(operation.language_codes)
    for key in defaults:
        if key not in {f.name for f in fields}:
            report.errors.append(
                Problem(
                    message=_("Unknown field “%(field)s” in the defaults; known fields: %(fields)s.")
                    % {"field": key, "fields": ", ".join(FIELD_LABELS)},
                    rule="unknown_field",
                    file=name,
                    value=key,
                )
            )
    if defaults.get("site_type") and match_choice(SiteType, defaults["site_type"]) is None:
        report.errors.append(
            Problem(
                message=_("Unknown default site type “%(value)s”; expected one of: %(choices)s.")
                % {"value": defaults["site_type"], "choices": ", ".join(SiteType.values)},
                rule="unknown_default",
                file=name,
                value=defaults["site_type"],
            )
        )
    try:
        table = read_table(path, fields=fields, filename=name, sheet=sheet, mapping=mapping)
    except TabularError as exc:
        report.errors.append(exc.problem)
        return report
    if "gps" in table.mapping and "latitude" in table.mapping and "longitude" in table.mapping:
        table.mapping.pop("gps")
    _describe(report, table)
    _check_columns(report, table, defaults)
    if report.errors:
        return report
    run = _Run(operation, user, table, report, defaults, AreaFromCode(operation.country))
    for row, values in table.records():
        if _is_total_row(values):
            report.notes.append(
                _("Row %(row)s (“%(name)s”, no site code) is a total row: skipped.")
                % {"row": row.number, "name": values.get("name")}
            )
            continue
        report.rows += 1
        _import_row(run, row.number, row_values(table, row.number, values, defaults))
    _note_from_code(run)
    if not report.errors:
        report.warnings += likely_duplicates(operation, run.touched, table.column("name"), name, table.sheet)
        land_population(run.operation, run.user, run.population, table, report)
    _note_country_check(operation, report)
    if report.errors or dry_run:
        transaction.set_rollback(True)
    return report


TOTAL_ROW_NAMES = frozenset(
    {"total", "totals", "grand total", "sub total", "subtotal", "totaux", "total general"}
)


def _is_total_row(values: dict[str, str]) -> bool:
    """The "Total" / "Grand Total" line many lists end with: a name of that kind, no code."""
    return not values.get("code") and normalise(values.get("name") or "") in TOTAL_ROW_NAMES


def _describe(report: SitesImportReport, table: Table) -> None:
    report.sheet, report.sheet_reason, report.header_row = table.sheet, table.sheet_reason, table.header_row
    report.mapping = {f: table.column(f) for f in table.mapping}
    report.ignored = table.ignored
    for problem in table.problems:
        if problem.severity != INFO:
            report.add(problem)


def _check_columns(report: SitesImportReport, table: Table, defaults: dict[str, str]) -> None:
    mapped = set(table.mapping) | set(defaults)
    missing = []
    if "name" not in mapped:
        missing.append("name")
    if "site_type" not in mapped:
        missing.append("site_type")
    if "admin_area" not in mapped and "code" not in mapped:
        missing.append("admin_area")
    if ("latitude" in mapped) != ("longitude" in mapped):
        missing.append("longitude" if "latitude" in mapped else "latitude")
    if not missing:
        return
    hint = {
        "site_type": _("give --default site_type=TYPE when the list has no type"),
        "admin_area": _("or a site code that starts with the P-code"),
    }
    report.errors.append(
        table.problem(
            _(
                "Missing required columns: %(missing)s. Columns found: %(columns)s. Map them with --map FIELD=COLUMN (%(hints)s)."
            )
            % {
                "missing": ", ".join(str(FIELD_LABELS[f]) for f in missing),
                "columns": _columns_found(table),
                "hints": "; ".join(str(hint[f]) for f in missing if f in hint) or _("e.g. --map name=Nom"),
            },
            rule="missing_column",
        )
    )


def _columns_found(table: Table, limit: int = 20) -> str:
    named = [h for h in table.header if h]
    shown = ", ".join(named[:limit])
    return shown + (_(" and %(n)s more") % {"n": len(named) - limit} if len(named) > limit else "")


def _note_from_code(run: _Run, shown: int = 10) -> None:
    for number, why in run.from_code[:shown]:
        run.report.notes.append(_("Row %(row)s: %(why)s.") % {"row": number, "why": why})
    if len(run.from_code) > shown:
        run.report.notes.append(
            _("… and %(n)s more rows whose admin area was taken from the site code.")
            % {"n": len(run.from_code) - shown}
        )


def _note_country_check(operation: Operation, report: SitesImportReport) -> None:
    code = operation.country.pcode
    if country_outline(code) is None:
        report.notes.append(
            _(
                "Coordinates were not checked against the outline of %(country)s: no outline is known for "
                "“%(code)s” (install the world-atlas package with npm ci); only its bounding box, if any, was used."
            )
            % {"country": operation.country.name_en, "code": code}
        )
    else:
        report.notes.append(
            _("Coordinates checked against the outline of %(country)s (%(iso)s, Natural Earth 1:50m).")
            % {"country": operation.country.name_en, "iso": iso3(code)}
        )


def _import_row(run: _Run, number: int, values: RowValues) -> None:
    report, table = run.report, run.table
    report.errors += values.problems
    raw = values.site
    code = str(raw.get("code") or "").strip().upper()
    if code:
        if code in run.seen_codes:
            report.errors.append(
                table.problem(
                    _("Duplicate site code in the file (first on row %(row)s).")
                    % {"row": run.seen_codes[code]},
                    rule="duplicate_code",
                    row=number,
                    field="code",
                    value=raw["code"],
                )
            )
            return
        run.seen_codes[code] = number
        raw["admin_area"], why = run.areas.resolve(code, str(raw.get("admin_area") or "").strip())
        if why:
            run.from_code.append((number, why))
    if values.problems:
        return
    _check_country(run, number, raw)
    existing = Site.objects.filter(code__iexact=code).select_related("operation").first() if code else None
    if existing is None and not code:
        existing = same_site_by_name(run.operation, raw, run.touched)
        if existing is not None:
            report.warnings.append(
                table.problem(
                    _(
                        "No site code: taken to be %(code)s “%(name)s” (same name, same area), which it updates."
                    )
                    % {"code": existing.code, "name": existing.name},
                    rule="matched_by_name",
                    row=number,
                    field="name",
                    value=raw.get("name"),
                    severity=WARNING,
                )
            )
    try:
        site = _save(run, number, existing, raw, code)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                report.errors.append(
                    table.problem(
                        message,
                        rule=f"site_{name}",
                        row=number,
                        field=_column_field(table, name),
                        value=raw.get(name),
                    )
                )
        return
    except PermissionDenied as denied:
        report.errors.append(
            table.problem(
                str(denied), rule="scope", row=number, field="admin_area", value=raw.get("admin_area")
            )
        )
        return
    if site is None:
        return
    if site.pk in run.touched:
        report.errors.append(
            table.problem(
                _("This row describes the same site as row %(row)s.") % {"row": run.touched[site.pk]},
                rule="same_site",
                row=number,
                field="name",
                value=raw.get("name"),
            )
        )
    run.touched[site.pk] = number
    if values.names:
        site_names_set(site=site, names=values.names)
    if values.population:
        run.population.append((site, values.population, number))


def _check_country(run: _Run, number: int, raw: dict) -> None:
    """A point outside the operation's country (Paris in a CAR list) or with latitude and
    longitude swapped is not stored: the site lands without it and a warning says why, so
    one bad point does not hold back a whole list. Malformed numbers stay errors."""
    lat, lon = raw.get("latitude"), raw.get("longitude")
    if not lat or not lon:
        return
    try:
        lat_f, lon_f = float(str(lat).replace(",", ".")), float(str(lon).replace(",", "."))
    except ValueError:
        return  # site_create says what is wrong with the number
    if not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180):
        return
    country = run.operation.country
    verdict = check_point(country.pcode, lat_f, lon_f)
    if verdict.verdict not in ("outside", "swapped"):
        _check_area(run, number, raw, lat_f, lon_f)
        return
    if verdict.verdict == "swapped":
        message = _(
            "Latitude and longitude look swapped: %(lat)s, %(lon)s lies outside %(country)s, but %(lon)s, %(lat)s "
            "lies inside. The site is imported without a point: swap the two values in the file and import it again."
        )
    else:
        message = _(
            "The point %(lat)s, %(lon)s lies outside %(country)s (about %(km)s km from its border). The site is "
            "imported without a point: correct it in the file and import it again."
        )
    text = message % {"lat": lat, "lon": lon, "country": country.name_en, "km": verdict.distance_km}
    _refuse_point(run, number, raw, text, f"point_{verdict.verdict}")


def _refuse_point(run: _Run, number: int, raw: dict, message: str, rule: str) -> None:
    """The row's point left out of the site, with a warning that gives it and says why."""
    run.report.warnings.append(
        run.table.problem(
            message,
            rule=rule,
            row=number,
            column=run.table.column("latitude") or run.table.column("gps"),
            value=f"{raw['latitude']}, {raw['longitude']}",
            severity=WARNING,
        )
    )
    raw.pop("latitude")
    raw.pop("longitude")


def _check_area(run: _Run, number: int, raw: dict, lat: float, lon: float) -> None:
    """A point inside the country but outside the boundary of the row's admin area (a
    wrong P-code, a point off by a district, or an approximate boundary) is not stored
    either, for the same reason: the site lands without it, and a warning gives the
    point and the area so the IMO can correct one or the other. The site form, which
    refuses such a point, then accepts the site as it is."""
    pcode = str(raw.get("admin_area") or "").strip()
    if not pcode:
        return
    if pcode not in run.area_of:
        run.area_of[pcode] = AdminArea.objects.filter(pcode__iexact=pcode).first()
    area = run.area_of[pcode]
    if area is None or point_in_area(area, lat, lon) is not False:
        return
    holder = boundary_area(area) or area
    message = _(
        "The point %(lat)s, %(lon)s lies outside %(area)s (%(pcode)s), the site's admin area. The site is "
        "imported without a point: correct the point or the admin area in the file and import it again."
    )
    values = {"lat": raw["latitude"], "lon": raw["longitude"], "area": holder.name, "pcode": holder.pcode}
    _refuse_point(run, number, raw, message % values, "point_outside_area")


def _column_field(table: Table, name: str) -> str:
    """The field whose column to name for a service error on `name`."""
    if name in ("latitude", "longitude") and name not in table.mapping and "gps" in table.mapping:
        return "gps"
    return name


def _save(run: _Run, number: int, existing: Site | None, raw: dict, code: str) -> Site | None:
    report = run.report
    if existing is None:
        site = site_create(operation=run.operation, user=run.user, **raw)
        report.created.append(site.code)
        return site
    if existing.operation_id != run.operation.pk:
        report.errors.append(
            run.table.problem(
                _("Site code %(code)s belongs to another operation (%(operation)s).")
                % {"code": existing.code, "operation": existing.operation},
                rule="other_operation",
                row=number,
                field="code",
                value=code,
            )
        )
        return None
    before = existing.updated_at
    fields = {k: v for k, v in raw.items() if k != "code" or v}
    site = site_update(site=existing, user=run.user, **fields)
    (report.updated if site.updated_at != before else report.unchanged).append(site.code)
    return site
