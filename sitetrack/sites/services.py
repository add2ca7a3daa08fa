"""Writes to the site registry. Every rule lives here, so the web form, the API and the
master-list import give the same messages.

`user=None` means a system action (the `import-sites` command, the demo builder): no role
or scope check, and the audit history records no user.
"""

from __future__ import annotations

import math
import re
from datetime import date as date_type
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from sitetrack.core.access import area_in_scope, require, visible_sites
from sitetrack.core.errors import Errors  # noqa: F401 - re-exported for callers
from sitetrack.core.models import Operation, Organisation
from sitetrack.geo.countries import check_point
from sitetrack.geo.models import AdminArea
from sitetrack.geo.spatial import boundary_area, point_in_area, point_in_country_extent
from sitetrack.sites.models import LandTenure, ManagementType, Site, SiteStatus, SiteStatusChange, SiteType

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The most a count column holds (PositiveIntegerField), far above any real site.
MAX_COUNT = 2_147_483_647
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]*$")

# Fields site_update accepts; anything else is a programming error.
EDITABLE_FIELDS = {
    "code",
    "name",
    "aliases",
    "site_type",
    "admin_area",
    "latitude",
    "longitude",
    "management_agency",
    "management_type",
    "land_tenure",
    "area_m2",
    "capacity",
    "opened_on",
    "notes",
}


# --- value cleaning (shared with the importer) ------------------------------------------


def clean_coordinate(value: Any, field: str, errors: Errors) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    label = _("Latitude") if field == "latitude" else _("Longitude")
    try:
        number = (
            float(str(value).strip().replace(",", "."))
            if not isinstance(value, int | float)
            else float(value)
        )
    except ValueError:
        errors.add(
            field,
            _("%(label)s must be a number in decimal degrees, got “%(value)s”.")
            % {"label": label, "value": value},
        )
        return None
    if number != number or number in (float("inf"), float("-inf")):
        errors.add(
            field,
            _("%(label)s “%(value)s” is not a number; leave the cell empty when the point is unknown.")
            % {"label": label, "value": value},
        )
        return None
    limit = 90 if field == "latitude" else 180
    if not -limit <= number <= limit:
        errors.add(
            field,
            _("%(label)s must be between -%(limit)s and %(limit)s, got %(value)s.")
            % {"label": label, "limit": limit, "value": value},
        )
        return None
    return number


def clean_count(value: Any, field: str, errors: Errors) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip().replace(" ", "").replace("\u202f", "").replace(",", ""))
    except ValueError:
        errors.add(field, _("Must be a whole number, got “%(value)s”.") % {"value": value})
        return None
    if not math.isfinite(number):
        errors.add(field, _("Must be a whole number, got “%(value)s”.") % {"value": value})
        return None
    if number != int(number) or number < 0:
        errors.add(field, _("Must be a whole number of 0 or more, got “%(value)s”.") % {"value": value})
        return None
    if number > MAX_COUNT:
        # A 23-digit capacity is a typing mistake, and more than the column holds.
        errors.add(
            field, _("Must be at most %(max)s, got “%(value)s”.") % {"max": f"{MAX_COUNT:,}", "value": value}
        )
        return None
    return int(number)


def clean_choice(value: Any, field: str, choices: type, errors: Errors, *, required: bool) -> str:
    from sitetrack.sites.choices import match_choice

    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            errors.add(field, _("This field is required."))
        return ""
    matched = match_choice(choices, text)
    if matched is None:
        errors.add(
            field,
            _("Unknown value “%(value)s”; expected one of: %(choices)s.")
            % {"value": text, "choices": ", ".join(str(c) for c in choices.values)},
        )
        return ""
    return matched


def resolve_admin_area(value: Any, operation: Operation, errors: Errors) -> AdminArea | None:
    if isinstance(value, AdminArea):
        area = value
    else:
        pcode = "" if value is None else str(value).strip()
        if not pcode:
            errors.add("admin_area", _("This field is required."))
            return None
        area = AdminArea.objects.filter(pcode__iexact=pcode).first()
        if area is None:
            errors.add("admin_area", _("Unknown P-code “%(pcode)s”.") % {"pcode": pcode})
            return None
    country = operation.country
    if not area.path.startswith(country.path):
        errors.add(
            "admin_area",
            _("%(area)s is not in %(country)s, the country of this operation.")
            % {"area": area, "country": country.name},
        )
        return None
    return area


def resolve_organisation(value: Any, errors: Errors) -> Organisation | None:
    if value is None or isinstance(value, Organisation):
        return value
    text = str(value).strip()
    if not text:
        return None
    if text.isdigit():
        org = Organisation.objects.filter(pk=int(text)).first()
    else:
        org = Organisation.objects.filter(Q(acronym__iexact=text) | Q(name__iexact=text)).first()
    if org is None:
        errors.add(
            "management_agency",
            _(
                "Unknown organisation “%(value)s”: add it in the admin (Organisations), or import "
                "without this column (--map management_agency= on the command line)."
            )
            % {"value": text},
        )
    return org


def clean_aliases(value: Any) -> list[str]:
    if not value:
        return []
    items = re.split(r"[;|\n]", value) if isinstance(value, str) else [str(v) for v in value]
    seen: list[str] = []
    for item in (i.strip() for i in items):
        if item and item not in seen:
            seen.append(item)
    return seen


def clean_date(value: Any, field: str, errors: Errors) -> date_type | None:
    if value in (None, ""):
        return None
    if isinstance(value, date_type):
        return _date_in_range(value, field, errors, shown=value)
    parsed = None
    try:
        parsed = parse_date(str(value).strip()[:10])
    except ValueError:
        parsed = None
    if parsed is None:
        errors.add(field, _("Not a date (YYYY-MM-DD): “%(value)s”.") % {"value": value})
        return None
    return _date_in_range(parsed, field, errors, shown=value)


def _date_in_range(parsed: date_type, field: str, errors: Errors, *, shown: Any) -> date_type | None:
    """A site cannot open in the future (2999 is a typing error), nor before 1900."""
    from django.utils import timezone

    if parsed > timezone.localdate() or parsed.year < 1900:
        errors.add(
            field,
            _("The date “%(value)s” is not possible: it must be between 1900 and today.") % {"value": shown},
        )
        return None
    return parsed


# --- rules --------------------------------------------------------------------------------


def site_code_generate(admin_area: AdminArea) -> str:
    """The next free code for this area: CF7111-S001, CF7111-S002, ..."""
    prefix = f"{admin_area.pcode}-S"
    used = Site.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(code[len(prefix) :]) for code in used if code[len(prefix) :].isdigit()]
    return f"{prefix}{(max(numbers) if numbers else 0) + 1:03d}"


def _check_code(code: str, site: Site | None, errors: Errors) -> None:
    if not CODE_RE.match(code) or len(code) > 40:
        errors.add(
            "code",
            _("Site code “%(code)s” may use only letters, digits and - _ . / (40 characters at most).")
            % {"code": code},
        )
        return
    clash = Site.objects.filter(code__iexact=code)
    if site is not None and site.pk:
        clash = clash.exclude(pk=site.pk)
    other = clash.first()
    if other is not None:
        errors.add(
            "code", _("Site code %(code)s is already used by %(name)s.") % {"code": code, "name": other.name}
        )


def _check_point(
    operation: Operation, area: AdminArea | None, lat: float | None, lon: float | None, errors: Errors
) -> None:
    if "latitude" in errors.by_field or "longitude" in errors.by_field:
        return  # a malformed coordinate has already been reported
    if (lat is None) != (lon is None):
        missing = "longitude" if lon is None else "latitude"
        errors.add(missing, _("Give both latitude and longitude, or neither."))
        return
    if lat is None or lon is None:
        return
    country = operation.country
    verdict = check_point(country.pcode, lat, lon).verdict
    if verdict == "swapped":
        errors.add(
            "latitude",
            _(
                "Latitude and longitude look swapped: %(lat)s, %(lon)s lies outside %(country)s, but %(lon)s, "
                "%(lat)s lies inside. Swap the two values (or the two columns)."
            )
            % {"lat": lat, "lon": lon, "country": country.name},
        )
        return
    if verdict == "outside" or (verdict == "skipped" and not point_in_country_extent(country, lat, lon)):
        errors.add(
            "latitude",
            _("The point %(lat)s, %(lon)s lies outside %(country)s (%(pcode)s).")
            % {"lat": lat, "lon": lon, "country": country.name, "pcode": country.pcode},
        )
        return
    if area is None:
        return
    inside = point_in_area(area, lat, lon)
    if inside is False:
        holder = boundary_area(area) or area
        errors.add(
            "latitude",
            _("The point %(lat)s, %(lon)s lies outside %(area)s (%(pcode)s).")
            % {"lat": lat, "lon": lon, "area": holder.name, "pcode": holder.pcode},
        )


def _check_scope(user: User | None, operation: Operation, area: AdminArea | None, errors: Errors) -> None:
    if user is None or area is None:
        return
    if not area_in_scope(user, operation, area):
        errors.add(
            "admin_area",
            _("%(area)s is outside the areas assigned to you.") % {"area": area},
        )


def _clean_fields(
    *, operation: Operation, site: Site | None, data: dict[str, Any], errors: Errors
) -> dict[str, Any]:
    """Turn raw values (strings from a form or a file, or Python values) into model values,
    recording every problem in `errors`."""
    clean: dict[str, Any] = {}
    if "name" in data:
        name = str(data["name"] or "").strip()
        if not name:
            errors.add("name", _("This field is required."))
        elif len(name) > 200:
            errors.add("name", _("At most 200 characters."))
        clean["name"] = name
    if "aliases" in data:
        clean["aliases"] = clean_aliases(data["aliases"])
    if "site_type" in data:
        clean["site_type"] = clean_choice(data["site_type"], "site_type", SiteType, errors, required=True)
    if "management_type" in data:
        clean["management_type"] = clean_choice(
            data["management_type"], "management_type", ManagementType, errors, required=False
        )
    if "land_tenure" in data:
        clean["land_tenure"] = clean_choice(
            data["land_tenure"], "land_tenure", LandTenure, errors, required=False
        )
    if "admin_area" in data:
        clean["admin_area"] = resolve_admin_area(data["admin_area"], operation, errors)
    for field in ("latitude", "longitude"):
        if field in data:
            clean[field] = clean_coordinate(data[field], field, errors)
    for field in ("area_m2", "capacity"):
        if field in data:
            clean[field] = clean_count(data[field], field, errors)
    if "management_agency" in data:
        clean["management_agency"] = resolve_organisation(data["management_agency"], errors)
    if "opened_on" in data:
        clean["opened_on"] = clean_date(data["opened_on"], "opened_on", errors)
    if "notes" in data:
        clean["notes"] = str(data["notes"] or "").strip()
    if "code" in data and data["code"] not in (None, ""):
        clean["code"] = str(data["code"]).strip().upper()
        _check_code(clean["code"], site, errors)
    return clean


def _set_history_user(site: Site, user: User | None) -> None:
    if user is not None:
        site._history_user = user


# --- services -----------------------------------------------------------------------------


@transaction.atomic
def site_create(
    *,
    operation: Operation,
    user: User | None,
    name: str,
    site_type: str,
    admin_area: AdminArea | str,
    code: str | None = None,
    latitude: float | str | None = None,
    longitude: float | str | None = None,
    aliases: list[str] | str | None = None,
    management_agency: Organisation | str | None = None,
    management_type: str = "",
    land_tenure: str = "",
    area_m2: int | str | None = None,
    capacity: int | str | None = None,
    opened_on: date_type | str | None = None,
    notes: str = "",
) -> Site:
    if user is not None:
        require(user, operation, "create_site")
    errors = Errors()
    clean = _clean_fields(
        operation=operation,
        site=None,
        data={
            "name": name,
            "site_type": site_type,
            "admin_area": admin_area,
            "code": code,
            "latitude": latitude,
            "longitude": longitude,
            "aliases": aliases,
            "management_agency": management_agency,
            "management_type": management_type,
            "land_tenure": land_tenure,
            "area_m2": area_m2,
            "capacity": capacity,
            "opened_on": opened_on,
            "notes": notes,
        },
        errors=errors,
    )
    area = clean.get("admin_area")
    _check_scope(user, operation, area, errors)
    _check_point(operation, area, clean.get("latitude"), clean.get("longitude"), errors)
    errors.raise_if_any()
    if not clean.get("code"):
        clean["code"] = site_code_generate(area)
    site = Site(operation=operation, **clean)
    _set_history_user(site, user)
    site.save()
    return site


@transaction.atomic
def site_update(*, site: Site, user: User | None, **fields: Any) -> Site:
    """Change some fields of a site. Saves (and adds an audit record) only when a value
    actually changes, so re-importing the same master list changes nothing."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"site_update: unknown fields {sorted(unknown)}")
    operation = site.operation
    if user is not None:
        require(user, operation, "edit_site")
        if not visible_sites(user, operation).filter(pk=site.pk).exists():
            raise PermissionDenied(_("This site is outside your scope."))
    if "code" in fields and not fields["code"]:
        fields.pop("code")  # an empty code in a form or file keeps the current one
    errors = Errors()
    clean = _clean_fields(operation=operation, site=site, data=fields, errors=errors)
    area = clean.get("admin_area", site.admin_area)
    if "admin_area" in clean and clean["admin_area"] is not None and clean["admin_area"] != site.admin_area:
        _check_scope(user, operation, clean["admin_area"], errors)
    lat = clean.get("latitude", site.latitude)
    lon = clean.get("longitude", site.longitude)
    if {"latitude", "longitude", "admin_area"} & set(clean):
        _check_point(operation, area, lat, lon, errors)
    errors.raise_if_any()
    changed = [field for field, value in clean.items() if getattr(site, field) != value]
    if not changed:
        return site
    for field in changed:
        setattr(site, field, clean[field])
    _set_history_user(site, user)
    site.save()
    return site


@transaction.atomic
def site_change_status(
    *,
    site: Site,
    user: User | None,
    status: str,
    date: date_type | str,
    target: Site | str | None = None,
    reason: str = "",
) -> SiteStatusChange:
    """Close a site, merge it into another, relocate it (or reopen it), with a dated record."""
    operation = site.operation
    if user is not None:
        require(user, operation, "edit_site")
        if not visible_sites(user, operation).filter(pk=site.pk).exists():
            raise PermissionDenied(_("This site is outside your scope."))
    errors = Errors()
    status = clean_choice(status, "status", SiteStatus, errors, required=True)
    when = clean_date(date, "date", errors)
    if when is None and "date" not in errors.by_field:
        errors.add("date", _("This field is required."))
    if isinstance(target, str):
        code = target.strip()
        target = Site.objects.filter(code__iexact=code).first() if code else None
        if code and target is None:
            errors.add("target", _("Unknown site code “%(code)s”.") % {"code": code})
    if target is not None:
        if target.pk == site.pk:
            errors.add("target", _("A site cannot be merged into or relocated to itself."))
        elif target.operation_id != site.operation_id:
            errors.add("target", _("%(site)s belongs to another operation.") % {"site": target})
    if status == SiteStatus.MERGED and target is None and "target" not in errors.by_field:
        errors.add("target", _("Say which site this one was merged into."))
    if status in (SiteStatus.OPEN, SiteStatus.CLOSED) and target is not None:
        errors.add("target", _("Only a merged or relocated site has a target site."))
    if status and status == site.status and status != SiteStatus.OPEN:
        errors.add("status", _("The site is already %(status)s.") % {"status": site.get_status_display()})
    errors.raise_if_any()
    change = SiteStatusChange.objects.create(
        site=site, status=status, date=when, target=target, reason=(reason or "").strip(), recorded_by=user
    )
    site.status = status
    _set_history_user(site, user)
    site.save(update_fields=["status", "updated_at"])
    return change


@transaction.atomic
def site_names_set(*, site: Site, names: dict[str, str], user: User | None = None) -> bool:
    """Keep the site's name in some languages of its operation ({"fr": "...", "sg": "..."});
    names in other languages are refused. Saves (with history) only on a change."""
    if user is not None:
        require(user, site.operation, "edit_site")
    allowed = set(site.operation.language_codes)
    unknown = sorted(set(names) - allowed)
    if unknown:
        raise ValidationError(
            {
                "names": [
                    _("%(languages)s: not a language of %(operation)s (its languages: %(known)s).")
                    % {
                        "languages": ", ".join(unknown),
                        "operation": site.operation,
                        "known": ", ".join(sorted(allowed)),
                    }
                ]
            }
        )
    merged = {**(site.names or {}), **{k: v.strip()[:200] for k, v in names.items() if v and v.strip()}}
    if merged == (site.names or {}):
        return False
    site.names = merged
    _set_history_user(site, user)
    site.save(update_fields=["names", "updated_at"])
    return True


@transaction.atomic
def site_import_mapping_save(
    *, operation: Operation, user: User | None, columns: dict[str, str], defaults: dict[str, str]
):
    """Remember the web mapping step's choices for the operation's next master list:
    normalised header → field ("" = ignored), merged over what was remembered before."""
    from sitetrack.sites.models import SiteImportMapping

    if user is not None:
        require(user, operation, "import")
    saved, _created = SiteImportMapping.objects.get_or_create(operation=operation)
    saved.columns = {**saved.columns, **columns}
    saved.defaults = dict(defaults)
    saved.updated_by = user
    saved.save()
    return saved


# --- master-list import ----------------------------------------------------------------------


def sites_import(**kwargs: Any):
    """Import a site master list: see `sitetrack.sites.master_list.sites_import`."""
    from sitetrack.sites.master_list import sites_import as run

    return run(**kwargs)
