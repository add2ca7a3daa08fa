"""What only shows across rows, files and the database: missing parents, parents
placed by the code hierarchy, one name coded twice under one parent."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from sitetrack.geo.cod_import.findings import Origin, Rule
from sitetrack.geo.cod_import.plan import Plan
from sitetrack.geo.cod_import.values import name_key
from sitetrack.geo.models import AdminArea


def check_across(plan: Plan, existing: dict[str, AdminArea]) -> None:
    """Run every cross check; findings and errors land on the plan."""
    check_missing_parents(plan)
    infer_parents(plan, existing)
    check_name_codes(plan)


def check_missing_parents(plan: Plan) -> None:
    """A parent a row references but the table of its level (given in the same call, or
    already in the database) does not have."""
    known_levels = defaultdict(set)
    for area in AdminArea.objects.filter(level__gt=0).values("level", "pcode"):
        known_levels[area["level"]].add(area["pcode"])
    for ref in plan.references:
        if ref.level in plan.defined:
            if ref.code in plan.defined[ref.level]:
                continue
            where = ", ".join(plan.defining_files[ref.level])
        elif known_levels.get(ref.level):
            # A flat table (one row per admin 3, with the admin 1 and 2 code and name
            # columns) defines its parents: they are not missing from the database,
            # they are being added to it.
            if ref.named or ref.code in known_levels[ref.level]:
                continue
            where = _("the admin%(level)d areas already in the database") % {"level": ref.level}
        else:
            continue
        name = plan.areas[ref.code].name_en if ref.code in plan.areas else ""
        plan.find(
            Origin(ref.file, ref.row, ref.column),
            ref.code,
            Rule.MISSING_PARENT,
            _("%(code)s (%(name)s), the parent of %(child)s, is not in %(where)s.")
            % {"code": ref.code, "name": name, "child": ref.child, "where": where},
            once=("missing", ref.file, ref.code),
        )


def infer_parents(plan: Plan, existing: dict[str, AdminArea]) -> None:
    """An area without a parent column goes under the longest code that prefixes its own,
    in the files or the database, and the finding says so; else it is an error."""
    for planned in sorted(plan.areas.values(), key=lambda p: p.level):
        if planned.level == 0 or planned.parent:
            continue
        candidates = [p.pcode for p in plan.areas.values() if p.level == planned.level - 1]
        candidates += list(
            AdminArea.objects.filter(
                level=planned.level - 1, pcode__startswith=planned.pcode[:2]
            ).values_list("pcode", flat=True)
        )
        matches = sorted({c for c in candidates if planned.pcode.startswith(c)}, key=len, reverse=True)
        if matches:
            planned.parent = matches[0]
            plan.find(
                planned.origin,
                planned.pcode,
                Rule.MISSING_PARENT,
                _(
                    "%(code)s has no admin%(level)d code in the file; placed under %(parent)s by its code prefix."
                )
                % {"code": planned.pcode, "level": planned.level - 1, "parent": matches[0]},
            )
            continue
        existing_area = existing.get(planned.pcode)
        if existing_area is not None and existing_area.parent_id:
            planned.parent = existing_area.parent.pcode
            continue
        plan.error(
            planned.origin,
            planned.pcode,
            Rule.NO_PARENT,
            _("%(code)s has no admin%(level)d parent in the file and none matches its code.")
            % {"code": planned.pcode, "level": planned.level - 1},
        )


def check_name_codes(plan: Plan) -> None:
    """One name under one parent at one level with two codes (Bayanga CF233 / CF234)."""
    groups: dict[tuple, list[tuple[str, Origin]]] = defaultdict(list)
    for planned in plan.areas.values():
        if planned.level > 0 and planned.parent and planned.name_en:
            groups[(planned.level, planned.parent, name_key(planned.name_en))].append(
                (planned.pcode, planned.origin)
            )
    parents = {key[1] for key in groups}
    for area in AdminArea.objects.filter(parent__pcode__in=parents).select_related("parent"):
        if area.pcode not in plan.areas and area.name_en:
            groups[(area.level, area.parent.pcode, name_key(area.name_en))].append(
                (area.pcode, Origin(_("the database"), None, ""))
            )
    for members in groups.values():
        first_code, first_origin = members[0]
        for code, origin in members[1:]:
            _report_name_code(plan, code, origin, first_code, first_origin)


def _report_name_code(plan: Plan, code: str, origin: Origin, first_code: str, first_origin: Origin) -> None:
    if origin.row is None:  # both sides in the database: not this import's doing
        code, origin, first_code, first_origin = first_code, first_origin, code, origin
    where = (
        _("%(file)s row %(row)s") % {"file": first_origin.file, "row": first_origin.row}
        if first_origin.row
        else first_origin.file
    )
    plan.find(
        origin,
        code,
        Rule.NAME_CODE_CONFLICT,
        _("'%(name)s' under %(parent)s is coded %(code)s here but %(other)s in %(where)s.")
        % {
            "name": plan.areas[code].name_en if code in plan.areas else code,
            "parent": plan.areas[code].parent if code in plan.areas else "",
            "code": code,
            "other": first_code,
            "where": where,
        },
    )
