"""Sites an export names that the registry does not have, proposed for creation from the
export's own location columns (code, name, type, P-code, GPS): a preview the IMO
confirms (`sitetrack import --create-sites`, the web import's preview step). Reads the
file only; the sites are created by services.new_sites through the sites app."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils.translation import gettext as _

from sitetrack.geo.models import AdminArea
from sitetrack.intake.mapping import Mapping
from sitetrack.sites.models import Site, SiteType

# Site types as DTM exports write them → the registry's.
TYPE_ALIASES = {
    "camp": SiteType.PLANNED_CAMP,
    "planned_site": SiteType.PLANNED_CAMP,
    "spontaneous": SiteType.SPONTANEOUS_SITE,
    "informal_settlement": SiteType.SPONTANEOUS_SITE,
    "collective_center": SiteType.COLLECTIVE_CENTRE,
    "transit_center": SiteType.TRANSIT_CENTRE,
    "reception_center": SiteType.RECEPTION_CENTRE,
    "evacuation_center": SiteType.EVACUATION_CENTRE,
}
DEFAULT_TYPE = SiteType.SPONTANEOUS_SITE
MAX_PROPOSALS = 5000


@dataclasses.dataclass
class ProposedSite:
    """A site to create: what the export says of it, and the rows that name it."""

    code: str  # "" = generated from its admin area
    name: str
    site_type: str
    admin_area: str  # a P-code of the admin-area table
    latitude: float | None = None
    longitude: float | None = None
    rows: list[int] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    problem: str = ""  # why it cannot be created ("" = it can)
    point_refused: str = ""  # why the site was created without its GPS point

    @property
    def key(self) -> str:
        return self.code or f"{self.admin_area}|{self.name}"


def _sources(mapping: Mapping) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for source, target in mapping.fields.items():
        out.setdefault(target.target, []).append(source)
    return out


def _first(fields: dict, sources: list[str]) -> Any:
    for key in sources:
        value = fields.get(key)
        if value not in (None, ""):
            return value
    return None


def _gps(fields: dict, sources: dict[str, list[str]]) -> tuple[float | None, float | None]:
    """Latitude and longitude: a geopoint ("lat lon alt accuracy") or two columns."""
    lat, lon = (
        _first(fields, sources.get("site:latitude", [])),
        _first(fields, sources.get("site:longitude", [])),
    )
    point = _first(fields, sources.get("site:gps", []))
    if point is not None and (lat is None or lon is None):
        parts = str(point).replace(",", " ").split()
        lat, lon = (parts[0], parts[1]) if len(parts) >= 2 else (None, None)
    try:
        return (float(lat), float(lon)) if lat is not None and lon is not None else (None, None)
    except ValueError:
        return None, None


def _site_type(value: Any, notes: list[str]) -> str:
    if value in (None, ""):
        notes.append(_("No site type in the export: %(type)s.") % {"type": DEFAULT_TYPE.label})
        return DEFAULT_TYPE
    text = str(value).split()[0].strip().lower()
    if text in SiteType.values:
        return text
    if text in TYPE_ALIASES:
        return TYPE_ALIASES[text]
    notes.append(_("Site type %(value)s unknown: %(type)s.") % {"value": value, "type": DEFAULT_TYPE.label})
    return DEFAULT_TYPE


class _Registry:
    """The operation's sites by code, alias and admin area, and the admin-area P-codes."""

    def __init__(self, operation) -> None:
        self.codes, self.aliases, self.areas_with_sites = set(), set(), set()
        for code, aliases, pcode in Site.objects.filter(operation=operation).values_list(
            "code", "aliases", "admin_area__pcode"
        ):
            self.codes.add(code.upper())
            self.aliases.update(str(a).strip().upper() for a in aliases or ())
            self.areas_with_sites.add(pcode.upper())
        self.pcodes = {p.upper(): p for p in AdminArea.objects.values_list("pcode", flat=True)}

    def knows(self, code: Any, locations: list[Any]) -> bool:
        if code not in (None, ""):
            return str(code).strip().upper() in self.codes
        for value in locations:
            text = str(value).strip().upper()
            if text in self.codes or text in self.aliases or text in self.areas_with_sites:
                return True
        return False


def propose_sites(*, operation, reader, mapping: Mapping) -> list[ProposedSite]:
    """The sites the reader's submissions name that the registry lacks, one each."""
    sources = _sources(mapping)
    registry = _Registry(operation)
    proposals: dict[str, ProposedSite] = {}
    for sub in reader:
        fields = sub.fields or {}
        code = _first(fields, sources.get("site_code", []))
        locations = [fields[k] for k in sources.get("location_pcode", []) if fields.get(k) not in (None, "")]
        if (code in (None, "") and not locations) or registry.knows(code, locations):
            continue
        proposal = _proposal(fields, code, locations, sources, registry)
        found = proposals.setdefault(proposal.key, proposal)
        found.rows.append(sub.row)
        if len(proposals) >= MAX_PROPOSALS:
            break
    return sorted(proposals.values(), key=lambda p: (p.admin_area, p.code, p.name))


def _proposal(fields: dict, code: Any, locations: list, sources: dict, registry: _Registry) -> ProposedSite:
    """A new site from one submission's location columns."""
    notes: list[str] = []
    area_candidates = [
        *locations,
        _first(fields, sources.get("admin2_pcode", [])),
        _first(fields, sources.get("admin1_pcode", [])),
    ]
    area = next(
        (
            registry.pcodes[str(v).strip().upper()]
            for v in area_candidates
            if v and str(v).strip().upper() in registry.pcodes
        ),
        "",
    )
    if code in (None, ""):
        # The location code (a value that is no admin area's P-code) becomes the site's code.
        code = next((v for v in locations if str(v).strip().upper() not in registry.pcodes), "")
    lat, lon = _gps(fields, sources)
    # One line: a name cell with line breaks ("Site 6\nBangui (annexe)") is one name.
    name = " ".join(str(_first(fields, sources.get("site:name", [])) or code or "").split())[:200]
    proposal = ProposedSite(
        code=str(code or "").strip()[:40],
        name=name,
        site_type=_site_type(_first(fields, sources.get("site:type", [])), notes),
        admin_area=area,
        latitude=lat,
        longitude=lon,
        notes=notes,
    )
    if not area:
        proposal.problem = _("None of its P-codes (%(pcodes)s) is in the admin-area table.") % {
            "pcodes": ", ".join(str(v) for v in area_candidates if v) or "—"
        }
    elif not name:
        proposal.problem = _("The export gives no name for it.")
    return proposal


def propose_sites_in_file(
    *, operation, path, file_name: str = "", mapping=None, sheet: str = ""
) -> list[ProposedSite]:
    """`propose_sites` for a file and a saved mapping (None: SiteTrack's own form)."""
    from sitetrack.core.catalogue import catalogue_for
    from sitetrack.intake.formspec import indicator_dicts_for, site_assessment_form
    from sitetrack.intake.importer.plan import mapping_of
    from sitetrack.intake.readers import open_reader

    form = site_assessment_form(indicator_dicts_for(operation))
    reader = open_reader(path, name=file_name or None, form=form, sheet=sheet)
    return propose_sites(
        operation=operation, reader=reader, mapping=mapping_of(mapping, form, catalogue_for(operation))
    )
