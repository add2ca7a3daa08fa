"""What a 3W row names, found in our data once per file (one query per table, then
dictionaries): organisations by acronym, name or alias; sectors by cluster code or name;
activities by code or name; places by site code, then the most precise P-code."""

from __future__ import annotations

from dataclasses import dataclass, field

from sitetrack.core.models import Operation, Organisation
from sitetrack.core.sectors import Sector
from sitetrack.geo.models import AdminArea
from sitetrack.response.activity_types import GENERAL_ACTIVITY_TYPES
from sitetrack.response.cleaning import normalise_name
from sitetrack.response.models import ActivityType, OrganisationAlias, OrganisationType
from sitetrack.response.threew.columns import SECTOR_SYNONYMS
from sitetrack.sites.models import Site

ORGANISATION_TYPE_SYNONYMS: dict[str, tuple[str, ...]] = {
    OrganisationType.UN: (
        "un",
        "un agency",
        "united nations",
        "agence des nations unies",
        "agence onu",
        "onu",
        "nations unies",
    ),
    OrganisationType.INGO: (
        "ingo",
        "international ngo",
        "ong internationale",
        "ongi",
        "international non governmental organisation",
    ),
    OrganisationType.NNGO: (
        "nngo",
        "ngo",
        "national ngo",
        "local ngo",
        "ong nationale",
        "ongn",
        "ong locale",
        "ong",
    ),
    OrganisationType.GOVERNMENT: (
        "government",
        "gov",
        "gouvernement",
        "ministry",
        "ministere",
        "authorities",
        "autorites",
    ),
    OrganisationType.RCRC: (
        "rcrc",
        "red cross",
        "red cross red crescent",
        "red cross red crescent movement",
        "croix rouge",
        "croix rouge croissant rouge",
        "mouvement croix rouge",
    ),
    OrganisationType.CBO: (
        "cbo",
        "community based organisation",
        "community based organization",
        "organisation communautaire",
        "oc",
        "association",
    ),
    OrganisationType.OTHER: ("other", "autre", "private sector", "secteur prive", "academic", "donor"),
}


def _keyed(synonyms: dict[str, tuple[str, ...]]) -> dict[str, str]:
    out = {}
    for value, words in synonyms.items():
        out[normalise_name(value)] = value
        for word in words:
            out[normalise_name(word)] = value
    return out


_SECTOR_KEYS = _keyed(SECTOR_SYNONYMS)
for _value, _label in Sector.choices:
    _SECTOR_KEYS.setdefault(normalise_name(str(_label)), _value)
_TYPE_KEYS = _keyed(ORGANISATION_TYPE_SYNONYMS)


def sector_from(code: str, name: str) -> str | None:
    for text in (code, name):
        if text:
            found = _SECTOR_KEYS.get(normalise_name(text))
            if found:
                return found
    return None


def organisation_type_from(text: str) -> str:
    return _TYPE_KEYS.get(normalise_name(text), "") if text else ""


@dataclass
class OrganisationMatch:
    organisation: Organisation | None
    how: str  # "acronym", "name", "alias", "new"
    key: str


@dataclass
class OrganisationIndex:
    """Known organisations by normalised acronym and by normalised name or alias; new ones
    met in a file are collected (one per key) for the review list."""

    by_acronym: dict[str, Organisation]
    by_name: dict[str, Organisation]
    new: dict[str, dict] = field(default_factory=dict)  # key → {"name", "acronym", "kind", "rows"}
    matched: dict[int, set[str]] = field(default_factory=dict)  # org pk → names written in the file
    new_keys: dict[str, str] = field(default_factory=dict)  # acronym or name key → key in `new`

    @classmethod
    def load(cls) -> OrganisationIndex:
        by_acronym, by_name = {}, {}
        for org in Organisation.objects.all():
            if org.acronym:
                by_acronym.setdefault(normalise_name(org.acronym), org)
            by_name.setdefault(normalise_name(org.name), org)
        for alias in OrganisationAlias.objects.select_related("organisation"):
            by_name.setdefault(alias.key, alias.organisation)
        return cls(by_acronym=by_acronym, by_name=by_name)

    def match(self, *, acronym: str, name: str) -> OrganisationMatch | None:
        """The organisation a row names; None when the row names none."""
        a, n = normalise_name(acronym), normalise_name(name)
        if not a and not n:
            return None
        found, how = None, ""
        if a and a in self.by_acronym:
            found, how = self.by_acronym[a], "acronym"
        elif n and n in self.by_name:
            found, how = self.by_name[n], "name"
        elif n and n in self.by_acronym:  # the name column holds an acronym
            found, how = self.by_acronym[n], "acronym"
        elif a and a in self.by_name:
            found, how = self.by_name[a], "name"
        if found is not None:
            self.matched.setdefault(found.pk, set()).add(name or acronym)
            return OrganisationMatch(found, how, "")
        # Not known: the same new organisation may be written several ways in the file.
        key = self.new_keys.get(a) or self.new_keys.get(n) or (a or n)
        for k in (a, n):
            if k:
                self.new_keys.setdefault(k, key)
        return OrganisationMatch(None, "new", key)

    def remember_new(self, key: str, *, name: str, acronym: str, kind: str, row: int) -> None:
        entry = self.new.setdefault(
            key, {"name": name or acronym, "acronym": acronym, "kind": kind, "rows": []}
        )
        entry["rows"].append(row)
        if name and name != acronym and len(name) > len(entry["name"]):
            entry["name"] = name  # the fullest spelling the file gives
        if not entry["acronym"] and acronym:
            entry["acronym"] = acronym

    def add(self, organisation: Organisation, key: str) -> None:
        self.by_name[key] = organisation
        self.by_name[normalise_name(organisation.name)] = organisation
        if organisation.acronym:
            self.by_acronym[normalise_name(organisation.acronym)] = organisation


@dataclass
class Places:
    """Sites of the operation by code, admin areas of its country by P-code."""

    sites: dict[str, Site]
    areas: dict[str, AdminArea]

    @classmethod
    def load(cls, operation: Operation) -> Places:
        sites = {
            s.code.upper(): s for s in Site.objects.filter(operation=operation).select_related("admin_area")
        }
        areas = {
            a.pcode.upper(): a for a in AdminArea.objects.filter(path__startswith=operation.country.path)
        }
        return cls(sites=sites, areas=areas)

    def site(self, code: str) -> Site | None:
        return self.sites.get(code.strip().upper()) if code else None

    def area(self, pcode: str) -> AdminArea | None:
        return self.areas.get(pcode.strip().upper()) if pcode else None


@dataclass
class ActivityTypes:
    by_code: dict[str, ActivityType]
    by_name: dict[tuple[str, str], ActivityType]  # (sector, normalised name) → type
    general: dict[str, ActivityType]

    @classmethod
    def load(cls) -> ActivityTypes:
        types = list(ActivityType.objects.all())
        by_name = {}
        for t in types:
            by_name[(t.sector, normalise_name(t.name_en))] = t
            by_name[(t.sector, normalise_name(t.name_fr))] = t
        general_codes = {code for code, _en, _fr in GENERAL_ACTIVITY_TYPES.values()}
        return cls(
            by_code={t.code.lower(): t for t in types},
            by_name=by_name,
            general={t.sector: t for t in types if t.code in general_codes},
        )

    def code(self, text: str) -> ActivityType | None:
        return self.by_code.get(text.strip().lower()) if text else None

    def named(self, sector: str, text: str) -> ActivityType | None:
        return self.by_name.get((sector, normalise_name(text))) if text else None
