"""File readers: every export becomes the same stream of normalised submissions."""

from __future__ import annotations

import zipfile
from pathlib import Path

from sitetrack.intake.formspec import FormSpec
from sitetrack.intake.readers.base import IntakeFileError, Submission
from sitetrack.intake.readers.kobo_csv import KoboCsvReader
from sitetrack.intake.readers.kobo_json import KoboJsonReader
from sitetrack.intake.readers.kobo_xlsx import KoboXlsxReader
from sitetrack.intake.readers.labels import LabelTranslator
from sitetrack.intake.readers.odk import OdkCsvReader
from sitetrack.intake.readers.safety import OLE_MAGIC

__all__ = ["IntakeFileError", "Submission", "open_reader"]


def _csv_header(path: Path) -> str:
    with open(path, "rb") as fh:
        return fh.readline(64 * 1024).decode("utf-8", "replace")


def open_reader(
    path: Path | str,
    *,
    name: str | None = None,
    form: FormSpec | None = None,
    encoding: str | None = None,
    sheet: str = "",
):
    """The right reader for a file, chosen by its content (and extension as a hint);
    `sheet`: a workbook's main sheet, when it is not the first."""
    path = Path(path)
    name = name or path.name
    if not path.exists() or path.stat().st_size == 0:
        raise IntakeFileError(code="empty_file", file=name, rule="empty")
    with open(path, "rb") as fh:
        head = fh.read(8)
    suffix = path.suffix.lower()
    if head == OLE_MAGIC or suffix in (".xlsx", ".xlsm"):
        return open_reader_xlsx(path, name=name, form=form, sheet=sheet)
    if head.startswith(b"PK"):
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
            if "xl/workbook.xml" in names:
                return open_reader_xlsx(path, name=name, form=form, sheet=sheet)
            return OdkCsvReader(path, name=name)
        raise IntakeFileError(code="damaged_archive", file=name, rule="truncated_or_damaged")
    if suffix == ".json" or head.lstrip()[:1] in (b"{", b"["):
        return KoboJsonReader(path, name=name)
    header = _csv_header(path)
    if "SubmissionDate" in header and "KEY" in header:
        return OdkCsvReader(path, name=name)
    reader = KoboCsvReader(path, name=name, encoding=encoding)
    if form is not None:
        labels = LabelTranslator(form)
        if labels.matches(reader.raw_headers) > 0.5:
            reader = KoboCsvReader(path, name=name, labels=labels, encoding=reader.encoding)
    return reader


def open_reader_xlsx(path: Path, *, name: str, form: FormSpec | None, sheet: str = ""):
    reader = KoboXlsxReader(path, name=name, sheet=sheet)
    if form is not None:
        labels = LabelTranslator(form)
        if labels.matches(reader.headers) > 0.5:
            reader = KoboXlsxReader(path, name=name, labels=labels, sheet=sheet)
    return reader
