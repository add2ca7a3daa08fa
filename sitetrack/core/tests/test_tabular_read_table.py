"""read_table: the sheet, the header row, the HXL row, the mapping and the report."""

from pathlib import Path

import openpyxl
import pytest

from sitetrack.core.tabular import INFO, Field, TabularError, parse_assignments, read_table

FIELDS = [
    Field("code", "site code", synonyms=("site id", "ssid"), hxl=("#loc+code",)),
    Field("name", "site name", synonyms=("site name", "nom du site"), hxl=("#loc+name",), required=True),
    Field("households", "households", synonyms=("hh", "menages"), hxl=("#affected+hh",)),
    Field("individuals", "individuals", synonyms=("ind", "individus"), hxl=("#affected+ind",)),
]


def workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_it_reads_the_sheet_whose_header_matches_and_says_why(tmp_path):
    path = workbook(
        tmp_path / "list.xlsx",
        {
            "Notes": [["Read me first"], ["This list is updated weekly."]],
            "Pivot": [["Row Labels", "Sum of HH"], ["Bangui", 120]],
            "Sites": [["Site ID", "Site name", "HH", "Ind"], ["S1", "Camp A", 10, 50]],
        },
    )
    table = read_table(path, fields=FIELDS)
    assert table.sheet == "Sites"
    assert "“Sites”" in table.sheet_reason and "4 of the 4" in table.sheet_reason
    assert any(p.rule == "sheet_chosen" and p.severity == INFO for p in table.problems)
    _row, values = next(table.records())
    assert values == {"code": "S1", "name": "Camp A", "households": "10", "individuals": "50"}


def test_it_reads_the_sheet_it_is_told_to_and_names_the_sheets_of_an_unknown_one(tmp_path):
    path = workbook(tmp_path / "list.xlsx", {"A": [["site name"], ["x"]], "B": [["site name"], ["y"]]})
    assert next(read_table(path, fields=FIELDS, sheet="B").records())[1]["name"] == "y"
    with pytest.raises(TabularError) as caught:
        read_table(path, fields=FIELDS, sheet="C")
    assert caught.value.problem.rule == "unknown_sheet"
    assert "“A”, “B”" in caught.value.problem.message


def test_a_sheet_named_in_another_case_is_found(tmp_path):
    # Excel's sheet names are unique ignoring case, so at most one sheet matches.
    path = workbook(tmp_path / "list.xlsx", {"ADM2 ": [["site name"], ["x"]], "Notes": [["site name"], ["y"]]})
    table = read_table(path, fields=FIELDS, sheet="adm2")
    assert (table.sheet, next(table.records())[1]["name"]) == ("ADM2 ", "x")


def test_it_finds_the_header_below_title_rows_and_numbers_rows_as_the_sheet_does(tmp_path):
    path = workbook(
        tmp_path / "list.xlsx",
        {"S": [["IDP site master list"], ["March 2024"], [], ["Site name", "HH"], ["Camp A", " 1,475 "]]},
    )
    table = read_table(path, fields=FIELDS)
    assert table.header_row == 4
    row, values = next(table.records())
    assert row.number == 5
    assert values["households"] == "1,475"


def test_it_maps_by_the_hxl_tag_row_before_header_names(tmp_path):
    csv = tmp_path / "hxl.csv"
    csv.write_text("Label A,Label B,HH\n#loc+name,#affected+ind+total,#affected+hh\nCamp A,50,10\n")
    table = read_table(csv, fields=FIELDS)
    assert table.tags is not None
    assert table.mapping == {"name": 0, "individuals": 1, "households": 2}
    row, values = next(table.records())
    assert row.number == 3 and values["individuals"] == "50"


def test_missing_value_tokens_become_empty(tmp_path):
    csv = tmp_path / "x.csv"
    csv.write_text("site name;HH;Ind\nA;NULL;N/A\nB;-;#N/A\n", encoding="utf-8")
    values = [v for _r, v in read_table(csv, fields=FIELDS).records()]
    assert [(v["households"], v["individuals"]) for v in values] == [("", ""), ("", "")]


def test_headers_match_without_case_accents_or_spaces(tmp_path):
    csv = tmp_path / "x.csv"
    csv.write_text("  NOM DU SITE ,Ménages\nA,3\n", encoding="utf-8")
    table = read_table(csv, fields=FIELDS)
    assert table.mapping == {"name": 0, "households": 1}


def test_an_explicit_mapping_wins_and_unused_columns_are_listed_as_ignored(tmp_path):
    csv = tmp_path / "x.csv"
    csv.write_text("Site name,Nb HH,Total people,Comment,\nA,3,12,ok,\n")
    mapping = parse_assignments(["households=Nb HH", "individuals = Total people"])
    table = read_table(csv, fields=FIELDS, mapping=mapping)
    assert table.column("households") == "Nb HH" and table.column("individuals") == "Total people"
    assert table.ignored == ["Comment"]
    assert any("Columns ignored (1): “Comment”" in line for line in table.report_lines())


def test_an_explicit_mapping_to_an_unknown_column_suggests_the_close_ones(tmp_path):
    csv = tmp_path / "x.csv"
    csv.write_text("Site name,Nb HH\nA,3\n")
    table = read_table(csv, fields=FIELDS, mapping={"households": "NbHH", "colour": "Site name"})
    rules = sorted(p.rule for p in table.errors)
    assert rules == ["unknown_column", "unknown_field"]
    assert any("“Nb HH”" in p.message for p in table.errors)


def test_an_empty_file_is_refused_with_its_name(tmp_path):
    csv = tmp_path / "empty.csv"
    csv.write_text("\n\n")
    with pytest.raises(TabularError) as caught:
        read_table(csv, fields=FIELDS)
    assert caught.value.problem.file == "empty.csv" and caught.value.problem.rule == "empty"


def test_the_format_comes_from_the_content_not_the_name(tmp_path):
    path = workbook(tmp_path / "really-a-workbook.csv", {"S": [["Site name"], ["A"]]})
    assert next(read_table(path, fields=FIELDS).records())[1]["name"] == "A"
