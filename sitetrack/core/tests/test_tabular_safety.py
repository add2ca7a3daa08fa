"""The guards of the shared reader: oversize files, zip bombs, encrypted and damaged
workbooks, cells no spreadsheet can hold."""

import zipfile

import pytest
from django.test import override_settings

from sitetrack.core.tabular import TabularError, read_table
from sitetrack.core.tabular.safety import OLE_MAGIC
from sitetrack.intake.readers.base import IntakeFileError
from sitetrack.intake.readers.safety import check_xlsx as intake_check_xlsx


def rule_of(path, **kw):
    with pytest.raises(TabularError) as caught:
        read_table(path, fields=[], **kw)
    return caught.value.problem


def test_a_file_over_the_upload_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("a,b\n" + "1,2\n" * 100)
    with override_settings(SITETRACK_MAX_UPLOAD_BYTES=50):
        problem = rule_of(path)
    assert problem.rule == "max_file_size" and "50" in problem.message


def test_a_zip_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", "0" * 5_000_000)
    assert rule_of(path).rule == "zip_bomb"


def test_an_encrypted_workbook_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(OLE_MAGIC + b"\0" * 600)
    problem = rule_of(path)
    assert problem.rule == "password_protected" and "without a password" in problem.message


def test_a_truncated_workbook_is_refused(tmp_path):
    path = tmp_path / "cut.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 20)
    assert rule_of(path).rule == "truncated_or_damaged"


@pytest.mark.parametrize("size", [40_000, 10 * 1024 * 1024])
def test_a_cell_longer_than_a_spreadsheet_holds_is_refused_with_its_row(tmp_path, size):
    path = tmp_path / "huge.csv"
    path.write_text("name,notes\nA,ok\nB," + "x" * size + "\n")
    problem = rule_of(path)
    assert problem.rule == "cell_too_long"
    assert problem.row == 3
    assert "32767" in problem.message.replace(",", "").replace("\u202f", "")


def test_a_huge_cell_in_a_workbook_is_refused_with_its_sheet_row_and_column(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Sites"
    book.active.append(["name", "notes"])
    book.active.append(["A", "x" * 40_000])
    book.save(tmp_path / "huge.xlsx")
    problem = rule_of(tmp_path / "huge.xlsx")
    assert (problem.rule, problem.sheet, problem.row, problem.column) == ("cell_too_long", "Sites", 2, "B")


def test_kobo_imports_keep_their_error_type_and_rules(tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(OLE_MAGIC + b"\0" * 600)
    with pytest.raises(IntakeFileError) as caught:
        intake_check_xlsx(path, name="locked.xlsx")
    assert caught.value.rule == "password_protected" and caught.value.file == "locked.xlsx"
