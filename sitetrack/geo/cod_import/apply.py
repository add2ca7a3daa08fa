"""The writes of a COD import: create and update the planned areas level by level,
parents first, and take the descendants of a moved area along."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from sitetrack.geo.cod_import.findings import ImportReport, Rule
from sitetrack.geo.cod_import.plan import Plan, Planned
from sitetrack.geo.models import AdminArea

FIELDS = [
    "level",
    "name_en",
    "name_fr",
    "names",
    "parent",
    "path",
    "boundary",
    "min_lon",
    "min_lat",
    "max_lon",
    "max_lat",
    "population",
    "population_year",
    "source",
    "updated_at",
]


def apply(plan: Plan, existing: dict[str, AdminArea], report: ImportReport) -> None:
    """Write the plan; counts per level land on the report, differences with the
    database on the plan's findings."""
    now = timezone.now()
    objects: dict[str, AdminArea] = dict(existing)
    parents_needed = {p.parent for p in plan.areas.values() if p.parent and p.parent not in plan.areas}
    for area in AdminArea.objects.filter(pcode__in=parents_needed):
        objects[area.pcode] = area
    moved: list[tuple[str, str]] = []
    for level in sorted({p.level for p in plan.areas.values()}):
        to_create, to_update = [], []
        counts = report.level(level)
        for planned in sorted((p for p in plan.areas.values() if p.level == level), key=lambda p: p.pcode):
            parent = objects.get(planned.parent) if planned.parent else None
            area = existing.get(planned.pcode)
            if area is None:
                area = AdminArea(pcode=planned.pcode)
                fill(area, planned, parent, plan, created=True)
                area.path = area.compute_path()
                area.updated_at = now
                to_create.append(area)
                counts.created += 1
            else:
                old_path = area.path
                changed = fill(area, planned, parent, plan, created=False)
                area.path = area.compute_path()
                if area.path != old_path:
                    moved.append((old_path, area.path))
                    changed = True
                if changed:
                    area.updated_at = now
                    to_update.append(area)
                    counts.updated += 1
                else:
                    counts.unchanged += 1
            objects[planned.pcode] = area
        AdminArea.objects.bulk_create(to_create, batch_size=500)
        AdminArea.objects.bulk_update(to_update, FIELDS, batch_size=500)
    move_descendants(moved, set(plan.areas))


def fill(area: AdminArea, planned: Planned, parent: AdminArea | None, plan: Plan, *, created: bool) -> bool:
    """Copy the planned values onto the area; True when something changed. Differences
    with what the database held are findings too."""
    if not created:
        _report_database_differences(area, planned, parent, plan)
    changed: set[str] = set()
    before_source = area.source
    for name, value in planned_values(area, planned, parent, created=created).items():
        if name == "parent":
            if area.parent_id != (value.pk if value is not None else None):
                area.parent = value
                changed.add(name)
        elif getattr(area, name) != value:
            setattr(area, name, value)
            changed.add(name)
    if changed == {"source"} and not created:
        # The same values from another file (a CSV of the list already imported from
        # its XLSX): nothing changed, and the area keeps the source it came from.
        area.source = before_source
        return False
    return bool(changed)


def planned_values(
    area: AdminArea, planned: Planned, parent: AdminArea | None, *, created: bool
) -> dict[str, Any]:
    """The field values the import sets on `area` (only those the files give)."""
    values: dict[str, Any] = {"level": planned.level, "name_en": planned.name_en[:200]}
    if planned.name_fr:
        values["name_fr"] = planned.name_fr[:200]
    if planned.names:
        values["names"] = {**(area.names or {}), **{lang: name[:200] for lang, name in planned.names.items()}}
    if parent is not None or created:
        values["parent"] = parent
    if planned.population is not None:
        values["population"] = planned.population
        if planned.population_year:
            values["population_year"] = planned.population_year
    if planned.boundary is not None:
        values["min_lon"], values["min_lat"], values["max_lon"], values["max_lat"] = planned.bbox
        values["boundary"] = planned.boundary
    elif planned.extent and area.boundary is None and area.min_lon is None:
        values["min_lon"], values["min_lat"], values["max_lon"], values["max_lat"] = planned.extent
    # The source names where the area (and its boundary) came from: a table without
    # boundaries does not take over the source of an area whose boundary came from elsewhere.
    if planned.own and planned.source and (planned.boundary is not None or area.boundary is None):
        values["source"] = planned.source[:250]
    elif created:
        values["source"] = (planned.origin.file or "")[:250]
    return values


def _report_database_differences(
    area: AdminArea, planned: Planned, parent: AdminArea | None, plan: Plan
) -> None:
    if area.name_en != planned.name_en[:200]:
        plan.find(
            planned.origin,
            planned.pcode,
            Rule.NAME_CONFLICT,
            _("The database names %(code)s '%(old)s'; the file's '%(new)s' replaces it.")
            % {"code": planned.pcode, "old": area.name_en, "new": planned.name_en},
        )
    if area.parent_id and parent is not None and area.parent_id != parent.pk:
        plan.find(
            planned.origin,
            planned.pcode,
            Rule.PARENT_CONFLICT,
            _("The database has %(code)s under %(old)s; the file moves it under %(new)s.")
            % {"code": planned.pcode, "old": area.parent.pcode, "new": parent.pcode},
        )


def move_descendants(moved: list[tuple[str, str]], planned_codes: set[str]) -> None:
    """An area that changed parent takes the areas below it along (their paths)."""
    for old_path, new_path in moved:
        below = [
            a for a in AdminArea.objects.filter(path__startswith=old_path) if a.pcode not in planned_codes
        ]
        for area in below:
            area.path = new_path + area.path[len(old_path) :]
        AdminArea.objects.bulk_update(below, ["path"], batch_size=500)
