"""Importing a 3W sheet: our template filled by a partner, or a published 3W / operational
presence file (OCHA, a cluster's 3W) with an HXL row.

The file is read by the shared layer (`core.tabular`: sheet, header row below titles, HXL
row, missing tokens, columns by HXL tag then header); each row then goes through the same
services as the web form and the API (`activity_create`, `activity_update`,
`activity_report_save`), so it meets the same rules.

- Our template (it has the activity code column): all or nothing. One problem anywhere
  and nothing is written; every problem is listed (file, sheet, row, column, value, rule).
- A published 3W (no activity code column): it is the cluster's file, not ours to fix.
  Organisations are matched by acronym, then name, then alias; the ones no known
  organisation matches are created and put on the review list. Rows that cannot be placed
  (no known site or P-code) or break a rule are refused and listed; the others land
  together, in one transaction.

Re-importing the same file changes nothing: rows are matched to the activities they
created (by ID, or by organisation, activity, place and start date).
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from sitetrack.core.tabular import (
    WARNING,
    Field,
    NumberProblem,
    Problem,
    Table,
    TabularError,
    parse_number,
    read_table,
)
from sitetrack.response.cleaning import parse_month
from sitetrack.response.models import Activity, ActivityReport, ActivitySource, ActivityStatus
from sitetrack.response.services import activity_report_save, activity_update
from sitetrack.response.services.activities import (
    REACHED_FIELDS,
    TARGETED_FIELDS,
    activity_build,
    activity_report_values,
    reporting_period_get,
)
from sitetrack.response.services.organisations import organisation_create
from sitetrack.response.threew.columns import COLUMNS
from sitetrack.response.threew.matching import (
    ActivityTypes,
    OrganisationIndex,
    Places,
    organisation_type_from,
    sector_from,
)
from sitetrack.response.threew.records import PUBLISHED, TEMPLATE, ImportReport, RowPlan

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from sitetrack.core.models import Operation


def fields() -> list[Field]:
    """The fields a 3W file may hold, with their English and French headers as synonyms."""
    out = []
    for column in COLUMNS:
        labels = []
        for language in ("en", "fr"):
            with translation.override(language):
                labels.append(str(column.label))
        out.append(Field(column.name, column.label, synonyms=(*labels, *column.synonyms), hxl=column.hxl))
    return out


class _Run:
    """One import: the table, what was found once for the whole file, the report."""

    def __init__(self, table: Table, operation: Operation, report: ImportReport, period: date | None) -> None:
        self.table = table
        self.operation = operation
        self.report = report
        self.period = period
        self.kind = TEMPLATE if "activity_type" in table.mapping else PUBLISHED
        self.organisations = OrganisationIndex.load()
        self.places = Places.load(operation)
        self.types = ActivityTypes.load()
        self.problems: dict[int, list[Problem]] = {}
        self.reached_ignored = False
        self.month_rows: set[int] = set()  # rows that give their own month
        self.written: dict[int, int] = {}  # activity pk → the first row of this file that wrote it

    def problem(self, row: int, field_name: str, value: Any, rule: str, message: str) -> None:
        column = self.table.column(field_name)
        if field_name == "period":
            column = self.table.column("month") if row in self.month_rows else "--period"
        self.problems.setdefault(row, []).append(
            self.table.problem(message, rule=rule, row=row, field=field_name, value=value, column=column)
        )

    # --- reading one row -------------------------------------------------------------
    def plan(self, number: int, cells: dict[str, str]) -> RowPlan | None:
        values: dict[str, Any] = {}
        new_key = ""
        match = self.organisations.match(
            acronym=cells.get("organisation", ""), name=cells.get("organisation_name", "")
        )
        if match is None:
            self.problem(number, "organisation", "", "required", _("This field is required."))
        elif match.organisation is not None:
            values["organisation"] = match.organisation
        elif self.kind == PUBLISHED:
            new_key = match.key
            self.organisations.remember_new(
                match.key,
                name=cells.get("organisation_name", ""),
                acronym=cells.get("organisation", ""),
                kind=organisation_type_from(cells.get("organisation_type", "")),
                row=number,
            )
        else:
            text = cells.get("organisation") or cells.get("organisation_name")
            self.problem(
                number,
                "organisation",
                text,
                "unknown_organisation",
                _("Unknown organisation “%(value)s”: use an acronym from the Codes sheet.") % {"value": text},
            )
        funder = cells.get("funding_organisation", "")
        if funder:
            found = self.organisations.match(acronym=funder, name=funder)
            if found is None or found.organisation is None:
                self.problem(
                    number,
                    "funding_organisation",
                    funder,
                    "unknown_organisation",
                    _("Unknown organisation “%(value)s”.") % {"value": funder},
                )
            else:
                values["funding_organisation"] = found.organisation
        self._activity_type(number, cells, values)
        self._place(number, cells, values)
        for name in ("start_date", "end_date", "unit"):
            if cells.get(name):
                values[name] = cells[name]
        values["status"] = cells.get("status") or (ActivityStatus.ONGOING if self.kind == PUBLISHED else "")
        figures = {}
        for name in TARGETED_FIELDS:
            values[name] = self._count(number, name, cells.get(name, ""))
        for name in REACHED_FIELDS:
            count = self._count(number, name, cells.get(name, ""))
            if count is not None:
                figures[name] = count
        if cells.get("quantity"):
            try:
                figures["quantity"] = parse_number(cells["quantity"])
            except NumberProblem as exc:
                self.problem(number, "quantity", cells["quantity"], exc.rule, exc.message)
        month = self._month(number, cells, figures)
        if (
            self.kind == PUBLISHED
            and cells.get("activity_name")
            and values.get("activity_type") in self.types.general.values()
        ):
            values["notes"] = cells["activity_name"]
        elif cells.get("notes"):
            values["notes"] = cells["notes"]
        activity_id = None
        if cells.get("activity_id"):
            text = cells["activity_id"]
            if not text.isdigit():
                self.problem(
                    number,
                    "activity_id",
                    text,
                    "not_an_id",
                    _("An activity ID is a number, got “%(value)s”.") % {"value": text},
                )
            else:
                activity_id = int(text)
        return RowPlan(number, values, figures, month, activity_id, new_key)

    def _count(self, number: int, name: str, text: str) -> int | None:
        try:
            return parse_number(text, whole=True)
        except NumberProblem as exc:
            self.problem(number, name, text, exc.rule, exc.message)
            return None

    def _activity_type(self, number: int, cells: dict[str, str], values: dict[str, Any]) -> None:
        code = cells.get("activity_type", "")
        sector_text = cells.get("sector", "") or cells.get("sector_name", "")
        sector = sector_from(cells.get("sector", ""), cells.get("sector_name", ""))
        if sector_text and sector is None:
            self.problem(
                number,
                "sector" if cells.get("sector") else "sector_name",
                sector_text,
                "unknown_sector",
                _("Unknown sector “%(value)s”.") % {"value": sector_text},
            )
            return
        if code:
            found = self.types.code(code)
            if found is None:
                self.problem(
                    number,
                    "activity_type",
                    code,
                    "unknown_activity",
                    _("Unknown activity “%(value)s”: use a code from the Codes sheet.") % {"value": code},
                )
                return
            values["activity_type"] = found
            if sector:
                values["sector"] = sector
            return
        if sector is None:
            field_name = "activity_type" if self.kind == TEMPLATE else "sector"
            self.problem(number, field_name, "", "required", _("This field is required."))
            return
        values["activity_type"] = (
            self.types.named(sector, cells.get("activity_name", "")) or self.types.general[sector]
        )

    def _place(self, number: int, cells: dict[str, str], values: dict[str, Any]) -> None:
        """A site by code; else the most precise P-code the row gives (area-wide)."""
        site_code = cells.get("site", "")
        if site_code:
            site = self.places.site(site_code)
            if site is None:
                self.problem(
                    number,
                    "site",
                    site_code,
                    "unplaced",
                    _("No site “%(value)s” in this operation.") % {"value": site_code},
                )
            else:
                values["site"] = site
            return
        for name in ("adm3", "admin_area", "adm1"):
            pcode = cells.get(name, "")
            if not pcode:
                continue
            area = self.places.area(pcode)
            if area is None:
                self.problem(
                    number,
                    name,
                    pcode,
                    "unplaced",
                    _("Unknown P-code “%(value)s” in this operation's country: the row cannot be placed.")
                    % {"value": pcode},
                )
            else:
                values["admin_area"] = area
            return
        self.problem(
            number, "site", "", "unplaced", _("The row names no site and no P-code: it cannot be placed.")
        )

    def _month(self, number: int, cells: dict[str, str], figures: dict[str, Any]) -> date | None:
        text = cells.get("month", "")
        if text:
            self.month_rows.add(number)
            month = parse_month(text)
            if month is None:
                self.problem(
                    number,
                    "month",
                    text,
                    "not_a_month",
                    _("“%(value)s” is not a month such as 2014-03.") % {"value": text},
                )
            return month
        if figures and self.period is None:
            if self.kind == TEMPLATE:
                self.problem(
                    number,
                    "month",
                    "",
                    "month_needed",
                    _("Reached figures need their month: fill the reporting month or give --period YYYY-MM."),
                )
            else:
                figures.clear()  # reported once for the whole file, see run()
                self.reached_ignored = True
        return self.period

    # --- writing ---------------------------------------------------------------------
    def write(self, plans: list[RowPlan]) -> None:
        existing = Activity.objects.filter(operation=self.operation).select_related(
            "organisation", "funding_organisation", "activity_type", "site", "site__admin_area", "admin_area"
        )
        by_pk = {a.pk: a for a in existing}
        by_key = {
            self._key(
                a.organisation_id, a.activity_type_id, a.site_id, a.admin_area_id, a.start_date, a.notes
            ): a
            for a in by_pk.values()
        }
        created_orgs = self._create_organisations(plans)
        periods: dict[date, Any] = {}
        self.pending: dict[tuple, tuple[Activity, RowPlan, dict | None]] = {}
        for plan in plans:
            if plan.number in self.problems:
                continue
            if plan.new_organisation:
                plan.values["organisation"] = created_orgs[plan.new_organisation]
            try:
                with transaction.atomic():
                    self._write_row(plan, by_pk, by_key, periods)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    for message in messages:
                        self.problem(plan.number, name, self._shown(plan, name), "rule", message)
        self._save_pending()

    def _save_pending(self) -> None:
        """New activities (and their month's figures) in a few bulk inserts, with their
        history records: each was checked by the services' rules (`activity_build`,
        `activity_report_values`) when its row was read."""
        new = list(self.pending.values())
        activities = bulk_create_with_history([a for a, _p, _f in new], Activity, batch_size=500)
        reports = []
        for activity, (_a, plan, merged) in zip(activities, new, strict=True):
            if merged is not None:
                reports.append(ActivityReport(activity=activity, period=plan.period, **merged))
        bulk_create_with_history(reports, ActivityReport, batch_size=500)
        self.report.created += len(activities)
        self.report.months += len(reports)

    def _write_row(self, plan: RowPlan, by_pk: dict, by_key: dict, periods: dict) -> None:
        values = plan.values
        activity = None
        if plan.activity_id is not None:
            activity = by_pk.get(plan.activity_id)
            if activity is None:
                raise ValidationError(
                    {"activity_id": [_("No activity %(id)s in this operation.") % {"id": plan.activity_id}]}
                )
        else:
            site = values.get("site")
            area = site.admin_area if site is not None else values.get("admin_area")
            start = _as_date(values.get("start_date"))
            key = self._key(
                values["organisation"].pk,
                values["activity_type"].pk,
                site.pk if site else None,
                area.pk if area else None,
                start,
                values.get("notes", ""),
            )
            activity = by_key.get(key)
        repeated = activity is not None and activity.pk in self.written
        if repeated:
            self.report.repeated += 1
            self.report.warnings.append(
                self.table.problem(
                    _("The row repeats the activity of row %(row)s; its values replace that row's.")
                    % {"row": self.written[activity.pk]},
                    rule="repeated_activity",
                    row=plan.number,
                    severity=WARNING,
                )
            )
        if activity is None:
            key = (
                values["organisation"].pk,
                values["activity_type"].pk,
                values.get("site").pk if values.get("site") else None,
                values.get("admin_area").pk if values.get("admin_area") else None,
                _as_date(values.get("start_date")),
                values.get("notes", "") if self.kind == PUBLISHED else "",
            )
            built = activity_build(operation=self.operation, user=None, source=self._source(), **values)
            merged = None
            if plan.figures and plan.month is not None:
                plan.period = self._period(plan.month, periods)
                merged = activity_report_values(
                    activity=built, period=plan.period, report=None, **plan.figures
                )
            if key in self.pending:
                first = self.pending[key][1].number
                self.report.repeated += 1
                self.report.warnings.append(
                    self.table.problem(
                        _("The row repeats the activity of row %(row)s; its values replace that row's.")
                        % {"row": first},
                        rule="repeated_activity",
                        row=plan.number,
                        severity=WARNING,
                    )
                )
                plan.number = first
            self.pending[key] = (built, plan, merged)
            return
        else:
            before = activity.updated_at
            fields = dict(values)
            if "site" not in fields:
                fields["site"] = None
            activity = activity_update(activity=activity, user=None, **fields)
            if repeated:
                pass
            elif activity.updated_at != before:
                self.report.updated += 1
            else:
                self.report.unchanged += 1
        self.written.setdefault(activity.pk, plan.number)
        by_key[
            self._key(
                activity.organisation_id,
                activity.activity_type_id,
                activity.site_id,
                activity.admin_area_id,
                activity.start_date,
                activity.notes,
            )
        ] = activity
        if plan.figures and plan.month is not None:
            period = self._period(plan.month, periods)
            activity_report_save(activity=activity, period=period, user=None, **plan.figures)
            self.report.months += 1

    def _period(self, month: date, periods: dict) -> Any:
        if month not in periods:
            periods[month] = reporting_period_get(operation=self.operation, month=month)
        return periods[month]

    def _create_organisations(self, plans: list[RowPlan]) -> dict:
        wanted = {p.new_organisation for p in plans if p.new_organisation and p.number not in self.problems}
        created = {}
        for key in sorted(wanted):
            entry = self.organisations.new[key]
            acronym = entry["acronym"]
            try:
                org = organisation_create(
                    operation=self.operation,
                    user=None,
                    name=entry["name"],
                    acronym=acronym,
                    kind=entry["kind"],
                    review_source=self.table.file,
                )
            except ValidationError:  # its acronym is another's: keep the name only
                org = organisation_create(
                    operation=self.operation,
                    user=None,
                    name=entry["name"],
                    kind=entry["kind"],
                    review_source=self.table.file,
                )
            self.organisations.add(org, key)
            created[key] = org
            self.report.organisations_created.append(
                {"name": org.name, "acronym": org.acronym, "kind": org.kind, "rows": len(entry["rows"])}
            )
        return created

    def _key(self, org, type_, site, area, start, notes) -> tuple:
        return (org, type_, site, area, start, notes if self.kind == PUBLISHED else "")

    def _source(self) -> str:
        return ActivitySource.TEMPLATE if self.kind == TEMPLATE else ActivitySource.OCHA

    def _shown(self, plan: RowPlan, name: str) -> Any:
        value = plan.values.get(name, plan.figures.get(name))
        if name == "period":
            return plan.month.strftime("%Y-%m") if plan.month else None
        return getattr(value, "code", None) or getattr(value, "pcode", None) or value


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    from sitetrack.response.cleaning import Errors, clean_date

    return clean_date(value, "start_date", Errors())


def import_activities(
    path: str | Path,
    *,
    operation: Operation,
    user: User | None = None,
    sheet: str | None = None,
    period: str | date | None = None,
    dry_run: bool = False,
    filename: str | None = None,
) -> ImportReport:
    """Read and import a 3W file; the report says what was (or would be) written, and
    every problem."""
    started = time.monotonic()
    report = ImportReport(file=filename or Path(path).name, dry_run=dry_run)
    month = None
    if period:
        month = parse_month(period)
        if month is None:
            report.problems.append(
                Problem(
                    message=_("“%(value)s” is not a month such as 2014-03.") % {"value": period},
                    rule="not_a_month",
                    file=report.file,
                    column="--period",
                    value=period,
                )
            )
            return report
    try:
        table = read_table(path, fields=fields(), filename=report.file, sheet=sheet)
    except TabularError as exc:
        report.problems.append(exc.problem)
        return report
    report.sheet = table.sheet
    report.lines = table.report_lines()
    report.problems += table.errors
    run = _Run(table, operation, report, month)
    report.kind = run.kind
    plans = [run.plan(row.number, cells) for row, cells in table.records()]
    report.rows = len(plans)
    if run.reached_ignored:
        report.lines.append(
            _("Reached figures were not imported: give --period YYYY-MM to record them for a month.")
        )
    with transaction.atomic():
        run.write(plans)
        for row, problems in sorted(run.problems.items()):
            report.problems += problems
            report.refused_rows.add(row)
        refuse_all = run.kind == TEMPLATE and report.problems
        if dry_run or refuse_all:
            transaction.set_rollback(True)
        else:
            report.written = True
    if refuse_all:
        report.created = report.updated = report.unchanged = report.months = 0
    names = {org.pk: org for org in _orgs(run.organisations.matched)}
    report.organisations_matched = {
        str(names[pk]): sorted(written) for pk, written in run.organisations.matched.items() if pk in names
    }
    report.seconds = time.monotonic() - started
    return report


def _orgs(matched: dict[int, set[str]]):
    from sitetrack.core.models import Organisation

    return Organisation.objects.filter(pk__in=list(matched))
