"""Import of the return intention form's exports (KoboToolbox XLSX or CSV, with label or
code headers, group prefixes such as `grp_intention/intention`, labels or codes as
values, in English or French) through the shared reading layer `core.tabular`.

All or nothing: every problem of every row is collected with its file, sheet, row,
column, value and rule, and nothing is written unless there is none. Importing the same
export again changes nothing: a household is known by its response id (`_uuid`, the
form's `instanceID`, or Kobo's `_id` when neither is there).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from sitetrack.core.tabular import (
    Field,
    NumberProblem,
    Problem,
    Table,
    TabularError,
    normalise,
    parse_number,
    read_table,
)
from sitetrack.returns.choices import COMPOSITION_FIELDS
from sitetrack.returns.form import LISTS, MULTIPLE_LISTS, return_intentions_form
from sitetrack.returns.models import Survey
from sitetrack.returns.services import HouseholdRecord, SaveCounts, admin2_of, households_save

ID_FIELDS = ("_uuid", "instanceID", "_id")
AREA_FIELDS = {
    "origin": ("origin_adm3", "origin_adm2", "origin_adm1", "origin_pcode"),
    "destination": ("destination_adm3", "destination_adm2", "destination_adm1", "destination_pcode"),
}
TRUE = {"1", "true", "yes", "oui", "vrai"}
FALSE = {"0", "false", "no", "non", "faux"}


class ImportRefused(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems[:5]))
        self.problems = problems


@dataclass
class ImportResult:
    survey: Survey
    counts: SaveCounts
    rows: int
    warnings: list[Problem] = field(default_factory=list)
    report: list[str] = field(default_factory=list)


def _fields() -> list[Field]:
    spec = return_intentions_form()
    out = []
    for path, f in spec.main_fields():
        if f.base_type in ("start", "end"):
            continue
        synonyms = ("/".join((*path, f.name)), f.label_en, f.label_fr)
        out.append(Field(f.name, f.label_en, synonyms=tuple(s for s in synonyms if s), required=f.required))
    out += [
        Field("_uuid", "_uuid", synonyms=("uuid",)),
        Field("instanceID", "instanceID", synonyms=("meta/instanceID", "meta instanceid", "KEY")),
        Field("_id", "_id", synonyms=("id",)),
        Field("weight", _("weight"), synonyms=("poids", "hh_weight", "design weight")),
        Field("origin_pcode", _("origin P-code"), synonyms=("origin p code",)),
        Field("destination_pcode", _("destination P-code"), synonyms=("destination p code",)),
    ]
    return out


def _options() -> dict[str, dict[str, str]]:
    """list name → {normalised code or label (en, fr): code}."""
    from sitetrack.returns.form import labels

    out = {}
    for list_name, choices in LISTS.items():
        known = {}
        for c in labels(choices):
            for text in (c.name, c.label_en, c.label_fr):
                known[normalise(text)] = c.name
        out[list_name] = known
    return out


def _map_group_prefixes(table: Table, fields: list[Field]) -> dict[str, list[tuple[int, str]]]:
    """Columns the automatic mapping missed because of a group prefix (`group_x/field`,
    `Household/Household size`), and Kobo's split multiple-choice columns
    (`conditions/security`, one 0/1 column per option): question → [(column, code)]."""
    options = _options()
    by_name = {normalise(f.name): f.name for f in fields}
    for f in fields:
        for s in f.synonyms:
            by_name.setdefault(normalise(s.split("/")[-1]), f.name)
    split: dict[str, list[tuple[int, str]]] = {}
    used = set(table.mapping.values())
    for i, header in enumerate(table.header):
        if i in used or "/" not in header:
            continue
        parts = [p for p in header.split("/") if p.strip()]
        if len(parts) >= 2:
            question = by_name.get(normalise(parts[-2]))
            if question in MULTIPLE_LISTS:
                code = options[MULTIPLE_LISTS[question]].get(normalise(parts[-1]))
                if code:
                    split.setdefault(question, []).append((i, code))
                    continue
        name = by_name.get(normalise(parts[-1]))
        if name and name not in table.mapping:
            table.mapping[name] = i
    return split


class _Rows:
    def __init__(self, table: Table, operation, survey: Survey) -> None:
        from sitetrack.geo.models import AdminArea
        from sitetrack.sites.models import Site

        self.table = table
        self.problems: list[Problem] = []
        self.options = _options()
        self.sites = {
            code: (pk, path)
            for code, pk, path in Site.objects.filter(operation=operation).values_list(
                "code", "pk", "admin_area__path"
            )
        }
        self.areas = {
            pcode: (pk, path)
            for pcode, pk, path in AdminArea.objects.filter(
                path__startswith=operation.country.path
            ).values_list("pcode", "pk", "path")
        }
        self.paths = {pk: path for pk, path in self.areas.values()}
        self.pcode_ids = {pcode: pk for pcode, (pk, _p) in self.areas.items()}
        self.survey = survey

    def bad(self, row, name: str, value, rule: str, message: str, column: str = "") -> None:
        self.problems.append(
            self.table.problem(message, rule=rule, row=row.number, field=name, value=value, column=column)
        )

    def choice(self, row, name: str, list_name: str, value: str) -> str:
        if not value:
            return ""
        code = self.options[list_name].get(normalise(value))
        if code is None:
            self.bad(
                row,
                name,
                value,
                "unknown_choice",
                _("“%(value)s” is not an answer of this question; expected one of: %(codes)s.")
                % {"value": value, "codes": ", ".join(sorted(set(self.options[list_name].values())))},
            )
        return code or ""

    def multiple(self, row, name: str, value: str) -> list[str]:
        """Codes separated by spaces (Kobo's default), or labels (greedy, longest first)."""
        known = self.options[MULTIPLE_LISTS[name]]
        text = normalise(value)
        if not text:
            return []
        tokens = value.split()
        if all(t in known.values() for t in tokens):
            return tokens
        codes, rest = [], text
        ordered = sorted(known, key=len, reverse=True)
        while rest:
            hit = next((k for k in ordered if k and (rest == k or rest.startswith(k + " "))), None)
            if hit is None:
                self.bad(
                    row,
                    name,
                    value,
                    "unknown_choice",
                    _("“%(value)s” holds an answer this question does not have (at “%(rest)s”).")
                    % {"value": value, "rest": rest},
                )
                return codes
            codes.append(known[hit])
            rest = rest[len(hit) :].strip()
        return codes

    def number(self, row, name: str, value: str, *, whole: bool = True, low=None, high=None):
        try:
            number = parse_number(value, whole=whole)
        except NumberProblem as exc:
            self.bad(row, name, value, exc.rule, exc.message)
            return None
        if number is not None and (
            (low is not None and number < low) or (high is not None and number > high)
        ):
            self.bad(
                row,
                name,
                value,
                "out_of_range",
                _("%(value)s is outside %(low)s–%(high)s.") % {"value": value, "low": low, "high": high},
            )
            return None
        return number

    def date(self, row, name: str, value: str, *, required: bool = False) -> dt.date | None:
        if not value:
            if required:
                self.bad(row, name, value, "required", _("A date is required."))
            return None
        text = value.strip()
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return dt.datetime.strptime(text[:10], fmt).date()
            except ValueError:
                continue
        self.bad(row, name, value, "not_a_date", _("Expected a date (2014-03-15 or 15/03/2014)."))
        return None

    def area(self, row, prefix: str, values: dict) -> int | None:
        for name in AREA_FIELDS[prefix]:
            value = values.get(name, "")
            if not value or value == "placeholder":
                continue
            found = self.areas.get(value.strip().upper()) or self.areas.get(value.strip())
            if found is None:
                self.bad(
                    row,
                    name,
                    value,
                    "unknown_pcode",
                    _("No admin area has this P-code in the operation's country."),
                )
                return None
            return found[0]
        return None

    def response_id(self, row, values: dict) -> str:
        for name in ("_uuid", "instanceID"):
            value = values.get(name, "").strip()
            if value:
                return re.sub(r"^uuid:", "", value)
        if values.get("_id", "").strip():
            return "kobo:" + values["_id"].strip()
        self.problems.append(
            self.table.problem(
                _("The row has no response id: the export needs a _uuid, _id or instanceID column."),
                rule="no_response_id",
                row=row.number,
            )
        )
        return ""

    def record(self, row, values: dict, split: dict) -> HouseholdRecord | None:
        before = len(self.problems)
        rid = self.response_id(row, values)
        code = values.get("site_code", "")
        site = self.sites.get(code)
        if site is None:
            self.bad(
                row,
                "site_code",
                code,
                "unknown_site",
                _("No site has this code in the operation's registry.")
                if code
                else _("The site is missing."),
            )
        interview = self.date(row, "visit_date", values.get("visit_date", ""), required=True)
        if interview is not None and (interview.year, interview.month) != (
            self.survey.month.year,
            self.survey.month.month,
        ):
            self.bad(
                row,
                "visit_date",
                values.get("visit_date"),
                "outside_month",
                _("The interview is not in the survey's month (%(month)s).") % {"month": self.survey.key},
            )
        intention = self.choice(row, "intention", "intention", values.get("intention", ""))
        if not intention and "intention" in values and not values.get("intention"):
            self.bad(row, "intention", "", "required", _("The intention is missing."))
        size = self.number(row, "hh_size", values.get("hh_size", ""), low=1, high=50)
        composition = {}
        for name in COMPOSITION_FIELDS:
            composition[name] = self.number(row, name, values.get(name, ""), low=0, high=50) or 0
        if size is not None and any(composition.values()) and sum(composition.values()) != size:
            self.bad(
                row,
                "hh_size",
                values.get("hh_size"),
                "composition_total",
                _("The sex and age bands add up to %(sum)s, not the household size %(size)s.")
                % {"sum": sum(composition.values()), "size": size},
            )
        weight = self.number(row, "weight", values.get("weight", ""), whole=False, low=0, high=100000)
        visited = values.get("visited_origin", "")
        visited_code = self.choice(row, "visited_origin", "yes_no", visited) if visited else ""
        answers = {q: self.multiple(row, q, values.get(q, "")) for q in MULTIPLE_LISTS if q in values}
        for question, columns in split.items():
            chosen = set(answers.get(question, []))
            for index, option in columns:
                cell = row.cells[index].strip().lower() if index < len(row.cells) else ""
                if cell in TRUE:
                    chosen.add(option)
                elif cell and cell not in FALSE:
                    self.bad(
                        row,
                        question,
                        cell,
                        "not_yes_no",
                        _("Expected 1 or 0."),
                        column=self.table.column_label(index),
                    )
            answers[question] = sorted(chosen)
        origin = self.area(row, "origin", values)
        destination = self.area(row, "destination", values)
        head_sex = self.choice(row, "head_sex", "sex", values.get("head_sex", ""))
        timing = self.choice(row, "timing", "timing", values.get("timing", ""))
        head_age = self.number(row, "head_age", values.get("head_age", ""), low=12, high=120)
        displaced = self.date(row, "displacement_date", values.get("displacement_date", ""))
        if len(self.problems) > before or site is None or size is None:
            return None
        site_area = self.areas.get(site[1].strip("/").split("/")[-1], (None, ""))[0]
        return HouseholdRecord(
            response_id=rid,
            values={
                "site_id": site[0],
                "site_admin2_id": admin2_of(self.paths, self.pcode_ids, site_area),
                "interview_date": interview,
                "household_size": size,
                **composition,
                "head_sex": head_sex,
                "head_age": head_age,
                "origin_area_id": origin,
                "origin_admin2_id": admin2_of(self.paths, self.pcode_ids, origin),
                "displacement_date": displaced,
                "intention": intention,
                "timing": timing,
                "destination_area_id": destination,
                "destination_admin2_id": admin2_of(self.paths, self.pcode_ids, destination),
                "visited_origin": {"yes": True, "no": False}.get(visited_code),
                "weight": float(weight) if weight is not None else 1.0,
            },
            answers=answers,
            raw={
                table_header: cell
                for table_header, cell in zip(self.table.header, row.cells, strict=False)
                if cell
            },
        )


def households_import(
    *,
    survey: Survey,
    path,
    filename: str | None = None,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
) -> ImportResult:
    """Read, check and write an export of the return intention form into `survey`.
    Raises ImportRefused (with every problem) and writes nothing when any row is wrong."""
    fields = _fields()
    try:
        table = read_table(path, fields=fields, filename=filename, sheet=sheet, mapping=mapping)
    except TabularError as exc:
        raise ImportRefused([exc.problem]) from exc
    split = _map_group_prefixes(table, fields)
    problems = list(table.errors)
    for name in ("site_code", "visit_date", "intention", "hh_size"):
        if name not in table.mapping:
            problems.append(
                Problem(
                    message=_("No column for %(field)s: map it (FIELD=COLUMN) or use the form's export.")
                    % {"field": name},
                    rule="missing_column",
                    file=table.file,
                    sheet=table.sheet,
                    value=name,
                )
            )
    if not any(name in table.mapping for name in ID_FIELDS):
        problems.append(
            Problem(
                message=_(
                    "The export has no response id column (_uuid, _id or instanceID): re-importing it could not be recognised."
                ),
                rule="no_response_id",
                file=table.file,
                sheet=table.sheet,
            )
        )
    if problems:
        raise ImportRefused(problems)
    rows = _Rows(table, survey.operation, survey)
    records, seen = [], {}
    for row, values in table.records():
        if values.get("consent") and rows.choice(row, "consent", "yes_no", values["consent"]) == "no":
            continue  # the household did not agree to answer: nothing of it is kept
        record = rows.record(row, values, split)
        if record is None:
            continue
        if record.response_id in seen:
            rows.bad(
                row,
                "_uuid",
                record.response_id,
                "duplicate_response",
                _("The same response id is on row %(row)s too.") % {"row": seen[record.response_id]},
            )
            continue
        seen[record.response_id] = row.number
        records.append(record)
    if rows.problems:
        raise ImportRefused(rows.problems)
    counts = households_save(survey=survey, records=records)
    return ImportResult(
        survey, counts, len(table.rows), [p for p in table.problems if not p.is_error], table.report_lines()
    )
