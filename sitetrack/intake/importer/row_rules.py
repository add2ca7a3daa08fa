"""The rules one submission goes through, one short function each, in the order the
checker applies them: identity, site, P-codes, visit date, method, types, flows,
validation, duplicates. A rule that refuses the submission raises `Rejected` (the
checker logs it and goes on with the next one); findings that do not refuse it go to the
cleaning log through `ctx.entry`.

`ctx` is the checker (see `RowContext`): the lookups loaded once per import.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from django.utils.dateparse import parse_date, parse_datetime

from sitetrack.assessments.models import FlowDirection
from sitetrack.assessments.rules import FINAL_STATES
from sitetrack.assessments.validation import (
    BLOCKING_RULES,
    COUNT_FIELDS,
    MAX_COUNT,
    SEVERITY_FIELDS,
    clean_values,
    summarise,
    validate,
)
from sitetrack.core.tabular.values import is_missing
from sitetrack.intake.importer.records import Current, KnownSite
from sitetrack.intake.log_messages import log_message
from sitetrack.intake.models import ChangeType
from sitetrack.intake.readers import Submission

FLOW_DIRECTIONS = frozenset(FlowDirection.values)
METHODS = frozenset(("observation", "key_informant", "focus_group"))
# The largest whole number a count may hold is the web form's and the API's
# (assessments.validation.MAX_COUNT): one limit for every way a figure comes in.
_WHOLE_FIELDS = (*COUNT_FIELDS, *SEVERITY_FIELDS)
# A submission whose record is longer than this is looked at cell by cell: no cell may
# exceed MAX_CELL characters (a 10 MB cell is a broken export or an attack, not an answer).
MAX_RECORD = 256 * 1024
MAX_CELL = 64 * 1024


class Rejected(Exception):  # noqa: N818 — a verdict, not an error of the program
    """The submission cannot be used: logged as rejected, nothing of it is written. What
    it says is a code and its parameters (intake/log_messages.py)."""

    def __init__(
        self, *, field: str, value: Any, rule: str, code: str, params: dict | None = None, site: str = ""
    ) -> None:
        self.params = params or {}
        super().__init__(code)
        self.field, self.value, self.rule, self.code, self.site = field, value, rule, code, site

    @property
    def issue(self) -> str:
        """The sentence, in the active language."""
        return log_message(self.code, self.params)


class RowContext(Protocol):
    sites: dict[str, KnownSite]
    sites_by_alias: dict[str, list[KnownSite]]
    sites_by_area: dict[str, list[KnownSite]]
    areas: dict[str, int]
    today: date
    catalogue: Any
    cleaner: Any
    mapping: Any
    rules: Any
    previous: dict[int, dict]
    seen_sites: dict[int, str]
    assessments: dict[int, Current]
    assessment_uuid: dict[int, str | None]

    def entry(self, sub: Submission | None, change_type: str, **kw) -> None: ...


def require_uuid(sub: Submission) -> None:
    if not sub.uuid:
        raise Rejected(field="_uuid", value="", rule="missing_uuid", code="missing_uuid")


def once_in_file(seen: dict[str, int | None], sub: Submission) -> None:
    """A submission id may appear once in a file: a later row with the same id is
    rejected (which of the two is right, only the field team can tell)."""
    first = seen.setdefault(sub.uuid, sub.row)
    if first != sub.row:
        raise Rejected(
            field="_uuid",
            value=sub.uuid,
            rule="duplicate_uuid",
            code="duplicate_uuid",
            params={"uuid": sub.uuid, "first": first, "row": sub.row},
        )


def cells_not_too_long(sub: Submission, raw_length: int) -> None:
    """No cell over MAX_CELL characters (checked only for records over MAX_RECORD)."""
    if raw_length <= MAX_RECORD:
        return
    for key, value in (sub.fields or {}).items():
        if isinstance(value, str) and len(value) > MAX_CELL:
            raise Rejected(
                field=key,
                value=value[:80] + "…",
                rule="cell_too_long",
                code="cell_too_long",
                params={"n": len(value), "max": MAX_CELL},
            )


def counts_in_range(cleaned: dict, site: KnownSite) -> None:
    """Whole numbers above MAX_COUNT are typing mistakes (1e30, 23 digits), refused."""
    get = cleaned.get
    too_large = [n for n in _WHOLE_FIELDS if type(v := get(n)) is int and v > MAX_COUNT]
    if not too_large:
        return
    name = too_large[0]
    raise Rejected(
        field=name,
        value=cleaned[name],
        rule="too_large",
        code="count_too_large",
        params={"value": cleaned[name], "max": MAX_COUNT},
        site=site.code,
    )


def site_of(ctx: RowContext, sub: Submission, location: dict) -> KnownSite:
    """The registry site the submission is for: by its site code, else by its location
    P-code or location code (see `site_by_location`)."""
    code = location.get("site_code")
    if code not in (None, ""):
        return site_by_code(ctx, sub, location.get("site_code__field", "site_code"), code)
    candidates = location.get("location_pcode__all") or ()
    for field, value in candidates:
        site = site_by_location(ctx, field, value)
        if site is not None:
            return site
    if candidates:
        field, value = candidates[0]
        text = str(value).strip()
        raise Rejected(
            field=field,
            value=value,
            rule="unknown_site",
            code="unknown_location",
            params={"code": text},
            site=text,
        )
    field = location.get("site_code__field", "site_code")
    raise Rejected(field=field, value="", rule="missing_site", code="missing_site")


def site_by_code(ctx: RowContext, sub: Submission, field: str, code: Any) -> KnownSite:
    code_text = str(code).strip()
    site = ctx.sites.get(code_text.upper())
    if site is None:
        raise Rejected(
            field=field,
            value=code,
            rule="unknown_site",
            code="unknown_site",
            params={"code": code_text},
            site=code_text,
        )
    if site.code != code_text:
        ctx.entry(
            sub,
            ChangeType.CHANGED,
            field=field,
            old=code,
            new=site.code,
            rule="site_code_case",
            code="site_code_case",
            site=site.code,
        )
    return site


def site_by_location(ctx: RowContext, field: str, value: Any) -> KnownSite | None:
    """A location P-code (admin-4/5) or location code → the site whose code or alias it
    is, else the only site of the operation in that admin area. None when no site has
    it; Rejected when several sites share the area."""
    text = str(value).strip().upper()
    if not text:
        return None
    site = ctx.sites.get(text)
    if site is not None:
        return site
    for table in (ctx.sites_by_alias, ctx.sites_by_area):
        found = table.get(text)
        if not found:
            continue
        if len(found) == 1:
            return found[0]
        raise Rejected(
            field=field,
            value=value,
            rule="ambiguous_location",
            code="ambiguous_location",
            params={
                "code": str(value).strip(),
                "n": len(found),
                "sites": ", ".join(s.code for s in found[:5]),
            },
        )
    return None


def check_pcodes(ctx: RowContext, sub: Submission, location: dict, site: KnownSite) -> None:
    """Admin-1/2 P-codes given by the submission: known, and the site's (else flagged)."""
    for key in ("admin1_pcode", "admin2_pcode"):
        pcode = location.get(key)
        if pcode in (None, ""):
            continue
        pcode = str(pcode).strip()
        field = location.get(f"{key}__field", key)
        if pcode not in ctx.areas:
            raise Rejected(
                field=field,
                value=pcode,
                rule="unknown_pcode",
                code="unknown_pcode",
                params={"pcode": pcode},
                site=site.code,
            )
        if pcode not in site.area_path:
            ctx.entry(
                sub,
                ChangeType.FLAGGED,
                field=field,
                old=pcode,
                rule="pcode_mismatch",
                severity="warning",
                code="pcode_mismatch",
                params={"site": site.code, "pcode": pcode},
                site=site.code,
            )


def parse_visit_date(value: Any) -> date | None:
    """A date from a date, a datetime, or text starting YYYY-MM-DD; None if impossible."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        parsed = parse_date(text[:10]) if len(text) >= 10 else None
        if parsed is None:
            dt = parse_datetime(text)
            parsed = dt.date() if dt else None
    except ValueError:  # well formed but impossible (2014-13-45)
        return None
    return parsed


def visit_date(ctx: RowContext, values: dict, site: KnownSite) -> None:
    """The visit date: a real date, not in the future; written back as YYYY-MM-DD."""
    visit = values.get("visit_date")
    if visit in (None, ""):
        return
    parsed = parse_visit_date(visit)
    if parsed is None:
        raise Rejected(
            field="visit_date",
            value=visit,
            rule="type",
            code="not_a_date",
            params={"value": str(visit)},
            site=site.code,
        )
    if parsed > ctx.today:
        raise Rejected(
            field="visit_date",
            value=visit,
            rule="future_date",
            code="future_date",
            params={"value": parsed.isoformat()},
            site=site.code,
        )
    values["visit_date"] = parsed.isoformat()


def method(ctx: RowContext, sub: Submission, values: dict, site: KnownSite) -> None:
    """An unknown collection method is dropped, with a warning."""
    given = values.get("method")
    if given in (None, "") or given in METHODS:
        return
    ctx.entry(
        sub,
        ChangeType.CHANGED,
        field="method",
        old=given,
        new="",
        rule="unknown_choice",
        severity="warning",
        code="unknown_method",
        site=site.code,
    )
    values["method"] = ""


def _blank_missing(values: dict) -> bool:
    """NULL, N/A, -, #N/A … (the shared reading layer's missing tokens) → None, in place."""
    changed = False
    for table in (values, values.get("indicators") or {}):
        for key, value in table.items():
            if isinstance(value, str) and len(value) <= 6 and is_missing(value):
                table[key] = None
                changed = True
    return changed


def typed(ctx: RowContext, values: dict, site: KnownSite) -> dict:
    """The values typed by the web form's cleaning (the fast path, else the reference).
    Missing-value tokens are looked for only when the fast path cannot type a row."""
    cleaned = ctx.cleaner.clean(values)
    if cleaned is not None:
        return cleaned
    if _blank_missing(values):
        cleaned = ctx.cleaner.clean(values)
        if cleaned is not None:
            return cleaned
    cleaned, findings = clean_values(values, ctx.catalogue)
    if not findings:
        return cleaned
    f = findings[0]
    name = f.field.split(".", 1)[-1] if f.field.startswith("indicators.") else f.field
    source = next(
        (k for k, t in ctx.mapping.fields.items() if t.target in (f.field, f"indicator:{name}")),
        name,
    )
    value = values.get(f.field, values["indicators"].get(name))
    raise Rejected(field=source, value=value, rule=f.rule, code=f.code, params=dict(f.params), site=site.code)


def _flow(ctx: RowContext, n: int, flow: dict, site: KnownSite) -> dict:
    """One arrival or departure row, typed; Rejected when it cannot be."""
    direction = flow.get("direction")
    try:
        people = int(float(flow.get("individuals")))
        if not 0 <= people <= MAX_COUNT:
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        raise Rejected(
            field="flow_individuals",
            value=flow.get("individuals"),
            rule="type",
            code="flow_not_whole",
            params={"n": n},
            site=site.code,
        ) from None
    if direction not in FLOW_DIRECTIONS:
        raise Rejected(
            field="flow_direction",
            value=direction,
            rule="flow_direction",
            code="flow_direction",
            params={"n": n},
            site=site.code,
        )
    area = flow.get("area")
    area_id = None
    if area not in (None, ""):
        area_id = ctx.areas.get(str(area).strip())
        if area_id is None:
            raise Rejected(
                field="flow_area",
                value=area,
                rule="unknown_pcode",
                code="unknown_pcode",
                params={"pcode": str(area)},
                site=site.code,
            )
    return {
        "direction": direction,
        "area": str(area).strip() if area_id else None,
        "area_id": area_id,
        "individuals": people,
        "reason": str(flow.get("reason") or "")[:40],
    }


def typed_flows(ctx: RowContext, flows: list | None, site: KnownSite) -> list | None:
    """The arrivals and departures, typed (None: the export cannot carry them)."""
    if flows is None:
        return None
    return [_flow(ctx, n, flow, site) for n, flow in enumerate(flows, start=1)]


def validated(
    ctx: RowContext, sub: Submission, cleaned: dict, flows: list | None, site: KnownSite
) -> tuple[list, int, int]:
    """The web form's validation rules: blocking ones reject, the others are logged.
    Returns (issues, errors, warnings) as the assessment stores them."""
    full = dict(cleaned)
    full["site_area_m2"] = site.area_m2
    if flows is not None:
        full["flows"] = [
            {"direction": f["direction"], "area": f["area"], "individuals": f["individuals"]} for f in flows
        ]
    findings = validate(
        full, previous=ctx.previous.get(site.id), catalogue=ctx.catalogue, rules=ctx.rules, precleaned=True
    )
    blocking = [f for f in findings if f.rule in BLOCKING_RULES]
    if blocking:
        f = blocking[0]
        raise Rejected(
            field=f.field,
            value=full.get(f.field),
            rule=f.rule,
            code=f.code,
            params=dict(f.params),
            site=site.code,
        )
    for f in findings:
        ctx.entry(
            sub,
            ChangeType.FLAGGED,
            field=f.field,
            old=full.get(f.field, ""),
            rule=f.rule,
            severity=f.severity,
            code=f.code,
            params=dict(f.params),
            site=site.code,
        )
    return summarise(findings)


def duplicate_reason(ctx: RowContext, sub: Submission, site: KnownSite) -> tuple[str, dict] | None:
    """Why the submission must be held for an IMO, as (code, params) of log_messages
    (None if it need not): the site already has this round's assessment from another
    submission (or the web form), or it is validated, or the site came twice in this
    file."""
    current = ctx.assessments.get(site.id)
    holder = ctx.assessment_uuid.get(site.id)
    if site.id in ctx.seen_sites and ctx.seen_sites[site.id] != sub.uuid:
        return "duplicate_in_file", {"uuid": ctx.seen_sites[site.id]}
    if current is not None and holder != sub.uuid:
        return "duplicate_other_source", {}
    if current is not None and current.status in FINAL_STATES:
        return "duplicate_validated", {}
    return None
