"""The gap matrix as an XLSX workbook: one row per site, four columns per sector (status,
severity, partners, people reached), and a legend."""

from __future__ import annotations

from io import BytesIO

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from sitetrack.response.gaps import COVERAGE_TARGET, OVER_SERVED, STATUS_LABELS, GapMatrix

FILLS = {
    "gap": PatternFill("solid", fgColor="F4B6B6"),
    "under_covered": PatternFill("solid", fgColor="FCE4B6"),
    "covered": PatternFill("solid", fgColor="C6E9C6"),
    "over_served": PatternFill("solid", fgColor="C9DAF8"),
}


def gap_matrix_filename(matrix: GapMatrix) -> str:
    return f"gap-matrix-{matrix.round.operation.slug}-round-{matrix.round.number}.xlsx"


def gap_matrix_xlsx(matrix: GapMatrix, *, language: str = "en") -> bytes:
    with translation.override(language):
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Gap matrix"))
        bold = Font(bold=True)
        head = [_("Site code"), _("Site name"), _("Admin 1"), _("Admin 2"), _("Population")]
        words = [_("status"), _("severity"), _("partners"), _("reached")]
        for sector in matrix.sectors:
            head += [f"{sector.short}: {word}" for word in words]
        sheet.append([_cell(sheet, h, font=bold) for h in head])
        for row in matrix.rows:
            values = [row.code, row.name, row.admin1_pcode, row.admin2_pcode, row.population]
            cells = [_cell(sheet, v) for v in values]
            for cell in row.cells:
                cells += [
                    _cell(sheet, str(STATUS_LABELS[cell.status]), fill=FILLS.get(cell.status)),
                    _cell(sheet, cell.severity),
                    _cell(sheet, cell.partners),
                    _cell(sheet, cell.reached),
                ]
            sheet.append(cells)
        legend = book.create_sheet(_("Legend"))
        legend.append(
            [_("Round"), matrix.round.number, str(matrix.round.period_start), str(matrix.round.period_end)]
        )
        legend.append([_("Severe need from severity"), matrix.severe_from])
        legend.append([_("Covered from this share of people reached"), COVERAGE_TARGET])
        legend.append([_("Over-served from this many partners"), OVER_SERVED])
        for status, label in STATUS_LABELS.items():
            if status:
                legend.append([_cell(legend, str(label), fill=FILLS[status])])
        for sector in matrix.sectors:
            legend.append([sector.short, sector.label])
        out = BytesIO()
        book.save(out)
        return out.getvalue()


def _cell(sheet, value, *, font=None, fill=None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell
