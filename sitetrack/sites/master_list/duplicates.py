"""Matching rows without a code to existing sites, and warning about likely duplicates."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any

from django.utils.translation import gettext as _

from sitetrack.core.models import Operation
from sitetrack.core.tabular import WARNING, Problem
from sitetrack.geo.spatial import distance_m
from sitetrack.sites.choices import name_key
from sitetrack.sites.models import Site
from sitetrack.sites.services import Errors, clean_coordinate

LIKELY_DUPLICATE_METRES = 500
SIMILAR_NAME_RATIO = 0.85
_NUMBER = re.compile(r"\d+")


def numbered_siblings(a: str, b: str) -> bool:
    """ "Camp 1" and "Camp 2", "Kabo II ext 3" and "Kabo II ext 4": the same name with
    different numbers names sibling sites, not one site twice."""
    numbers_a, numbers_b = _NUMBER.findall(a), _NUMBER.findall(b)
    return (
        bool(numbers_a or numbers_b) and numbers_a != numbers_b and _NUMBER.sub("#", a) == _NUMBER.sub("#", b)
    )


def same_site_by_name(operation: Operation, raw: dict[str, Any], touched: dict[int, int]) -> Site | None:
    """A row without a code matches an existing site (not already matched by this file) of
    the same name in the same admin area and, when both have a point, within 500 m; so a
    list without codes can be re-imported without duplicating its sites."""
    pcode = str(raw.get("admin_area") or "").strip()
    wanted = name_key(raw.get("name") or "")
    if not pcode or not wanted:
        return None
    errors = Errors()
    lat = clean_coordinate(raw.get("latitude"), "latitude", errors)
    lon = clean_coordinate(raw.get("longitude"), "longitude", errors)
    candidates = Site.objects.filter(operation=operation, admin_area__pcode__iexact=pcode).exclude(
        pk__in=touched
    )
    for site in candidates.select_related("operation"):
        if name_key(site.name) != wanted:
            continue
        if None not in (lat, lon, site.latitude, site.longitude) and (
            distance_m(lat, lon, site.latitude, site.longitude) > LIKELY_DUPLICATE_METRES
        ):
            continue
        return site
    return None


def likely_duplicates(
    operation: Operation, touched: dict[int, int], column: str, filename: str, sheet: str
) -> list[Problem]:
    """Pairs of sites with the same or a very similar normalised name less than 500 m apart,
    where at least one of them is in the file, except numbered siblings. Sites are
    bucketed on a ~550 m grid so only neighbours are compared."""
    cell = 0.005
    rows = list(
        Site.objects.filter(operation=operation, latitude__isnull=False, longitude__isnull=False).values_list(
            "pk", "code", "name", "latitude", "longitude"
        )
    )
    grid: dict[tuple[int, int], list[tuple]] = {}
    for row in rows:
        grid.setdefault((int(row[3] // cell), int(row[4] // cell)), []).append((*row, name_key(row[2])))
    warnings = []
    reported: set[tuple[int, int]] = set()
    for pk, _code, name, lat, lon in rows:
        if pk not in touched:
            continue
        norm = name_key(name)
        gy, gx = int(lat // cell), int(lon // cell)
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for opk, ocode, oname, olat, olon, onorm in grid.get((gy + dy, gx + dx), []):
                    pair = (min(pk, opk), max(pk, opk))
                    if opk == pk or pair in reported or numbered_siblings(norm, onorm):
                        continue
                    if norm != onorm and SequenceMatcher(None, norm, onorm).ratio() < SIMILAR_NAME_RATIO:
                        continue
                    metres = distance_m(lat, lon, olat, olon)
                    if metres > LIKELY_DUPLICATE_METRES:
                        continue
                    reported.add(pair)
                    where = (
                        _("row %(row)s of the file") % {"row": touched[opk]}
                        if opk in touched
                        else _("already in the registry")
                    )
                    warnings.append(
                        Problem(
                            file=filename,
                            sheet=sheet,
                            row=touched[pk],
                            column=column,
                            value=name,
                            rule="likely_duplicate",
                            severity=WARNING,
                            message=_(
                                "Likely duplicate of %(code)s “%(name)s” (%(where)s): %(rule)s, %(metres)s m apart."
                            )
                            % {
                                "code": ocode,
                                "name": oname,
                                "where": where,
                                "rule": _("same name") if norm == onorm else _("similar name"),
                                "metres": round(metres),
                            },
                        )
                    )
    warnings.sort(key=lambda w: w.row or 0)
    return warnings
