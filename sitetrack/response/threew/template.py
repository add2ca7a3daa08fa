"""The 3W/4W template partners fill: one sheet of activities (a title row, the header, the
HXL tag row, then empty rows with dropdowns), a sheet of the codes the dropdowns offer
(organisations, sectors, activities, sites, P-codes, statuses) and a sheet of instructions,
in English or French."""

from __future__ import annotations

from io import BytesIO

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from sitetrack.core.models import Operation, Organisation
from sitetrack.core.sectors import Sector
from sitetrack.geo.models import AdminArea
from sitetrack.response.models import ActivityStatus, ActivityType
from sitetrack.response.threew.columns import TEMPLATE_COLUMNS
from sitetrack.sites.models import Site

# Empty rows given dropdowns; a partner reporting more adds rows by copying one.
TEMPLATE_ROWS = 1000
TITLE_ROW, HEADER_ROW, HXL_ROW, FIRST_DATA_ROW = 1, 2, 3, 4
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HXL_FILL = PatternFill("solid", fgColor="DDEBF7")


def sheet_names() -> tuple[str, str, str]:
    return _("Activities"), _("Codes"), _("Instructions")


def _lists(operation: Operation, language: str) -> dict[str, list[tuple[str, str]]]:
    """Each dropdown's (value, description) pairs, in one query per list."""
    organisations = [
        (o["acronym"] or o["name"], o["name"])
        for o in Organisation.objects.order_by("acronym", "name").values("acronym", "name")
    ]
    types = [
        (t.code, f"{t.name(language)} — {Sector(t.sector).label}")
        for t in ActivityType.objects.order_by("sector", "order")
    ]
    sites = list(Site.objects.filter(operation=operation).order_by("code").values_list("code", "name"))
    name_field = "name_fr" if language == "fr" else "name_en"
    areas = [
        (a["pcode"], a[name_field] or a["name_en"])
        for a in AdminArea.objects.filter(path__startswith=operation.country.path, level__gte=1)
        .order_by("path")
        .values("pcode", "name_en", "name_fr")
    ]
    return {
        "organisation": organisations,
        "sector": [(value, str(label)) for value, label in Sector.choices],
        "activity_type": types,
        "site": sites,
        "admin_area": areas,
        "status": [(str(label), value) for value, label in ActivityStatus.choices],
    }


def _write_codes(sheet, lists: dict[str, list[tuple[str, str]]]) -> dict[str, str]:
    """Two columns per list on the codes sheet; → the range each dropdown reads."""
    titles = {
        "organisation": _("Organisations"),
        "sector": _("Sectors"),
        "activity_type": _("Activities"),
        "site": _("Sites"),
        "admin_area": _("Admin areas"),
        "status": _("Statuses"),
    }
    ranges = {}
    for index, (name, values) in enumerate(lists.items()):
        col = index * 2 + 1
        letter = get_column_letter(col)
        sheet.cell(row=1, column=col, value=str(titles[name])).font = Font(bold=True)
        sheet.column_dimensions[letter].width = 18
        sheet.column_dimensions[get_column_letter(col + 1)].width = 34
        for row, (value, description) in enumerate(values, start=2):
            sheet.cell(row=row, column=col, value=value)
            sheet.cell(row=row, column=col + 1, value=description)
        last = max(2, len(values) + 1)
        ranges[name] = f"'{sheet.title}'!${letter}$2:${letter}${last}"
    ranges["funding_organisation"] = ranges["organisation"]
    return ranges


def _instructions(sheet, operation: Operation) -> None:
    lines = [
        _("3W/4W activity template — %(operation)s") % {"operation": operation.name},
        "",
        _(
            "One row per activity: an organisation, an activity of a sector, at a site (or, for area-wide work, in an admin area)."
        ),
        _("Choose codes from the dropdowns; the “Codes” sheet lists them with their names."),
        _("Leave the activity ID empty for a new activity; keep it to report a new month of an activity."),
        _("Dates as YYYY-MM-DD. People as whole numbers; the sex and age figures add up to the total."),
        _(
            "Reached figures are those of the reporting month (YYYY-MM); past months lock after their deadline."
        ),
        _("Do not change the header or the HXL row (row 3): columns are recognised by them."),
        _(
            "Send the file back to the IMO, or import it: sitetrack import-activities FILE --operation %(slug)s"
        )
        % {"slug": operation.slug},
    ]
    for row, line in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=line)
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.column_dimensions["A"].width = 120


def activities_template(*, operation: Operation, language: str = "en", rows: int = TEMPLATE_ROWS) -> bytes:
    """The XLSX template of an operation, in English or French."""
    with translation.override(language):
        book = Workbook()
        main = book.active
        main_title, codes_title, help_title = sheet_names()
        main.title = main_title
        codes = book.create_sheet(codes_title)
        _instructions(book.create_sheet(help_title), operation)
        ranges = _write_codes(codes, _lists(operation, language))

        main.cell(
            row=TITLE_ROW,
            column=1,
            value=_("3W/4W activities — %(operation)s") % {"operation": operation.name},
        )
        main.cell(row=TITLE_ROW, column=1).font = Font(bold=True, size=13)
        last_row = FIRST_DATA_ROW + rows - 1
        for index, column in enumerate(TEMPLATE_COLUMNS, start=1):
            letter = get_column_letter(index)
            header = main.cell(row=HEADER_ROW, column=index, value=str(column.label))
            header.font = Font(bold=True, color="FFFFFF")
            header.fill = HEADER_FILL
            header.alignment = Alignment(wrap_text=True, vertical="top")
            tag = main.cell(row=HXL_ROW, column=index, value=column.hxl[0])
            tag.fill = HXL_FILL
            main.column_dimensions[letter].width = column.width
            area = f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}"
            validation = _validation(column.name, ranges)
            if validation is not None:
                main.add_data_validation(validation)
                validation.add(area)
        main.row_dimensions[HEADER_ROW].height = 45
        main.freeze_panes = main.cell(row=FIRST_DATA_ROW, column=3)
        out = BytesIO()
        book.save(out)
        return out.getvalue()


def _validation(name: str, ranges: dict[str, str]) -> DataValidation | None:
    """The dropdown (or number / date rule) of a column, with its message in the active
    language."""
    if name in ranges:
        validation = DataValidation(type="list", formula1=f"={ranges[name]}", allow_blank=True)
        validation.error = _("Choose a value from the list (see the Codes sheet).")
    elif name.startswith(("targeted", "reached")):
        validation = DataValidation(
            type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True
        )
        validation.error = _("A whole number of people, 0 or more.")
    elif name == "quantity":
        validation = DataValidation(
            type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True
        )
        validation.error = _("A number, 0 or more.")
    else:
        return None
    validation.errorTitle = _("Value not accepted")
    validation.showErrorMessage = True
    return validation
