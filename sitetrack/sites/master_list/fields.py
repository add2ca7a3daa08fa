"""The fields of a site master list and what columns are called in real lists (English,
French, DTM Kobo field codes, HXL tags)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sitetrack.core.tabular import Field

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
    "households": gettext_lazy("households (baseline)"),
    "individuals": gettext_lazy("individuals (baseline)"),
}
# Required unless a default is given (site_type) or the site code implies it (admin_area).
REQUIRED_FIELDS = ("name", "site_type", "admin_area")
POPULATION_FIELDS = ("households", "individuals")
# Fields given as whole numbers (thousands separators read by core.tabular.parse_number).
COUNT_FIELDS = ("area_m2", "capacity", "households", "individuals")

# Normalised header names recognised for each field, most specific first. Includes the
# DTM Kobo field codes (m0445_loc_site_id_ssid ...) and common English/French headers.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "code": (
        "site code",
        "code site",
        "code du site",
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
        "type du site",
        "m0342 loc site type multiple",
        "m0342 loc site type",
        "location type",
        "type",
    ),
    "admin_area": (
        "admin pcode",
        "admin p code",
        "admin area pcode",
        "admin3 pcode",
        "adm3 pcode",
        "admin3pcode",
        "adm3pcode",
        "admin 3 pcode",
        "adm3 code",
        "admin3 code",
        "pcode",
        "p code",
        "admin2 pcode",
        "adm2 pcode",
        "admin2pcode",
        "adm2pcode",
        "admin 2 pcode",
        "district pcode",
        "district p code",
        "district code",
        "admin area",
        "admin area code",
        "location pcode",
        "sous prefecture pcode",
        "pcode sous prefecture",
        "admin1 pcode",
        "adm1 pcode",
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
    "households": (
        "households",
        "hh",
        "nb hh",
        "total hh",
        "hh total",
        "hhs",
        "number of households",
        "total households",
        "menages",
        "nb menages",
        "nombre de menages",
        "total menages",
    ),
    "individuals": (
        "individuals",
        "ind",
        "nb ind",
        "total ind",
        "ind total",
        "inds",
        "total individuals",
        "number of individuals",
        "idps",
        "total idps",
        "population",
        "total population",
        "individus",
        "nb individus",
        "nombre d individus",
        "nombre de personnes",
        "personnes",
    ),
}
HXL_TAGS: dict[str, tuple[str, ...]] = {
    "code": ("#loc+code", "#loc+id"),
    "name": ("#loc+name",),
    "site_type": ("#loc+type",),
    "admin_area": ("#adm3+code", "#adm2+code", "#adm1+code"),
    "latitude": ("#geo+lat",),
    "longitude": ("#geo+lon",),
    "gps": ("#geo+coord",),
    "management_agency": ("#org+name", "#org"),
    "capacity": ("#capacity",),
    "households": ("#affected+hh", "#hh"),
    "individuals": ("#affected+ind", "#affected+idps", "#population"),
}


def site_fields(languages: list[str] | None = None) -> list[Field]:
    """The fields the reader looks for; `name_<lang>` for each operation language
    ("Nom du site (fr)", "name_ar", "#loc+name+ar")."""
    fields = [
        Field(
            name,
            label,
            synonyms=HEADER_SYNONYMS.get(name, ()),
            hxl=HXL_TAGS.get(name, ()),
            required=name in ("name",),
        )
        for name, label in FIELD_LABELS.items()
    ]
    for lang in languages or []:
        fields.append(
            Field(
                f"name_{lang}",
                gettext_lazy("site name (%(lang)s)") % {"lang": lang},
                synonyms=(
                    f"name {lang}",
                    f"site name {lang}",
                    f"nom {lang}",
                    f"nom du site {lang}",
                    f"nome {lang}",
                    f"nome do sitio {lang}",
                    f"nombre {lang}",
                    f"nombre del sitio {lang}",
                    f"magaca {lang}",
                ),
                hxl=(f"#loc+name+{lang}",),
            )
        )
    return fields
