"""The columns of a 3W sheet: our template's and those of published 3W / operational
presence files (OCHA), each with its English and French header and its HXL tags. The
template writes them; the import maps a file's columns to them by HXL tag first, then by
header (English, French, or a usual synonym)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from sitetrack.core.sectors import Sector


@dataclass(frozen=True)
class Column:
    name: str
    label: object  # lazy, translated
    hxl: tuple[str, ...]
    synonyms: tuple[str, ...] = ()
    width: int = 14
    in_template: bool = True


def _people_columns(prefix: str, label_all: object, tag: str) -> list[Column]:
    bands = [
        ("f_0_17", _("girls 0–17"), "+f+children"),
        ("m_0_17", _("boys 0–17"), "+m+children"),
        ("f_18_59", _("women 18–59"), "+f+adults"),
        ("m_18_59", _("men 18–59"), "+m+adults"),
        ("f_60_plus", _("women 60+"), "+f+elderly"),
        ("m_60_plus", _("men 60+"), "+m+elderly"),
    ]
    columns = [Column(prefix, label_all, (f"#{tag}",), (prefix, f"total {prefix}", f"people {prefix}"), 11)]
    for band, label, attrs in bands:
        columns.append(Column(f"{prefix}_{band}", label, (f"#{tag}{attrs}",), (f"{prefix} {band}",), 9))
    columns.append(
        Column(
            f"{prefix}_pwd",
            _("persons with disabilities"),
            (f"#{tag}+disabled",),
            (f"{prefix} pwd", f"{prefix} disabled"),
            10,
        )
    )
    return columns


COLUMNS: list[Column] = [
    Column(
        "activity_id",
        _("SiteTrack activity ID (leave empty for a new activity)"),
        ("#activity+id",),
        ("id",),
        12,
    ),
    Column(
        "organisation",
        _("Implementing organisation (acronym)"),
        ("#org+impl+acronym", "#org+acronym"),
        ("acronym", "organisation acronym", "org acronym", "sigle", "partner", "partenaire"),
        16,
    ),
    Column(
        "organisation_name",
        _("Implementing organisation (name)"),
        ("#org+impl+name", "#org+name"),
        (
            "organisation",
            "organization",
            "organisation name",
            "organization name",
            "nom organisation",
            "partner name",
        ),
        28,
        in_template=False,
    ),
    Column(
        "organisation_type",
        _("Organisation type"),
        ("#org+impl+type", "#org+type"),
        ("type", "organisation type", "organization type", "type organisation", "type d'organisation"),
        16,
        in_template=False,
    ),
    Column(
        "funding_organisation",
        _("Funding / appealing organisation (acronym)"),
        ("#org+funder+acronym", "#org+funder+name", "#org+funder"),
        ("donor", "bailleur", "funding organisation", "funding organization"),
        16,
    ),
    Column(
        "sector",
        _("Sector (code)"),
        ("#sector+code",),
        ("sector code", "cluster code", "code secteur", "code cluster"),
        14,
    ),
    Column(
        "sector_name",
        _("Sector (name)"),
        ("#sector+name", "#sector"),
        ("sector", "cluster", "secteur"),
        20,
        in_template=False,
    ),
    Column(
        "activity_type",
        _("Activity (code)"),
        ("#activity+code",),
        ("activity code", "code activite"),
        22,
    ),
    Column(
        "activity_name",
        _("Activity (name)"),
        ("#activity+name", "#activity"),
        ("activity", "activite", "activity name"),
        28,
        in_template=False,
    ),
    Column("site", _("Site code"), ("#loc+code",), ("site code", "code site", "ssid", "site id"), 14),
    Column(
        "site_name",
        _("Site name"),
        ("#loc+name",),
        ("site", "site name", "nom du site"),
        20,
        in_template=False,
    ),
    Column(
        "admin_area",
        _("Admin area P-code (area-wide work, no site)"),
        ("#adm2+code",),
        ("admin2 pcode", "adm2 pcode", "admin 2 pcode", "district pcode", "pcode"),
        14,
    ),
    Column(
        "adm3",
        _("Admin 3 P-code"),
        ("#adm3+code",),
        ("admin3 pcode", "adm3 pcode", "adm3_pcode"),
        12,
        in_template=False,
    ),
    Column(
        "adm1",
        _("Admin 1 P-code"),
        ("#adm1+code",),
        ("admin1 pcode", "adm1 pcode", "adm1_pcode"),
        12,
        in_template=False,
    ),
    Column("start_date", _("Start date"), ("#date+start",), ("start", "date de debut", "debut"), 12),
    Column("end_date", _("End date"), ("#date+end",), ("end", "date de fin", "fin"), 12),
    Column("status", _("Status"), ("#status",), ("activity status", "statut"), 12),
    Column("unit", _("Unit"), ("#indicator+unit",), ("unite",), 10),
    *_people_columns("targeted", _("People targeted"), "targeted"),
    Column(
        "month", _("Reporting month (YYYY-MM)"), ("#date+reported",), ("month", "mois", "reporting month"), 12
    ),
    *_people_columns("reached", _("People reached this month"), "reached"),
    Column("quantity", _("Quantity this month"), ("#indicator+value",), ("quantity", "quantite"), 10),
    Column("notes", _("Notes"), ("#meta+notes", "#description"), ("comments", "commentaires", "remarks"), 30),
]

TEMPLATE_COLUMNS = [c for c in COLUMNS if c.in_template]
COLUMN_BY_NAME = {c.name: c for c in COLUMNS}

# Cluster codes and names published 3W files use, → our sectors. Compared normalised.
SECTOR_SYNONYMS: dict[str, tuple[str, ...]] = {
    Sector.PROTECTION: (
        "pro",
        "prot",
        "protection",
        "gbv",
        "vbg",
        "child protection",
        "protection de l'enfance",
        "cp",
    ),
    Sector.WASH: ("wsh", "wash", "eha", "water sanitation hygiene", "eau hygiene et assainissement"),
    Sector.HEALTH: ("hea", "hlt", "health", "sante"),
    Sector.FOOD_SECURITY: ("fsc", "fss", "fs", "food", "food security", "securite alimentaire"),
    Sector.SHELTER_NFI: ("shl", "snfi", "nfi", "shelter", "abris", "abris nfi", "shelter nfi", "abri"),
    Sector.SECURITY: ("sec", "security", "securite"),
    Sector.EDUCATION: ("edu", "education"),
    Sector.NUTRITION: ("nut", "nutrition"),
    Sector.LIVELIHOODS: (
        "erl",
        "liv",
        "early recovery",
        "livelihoods",
        "relevement precoce",
        "moyens de subsistance",
    ),
    Sector.CCCM: ("ccm", "cccm", "camp coordination", "cccm abris", "coordination et gestion des camps"),
}
