"""The indicator catalogue: declarative data (core/data/catalogue.yaml), versioned in the
database, read everywhere through a `CatalogueIndex`.

- `catalogue_ensure_default()` loads the shipped YAML as the default version (idempotent).
- `catalogue_for(operation)` is the catalogue an operation collects with now: its latest
  own version, else the default.
- `catalogue_for_version(version)` is a recorded version (what an assessment used).
- `catalogue_version_create(...)` lets an IMO add, adjust or remove indicators and
  thresholds for their operation without code changes: it writes a new version; older
  assessments keep the version they were collected with.

Versions are immutable once written, so an index is cached per version id.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sitetrack.core.access import require
from sitetrack.core.models import CatalogueVersion, Indicator, IndicatorType, Operation, ThresholdDirection
from sitetrack.core.sectors import Sector

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "catalogue.yaml"

# Formulas a derived indicator may name; each is implemented twice, once in SQL
# (assessments.selectors.annotate_derived) and once in Python (assessments.validation.derive).
DERIVED_FORMULAS = (
    "litres_per_person_day",
    "people_per_latrine",
    "people_per_water_point",
    "covered_m2_per_person",
    "site_area_per_person",
    "female_male_latrine_ratio",
)

INDICATOR_FIELDS = (
    "code",
    "label_en",
    "label_fr",
    "type",
    "unit",
    "sector",
    "choices",
    "threshold",
    "threshold_direction",
    "threshold_source",
    "hxl",
    "xlsform_name",
    "guidance_en",
    "guidance_fr",
    "derived",
)

HXL_TAG = re.compile(r"^#[A-Za-z][_0-9A-Za-z]*(\s*\+[A-Za-z][_0-9A-Za-z]*)*$")
XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
CODE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class IndicatorDef:
    """One indicator of one catalogue version, detached from the ORM (safe to use in
    loops over 100,000 rows)."""

    code: str
    label_en: str
    label_fr: str
    type: str
    unit: str = ""
    sector: str = ""
    choices: tuple[dict, ...] = field(default=(), compare=False)
    threshold: Decimal | None = None
    threshold_direction: str = ""
    threshold_source: str = ""
    hxl: str = ""
    xlsform_name: str = ""
    guidance_en: str = ""
    guidance_fr: str = ""
    derived: str = ""
    order: int = 0

    @property
    def is_derived(self) -> bool:
        return bool(self.derived)

    @property
    def is_numeric(self) -> bool:
        return self.type in (IndicatorType.INTEGER, IndicatorType.DECIMAL)

    @property
    def has_threshold(self) -> bool:
        return self.threshold is not None and self.threshold_direction in ThresholdDirection.values

    @property
    def label(self) -> str:
        return self.label_fr if _is_french() and self.label_fr else self.label_en

    @property
    def guidance(self) -> str:
        return self.guidance_fr if _is_french() and self.guidance_fr else self.guidance_en

    @property
    def choice_names(self) -> tuple[str, ...]:
        return tuple(c["name"] for c in self.choices)

    def choice_label(self, name: str) -> str:
        for choice in self.choices:
            if choice["name"] == name:
                key = "label_fr" if _is_french() and choice.get("label_fr") else "label_en"
                return choice.get(key) or name
        return name

    def gap(self, value: float | None) -> float | None:
        """Shortfall against the threshold in the indicator's unit: positive = gap,
        zero or negative = met. None when there is no value or no threshold."""
        if value is None or not self.has_threshold:
            return None
        threshold = float(self.threshold)
        if self.threshold_direction == ThresholdDirection.AT_LEAST:
            return threshold - value
        return value - threshold

    def meets(self, value: float | None) -> bool | None:
        gap = self.gap(value)
        return None if gap is None else gap <= 0

    def threshold_text(self) -> str:
        if not self.has_threshold:
            return ""
        number = f"{self.threshold.normalize():f}"
        sign = "≥" if self.threshold_direction == ThresholdDirection.AT_LEAST else "≤"
        return f"{sign} {number} {self.unit}".strip()


def _is_french() -> bool:
    return (get_language() or "en").startswith("fr")


@dataclass(frozen=True)
class CatalogueIndex:
    version: CatalogueVersion
    indicators: dict[str, IndicatorDef]
    by_xlsform_name: dict[str, IndicatorDef]

    def collected(self) -> list[IndicatorDef]:
        return [i for i in self.indicators.values() if not i.derived]

    def derived(self) -> list[IndicatorDef]:
        return [i for i in self.indicators.values() if i.derived]

    def with_thresholds(self) -> list[IndicatorDef]:
        return [i for i in self.derived() if i.has_threshold]

    def for_sector(self, sector: str) -> list[IndicatorDef]:
        return [i for i in self.indicators.values() if i.sector == sector]

    def get(self, code: str) -> IndicatorDef | None:
        return self.indicators.get(code)


_cache: dict[tuple, CatalogueIndex] = {}
_cache_lock = threading.Lock()


def _def_from_row(row: Mapping[str, Any], order: int) -> IndicatorDef:
    threshold = row.get("threshold")
    return IndicatorDef(
        code=row["code"],
        label_en=row.get("label_en") or "",
        label_fr=row.get("label_fr") or "",
        type=row["type"],
        unit=row.get("unit") or "",
        sector=row.get("sector") or "",
        choices=tuple(dict(c) for c in (row.get("choices") or [])),
        threshold=None if threshold in (None, "") else Decimal(str(threshold)),
        threshold_direction=row.get("threshold_direction") or "",
        threshold_source=row.get("threshold_source") or "",
        hxl=row.get("hxl") or "",
        xlsform_name=row.get("xlsform_name") or row["code"],
        guidance_en=row.get("guidance_en") or "",
        guidance_fr=row.get("guidance_fr") or "",
        derived=row.get("derived") or "",
        order=order,
    )


def _cache_key(version: CatalogueVersion) -> tuple:
    # The creation time is part of the key: a rolled-back test transaction may reuse an id.
    return (version.pk, version.operation_id, version.number, version.created_at)


def _index(version: CatalogueVersion) -> CatalogueIndex:
    key = _cache_key(version)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    defs = [
        _def_from_row({f: getattr(ind, f) for f in INDICATOR_FIELDS}, ind.order)
        for ind in Indicator.objects.filter(version=version).order_by("order", "code")
    ]
    index = CatalogueIndex(
        version=version,
        indicators={d.code: d for d in defs},
        by_xlsform_name={d.xlsform_name: d for d in defs},
    )
    with _cache_lock:
        _cache[key] = index
    return index


def catalogue_clear_cache() -> None:
    """Forget cached indexes (tests roll back versions whose ids get reused)."""
    with _cache_lock:
        _cache.clear()


def load_catalogue_file(path: Path = CATALOGUE_FILE) -> dict:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    problems = []
    for position, row in enumerate(data.get("indicators", []), start=1):
        for message in indicator_problems(row):
            problems.append(f"{path.name}: indicator {position} ({row.get('code', '?')}): {message}")
    if problems:
        raise ValueError("\n".join(problems))
    return data


TEXT_FIELDS = (
    "code",
    "label_en",
    "label_fr",
    "type",
    "unit",
    "sector",
    "threshold_direction",
    "threshold_source",
    "hxl",
    "xlsform_name",
    "guidance_en",
    "guidance_fr",
    "derived",
)


def _max_length(name: str) -> int | None:
    return Indicator._meta.get_field(name).max_length


def _text_problems(row: Mapping[str, Any]) -> list[str]:
    """Fields that must be text but are a number, a list or a mapping, or are too long for
    the database column (PostgreSQL would refuse the row: a 500 instead of a message)."""
    problems = []
    for name in TEXT_FIELDS:
        value = row.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            problems.append(
                _("%(field)s must be text, not %(value)r.") % {"field": name, "value": _short(value)}
            )
        elif (limit := _max_length(name)) and len(value) > limit:
            problems.append(
                _("%(field)s is %(length)d characters long; at most %(max)d are allowed.")
                % {"field": name, "length": len(value), "max": limit}
            )
    return problems


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def threshold_problem(value: Any) -> str | None:
    """Why a threshold cannot be stored (None if it can): it must be a finite number with
    at most the database column's digits (9 before the decimal point, 3 after)."""
    field = Indicator._meta.get_field("threshold")
    whole_digits = field.max_digits - field.decimal_places
    example = "9" * whole_digits + "." + "9" * field.decimal_places
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return _("threshold %(value)s is not a number.") % {"value": _short(value)}
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return _("threshold %(value)s is not a number.") % {"value": _short(value)}
    if not number.is_finite():
        return _("threshold %(value)s is not a finite number.") % {"value": _short(value)}
    if abs(number) >= Decimal(10) ** whole_digits or number != number.quantize(
        Decimal(1).scaleb(-field.decimal_places)
    ):
        return _(
            "threshold %(value)s has too many digits: at most %(whole)d before the decimal point "
            "and %(decimals)d after (largest: %(example)s)."
        ) % {
            "value": _short(value),
            "whole": whole_digits,
            "decimals": field.decimal_places,
            "example": example,
        }
    return None


def indicator_problems(row: Mapping[str, Any]) -> list[str]:
    """What is wrong with one indicator definition (empty list if nothing)."""
    problems: list[str] = _text_problems(row)
    if problems:
        return problems
    code = row.get("code") or ""
    if not CODE.match(code):
        problems.append(_("code %(code)r must be lower-case letters, digits and _.") % {"code": code})
    if not row.get("label_en") or not row.get("label_fr"):
        problems.append(_("labels in English and French are required."))
    if row.get("type") not in IndicatorType.values:
        problems.append(
            _("type %(type)r is not one of %(types)s.")
            % {"type": row.get("type"), "types": ", ".join(IndicatorType.values)}
        )
    if row.get("sector") not in Sector.values:
        problems.append(
            _("sector %(sector)r is not one of %(sectors)s.")
            % {"sector": row.get("sector"), "sectors": ", ".join(Sector.values)}
        )
    choices = row.get("choices")
    if choices not in (None, "") and (
        not isinstance(choices, list | tuple) or not all(isinstance(c, Mapping) for c in choices)
    ):
        problems.append(_("choices must be a list of entries with a name and labels each."))
    elif choices and any(
        not isinstance(c.get(key), str | type(None))
        for c in choices
        for key in ("name", "label_en", "label_fr")
    ):
        problems.append(_("choice names and labels must be text."))
    elif row.get("type") in (IndicatorType.SELECT_ONE, IndicatorType.SELECT_MULTIPLE):
        choices = choices or []
        if not choices or not all(c.get("name") for c in choices):
            problems.append(_("select indicators need choices with a name each."))
        elif any(not XML_NAME.match(str(c["name"])) or " " in str(c["name"]) for c in choices):
            problems.append(_("choice names may not contain spaces."))
    threshold = row.get("threshold")
    if threshold not in (None, ""):
        problem = threshold_problem(threshold)
        if problem:
            problems.append(problem)
        if row.get("threshold_direction") not in ThresholdDirection.values:
            problems.append(_("a threshold needs a direction: min (at least) or max (at most)."))
    hxl = row.get("hxl") or ""
    if hxl and not HXL_TAG.match(hxl):
        problems.append(
            _("HXL tag %(tag)r is not valid (a hashtag, then +attributes that never start with a digit).")
            % {"tag": hxl}
        )
    name = row.get("xlsform_name") or code
    if not XML_NAME.match(name):
        problems.append(_("XLSForm name %(name)r is not a valid XML name.") % {"name": name})
    derived = row.get("derived") or ""
    if derived and derived not in DERIVED_FORMULAS:
        problems.append(
            _("derived formula %(name)r is unknown (known: %(known)s).")
            % {"name": derived, "known": ", ".join(DERIVED_FORMULAS)}
        )
    return problems


def _write_indicators(version: CatalogueVersion, rows: list[Mapping[str, Any]]) -> None:
    Indicator.objects.bulk_create(
        [
            Indicator(
                version=version,
                order=order,
                code=row["code"],
                label_en=row["label_en"],
                label_fr=row["label_fr"],
                type=row["type"],
                unit=row.get("unit") or "",
                sector=row["sector"],
                choices=list(row.get("choices") or []),
                threshold=None if row.get("threshold") in (None, "") else Decimal(str(row["threshold"])),
                threshold_direction=row.get("threshold_direction") or "",
                threshold_source=row.get("threshold_source") or "",
                hxl=row.get("hxl") or "",
                xlsform_name=row.get("xlsform_name") or row["code"],
                guidance_en=row.get("guidance_en") or "",
                guidance_fr=row.get("guidance_fr") or "",
                derived=row.get("derived") or "",
            )
            for order, row in enumerate(rows, start=1)
        ]
    )


def catalogue_ensure_default() -> CatalogueVersion:
    """The shipped default catalogue, loaded from YAML on first use (idempotent)."""
    version = CatalogueVersion.objects.filter(operation__isnull=True).order_by("-number").first()
    if version is not None:
        return version
    data = load_catalogue_file()
    try:
        with transaction.atomic():
            version = CatalogueVersion.objects.create(
                operation=None, number=int(data.get("version", 1)), notes=data.get("notes", "")
            )
            _write_indicators(version, data["indicators"])
    except IntegrityError:
        # Another process loaded it at the same moment (PostgreSQL: unique number).
        version = CatalogueVersion.objects.filter(operation__isnull=True).order_by("-number").first()
    return version


def current_version(operation: Operation | None) -> CatalogueVersion:
    if operation is not None:
        own = CatalogueVersion.objects.filter(operation=operation).order_by("-number").first()
        if own is not None:
            return own
    return catalogue_ensure_default()


def catalogue_for(operation: Operation | None) -> CatalogueIndex:
    """The catalogue the operation collects with now (its latest version, else the default)."""
    return _index(current_version(operation))


def catalogue_for_version(
    version: CatalogueVersion | int | None, operation: Operation | None = None
) -> CatalogueIndex:
    """A recorded version's catalogue; the operation's current one when none is recorded."""
    if version is None:
        return catalogue_for(operation)
    if isinstance(version, int):
        version = CatalogueVersion.objects.get(pk=version)
    return _index(version)


def _row(definition: IndicatorDef) -> dict[str, Any]:
    row = {f: getattr(definition, f) for f in INDICATOR_FIELDS}
    row["choices"] = [dict(c) for c in definition.choices]
    return row


@transaction.atomic
def catalogue_version_create(
    *,
    operation: Operation,
    user: AbstractBaseUser,
    changes: Mapping[str, Mapping[str, Any] | None],
    notes: str = "",
) -> CatalogueVersion:
    """A new catalogue version for the operation: the current one with `changes` applied.

    `changes` maps an indicator code to the fields to set (a new code adds an indicator
    and needs every required field) or to None (removes it). Example:
    `{"people_per_latrine": {"threshold": "15"}, "soap_distribution": {...}}`.
    """
    require(user, operation, "manage_catalogue")
    if not isinstance(changes, Mapping):
        raise ValidationError({"changes": [_("Changes must map indicator codes to their fields.")]})
    if not changes:
        raise ValidationError({"changes": [_("Nothing to change.")]})
    base = catalogue_for(operation)
    rows = {code: _row(d) for code, d in base.indicators.items()}
    errors: dict[str, list[str]] = {}
    for code, update in changes.items():
        if not isinstance(code, str) or not CODE.match(code):
            errors.setdefault(str(code), []).append(
                _("%(code)r is not an indicator code (lower-case letters, digits and _).") % {"code": code}
            )
            continue
        if update is not None and not isinstance(update, Mapping):
            errors.setdefault(code, []).append(
                _(
                    "%(value)s: give the fields to set (for example threshold: 15), or null to remove "
                    "the indicator."
                )
                % {"value": _short(update)}
            )
            continue
        if update is None:
            if code not in rows:
                errors.setdefault(code, []).append(
                    _("There is no indicator %(code)s to remove.") % {"code": code}
                )
            rows.pop(code, None)
            continue
        unknown = set(update) - set(INDICATOR_FIELDS)
        if unknown:
            errors.setdefault(code, []).append(
                _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(map(str, unknown)))}
            )
            continue
        row = dict(rows.get(code) or {"code": code})
        row.update(update)
        row["code"] = code
        if row.get("threshold") in ("", None):
            row["threshold"] = None
            if "threshold" in update and "threshold_direction" not in update:
                row["threshold_direction"] = ""
        problems = indicator_problems(row)
        if problems:
            errors.setdefault(code, []).extend(problems)
        rows[code] = row
    names = [r.get("xlsform_name") or r["code"] for r in rows.values()]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        errors.setdefault("changes", []).append(
            _("XLSForm names must be unique: %(names)s.") % {"names": ", ".join(duplicates)}
        )
    if errors:
        raise ValidationError(errors)
    default_number = catalogue_ensure_default().number
    latest = CatalogueVersion.objects.filter(operation=operation).aggregate(n=Max("number"))["n"]
    version = CatalogueVersion.objects.create(
        operation=operation,
        number=max(latest or 0, default_number) + 1,
        created_by=user,
        notes=notes or _("Based on %(base)s.") % {"base": base.version},
    )
    _write_indicators(version, list(rows.values()))
    return version
