"""What the home page shows each role. Figures come from the apps' selectors (sites,
assessments, reports, intake); the few counts that had no selector are aggregated here, in
the database, and named for what they count."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q

from sitetrack.assessments.models import AssessmentStatus, Round, RoundKind, RoundStatus, SiteAssessment
from sitetrack.assessments.selectors import assessments_for, open_rounds, round_board

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from sitetrack.core.models import Operation

LIST_LENGTH = 8


@dataclass
class RoundToCollect:
    """A facilitator's week: one open round, the sites in their areas and their states."""

    round: Round
    counts: dict[str, int]
    total: int
    missing: list[Any] = field(default_factory=list)
    returned: list[Any] = field(default_factory=list)
    drafts: list[Any] = field(default_factory=list)


def rounds_to_collect(*, user: AbstractBaseUser, operation: Operation) -> list[RoundToCollect]:
    """Each open round with the user's sites still missing, returned to them or in draft
    (from the round board's selector: the same states and counts as the board)."""
    result = []
    for round in open_rounds(operation)[:3]:
        board = round_board(round, user)
        sites = board["sites"]
        result.append(
            RoundToCollect(
                round=round,
                counts=board["counts"],
                total=board["total"],
                missing=list(sites.filter(state="missing")[:LIST_LENGTH]),
                returned=list(sites.filter(state=AssessmentStatus.RETURNED)[:LIST_LENGTH]),
                drafts=list(sites.filter(state=AssessmentStatus.DRAFT)[:LIST_LENGTH]),
            )
        )
    return result


def submitted_by_round(*, user: AbstractBaseUser, operation: Operation) -> list[dict[str, Any]]:
    """Assessments waiting for validation, counted per open round (one grouped query)."""
    return list(
        assessments_for(user, operation)
        .filter(status=AssessmentStatus.SUBMITTED, round__status=RoundStatus.OPEN)
        .values("round_id", "round__kind", "round__number")
        .annotate(waiting=Count("pk"), with_errors=Count("pk", filter=Q(error_count__gt=0)))
        .order_by("-round__number")
    )


def rounds_to_publish(*, operation: Operation) -> list[Round]:
    """Closed weekly rounds whose report has not been published yet (newest first)."""
    return list(
        Round.objects.filter(
            operation=operation, kind=RoundKind.WEEKLY, status=RoundStatus.CLOSED, published_at__isnull=True
        ).order_by("-number")[:LIST_LENGTH]
    )


def intake_attention(*, operation: Operation) -> dict[str, Any]:
    """Imports that failed or still run, and duplicate submissions waiting for a decision."""
    from sitetrack.intake.models import DuplicateHold, HoldStatus, ImportRun, ImportStatus

    runs = ImportRun.objects.filter(operation=operation)
    return {
        "holds": DuplicateHold.objects.filter(operation=operation, status=HoldStatus.OPEN).count(),
        "running": list(
            runs.filter(
                status__in=[ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.SAVING]
            ).order_by("-created_at")[:LIST_LENGTH]
        ),
        "failed": list(runs.filter(status=ImportStatus.FAILED).order_by("-created_at")[:LIST_LENGTH]),
    }


def round_percent(part: int | None, whole: int | None) -> int | None:
    if not whole:
        return None
    return round(100 * (part or 0) / whole)


def partner_work(*, user: AbstractBaseUser, operation: Operation) -> dict[str, Any] | None:
    """What a partner's organisation must act on: referrals addressed to it that are still
    open (and how many are overdue), and its activities ongoing or planned — counted in the
    database on the response app's scoped querysets."""
    from django.utils import timezone

    from sitetrack.response.access import reporting_organisation, visible_activities, visible_referrals
    from sitetrack.response.models import REFERRAL_CLOSED, ActivityStatus

    organisation = reporting_organisation(user, operation)
    if organisation is None:
        return None
    today = timezone.localdate()
    referrals = (
        visible_referrals(user, operation)
        .exclude(status__in=REFERRAL_CLOSED)
        .aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
    )
    activities = (
        visible_activities(user, operation)
        .filter(organisation=organisation)
        .aggregate(
            ongoing=Count("pk", filter=Q(status=ActivityStatus.ONGOING)),
            planned=Count("pk", filter=Q(status=ActivityStatus.PLANNED)),
        )
    )
    return {"organisation": organisation, "referrals": referrals, "activities": activities}


# --- the coordinator's dashboard -------------------------------------------------------------

# Weekly rounds in the dashboard's trend chart (the round shown included).
DASHBOARD_TREND_ROUNDS = 8
# Seconds a computed dashboard is kept; it is keyed by the data version anyway.
DASHBOARD_SECONDS = 600
# The worst gap of a site first: need with no partner, under-covered, covered, over-served.
GAP_ORDER = ("gap", "under_covered", "covered", "over_served", "")


@dataclass(frozen=True)
class SectorGapCount:
    """Sites of a sector by gap status (response.gaps): need and no partner, need and
    under-covered, need and covered."""

    sector: Any  # reports.selectors.SectorInfo
    gap: int
    under: int
    covered: int


@dataclass(frozen=True)
class DashboardFilters:
    """The dashboard's filters (GET parameters): an admin area P-code, a site type, a
    sector. Unknown values are dropped (and said so), never an error page."""

    area: str = ""
    site_type: str = ""
    sector: str = ""
    dropped: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, query, operation: Operation) -> DashboardFilters:
        from sitetrack.core.sectors import Sector
        from sitetrack.geo.models import AdminArea
        from sitetrack.sites.models import SiteType

        area = (query.get("area") or "").strip()[:20]
        site_type = (query.get("site_type") or "").strip()
        sector = (query.get("sector") or "").strip()
        dropped = []
        if area and not (
            operation.country_id
            and AdminArea.objects.filter(pcode=area, path__startswith=operation.country.path).exists()
        ):
            dropped.append(area)
            area = ""
        if site_type and site_type not in SiteType.values:
            dropped.append(site_type)
            site_type = ""
        if sector and sector not in Sector.values:
            dropped.append(sector)
            sector = ""
        return cls(area=area, site_type=site_type, sector=sector, dropped=tuple(dropped))

    @property
    def active(self) -> bool:
        return bool(self.area or self.site_type or self.sector)

    def site_q(self) -> Q | None:
        """The sites these filters keep, as a Q on Site (None: all of them)."""
        if not (self.area or self.site_type):
            return None
        q = Q()
        if self.area:
            from sitetrack.geo.models import AdminArea

            path = AdminArea.objects.filter(pcode=self.area).values_list("path", flat=True).first()
            q &= Q(admin_area__path__startswith=path)
        if self.site_type:
            q &= Q(site_type=self.site_type)
        return q

    def query_string(self) -> str:
        from urllib.parse import urlencode

        return urlencode(
            {
                k: v
                for k, v in (("area", self.area), ("site_type", self.site_type), ("sector", self.sector))
                if v
            }
        )


def latest_validated_round(*, operation: Operation) -> Round | None:
    """The newest weekly round with validated figures (an EXISTS per round, newest first:
    it stops at the first, without scanning every assessment)."""
    from django.db.models import Exists, OuterRef

    validated = SiteAssessment.objects.validated().filter(round=OuterRef("pk"))
    return (
        Round.objects.filter(operation=operation, kind=RoundKind.WEEKLY)
        .filter(Exists(validated))
        .order_by("-number")
        .first()
    )


def dashboard_version(*, operation: Operation) -> tuple[int | None, str]:
    """The round the dashboard shows and a version of the data it reads. Keyed by
    monthly.cache.history_stamp, read from the database at every call (one query of index
    lookups), so a write in any process shows at the next request; under it, the round and
    monthly.cache.operation_stamp are read again at most every RECHECK_SECONDS (see
    monthly/cache.py for why this holds across gunicorn workers)."""
    import hashlib

    from sitetrack.monthly.cache import history_stamp, remembered

    stamp = repr(history_stamp())

    def compute() -> tuple[int | None, str]:
        from sitetrack.monthly.cache import operation_stamp

        round = latest_validated_round(operation=operation)
        return (round.pk if round else None, repr(operation_stamp(operation.pk)) if round else "")

    digest = hashlib.sha1(stamp.encode()).hexdigest()[:20]
    round_id, version = remembered(f"dashboard:version:{operation.pk}:{digest}", compute)
    return round_id, f"{stamp}{version}" if round_id else ""


def dashboard_key(
    *,
    user: AbstractBaseUser,
    operation: Operation,
    filters: DashboardFilters,
    language: str,
    version: tuple[int | None, str] | None = None,
) -> str | None:
    """The cache key of the dashboard this user sees with these filters (None: no
    dashboard for them: a facilitator scoped to some areas, or no validated round yet).
    `version`: dashboard_version's answer when the caller has read it in this request."""
    import hashlib

    from sitetrack.core.access import site_scope_q

    if site_scope_q(user, operation) is not None:
        return None
    round_id, version = version or dashboard_version(operation=operation)
    if round_id is None:
        return None
    stamp = repr((operation.pk, round_id, version, language, filters.area, filters.site_type, filters.sector))
    return "dashboard:" + hashlib.sha1(stamp.encode()).hexdigest()


def dashboard(
    *, user: AbstractBaseUser, operation: Operation, filters: DashboardFilters, language: str
) -> dict | None:
    """The operation at a glance for the latest validated weekly round: key figures with
    coverage, the trend, the worst gaps and the map's sites, for the filters given. For
    users who see the whole operation (not a facilitator scoped to some areas). Computed
    once per round, data version, language and filters, then served from the cache."""
    from django.core.cache import cache

    key = dashboard_key(user=user, operation=operation, filters=filters, language=language)
    if key is None:
        return None
    data = cache.get(key)
    if data is None:
        round_id = dashboard_version(operation=operation)[0]
        data = _dashboard_compute(
            Round.objects.select_related("operation").get(pk=round_id), filters, language
        )
        data["cache_key"] = key
        cache.set(key, data, DASHBOARD_SECONDS)
    return data


def _round_stamp(round: Round, previous: Round | None) -> str:
    """What one round's figures read: its assessments and the previous round's (count and
    last change, by the round index), and the operation's sites and status changes."""
    from django.db.models import Max

    from sitetrack.sites.models import Site, SiteStatusChange

    ids = [round.pk] + ([previous.pk] if previous else [])
    parts = [
        SiteAssessment.objects.filter(round_id__in=ids).aggregate(n=Count("pk"), last=Max("updated_at")),
        Site.objects.filter(operation_id=round.operation_id).aggregate(n=Count("pk"), last=Max("updated_at")),
        SiteStatusChange.objects.filter(site__operation_id=round.operation_id).aggregate(n=Count("pk")),
    ]
    return repr(parts)


def _cached_figures(filters: DashboardFilters):
    """key_figures of a round, cached per round and per the version of what it reads: a
    new assessment in the latest round recomputes that round's figures, not the trend's."""
    import hashlib

    from django.core.cache import cache

    from sitetrack.monthly.selectors import key_figures

    def figures(round: Round, previous: Round | None, *, sites: Q | None = None):
        stamp = repr((round.pk, previous.pk if previous else None, filters.area, filters.site_type))
        stamp += _round_stamp(round, previous)
        key = "dashboard:figures:" + hashlib.sha1(stamp.encode()).hexdigest()
        value = cache.get(key)
        if value is None:
            value = key_figures(round, previous, sites=sites)
            cache.set(key, value, DASHBOARD_SECONDS * 6)
        return value

    return figures


def _site_codes(operation: Operation, q: Q | None) -> set[str] | None:
    from sitetrack.sites.models import Site

    if q is None:
        return None
    return set(Site.objects.for_operation(operation).filter(q).values_list("code", flat=True))


def _dashboard_compute(round: Round, filters: DashboardFilters, language: str) -> dict[str, Any]:
    from django.db.models import Exists, OuterRef
    from django.utils import translation

    from sitetrack.assessments.selectors import previous_round
    from sitetrack.monthly import charts
    from sitetrack.monthly.selectors import round_trend
    from sitetrack.response.gaps import gap_matrix, gap_totals

    operation = round.operation
    site_q = filters.site_q()
    with translation.override(language):
        previous = previous_round(round)
        figures = _cached_figures(filters)(round, previous, sites=site_q)
        validated = SiteAssessment.objects.validated().filter(round=OuterRef("pk"))
        rounds = list(
            Round.objects.filter(operation=operation, kind=RoundKind.WEEKLY, number__lte=round.number)
            .filter(Exists(validated))
            .order_by("-number")[:DASHBOARD_TREND_ROUNDS]
        )[::-1]
        trend, panel_people, panel_sites = round_trend(
            rounds, sites=site_q, figures_for=_cached_figures(filters)
        )
        trend_svg = charts.trend_chart_svg(
            [f"{r.number}" for r in rounds],
            [f.individuals for f in trend],
            [panel_people.get(r.pk, 0) or 0 for r in rounds],
            panel_sites,
        )
        matrix = gap_matrix(round, language=language)
        codes = _site_codes(operation, site_q)
        rows = [r for r in matrix.rows if codes is None or r.code in codes]
        totals = gap_totals(matrix.sectors, rows)
        sectors = [s for s in matrix.sectors if not filters.sector or s.code == filters.sector]
        worst_gaps = sorted(
            (
                SectorGapCount(
                    s, totals[s.code]["gap"], totals[s.code]["under_covered"], totals[s.code]["covered"]
                )
                for s in sectors
            ),
            key=lambda g: (-g.gap, -g.under, g.sector.code),
        )
    return {
        "round": round,
        "previous": previous,
        "figures": figures,
        "coverage": figures.coverage_percent,
        "open_sites": figures.open_sites,
        "not_assessed": figures.open_sites - figures.sites_assessed,
        "trend_rounds": [(r, f) for r, f in zip(rounds, trend, strict=True)],
        "trend_uri": charts.svg_data_uri(trend_svg),
        "panel_sites": panel_sites,
        "worst_gaps": [g for g in worst_gaps if g.gap or g.under or filters.sector][:10],
        "map_sites": _map_sites(operation, rows, filters.sector),
        "filters": filters,
    }


def _map_sites(operation: Operation, rows, sector: str) -> list[list]:
    """[code, name, latitude, longitude, population, worst gap status] per located site."""
    from sitetrack.sites.models import Site

    located = {
        code: (name, lat, lon)
        for code, name, lat, lon in Site.objects.for_operation(operation)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .values_list("code", "name", "latitude", "longitude")
    }
    rank = {status: i for i, status in enumerate(GAP_ORDER)}
    out = []
    for row in rows:
        place = located.get(row.code)
        if place is None:
            continue
        statuses = [c.status for c in row.cells if not sector or c.sector == sector]
        worst = min(statuses, key=lambda s: rank.get(s, len(GAP_ORDER)), default="")
        out.append([row.code, place[0], place[1], place[2], row.population, worst])
    return out


def dashboard_choices(*, operation: Operation, area: str = "") -> dict[str, Any]:
    """The filters' options: the admin 1 areas of the operation's sites and, under the
    admin 1 area chosen (or the one above the admin 2 area chosen), its admin 2 areas;
    site types, sectors. Listing every admin 2 area made the national page's select
    1,650 options (95 KB of a 183 KB page, on every request). Cached: admin areas rarely
    change."""
    from django.core.cache import cache

    from sitetrack.core.sectors import Sector
    from sitetrack.sites.models import SiteType

    key = f"dashboard:areas:{operation.pk}"
    areas = cache.get(key)
    if areas is None:
        from sitetrack.geo.models import AdminArea

        areas = []
        if operation.country_id:
            areas = list(
                AdminArea.objects.filter(path__startswith=operation.country.path, level__in=(1, 2))
                .filter(pcode__in=_used_area_codes(operation))
                .order_by("path")
                .values_list("pcode", "name_en", "name_fr", "level", "parent__pcode")
            )
        cache.set(key, areas, 300)
    parents = {pcode: parent for pcode, _en, _fr, level, parent in areas if level == 2}
    branch = parents.get(area, area)
    shown = [
        (pcode, en, fr, level) for pcode, en, fr, level, parent in areas if level == 1 or parent == branch
    ]
    return {
        "areas": shown,
        "more_areas": any(level == 2 for *_rest, level, _parent in areas) and not branch,
        "site_types": SiteType.choices,
        "sectors": Sector.choices,
    }


def _used_area_codes(operation: Operation):
    """Admin 1 and 2 areas that hold the operation's sites (one grouped query)."""
    from sitetrack.monthly.selectors import admin_pcode
    from sitetrack.sites.models import Site

    sites = Site.objects.for_operation(operation)
    codes = set(sites.annotate(a=admin_pcode(1)).values_list("a", flat=True).distinct())
    codes |= set(sites.annotate(a=admin_pcode(2)).values_list("a", flat=True).distinct())
    return [c for c in codes if c]
