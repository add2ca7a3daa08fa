"""Writes of 3W activities and their monthly figures. The web form, the API and both
imports call these, so they all apply the same rules:

- a partner creates and changes only their own organisation's activities;
- an activity is at a site of the operation, or (area-wide work) in an admin area of the
  operation's country; the sector is the activity type's;
- people targeted or reached by sex and age add up to no more than the total (and to
  exactly the total when every band is given); persons with disabilities are within it;
- a month's figures can be changed until its deadline, never after (nor once locked).

`user=None` is a system action (the demo builder, an import run by an IMO): no role check.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sitetrack.core.access import require
from sitetrack.core.models import Operation, Organisation
from sitetrack.core.sectors import Sector
from sitetrack.geo.models import AdminArea
from sitetrack.response.access import require_report_for, require_response
from sitetrack.response.cleaning import (
    Errors,
    clean_choice,
    clean_count,
    clean_date,
    clean_decimal,
    is_missing,
    normalise_name,
    parse_month,
)
from sitetrack.response.models import (
    PEOPLE_BANDS,
    Activity,
    ActivityReport,
    ActivitySource,
    ActivityStatus,
    ActivityType,
    OrganisationAlias,
    ReportingPeriod,
)
from sitetrack.sites.models import Site

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Days after the end of a month until which its figures can still be changed.
DEFAULT_DEADLINE_DAYS = 10

TARGETED_FIELDS = ("targeted", *(f"targeted_{b}" for b in PEOPLE_BANDS), "targeted_pwd")
REACHED_FIELDS = ("reached", *(f"reached_{b}" for b in PEOPLE_BANDS), "reached_pwd")
ACTIVITY_FIELDS = {
    "organisation",
    "funding_organisation",
    "sector",
    "activity_type",
    "site",
    "admin_area",
    "start_date",
    "end_date",
    "status",
    "unit",
    "notes",
    *TARGETED_FIELDS,
}


# --- resolving references -------------------------------------------------------------


def resolve_organisation(value: Any, field: str, errors: Errors, *, required: bool) -> Organisation | None:
    """An organisation by itself, id, acronym, name or alias (case, accents and spaces
    ignored)."""
    if isinstance(value, Organisation):
        return value
    if is_missing(value):
        if required:
            errors.add(field, _("This field is required."))
        return None
    text = str(value).strip()
    org = None
    if text.isdigit():
        org = Organisation.objects.filter(pk=int(text)).first()
    if org is None:
        org = Organisation.objects.filter(Q(acronym__iexact=text) | Q(name__iexact=text)).first()
    if org is None:
        alias = (
            OrganisationAlias.objects.filter(key=normalise_name(text)).select_related("organisation").first()
        )
        org = alias.organisation if alias else None
    if org is None:
        errors.add(field, _("Unknown organisation “%(value)s”.") % {"value": text})
    return org


def resolve_activity_type(value: Any, errors: Errors) -> ActivityType | None:
    if isinstance(value, ActivityType):
        return value
    if is_missing(value):
        errors.add("activity_type", _("This field is required."))
        return None
    text = str(value).strip()
    found = ActivityType.objects.filter(code__iexact=text).first()
    if found is None:
        found = ActivityType.objects.filter(Q(name_en__iexact=text) | Q(name_fr__iexact=text)).first()
    if found is None:
        errors.add("activity_type", _("Unknown activity “%(value)s”.") % {"value": text})
    return found


def resolve_site(value: Any, operation: Operation, errors: Errors) -> Site | None:
    if isinstance(value, Site):
        site = value
    elif is_missing(value):
        return None
    else:
        site = Site.objects.filter(operation=operation, code__iexact=str(value).strip()).first()
        if site is None:
            errors.add("site", _("No site “%(value)s” in this operation.") % {"value": value})
            return None
    if site.operation_id != operation.pk:
        errors.add("site", _("Site %(site)s is not in this operation.") % {"site": site.code})
        return None
    return site


def resolve_area(value: Any, operation: Operation, errors: Errors) -> AdminArea | None:
    if isinstance(value, AdminArea):
        area = value
    elif is_missing(value):
        return None
    else:
        area = AdminArea.objects.filter(pcode__iexact=str(value).strip()).first()
        if area is None:
            errors.add("admin_area", _("Unknown P-code “%(value)s”.") % {"value": value})
            return None
    if not area.path.startswith(operation.country.path):
        errors.add(
            "admin_area",
            _("%(area)s is not in %(country)s, the country of this operation.")
            % {"area": area.pcode, "country": operation.country.name},
        )
        return None
    return area


def check_people(values: dict[str, Any], prefix: str, errors: Errors) -> None:
    """Bands add up to at most the total (exactly, when all are given); the total is
    filled from the bands when left out; persons with disabilities are within it."""
    total_field = prefix
    bands = [values.get(f"{prefix}_{b}") for b in PEOPLE_BANDS]
    given = [b for b in bands if b is not None]
    total = values.get(total_field)
    if given:
        band_sum = sum(given)
        if total is None:
            values[total_field] = total = band_sum
        elif len(given) == len(bands) and band_sum != total:
            errors.add(
                total_field,
                _("The sex and age figures add up to %(sum)s, not the total %(total)s.")
                % {"sum": band_sum, "total": total},
            )
        elif band_sum > total:
            errors.add(
                total_field,
                _("The sex and age figures add up to %(sum)s, more than the total %(total)s.")
                % {"sum": band_sum, "total": total},
            )
    pwd = values.get(f"{prefix}_pwd")
    if pwd is not None and total is not None and pwd > total:
        errors.add(
            f"{prefix}_pwd",
            _("%(pwd)s persons with disabilities is more than the total %(total)s.")
            % {"pwd": pwd, "total": total},
        )


def _clean_activity(
    *, operation: Operation, data: dict[str, Any], current: Activity | None, errors: Errors
) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "organisation" in data:
        clean["organisation"] = resolve_organisation(
            data["organisation"], "organisation", errors, required=True
        )
    if "funding_organisation" in data:
        clean["funding_organisation"] = resolve_organisation(
            data["funding_organisation"], "funding_organisation", errors, required=False
        )
    if "activity_type" in data:
        clean["activity_type"] = resolve_activity_type(data["activity_type"], errors)
    if "sector" in data and not is_missing(data["sector"]):
        clean["sector"] = clean_choice(data["sector"], "sector", Sector, errors)
    if "site" in data:
        clean["site"] = resolve_site(data["site"], operation, errors)
    if "admin_area" in data:
        clean["admin_area"] = resolve_area(data["admin_area"], operation, errors)
    for field in ("start_date", "end_date"):
        if field in data:
            clean[field] = clean_date(data[field], field, errors)
    if "status" in data:
        clean["status"] = clean_choice(
            data["status"], "status", ActivityStatus, errors, default=ActivityStatus.PLANNED
        )
    for field in ("unit", "notes"):
        if field in data:
            clean[field] = "" if is_missing(data[field]) else str(data[field]).strip()
    for field in TARGETED_FIELDS:
        if field in data:
            clean[field] = clean_count(data[field], field, errors)
    return clean


def _check_activity(values: dict[str, Any], errors: Errors) -> None:
    """Rules across fields, on the activity as it will be saved."""
    activity_type = values.get("activity_type")
    if activity_type is not None:
        sector = values.get("sector")
        if sector and sector != activity_type.sector:
            errors.add(
                "activity_type",
                _("“%(type)s” is an activity of the %(sector)s sector, not of %(given)s.")
                % {
                    "type": activity_type.code,
                    "sector": Sector(activity_type.sector).label,
                    "given": Sector(sector).label,
                },
            )
        values["sector"] = activity_type.sector
        if not values.get("unit"):
            values["unit"] = activity_type.unit
    site, area = values.get("site"), values.get("admin_area")
    if site is not None:
        if (
            area is not None
            and area.pk != site.admin_area_id
            and not site.admin_area.path.startswith(area.path)
        ):
            errors.add(
                "admin_area",
                _("Site %(site)s is in %(site_area)s, not in %(area)s.")
                % {"site": site.code, "site_area": site.admin_area.pcode, "area": area.pcode},
            )
        values["admin_area"] = site.admin_area
    elif area is None and "admin_area" not in errors.by_field and "site" not in errors.by_field:
        errors.add("site", _("Give a site, or an admin area for area-wide work."))
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        errors.add(
            "end_date",
            _("The end date %(end)s is before the start date %(start)s.") % {"end": end, "start": start},
        )
    check_people(values, "targeted", errors)


def _set_history_user(obj: Any, user: User | None) -> None:
    if user is not None:
        obj._history_user = user


def activity_build(
    *, operation: Operation, user: User | None, source: str = ActivitySource.WEB, **fields: Any
) -> Activity:
    """A new activity checked against every rule, not yet saved (a bulk import saves many
    at once; `activity_create` saves one)."""
    unknown = set(fields) - ACTIVITY_FIELDS
    if unknown:
        raise TypeError(f"activity_create: unknown fields {sorted(unknown)}")
    if user is not None:
        require(user, operation, "report_activity")
    errors = Errors()
    fields.setdefault("organisation", None)
    fields.setdefault("activity_type", None)
    values = _clean_activity(operation=operation, data=fields, current=None, errors=errors)
    _check_activity(values, errors)
    errors.raise_if_any()
    if user is not None:
        require_report_for(user, operation, values["organisation"])
    activity = Activity(operation=operation, source=source, created_by=user, **values)
    _set_history_user(activity, user)
    return activity


@transaction.atomic
def activity_create(
    *, operation: Operation, user: User | None, source: str = ActivitySource.WEB, **fields: Any
) -> Activity:
    """A new activity. Fields: organisation, activity_type and a site or an admin_area are
    required; the others (see ACTIVITY_FIELDS) are optional."""
    activity = activity_build(operation=operation, user=user, source=source, **fields)
    activity.save()
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, user: User | None, **fields: Any) -> Activity:
    """Change some fields of an activity; saves (with an audit record) only what changes."""
    unknown = set(fields) - ACTIVITY_FIELDS
    if unknown:
        raise TypeError(f"activity_update: unknown fields {sorted(unknown)}")
    operation = activity.operation
    if user is not None:
        require_report_for(user, operation, activity.organisation)
    errors = Errors()
    clean = _clean_activity(operation=operation, data=fields, current=activity, errors=errors)
    values = {field: getattr(activity, field) for field in ACTIVITY_FIELDS}
    if "site" in clean and clean["site"] is None and "admin_area" not in clean:
        values["admin_area"] = activity.admin_area  # moving from a site to its area
    values.update(clean)
    if clean.get("site") is not None and "admin_area" not in clean:
        values["admin_area"] = None  # the new site's area
    if "activity_type" in clean and "sector" not in clean:
        values["sector"] = ""
    _check_activity(values, errors)
    errors.raise_if_any()
    if user is not None and values["organisation"] != activity.organisation:
        require_report_for(user, operation, values["organisation"])
    changed = [field for field in ACTIVITY_FIELDS if getattr(activity, field) != values[field]]
    if not changed:
        return activity
    for field in changed:
        setattr(activity, field, values[field])
    _set_history_user(activity, user)
    activity.save()
    return activity


# --- monthly figures --------------------------------------------------------------------


def deadline_for(month: date) -> date:
    """The last day a month's figures can be changed: DEADLINE_DAYS after its end."""
    days = int(getattr(settings, "SITETRACK_3W_DEADLINE_DAYS", DEFAULT_DEADLINE_DAYS))
    next_month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return next_month + timedelta(days=days - 1)


def reporting_period_get(*, operation: Operation, month: date | str) -> ReportingPeriod:
    """The reporting period of a month (created with its default deadline)."""
    first = parse_month(month)
    if first is None:
        raise ValidationError(
            {"period": [_("“%(value)s” is not a month such as 2014-03.") % {"value": month}]}
        )
    period, _created = ReportingPeriod.objects.get_or_create(
        operation=operation, month=first, defaults={"deadline": deadline_for(first)}
    )
    return period


@transaction.atomic
def reporting_period_lock(*, period: ReportingPeriod, user: User | None) -> ReportingPeriod:
    if user is not None:
        require_response(user, period.operation, "manage_response")
    if period.locked_at is None:
        period.locked_at = timezone.now()
        _set_history_user(period, user)
        period.save()
    return period


@transaction.atomic
def reporting_period_reopen(*, period: ReportingPeriod, user: User | None, deadline: date) -> ReportingPeriod:
    """An IMO lets partners correct a month again, until a new deadline."""
    if user is not None:
        require_response(user, period.operation, "manage_response")
    period.locked_at = None
    period.deadline = deadline
    _set_history_user(period, user)
    period.save()
    return period


def check_period_open(period: ReportingPeriod, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if period.is_locked(today):
        if period.locked_at is not None:
            message = _("The figures of %(month)s are locked; ask the IMO to reopen the month.")
        else:
            message = _(
                "The figures of %(month)s are locked since its reporting deadline %(deadline)s passed; "
                "ask the IMO to reopen the month."
            )
        raise ValidationError({"period": [message % {"month": period, "deadline": period.deadline}]})


def activity_report_values(
    *,
    activity: Activity,
    period: ReportingPeriod,
    report: ActivityReport | None,
    today: date | None = None,
    **figures: Any,
) -> dict[str, Any]:
    """A month's figures checked against every rule (the month open, the bands, the
    activity's dates), merged over the month's current figures; not saved."""
    unknown = set(figures) - {*REACHED_FIELDS, "quantity"}
    if unknown:
        raise TypeError(f"activity_report_save: unknown fields {sorted(unknown)}")
    check_period_open(period, today)
    errors = Errors()
    values: dict[str, Any] = {}
    for field in REACHED_FIELDS:
        if field in figures:
            values[field] = clean_count(figures[field], field, errors)
    if "quantity" in figures:
        values["quantity"] = clean_decimal(figures["quantity"], "quantity", errors)
    merged = {f: getattr(report, f) if report else None for f in (*REACHED_FIELDS, "quantity")}
    merged.update(values)
    check_people(merged, "reached", errors)
    if activity.start_date and period.month < activity.start_date.replace(day=1):
        errors.add(
            "period",
            _("%(month)s is before the activity started (%(start)s).")
            % {"month": period, "start": activity.start_date},
        )
    if activity.end_date and period.month > activity.end_date:
        errors.add(
            "period",
            _("%(month)s is after the activity ended (%(end)s).")
            % {"month": period, "end": activity.end_date},
        )
    errors.raise_if_any()
    return merged


@transaction.atomic
def activity_report_save(
    *,
    activity: Activity,
    period: ReportingPeriod | date | str,
    user: User | None,
    today: date | None = None,
    **figures: Any,
) -> ActivityReport:
    """Record (or correct) an activity's figures for one month: reached (total, by sex and
    age, persons with disabilities) and quantity. Refused once the month is locked."""
    operation = activity.operation
    if user is not None:
        require_report_for(user, operation, activity.organisation)
    if not isinstance(period, ReportingPeriod):
        period = reporting_period_get(operation=operation, month=period)
    report = ActivityReport.objects.filter(activity=activity, period=period).first()
    merged = activity_report_values(activity=activity, period=period, report=report, today=today, **figures)
    if report is None:
        report = ActivityReport(activity=activity, period=period)
    elif all(getattr(report, f) == v for f, v in merged.items()):
        return report
    for field, value in merged.items():
        setattr(report, field, value)
    report.updated_by = user
    _set_history_user(report, user)
    report.save()
    return report
