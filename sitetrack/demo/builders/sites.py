"""Demo step 3: about forty displacement sites in Bangui and Ombella M'Poko, early 2014.

Names are real public place names (parishes, monasteries, schools, neighbourhoods where
displaced people sheltered after 5 December 2013); see docs/sites.md for the sources. The
M'Poko airport site is the largest (about 100,000 people in January 2014); the other
capacities, the management agencies and most locations are illustrative. GPS points are
drawn deterministically inside each site's admin area as the demo boundaries draw it
(except M'Poko, placed at the airport), so every point passes the registry's own checks.

Sites are created through the registry's service (same rules as a user), with the demo
IMO as the author of the audit history. Safe to run twice: a site that already exists (by
name, in the demo operation) is left as it is.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db.models import Q

from sitetrack.core.models import Organisation
from sitetrack.demo.context import DemoContext
from sitetrack.geo.models import AdminArea
from sitetrack.geo.spatial import point_in_area, random_point_in_area
from sitetrack.sites.models import LandTenure, ManagementType, Site, SiteStatus, SiteType
from sitetrack.sites.services import site_change_status, site_create

P = SiteType.PLANNED_CAMP
S = SiteType.SPONTANEOUS_SITE
C = SiteType.COLLECTIVE_CENTRE
T = SiteType.TRANSIT_CENTRE
R = SiteType.RECEPTION_CENTRE
E = SiteType.EVACUATION_CENTRE


@dataclass(frozen=True)
class DemoSite:
    name: str
    site_type: str
    pcode: str  # the admin3 unit (ignored when `at` places the site)
    capacity: int
    agency: str = ""  # organisation acronym
    aliases: tuple[str, ...] = ()
    at: tuple[float, float] | None = None  # (lat, lon) of a well-known place


RELIGIOUS = (ManagementType.RELIGIOUS, LandTenure.RELIGIOUS)

SITES: list[DemoSite] = [
    # Bangui — the very large sites
    DemoSite(
        "Aéroport M'Poko", S, "CF7131", 100_000, "IOM", ("M'Poko", "Site de l'aéroport"), at=(4.3985, 18.5190)
    ),
    DemoSite("Monastère de Boy-Rabe", C, "CF7141", 25_000, "Caritas", ("Boy-Rabe",)),
    DemoSite("Don Bosco Damala", C, "CF7181", 20_000, "Caritas", ("Centre Don Bosco", "Salésiens de Damala")),
    DemoSite("Carmel de Bangui", C, "CF7161", 10_000, "Caritas", ("Couvent des Carmes",)),
    DemoSite("Paroisse Saint-Sauveur", C, "CF7161", 9_000, "CRS", ("Saint-Sauveur",)),
    DemoSite("Don Bosco Galabadja", C, "CF7181", 8_000, "Caritas", ("Salésiens de Galabadja",)),
    # Bangui — medium and small sites
    DemoSite("Notre-Dame de Fatima", C, "CF7161", 6_000, "CRS", ("Paroisse de Fatima",)),
    DemoSite("Padre Pio", C, "CF7131", 5_000, "Caritas", ("Paroisse Padre Pio (Boeing)",)),
    DemoSite("Saint-Jacques de Kpetene", C, "CF7151", 5_000, "CRS"),
    DemoSite("Église des Castors", C, "CF7121", 4_500, "DRC", ("Castors",)),
    DemoSite("Saint-Joseph Mukassa", C, "CF7151", 4_000, "CRS"),
    DemoSite("Paroisse Saint-Paul", C, "CF7111", 3_500, "DRC", ("Saint-Paul",)),
    DemoSite("Mosquée centrale PK5", C, "CF7131", 3_000, "DRC", ("Grande mosquée", "PK5")),
    DemoSite("Couvent des Capucins", C, "CF7151", 3_000, "Caritas", ("Capucins",)),
    DemoSite("Site aménagé de Lakouanga", P, "CF7121", 3_000, "IOM"),
    DemoSite(
        "Cathédrale Notre-Dame", C, "CF7111", 2_500, "Caritas", ("Cathédrale de l'Immaculée Conception",)
    ),
    DemoSite("Site de Ouango", S, "CF7171", 2_500, "ACTED", ("Ouango",)),
    DemoSite("Site de Gobongo", S, "CF7141", 2_000, "ACTED"),
    DemoSite("Paroisse Saint-Bernard", C, "CF7161", 2_000, "CRS"),
    DemoSite("Site de Benz-Vi", S, "CF7131", 1_800, "DRC", ("Benz-Vi",)),
    DemoSite("Église baptiste Elim", C, "CF7141", 1_500, "NRC"),
    DemoSite("Lycée Barthélemy Boganda", E, "CF7111", 1_500, "MASAH", ("Lycée Boganda",)),
    DemoSite("Centre Jean XXIII", C, "CF7111", 1_200, "Caritas"),
    DemoSite("Site de Combattant", S, "CF7181", 1_200, "ACTED", ("Combattant",)),
    DemoSite("École Koudoukou", E, "CF7131", 800, "MASAH"),
    DemoSite("Centre d'accueil de la Croix-Rouge", R, "CF7121", 600, "CRCA"),
    # Ombella M'Poko
    DemoSite("Paroisse Saint-Charles Lwanga de Bégoua", C, "CF1111", 22_000, "Caritas", ("Bégoua",)),
    DemoSite(
        "Grand Séminaire Saint-Marc", C, "CF1111", 15_000, "Caritas", ("Séminaire Saint-Marc de Bimbo",)
    ),
    DemoSite("Site aménagé de Bimbo", P, "CF1111", 5_000, "IOM"),
    DemoSite("Mission catholique de Boali", C, "CF1141", 3_000, "Caritas"),
    DemoSite("Site de Bimbo centre", S, "CF1111", 2_500, "ACTED"),
    DemoSite("Paroisse de Bossembélé", C, "CF1151", 2_500, "Caritas"),
    DemoSite("Centre de transit PK12", T, "CF1111", 1_500, "IOM", ("PK12",)),
    DemoSite("Site de Damara", S, "CF1121", 1_500, "NRC"),
    DemoSite("Centre de transit de Boali", T, "CF1141", 800, "IOM"),
    DemoSite("Centre de transit de Yaloké", T, "CF1161", 700, "UNHCR"),
    DemoSite("Centre d'accueil de Bossembélé", R, "CF1151", 600, "CRCA"),
    DemoSite("Site de Bogangolo", S, "CF1131", 500, "PU-AMI"),
    DemoSite("École de Damara", E, "CF1121", 400, "MASAH"),
    DemoSite("Centre d'accueil de Bimbo", R, "CF1111", 300, "CRCA"),
]

# (site, status, date, target, reason): what happened to some sites by March 2014.
STATUS_CHANGES = [
    (
        "Site de Combattant",
        SiteStatus.MERGED,
        datetime.date(2014, 2, 14),
        "Aéroport M'Poko",
        "Families moved to the airport site after renewed shooting in Combattant.",
    ),
    (
        "École de Damara",
        SiteStatus.CLOSED,
        datetime.date(2014, 3, 10),
        None,
        "School reopened; families returned to their quarters or moved in with host families.",
    ),
]

MANAGEMENT = {
    "IOM": (ManagementType.CAMP_MANAGEMENT, LandTenure.PUBLIC),
    "UNHCR": (ManagementType.CAMP_MANAGEMENT, LandTenure.PUBLIC),
    "DRC": (ManagementType.SITE_MANAGEMENT, LandTenure.UNKNOWN),
    "ACTED": (ManagementType.SITE_MANAGEMENT, LandTenure.COMMUNAL),
    "NRC": (ManagementType.SITE_MANAGEMENT, LandTenure.PRIVATE),
    "PU-AMI": (ManagementType.SITE_MANAGEMENT, LandTenure.COMMUNAL),
    "CRS": RELIGIOUS,
    "Caritas": RELIGIOUS,
    "CRCA": (ManagementType.COMMUNITY, LandTenure.PUBLIC),
    "MASAH": (ManagementType.GOVERNMENT, LandTenure.PUBLIC),
}
# Square metres per person: spontaneous sites were very crowded, buildings more so.
DENSITY = {P: (30, 45), S: (8, 20), C: (4, 12), T: (10, 25), R: (10, 25), E: (3, 8)}


def _place(spec: DemoSite, areas: dict[str, AdminArea], rng: random.Random) -> tuple[AdminArea, float, float]:
    """The admin3 unit and a point inside it. A site placed at a known point goes to the
    unit whose demo boundary holds that point."""
    if spec.at is not None:
        lat, lon = spec.at
        for pcode in sorted(areas):
            area = areas[pcode]
            if area.level == 3 and point_in_area(area, lat, lon):
                return area, lat, lon
    area = areas[spec.pcode]
    point = random_point_in_area(area, rng)
    if point is None:  # no demo boundary: the chief town's area has none; leave the point out
        return area, None, None
    return area, point[0], point[1]


def build(ctx: DemoContext) -> None:
    operation = ctx.operation
    rng = random.Random(ctx.rng.random())
    author = ctx.users.get("imo")
    wanted = Q(pcode__in={s.pcode for s in SITES}) | Q(level=3, path__startswith="/CF/CF71/")
    wanted |= Q(level=3, path__startswith="/CF/CF11/")
    areas = {a.pcode: a for a in AdminArea.objects.filter(wanted)}
    organisations = {o.acronym: o for o in Organisation.objects.exclude(acronym="")}
    existing = {s.name: s for s in Site.objects.filter(operation=operation)}
    created = 0
    by_name: dict[str, Site] = {}
    for spec in SITES:
        # Draw every number whether or not the site exists, so a partial demo rebuilds the
        # same sites in the same places.
        area, lat, lon = _place(spec, areas, rng)
        low, high = DENSITY[spec.site_type]
        area_m2 = int(spec.capacity * rng.uniform(low, high))
        opened = datetime.date(2013, 12, 5) + datetime.timedelta(days=rng.randint(0, 40))
        site = existing.get(spec.name)
        if site is None:
            management_type, tenure = MANAGEMENT.get(spec.agency, (ManagementType.NONE, LandTenure.UNKNOWN))
            site = site_create(
                operation=operation,
                user=author,
                name=spec.name,
                aliases=list(spec.aliases),
                site_type=spec.site_type,
                admin_area=area,
                latitude=lat,
                longitude=lon,
                management_agency=organisations.get(spec.agency),
                management_type=management_type,
                land_tenure=tenure,
                area_m2=area_m2,
                capacity=spec.capacity,
                opened_on=datetime.date(2013, 12, 5) if spec.at else opened,
            )
            created += 1
        by_name[spec.name] = site

    changes = 0
    for name, status, date, target, reason in STATUS_CHANGES:
        site = by_name[name]
        if site.status_changes.exists():
            continue
        site_change_status(
            site=site,
            user=author,
            status=status,
            date=date,
            target=by_name[target] if target else None,
            reason=reason,
        )
        changes += 1

    ctx.sites = list(Site.objects.filter(operation=operation).select_related("admin_area").order_by("code"))
    ctx.log(f"sites: {created} created, {len(ctx.sites)} in the operation, {changes} status changes recorded")
