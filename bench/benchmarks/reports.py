"""Weekly Site Needs Report: the report of one weekly round rendered as HTML, XLSX and PDF.

The data comes from the scenario generator (`sitetrack.demo.scenario`): 200 sites (small)
or 5,000 sites (national), four weekly rounds of validated assessments, generated once in
`prepare` (untimed) on the case's fresh database; the case reports on the last round, so
every site has a previous round to compare with. `run` computes the report (selectors,
SQL) and renders the three formats; each step's seconds go in `extra` (`selectors_s`,
`html_s`, `xlsx_s`, `pdf_s`), with the PDF's page count. No baseline here: the pandas
comparison is the pipeline benchmark.

`weekly-pdf-<n>-sites` is the PDF download alone: the report's selectors, the print
HTML (renderers/pdf.py: listings) and WeasyPrint, against the floor — bare WeasyPrint
(`HTML(string=...).write_pdf()`) on the same HTML, built before the baseline's clock
starts. Goal: ratio <= 1.1; `extra` says where the rest goes (`selectors_s`,
`print_html_s`, `weasyprint_s`).

Run on its own (SQLite file in a temporary folder):

    python -m bench.benchmarks.reports --size small|national
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.harness import Case

SITES = {"small": 200, "national": 5000}
ROUNDS = 4
SEED = 5


class WeeklyReportCase:
    def __init__(self, size: str, workdir: Path, extra: dict) -> None:
        self.size = size
        self.workdir = Path(workdir)
        self.extra = extra
        self.round = None

    def prepare(self) -> None:
        from sitetrack.assessments.models import Round
        from sitetrack.demo.scenario import generate_scenario

        scenario = generate_scenario(
            sites=SITES[self.size], rounds=ROUNDS, operation_slug=f"bench-reports-{self.size}", seed=SEED
        )
        self.round = Round.objects.filter(operation=scenario.operation).order_by("-number").first()
        self.extra.update(sites=scenario.sites, assessments=scenario.assessments)

    def run(self) -> None:
        from sitetrack.reports.renderers.html import render_document
        from sitetrack.reports.renderers.pdf import render_pdf_document
        from sitetrack.reports.renderers.xlsx import render_xlsx
        from sitetrack.reports.selectors import weekly_report

        timings = {}
        tick = time.perf_counter()
        report = weekly_report(self.round, language="en")
        timings["selectors_s"] = time.perf_counter() - tick

        tick = time.perf_counter()
        html = render_document(report).encode("utf-8")
        timings["html_s"] = time.perf_counter() - tick

        tick = time.perf_counter()
        xlsx = render_xlsx(report)
        timings["xlsx_s"] = time.perf_counter() - tick

        tick = time.perf_counter()
        document = render_pdf_document(report)
        pdf = document.write_pdf()
        timings["pdf_s"] = time.perf_counter() - tick

        for name, content in (("html", html), ("xlsx", xlsx), ("pdf", pdf)):
            self.extra[f"{name}_bytes"] = len(content)
            (self.workdir / f"weekly-report-{SITES[self.size]}-sites.{name}").write_bytes(content)
        self.extra.update({k: round(v, 3) for k, v in timings.items()})
        self.extra["pdf_pages"] = len(document.pages)
        self.extra["sites_in_table"] = len(report.sites)


class WeeklyPdfCase(WeeklyReportCase):
    """The PDF download against bare WeasyPrint on the same HTML."""

    html = ""

    def prepare(self) -> None:
        super().prepare()
        # WeasyPrint's first document in a process loads its fonts and default style
        # sheets; render a small one untimed so that neither side pays for it.
        from weasyprint import HTML

        HTML(string="<h1>SiteTrack</h1><table><tr><td>1</td></tr></table>").write_pdf()

    def run(self) -> None:
        from weasyprint import HTML

        from sitetrack.reports.renderers.pdf import render_pdf_html
        from sitetrack.reports.selectors import weekly_report

        ticks = [time.perf_counter()]
        report = weekly_report(self.round, language="en")
        ticks.append(time.perf_counter())
        html = render_pdf_html(report)
        ticks.append(time.perf_counter())
        pdf = HTML(string=html).write_pdf()
        ticks.append(time.perf_counter())
        steps = ("selectors_s", "print_html_s", "weasyprint_s")
        self.extra.update({n: round(b - a, 3) for n, a, b in zip(steps, ticks[:-1], ticks[1:], strict=True)})
        self.extra["pdf_bytes"] = len(pdf)

    def baseline_setup(self) -> None:
        from sitetrack.reports.renderers.pdf import render_pdf_html
        from sitetrack.reports.selectors import weekly_report

        self.html = render_pdf_html(weekly_report(self.round, language="en"))

    def baseline_run(self) -> None:
        from weasyprint import HTML

        HTML(string=self.html).write_pdf()


def cases(size: str, workdir: Path) -> list[Case]:
    extra: dict = {}
    state = WeeklyReportCase(size, workdir, extra)
    pdf_extra: dict = {"goal": "the PDF download within 10% of bare WeasyPrint", "goal_ratio": 1.1}
    pdf = WeeklyPdfCase(size, workdir, pdf_extra)
    return [
        Case(
            name=f"weekly-report-{SITES[size]}-sites",
            size=f"{SITES[size]} sites, weekly round with previous round; HTML + XLSX + PDF",
            prepare=state.prepare,
            run=state.run,
            repetitions=3 if size == "small" else 1,
            extra=extra,
        ),
        Case(
            name=f"weekly-pdf-{SITES[size]}-sites",
            size=f"{SITES[size]} sites: the PDF download (selectors, print HTML, WeasyPrint)",
            prepare=pdf.prepare,
            run=pdf.run,
            baseline="bare WeasyPrint on the same HTML (HTML(string=...).write_pdf())",
            baseline_setup=pdf.baseline_setup,
            baseline_run=pdf.baseline_run,
            repetitions=3 if size == "small" else 2,
            extra=pdf_extra,
        ),
    ]


def main(argv: list[str] | None = None) -> None:
    from bench.benchmarks._common import standalone_case

    case, seconds, workdir = standalone_case("reports", cases, SITES, argv, __doc__.split("\n\n")[0])
    print(f"{case.name}: {seconds:.1f}s {case.extra} (files in {workdir})")


if __name__ == "__main__":
    main()
