"""The Monthly Return Intention report: the survey's figures (selectors.py) turned into
published tables, every cell already suppressed (disclosure.py). Renderers (web page,
PDF, XLSX, HXL CSV, API) only ever see a `ReturnReport`, so none of them can publish a
small cell: a suppressed figure has no number in it, only its label "<N".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from sitetrack.returns import selectors as sel
from sitetrack.returns.choices import QUESTION_LABELS, Condition, Intention, Obstacle, Timing
from sitetrack.returns.disclosure import Suppression
from sitetrack.returns.models import Survey
from sitetrack.sites.models import SiteType

ALL = "*"
INTENTIONS = list(Intention.values)
TOP_ANSWERS = 6
SECONDARY_MARK = "x"


@dataclass(frozen=True)
class Figure:
    """One published cell: a count of households (None when suppressed), its weighted
    share and, for sampled designs, the share's 95% confidence interval."""

    n: int | None
    share: float | None = None
    low: float | None = None
    high: float | None = None
    suppressed: bool = False
    mark: str = ""  # "<5" when suppressed

    @property
    def text(self) -> str:
        return self.mark if self.suppressed else f"{self.n:,}".replace(",", "\u202f")

    @property
    def percent(self) -> str:
        return "" if self.share is None else f"{self.share * 100:.1f}%"

    @property
    def interval(self) -> str:
        if self.low is None or self.high is None:
            return ""
        return f"{self.low * 100:.1f}–{self.high * 100:.1f}%"


@dataclass
class TableRow:
    code: str
    label: str
    total: Figure
    cells: list[Figure]
    extra: dict = field(default_factory=dict)  # e.g. a site's type and admin 2


@dataclass
class Table:
    slug: str
    title: str
    group_label: str
    columns: list[tuple[str, str]]  # (code, label)
    rows: list[TableRow]
    total: TableRow | None = None


@dataclass
class Ranked:
    slug: str
    title: str
    rows: list[tuple[str, str, Figure]]  # (code, label, figure), most frequent first
    base: Figure | None = None  # households that answered


@dataclass
class Comparison:
    previous_month: str
    rows: list[tuple[str, Figure, Figure, float | None]]  # label, this month, last month, change pp


@dataclass
class ReturnReport:
    survey: Survey
    language: str
    title: str
    month_label: str
    threshold: int
    mark: str
    is_sample: bool
    households: Figure
    sites: int
    tables: list[Table]
    timing: Table
    answers: list[Ranked]
    od: Table
    flows: list[tuple[str, str, Figure]]  # the largest published flows of `od`, most first
    flows_more: int  # cells of `od` not in `flows` (in the XLSX, HXL and API)
    comparison: Comparison | None
    method: str

    def table(self, slug: str) -> Table:
        return next(t for t in self.tables if t.slug == slug)


# --- the suppression problem --------------------------------------------------------------


@dataclass
class _Raw:
    """Every raw figure of one survey, by the keys the suppression uses."""

    sums: dict
    groups: dict[str, list]  # dimension → group codes (None = not known)
    sites: dict
    admin2: list
    destinations: list


def _add(sums: dict, key, value: sel.Sums) -> None:
    sums[key] = sums.get(key, sel.Sums()) + value


def _raw(survey: Survey) -> _Raw:
    """The survey's figures by suppression key. SQL groups households by site, admin 2 of
    origin, admin 2 of destination, timing and (site, destination); the figures of a site
    type, of a current admin 2 and of the whole survey are sums of their sites' figures."""
    sums: dict = {}
    by_site = sel.intention_sums(survey, "site")
    links = sel.site_links({g for g, _c in by_site})
    origin = sel.intention_sums(survey, "origin")
    destination = sel.intention_sums(survey, "destination")
    od = sel.od_sums(survey)
    pcodes = sel.area_pcodes({g for g, _c in origin} | {g for g, _c in destination} | {d for _s, d in od})
    sites = {code: (name, site_type, admin2) for code, name, site_type, admin2 in links.values()}
    for c in [*INTENTIONS, ALL]:
        sums[("all", c)] = sel.Sums()
    for (site_id, c), value in by_site.items():
        code, _name, site_type, admin2 = links[site_id]
        for key in (("site", code), ("site_type", site_type), ("site_admin2", admin2)):
            _add(sums, (*key, c), value)
            _add(sums, (*key, ALL), value)
        _add(sums, ("all", c), value)
        _add(sums, ("all", ALL), value)
    for dimension, found in (("origin", origin), ("destination", destination)):
        for (area_id, c), value in found.items():
            group = pcodes.get(area_id) if area_id else None
            _add(sums, (dimension, group, c), value)
            _add(sums, (dimension, group, ALL), value)
    for (site_id, area_id), value in od.items():
        _add(sums, ("od", links[site_id][3], pcodes.get(area_id) if area_id else None), value)
    for t, value in sel.timing_sums(survey).items():
        sums[("timing", t or "")] = value
    for (question, code), value in sel.answer_sums(survey).items():
        sums[("answer", question, code)] = value
    groups: dict[str, list] = {}
    for dimension in ("site", "site_type", "origin", "destination", "site_admin2"):
        codes = {k[1] for k in sums if k[0] == dimension}
        groups[dimension] = sorted(codes, key=lambda g: (g is None, g or ""))
        for g in groups[dimension]:
            for c in INTENTIONS:
                sums.setdefault((dimension, g, c), sel.Sums())
    return _Raw(sums, groups, sites, groups["site_admin2"], groups["destination"])


def suppression_for(survey: Survey, raw: _Raw | None = None) -> tuple[Suppression, _Raw]:
    """One suppression over every figure the report publishes, with every additive link
    between them (see disclosure.py)."""
    raw = raw or _raw(survey)
    s = Suppression(survey.small_cell_threshold)
    for key, value in raw.sums.items():
        s.cell(key, value.n)
    columns = [*INTENTIONS, ALL]
    s.line(("all", ALL), [("all", c) for c in INTENTIONS])
    for dimension in ("site", "site_type", "origin", "destination", "site_admin2"):
        codes = raw.groups[dimension]
        for g in codes:
            s.line((dimension, g, ALL), [(dimension, g, c) for c in INTENTIONS])
        for c in columns:
            s.line(("all", c), [(dimension, g, c) for g in codes])
    # A site type, and an admin 2, is the sum of its sites.
    for dimension, position in (("site_type", 1), ("site_admin2", 2)):
        for g in raw.groups[dimension]:
            members = [code for code, link in raw.sites.items() if link[position] == g]
            for c in columns:
                s.line((dimension, g, c), [("site", code, c) for code in members])
    # Timing: among those intending to return.
    s.line(("all", Intention.RETURN), [k for k in raw.sums if k[0] == "timing"])
    # Origin–destination: rows are the households of an admin 2's sites, columns those of
    # a destination.
    od = [k for k in raw.sums if k[0] == "od"]
    for a in raw.admin2:
        s.line(("site_admin2", a, ALL), [k for k in od if k[1] == a])
    for d in raw.destinations:
        s.line(("destination", d, ALL), [k for k in od if k[2] == d])
    return s.run(), raw


# --- the report ---------------------------------------------------------------------------


class _Builder:
    def __init__(self, survey: Survey, language: str) -> None:
        self.survey = survey
        self.language = language
        self.s, self.raw = suppression_for(survey)
        self.interval = survey.is_sample

    def figure(self, key, whole_key=None) -> Figure:
        value = self.raw.sums.get(key, sel.Sums())
        if self.s.is_hidden(key):
            # "<5" for a small cell; "x" for a cell hidden only so that a total cannot
            # give a small one back (saying "<5" of it would be false).
            small = 0 < value.n < self.s.threshold
            return Figure(None, suppressed=True, mark=self.s.label() if small else SECONDARY_MARK)
        if whole_key is None:
            return Figure(value.n)
        if self.s.is_hidden(whole_key):
            return Figure(value.n)
        whole = self.raw.sums.get(whole_key, sel.Sums())
        e = sel.estimate(value, whole, interval=self.interval)
        return Figure(value.n, e.share, e.low, e.high)

    def intention_table(self, dimension: str, title: str, group_label: str, labels: dict) -> Table:
        columns = [(c, str(Intention(c).label)) for c in INTENTIONS]
        rows = []
        for g in self.raw.groups[dimension]:
            rows.append(
                TableRow(
                    code=g or "",
                    label=labels.get(g, g) if g is not None else _("Not known"),
                    total=self.figure((dimension, g, ALL)),
                    cells=[self.figure((dimension, g, c), (dimension, g, ALL)) for c in INTENTIONS],
                    extra=self._site_extra(g) if dimension == "site" else {},
                )
            )
        return Table(dimension, title, group_label, columns, rows, self.total_row())

    def _site_extra(self, code: str) -> dict:
        name, site_type, admin2 = self.raw.sites.get(code, ("", "", None))
        return {"site_type": site_type, "admin2": admin2 or ""}

    def total_row(self) -> TableRow:
        return TableRow(
            code="",
            label=_("All households"),
            total=self.figure(("all", ALL)),
            cells=[self.figure(("all", c), ("all", ALL)) for c in INTENTIONS],
        )

    def build(self) -> ReturnReport:
        raw = self.raw
        names = sel.area_names(
            {g for d in ("origin", "destination", "site_admin2") for g in raw.groups[d]}, self.language
        )
        site_names = {code: f"{link[0]} ({code})" for code, link in raw.sites.items()}
        type_names = {t: str(SiteType(t).label) for t in raw.groups["site_type"] if t in SiteType.values}
        tables = [
            self.intention_table("site", _("Intentions by site"), _("Site"), site_names),
            self.intention_table("site_type", _("Intentions by site type"), _("Site type"), type_names),
            self.intention_table(
                "origin", _("Intentions by area of origin (admin 2)"), _("Area of origin"), names
            ),
            self.intention_table(
                "destination", _("Intentions by intended destination (admin 2)"), _("Destination"), names
            ),
        ]
        od = self.od(names)
        flows, more = top_flows(od)
        return ReturnReport(
            survey=self.survey,
            language=self.language,
            title=_("Monthly Return Intention report"),
            month_label=_month_label(self.survey),
            threshold=self.s.threshold,
            mark=self.s.label(),
            is_sample=self.survey.is_sample,
            households=self.figure(("all", ALL)),
            sites=len(raw.sites),
            tables=tables,
            timing=self.timing(),
            answers=[self.ranked(q) for q in ("conditions", "obstacles", "reasons", "info_needs")],
            od=od,
            flows=flows,
            flows_more=more,
            comparison=self.comparison(),
            method=method_text(self.survey),
        )

    def timing(self) -> Table:
        base = ("all", Intention.RETURN)
        codes = [*Timing.values, ""]
        cells = [self.figure(("timing", t), base) for t in codes]
        columns = [(t, str(Timing(t).label) if t else _("Not stated")) for t in codes]
        row = TableRow("", _("Households intending to return"), self.figure(base), cells)
        return Table("timing", _("When those intending to return plan to go"), "", columns, [row])

    def ranked(self, question: str) -> Ranked:
        from sitetrack.returns.choices import MULTIPLE

        choices = MULTIPLE[question]
        base_key = ("all", ALL)  # every household that answered the survey is asked
        found = [k for k in self.raw.sums if k[:2] == ("answer", question)]
        found.sort(key=lambda k: (-self.raw.sums[k].w, k[2]))
        rows = []
        for key in found[:TOP_ANSWERS]:
            label = str(choices(key[2]).label) if key[2] in choices.values else key[2]
            rows.append((key[2], label, self.figure(key, base_key)))
        return Ranked(question, str(QUESTION_LABELS[question]), rows, self.figure(base_key))

    def od(self, names: dict) -> Table:
        destinations = self.raw.destinations
        columns = [(d or "", names.get(d, d) if d else _("No destination")) for d in destinations]
        rows = []
        for a in self.raw.admin2:
            rows.append(
                TableRow(
                    code=a or "",
                    label=names.get(a, a) if a else _("Not known"),
                    total=self.figure(("site_admin2", a, ALL)),
                    cells=[self.figure(("od", a, d)) for d in destinations],
                )
            )
        total = TableRow(
            "",
            _("All households"),
            self.figure(("all", ALL)),
            [self.figure(("destination", d, ALL)) for d in destinations],
        )
        return Table(
            "od",
            _("From the current site's admin 2 to the intended destination's admin 2"),
            _("Current admin 2"),
            columns,
            rows,
            total,
        )

    def comparison(self) -> Comparison | None:
        previous = sel.previous_survey(self.survey)
        if previous is None:
            return None
        before = _Builder(previous, self.language)
        rows = []
        for c in INTENTIONS:
            now = self.figure(("all", c), ("all", ALL))
            then = before.figure(("all", c), ("all", ALL))
            change = None
            if now.share is not None and then.share is not None:
                change = (now.share - then.share) * 100
            rows.append((str(Intention(c).label), now, then, change))
        return Comparison(_month_label(previous), rows)


TOP_FLOWS = 30


def top_flows(od: Table, limit: int = TOP_FLOWS) -> tuple[list[tuple[str, str, Figure]], int]:
    """The origin–destination matrix as its largest published flows (a matrix of 80
    destinations is neither readable on a page nor quick to print); only published cells,
    so nothing the matrix hides."""
    cells = [
        (row.label, label, f)
        for row in od.rows
        for (code, label), f in zip(od.columns, row.cells, strict=True)
        if code and not f.suppressed and f.n
    ]
    cells.sort(key=lambda item: (-item[2].n, item[0], item[1]))
    total = sum(1 for row in od.rows for f in row.cells if f.suppressed or f.n)
    return cells[:limit], total - min(len(cells), limit)


def _month_label(survey: Survey) -> str:
    from django.utils.formats import date_format

    return date_format(survey.month, "F Y")


def method_text(survey: Survey) -> str:
    threshold = survey.small_cell_threshold
    parts = [
        _("Sampling: %(method)s.") % {"method": survey.get_sampling_method_display()},
    ]
    if survey.target_per_site:
        parts.append(_("Target: %(n)s households per site.") % {"n": survey.target_per_site})
    if survey.is_sample:
        parts.append(
            _(
                "Shares are weighted; their %(level)s confidence intervals are Wilson score intervals on "
                "Kish's effective sample size."
            )
            % {"level": "95%"}
        )
    parts.append(
        _(
            "Cells of fewer than %(n)s households are shown as “<%(n)s”; cells marked “x” are hidden "
            "so that no total gives a small cell back."
        )
        % {"n": threshold}
    )
    return " ".join(parts)


def returns_report(survey: Survey, *, language: str = "en") -> ReturnReport:
    with translation.override(language):
        return _Builder(survey, language).build()


@dataclass
class Headline:
    title: str
    rows: list[tuple[str, str]]


def return_headline(*, operation, month) -> Headline | None:
    """The return intentions' key figures for the monthly DTM report (suppressed like the
    report): households interviewed, sites covered, then the share of each intention.
    `month`: a date in the month or "YYYY-MM". None when the operation has no survey
    that month. Labels in the active language."""
    if isinstance(month, str):  # "2014-03" as well as a date
        import datetime as dt

        try:
            month = dt.datetime.strptime(month[:7], "%Y-%m").date()
        except ValueError:
            return None
    survey = sel.survey_of(operation, month)
    if survey is None:
        return None
    b = _Builder(survey, translation.get_language() or "en")
    total = b.figure(("all", ALL))
    rows = [(_("Households interviewed"), total.text), (_("Sites covered"), str(len(b.raw.sites)))]
    for c in INTENTIONS:
        f = b.figure(("all", c), ("all", ALL))
        value = f.text if f.suppressed else f"{f.percent} ({f.text})"
        if f.interval:
            value += f" [{f.interval}]"
        rows.append((str(Intention(c).label), value))
    return Headline(_("Return intentions, %(month)s") % {"month": _month_label(survey)}, rows)


__all__ = ["Condition", "Obstacle", "ReturnReport", "return_headline", "returns_report"]
