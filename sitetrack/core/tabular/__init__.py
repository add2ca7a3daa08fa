"""The shared reading layer: every table a user brings (site master lists, COD tables,
KoboToolbox/ODK/DTM exports, 3W sheets) is read here, so every importer accepts and
refuses the same files with the same messages. Each app adds only its own rules.

How to use it::

    from sitetrack.core.tabular import Field, TabularError, parse_number, read_table

    FIELDS = [
        Field("code", _("site code"), synonyms=("site id", "ssid"), hxl=("#loc+code",)),
        Field("name", _("site name"), synonyms=("nom du site",), hxl=("#loc+name",), required=True),
        Field("households", _("households"), synonyms=("hh",), hxl=("#affected+hh",)),
    ]
    try:
        table = read_table(path, fields=FIELDS, filename=upload.name,
                           sheet=None,                       # or the sheet the user named
                           mapping={"households": "HH"})     # FIELD → COLUMN, over the automatic
    except TabularError as exc:                              # the file cannot be read at all
        return [exc.problem]
    problems = list(table.errors)                            # unknown field / column in `mapping`
    for f in table.missing_required: ...                     # say which and how to map them
    for row, values in table.records():                      # values: field → text, "" if missing
        try:
            households = parse_number(values["households"], whole=True)
        except NumberProblem as exc:
            problems.append(table.problem(exc.message, rule=exc.rule, row=row.number,
                                          field="households", value=values["households"]))
    report_lines = table.report_lines()                      # sheet read and why, header row,
                                                             # columns used, columns ignored

What it does:
- format by content (XLSX/XLSM/ODS/XLS via python-calamine, else CSV), CSV encoding
  (UTF-8, UTF-16 with BOM, Windows-1252) and separator (, ; tab) as `text` decides;
- refuses before opening (`safety`): files over SITETRACK_MAX_UPLOAD_BYTES, encrypted
  workbooks, damaged zips, zip bombs; and any cell over 32,767 characters;
- chooses the sheet whose header matches the fields best (or the one named), and says
  which and why in `Table.sheet_reason` (and an info Problem, rule `sheet_chosen`);
- finds the header row below title rows, and an HXL tag row under it (or alone);
- turns NULL, N/A, n/a, -, #N/A and empty cells into "" (`values.MISSING_TOKENS`);
- maps columns by HXL tag, then by header names and synonyms compared without case,
  accents, punctuation or extra spaces; explicit FIELD=COLUMN choices (`parse_assignments`
  reads them from the command line) by header or tag; `Table.ignored` lists the rest;
- `parse_number` reads " 1,475 ", "1 475", "1.475,5" and refuses "12,34" as ambiguous;
- one `Problem` (file, sheet, row, column, value, rule, message, severity) for all.
"""

from sitetrack.core.tabular.mapping import (
    Field,
    auto_map,
    close_columns,
    find_column,
    is_hxl_row,
    parse_assignments,
)
from sitetrack.core.tabular.problems import ERROR, INFO, WARNING, Problem, TabularError
from sitetrack.core.tabular.safety import MAX_CELL_CHARS, check_size, check_xlsx, check_zip
from sitetrack.core.tabular.sheets import Sheet, file_kind, read_sheets
from sitetrack.core.tabular.table import Row, Table, read_table
from sitetrack.core.tabular.text import (
    UndecodableText,
    cell_text,
    decode_text,
    sniff_delimiter,
    some_names,
)
from sitetrack.core.tabular.values import (
    MISSING_TOKENS,
    NumberProblem,
    clean,
    is_missing,
    normalise,
    parse_number,
)

__all__ = [
    "ERROR",
    "INFO",
    "MAX_CELL_CHARS",
    "MISSING_TOKENS",
    "WARNING",
    "Field",
    "NumberProblem",
    "Problem",
    "Row",
    "Sheet",
    "Table",
    "TabularError",
    "UndecodableText",
    "auto_map",
    "cell_text",
    "check_size",
    "check_xlsx",
    "check_zip",
    "clean",
    "close_columns",
    "decode_text",
    "file_kind",
    "find_column",
    "is_hxl_row",
    "is_missing",
    "normalise",
    "parse_assignments",
    "parse_number",
    "read_sheets",
    "read_table",
    "sniff_delimiter",
    "some_names",
]
