"""Reads of the site registry: filtered lists, key figures, map data. Figures are computed
in SQL (ORM aggregates), never by looping over rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, When
from django.utils.translation import get_language

from sitetrack.core.access import visible_sites
from sitetrack.geo.models import AdminArea
from sitetrack.sites.models import Site, SiteStatus, SiteType

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from sitetrack.core.models import Operation


def site_list(
    *,
    user: User,
    operation: Operation,
    q: str = "",
    site_type: str = "",
    status: str = "",
    area: str = "",
) -> QuerySet[Site]:
    """The sites this user may see, filtered. `area` is a P-code: the area and everything
    below it (by the materialised path, so codes that break the prefix rule still work)."""
    qs = visible_sites(user, operation).select_related("admin_area", "management_agency", "operation")
    if site_type:
        qs = qs.filter(site_type=site_type)
    if status:
        qs = qs.filter(status=status)
    if area:
        node = AdminArea.objects.filter(pcode__iexact=area.strip()).only("path").first()
        qs = qs.filter(admin_area__path__startswith=node.path) if node else qs.none()
    if q:
        term = q.strip()
        # Aliases are a JSON list; a text search on its serialised form works on SQLite
        # and PostgreSQL alike (icontains on a JSON field compares the JSON text).
        qs = qs.filter(Q(code__icontains=term) | Q(name__icontains=term) | Q(aliases__icontains=term))
    return qs.order_by("code")


def _admin1_pcode() -> Case:
    """The admin1 P-code of a site's area, whatever level (1 to 4) the site is recorded at."""
    return Case(
        When(admin_area__level=1, then=F("admin_area__pcode")),
        When(admin_area__level=2, then=F("admin_area__parent__pcode")),
        When(admin_area__level=3, then=F("admin_area__parent__parent__pcode")),
        When(admin_area__level=4, then=F("admin_area__parent__parent__parent__pcode")),
        default=None,
        output_field=CharField(),
    )


def _admin2_pcode() -> Case:
    """The admin2 P-code of a site's area recorded at level 2 to 4 (None at level 1)."""
    return Case(
        When(admin_area__level=2, then=F("admin_area__pcode")),
        When(admin_area__level=3, then=F("admin_area__parent__pcode")),
        When(admin_area__level=4, then=F("admin_area__parent__parent__pcode")),
        default=None,
        output_field=CharField(),
    )


def site_filter_areas(*, user: User, operation: Operation, area: str = "") -> list[dict[str, Any]]:
    """The options of the site list's admin area filter, in two levels: every admin1 area
    holding a site the user sees and, under the admin1 of the chosen `area`, its admin2
    areas holding such sites (a chosen area deeper than admin2 is listed under them).

    A national operation's country has 1,632 admin1 and admin2 areas (3,009 admin3):
    listing them all made the page a megabyte and a second of template rendering. Each
    option is {"pcode", "name" (in the active language), "level", "depth" (0 or 1 or 2,
    for the indent), "selected"}."""
    sites = visible_sites(user, operation)
    admin1_codes = set(
        sites.annotate(admin1=_admin1_pcode()).values_list("admin1", flat=True).distinct().order_by()
    )
    admin1_codes.discard(None)
    chosen = None
    if area:
        chosen = AdminArea.objects.filter(pcode__iexact=area.strip()).values("pcode", "level", "path").first()
    branch = None  # the admin1 P-code whose admin2 areas are listed
    admin2_codes: set[str] = set()
    if chosen and chosen["level"] >= 1:
        country, branch = chosen["path"].strip("/").split("/")[:2]
        admin2_codes = set(
            sites.filter(admin_area__path__startswith=f"/{country}/{branch}/")
            .annotate(admin2=_admin2_pcode())
            .values_list("admin2", flat=True)
            .distinct()
            .order_by()
        )
        admin2_codes.discard(None)
    wanted = admin1_codes | admin2_codes | ({chosen["pcode"]} if chosen and chosen["level"] >= 1 else set())
    french = (get_language() or "en").startswith("fr")
    areas = {
        row["pcode"]: row
        for row in AdminArea.objects.filter(pcode__in=wanted).values(
            "pcode", "name_en", "name_fr", "level", "path"
        )
    }

    def option(row: dict, depth: int) -> dict[str, Any]:
        return {
            "pcode": row["pcode"],
            "name": (row["name_fr"] if french and row["name_fr"] else row["name_en"]),
            "level": row["level"],
            "depth": depth,
            "selected": bool(chosen) and row["pcode"] == chosen["pcode"],
        }

    options = []
    for row in sorted((areas[c] for c in admin1_codes if c in areas), key=lambda r: r["path"]):
        options.append(option(row, 0))
        if row["pcode"] != branch:
            continue
        deeper = chosen if chosen and chosen["level"] >= 3 else None
        for sub in sorted((areas[c] for c in admin2_codes if c in areas), key=lambda r: r["path"]):
            options.append(option(sub, 1))
            if deeper and deeper["path"].startswith(sub["path"]):
                options.append(option(areas[deeper["pcode"]], 2))
                deeper = None
        if deeper and deeper["pcode"] in areas:
            options.append(option(areas[deeper["pcode"]], 2))
    if (
        chosen
        and chosen["level"] >= 1
        and not any(o["selected"] for o in options)
        and chosen["pcode"] in areas
    ):
        # An area without sites the user sees (a link from elsewhere): still shown as chosen.
        options.append(option(areas[chosen["pcode"]], 0))
    return options


def operation_key_figures(*, user: User, operation: Operation) -> dict[str, Any]:
    """The home page's figures: open sites, their capacity, by type and by admin1."""
    sites = visible_sites(user, operation)
    open_sites = sites.filter(status=SiteStatus.OPEN)
    totals = sites.aggregate(
        all_sites=Count("pk"),
        open_sites=Count("pk", filter=Q(status=SiteStatus.OPEN)),
        open_capacity=Sum("capacity", filter=Q(status=SiteStatus.OPEN)),
    )
    labels = dict(SiteType.choices)
    by_type = [
        {"site_type": row["site_type"], "label": labels.get(row["site_type"], row["site_type"]), **row}
        for row in open_sites.values("site_type")
        .annotate(sites=Count("pk"), capacity=Sum("capacity"))
        .order_by("-sites", "site_type")
    ]
    rows = list(
        open_sites.annotate(admin1=_admin1_pcode())
        .values("admin1")
        .annotate(sites=Count("pk"), capacity=Sum("capacity"))
        .order_by("admin1")
    )
    names = {
        a.pcode: a for a in AdminArea.objects.filter(pcode__in=[r["admin1"] for r in rows if r["admin1"]])
    }
    by_admin1 = [{**row, "area": names.get(row["admin1"])} for row in rows]
    return {**totals, "by_type": by_type, "by_admin1": by_admin1}


def map_areas(*, operation: Operation, levels: tuple[int, ...] = (1, 2)) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the operation country's admin boundaries we hold.

    Only areas that have a boundary; limited to the operation's admin1 areas that hold sites
    (and everything below), so a national boundary layer does not weigh down a city map.
    """
    country = operation.country
    areas = AdminArea.objects.filter(path__startswith=country.path, boundary__isnull=False, level__in=levels)
    admin1_codes = set(
        Site.objects.filter(operation=operation)
        .annotate(admin1=_admin1_pcode())
        .values_list("admin1", flat=True)
    )
    if admin1_codes:
        prefix = Q()
        for area in AdminArea.objects.filter(pcode__in=admin1_codes).only("path"):
            prefix |= Q(path__startswith=area.path)
        areas = areas.filter(prefix)
    features = [
        {
            "type": "Feature",
            "geometry": area["boundary"],
            "properties": {"pcode": area["pcode"], "name": area["name_en"], "level": area["level"]},
        }
        for area in areas.order_by("level", "pcode").values(
            "pcode", "name_en", "name_fr", "level", "boundary"
        )
    ]
    return {"type": "FeatureCollection", "features": features}


def map_sites(*, user: User, operation: Operation) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the user's visible sites that have a GPS point."""
    rows = (
        visible_sites(user, operation)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .values(
            "code", "name", "site_type", "status", "capacity", "latitude", "longitude", "admin_area__pcode"
        )
        # Largest first so big circles are drawn under small ones; NULLs last on both databases.
        .order_by(F("capacity").desc(nulls_last=True), "code")
    )
    labels = dict(SiteType.choices)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
                "properties": {
                    "code": row["code"],
                    "name": row["name"],
                    "site_type": row["site_type"],
                    "site_type_label": str(labels.get(row["site_type"], row["site_type"])),
                    "status": row["status"],
                    "capacity": row["capacity"],
                    "pcode": row["admin_area__pcode"],
                },
            }
            for row in rows
        ],
    }
