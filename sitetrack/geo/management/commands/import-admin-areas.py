"""sitetrack import-admin-areas FILE [FILE ...] [--sheet NAME] [--country ISO3] [--dry-run] [--country-name NAME]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sitetrack.core.management.inputs import input_file
from sitetrack.geo.services import AdminAreaImportError, admin_areas_import


class Command(BaseCommand):
    help = (
        "Import COD admin area tables (CSV, XLSX or GeoJSON with AdmN_pcode / ADMN_PCODE columns). "
        "Prints a summary per admin level and every inconsistency found; re-importing changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "files", nargs="+", metavar="FILE", help="COD tables, parents before children or not"
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and report, save nothing.")
        parser.add_argument(
            "--sheet",
            default=None,
            metavar="NAME",
            help="Read only this sheet of a workbook (default: every sheet with a P-code column).",
        )
        parser.add_argument(
            "--country",
            default=None,
            metavar="ISO3",
            help="The country of the tables (ISO 3166 alpha-3, e.g. SOM): names it, refuses areas of another.",
        )
        parser.add_argument(
            "--country-name",
            default=None,
            help="Name of the country (admin 0) when the files do not give it.",
        )

    def handle(
        self,
        *args,
        files: list[str],
        dry_run: bool = False,
        country_name: str | None = None,
        sheet: str | None = None,
        country: str | None = None,
        **options,
    ):
        for name in files:
            input_file(name)
        try:
            report = admin_areas_import(
                paths=files, dry_run=dry_run, country_name=country_name, sheet=sheet, country=country
            )
        except AdminAreaImportError as exc:
            lines = [str(problem) for problem in exc.problems]
            raise CommandError(
                _("Nothing was imported:") + "\n" + "\n".join(f"  {line}" for line in lines)
            ) from exc
        for line in report.summary_lines():
            self.stdout.write(line)
        for finding in report.findings:
            self.stdout.write(str(finding))
