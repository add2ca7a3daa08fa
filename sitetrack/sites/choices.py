"""Matching free text (file cells, form input) to choice values, and name normalisation."""

from __future__ import annotations

import re
import unicodedata

from django.utils import translation

from sitetrack.sites.models import LandTenure, ManagementType, SiteType


def normalise(text: str) -> str:
    """Lower case, accents, punctuation and extra spaces removed: "Monastère Boy-Rabe" →
    "monastere boy rabe"."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"['’`]", "", plain.lower())  # M'Poko and Mpoko are one name
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


def name_key(text: str) -> str:
    """A site name reduced for duplicate detection: "Boy-Rabe" = "Boy Rabe" = "BoyRabe"."""
    return normalise(text).replace(" ", "")


# Words field teams and other tools use for the same thing (normalised).
SYNONYMS: dict[type, dict[str, str]] = {
    SiteType: {
        "camp": SiteType.PLANNED_CAMP,
        "planned": SiteType.PLANNED_CAMP,
        "camp planifie": SiteType.PLANNED_CAMP,
        "formal camp": SiteType.PLANNED_CAMP,
        "spontaneous": SiteType.SPONTANEOUS_SITE,
        "site spontane": SiteType.SPONTANEOUS_SITE,
        "informal site": SiteType.SPONTANEOUS_SITE,
        "self settled camp": SiteType.SPONTANEOUS_SITE,
        "collective center": SiteType.COLLECTIVE_CENTRE,
        "centre collectif": SiteType.COLLECTIVE_CENTRE,
        "collective": SiteType.COLLECTIVE_CENTRE,
        "transit center": SiteType.TRANSIT_CENTRE,
        "centre de transit": SiteType.TRANSIT_CENTRE,
        "transit": SiteType.TRANSIT_CENTRE,
        "reception center": SiteType.RECEPTION_CENTRE,
        "centre d accueil": SiteType.RECEPTION_CENTRE,
        "centre d'accueil": SiteType.RECEPTION_CENTRE,
        "centre de reception": SiteType.RECEPTION_CENTRE,
        "reception": SiteType.RECEPTION_CENTRE,
        "evacuation center": SiteType.EVACUATION_CENTRE,
        "centre d evacuation": SiteType.EVACUATION_CENTRE,
        "centre d'evacuation": SiteType.EVACUATION_CENTRE,
        "evacuation": SiteType.EVACUATION_CENTRE,
        # DTM site and location types (English and French), as real lists write them.
        "informal settlement": SiteType.SPONTANEOUS_SITE,
        "informal settlements": SiteType.SPONTANEOUS_SITE,
        "informal settlement spontaneous site": SiteType.SPONTANEOUS_SITE,
        "spontaneous settlement": SiteType.SPONTANEOUS_SITE,
        "installation informelle": SiteType.SPONTANEOUS_SITE,
        "site informel": SiteType.SPONTANEOUS_SITE,
        "site spontane informel": SiteType.SPONTANEOUS_SITE,
        "camp formel": SiteType.PLANNED_CAMP,
        "planned site": SiteType.PLANNED_CAMP,
        "site planifie": SiteType.PLANNED_CAMP,
        "collective centres": SiteType.COLLECTIVE_CENTRE,
        "collective centers": SiteType.COLLECTIVE_CENTRE,
        "centres collectifs": SiteType.COLLECTIVE_CENTRE,
        "dispersed settings": SiteType.HOST_COMMUNITY,
        "dispersed setting": SiteType.HOST_COMMUNITY,
        "dispersed": SiteType.HOST_COMMUNITY,
        "host community": SiteType.HOST_COMMUNITY,
        "host communities": SiteType.HOST_COMMUNITY,
        "host families": SiteType.HOST_COMMUNITY,
        "host family": SiteType.HOST_COMMUNITY,
        "dispersed settings host communities": SiteType.HOST_COMMUNITY,
        "communaute hote": SiteType.HOST_COMMUNITY,
        "communaute d'accueil": SiteType.HOST_COMMUNITY,
        "communautes d'accueil": SiteType.HOST_COMMUNITY,
        "famille d'accueil": SiteType.HOST_COMMUNITY,
        "familles d'accueil": SiteType.HOST_COMMUNITY,
        "milieu disperse": SiteType.HOST_COMMUNITY,
        "hors site": SiteType.HOST_COMMUNITY,
        "transit centres": SiteType.TRANSIT_CENTRE,
        "centre de transit temporaire": SiteType.TRANSIT_CENTRE,
    },
    ManagementType: {
        "cccm": ManagementType.CAMP_MANAGEMENT,
        "camp management": ManagementType.CAMP_MANAGEMENT,
        "mobile": ManagementType.SITE_MANAGEMENT,
        "government": ManagementType.GOVERNMENT,
        "gouvernement": ManagementType.GOVERNMENT,
        "community": ManagementType.COMMUNITY,
        "communaute": ManagementType.COMMUNITY,
        "religious": ManagementType.RELIGIOUS,
        "religieux": ManagementType.RELIGIOUS,
        "none": ManagementType.NONE,
        "aucune": ManagementType.NONE,
    },
    LandTenure: {
        "public": LandTenure.PUBLIC,
        "terrain public": LandTenure.PUBLIC,
        "private": LandTenure.PRIVATE,
        "prive": LandTenure.PRIVATE,
        "communal": LandTenure.COMMUNAL,
        "customary": LandTenure.COMMUNAL,
        "coutumier": LandTenure.COMMUNAL,
        "religious": LandTenure.RELIGIOUS,
        "religieux": LandTenure.RELIGIOUS,
        "unknown": LandTenure.UNKNOWN,
        "inconnu": LandTenure.UNKNOWN,
    },
}

# Values that say a place is a displacement site without saying which type ("IDP site"):
# the import uses the default site type given for the file, or asks for one.
GENERIC_SITE_TYPES = frozenset(
    {
        "idp site",
        "idp sites",
        "idp camp",
        "site",
        "displacement site",
        "site de deplaces",
        "site de personnes deplacees",
        "site pdi",
        "site idp",
        "site de pdi",
        "site des deplaces",
    }
)


def is_generic_site_type(text: str) -> bool:
    return normalise(text) in {normalise(t) for t in GENERIC_SITE_TYPES}


_TABLES: dict[type, dict[str, str]] = {}


def _table(choices: type) -> dict[str, str]:
    if choices not in _TABLES:
        table: dict[str, str] = {}
        for value, label in choices.choices:
            table[normalise(value)] = value
            for lang in ("en", "fr"):
                with translation.override(lang):
                    table[normalise(str(label))] = value
        table.update({normalise(key): value for key, value in SYNONYMS.get(choices, {}).items()})
        _TABLES[choices] = table
    return _TABLES[choices]


def match_choice(choices: type, text: str) -> str | None:
    """The choice value for a value, an English or French label or a known synonym."""
    return _table(choices).get(normalise(text))
