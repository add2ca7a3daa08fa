"""The rules of one master-list row that are not the site's own rules (those are in
`sites.services`): defaults for empty cells, a GPS column, generic site types, counts with
thousands separators, the admin area a site code implies."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from sitetrack.core.tabular import NumberProblem, Problem, Table, parse_number
from sitetrack.geo.models import AdminArea
from sitetrack.sites.choices import is_generic_site_type
from sitetrack.sites.importing import split_gps
from sitetrack.sites.master_list.fields import COUNT_FIELDS, POPULATION_FIELDS


@dataclass
class RowValues:
    """One row ready for site_create / site_update, the population it gives, and the
    problems found on the way."""

    site: dict[str, Any]
    population: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # language → name
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)


def row_values(table: Table, number: int, values: dict[str, str], defaults: dict[str, str]) -> RowValues:
    raw = dict(values)
    for name, value in defaults.items():
        if not raw.get(name):
            raw[name] = value
    out = RowValues(site={})

    def problem(message: str, *, rule: str, name: str, value: Any, column: str = "") -> Problem:
        return table.problem(message, rule=rule, row=number, field=name, value=value, column=column)

    if "gps" in raw:
        gps = raw.pop("gps")
        point = split_gps(gps) if gps else ("", "")
        if point is None:
            out.problems.append(
                problem(
                    _("Not a GPS point; expected “latitude longitude”."), rule="gps", name="gps", value=gps
                )
            )
        else:
            raw["latitude"], raw["longitude"] = point
    if raw.get("site_type") and is_generic_site_type(raw["site_type"]):
        generic = raw["site_type"]
        raw["site_type"] = defaults.get("site_type", "")
        if not raw["site_type"]:
            out.problems.append(
                problem(
                    _(
                        "“%(value)s” does not say which type of site this is. Give the type for such rows "
                        "with --default site_type=TYPE (on the web: the default site type)."
                    )
                    % {"value": generic},
                    rule="generic_site_type",
                    name="site_type",
                    value=generic,
                )
            )
    for name in COUNT_FIELDS:
        if name not in raw:
            continue
        text = raw.pop(name)
        try:
            number_value = parse_number(text, whole=True)
        except NumberProblem as exc:
            out.problems.append(problem(exc.message, rule=exc.rule, name=name, value=text))
            continue
        if number_value is not None and number_value < 0:
            out.problems.append(
                problem(
                    _("Must be 0 or more, got “%(value)s”.") % {"value": text},
                    rule="negative",
                    name=name,
                    value=text,
                )
            )
            continue
        if name in POPULATION_FIELDS:
            if number_value is not None:
                out.population[name] = number_value
        else:
            out.site[name] = number_value
    for name in [n for n in raw if n.startswith("name_")]:
        text = raw.pop(name)
        if text:
            out.names[name[len("name_") :]] = text
    out.site.update(raw)
    return out


_CODE_PREFIX = re.compile(r"[A-Za-z0-9]+")


class AreaFromCode:
    """The admin area a site code implies (CF7111-S003 → CF7111, when CF7111 is a known
    P-code of the operation's country), looked up once per prefix."""

    def __init__(self, country: AdminArea) -> None:
        self.country = country
        self.cache: dict[str, AdminArea | None] = {}

    def implied(self, code: str) -> AdminArea | None:
        match = _CODE_PREFIX.match(code or "")
        if not match or len(match.group()) < 3:
            return None
        prefix = match.group().upper()
        if prefix not in self.cache:
            candidates = [prefix[:i] for i in range(2, len(prefix) + 1)]
            areas = AdminArea.objects.filter(pcode__in=candidates, path__startswith=self.country.path)
            self.cache[prefix] = max(areas, key=lambda a: len(a.pcode), default=None)
        return self.cache[prefix]

    def resolve(self, code: str, given: str) -> tuple[str, str]:
        """(P-code to use, why it differs from the given one or "")."""
        implied = self.implied(code)
        if implied is None or implied.level == 0:
            return given, ""
        if not given:
            return implied.pcode, _("admin area %(pcode)s (%(name)s) taken from the site code") % {
                "pcode": implied.pcode,
                "name": implied.name_en,
            }
        given_area = AdminArea.objects.filter(pcode__iexact=given).first()
        if (
            given_area is not None
            and implied.pk != given_area.pk
            and implied.path.startswith(given_area.path)
        ):
            return implied.pcode, _(
                "admin area %(pcode)s (%(name)s) taken from the site code, which lies in %(given)s as the P-code "
                "column says"
            ) % {"pcode": implied.pcode, "name": implied.name_en, "given": given_area.pcode}
        return given, ""
