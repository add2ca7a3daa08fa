"""Why an import could not run, stored as a code and its parameters and read in the
reader's language (as the cleaning log's lines are, log_messages.py).

`ImportRun.error` holds

    {"code": "missing_site_column", "params": {"column": "site_code", "hint": ...},
     "file": "export.xlsx", "sheet": "", "row": 1, "column": "site_code", "rule": ...}

and `error_message(error)` gives the sentence when someone reads it: the run's page, its
status API, the import command, the KoboToolbox pull. Errors stored before codes have
only their "message", in the language of whoever ran the import: shown as written;
migration 0007 gives the English ones their code where the text matches a sentence
below. A reader's problem that comes from the shared reading layer (core/tabular) keeps
its text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy

from sitetrack.assessments import findings

# The sentence of each code (the English text is the gettext message id).
ERRORS: dict[str, Any] = {
    # The run (services/runs.py).
    "round_closed": gettext_lazy("%(round)s is closed: its assessments are locked."),
    "all_or_nothing": gettext_lazy(
        "%(n)s submissions were rejected and the import was asked to be all-or-nothing: "
        "nothing was written. See the cleaning log."
    ),
    "internal_error": gettext_lazy(
        "The import stopped on an unexpected error and wrote nothing: %(error)s. "
        "Report it with the file if it happens again."
    ),
    "interrupted": gettext_lazy(
        "The import was interrupted (its process ended before it finished): nothing of it "
        "was written. Run it again."
    ),
    # The file as a whole (importer/checker.py).
    "no_identity_column": gettext_lazy(
        "The file has no _uuid or meta/instanceID column, and the mapping names no stable id "
        "column: map the export's response id column to submission_id."
    ),
    "xlsform_not_export": gettext_lazy(
        "This file is an XLSForm (a form's definition: type, name, label), not an export of "
        "its submissions. Download the data from KoboToolbox (Data → Downloads, XLS or CSV) "
        "and import that file; a form belongs on the XLSForm page."
    ),
    "other_form": gettext_lazy(
        "This looks like an export of another form: %(n)s of its %(total)s columns match the "
        "%(form)s form or the chosen mapping. Choose the right form, or choose or create a field "
        "mapping for this export (for a DTM export: the dtm-site-assessment mapping)."
    ),
    "missing_site_column": gettext_lazy("The required column %(column)s (the site code) is missing."),
    "missing_site_column_close": gettext_lazy(
        "The required column %(column)s (the site code) is missing. Closest columns in the file: %(columns)s."
    ),
    # Readers (readers/).
    "empty_file": gettext_lazy("The file is empty or missing."),
    "damaged_archive": gettext_lazy("The archive is truncated or damaged."),
    "no_sheet": gettext_lazy("The workbook has no sheet."),
    "no_such_sheet": gettext_lazy("The workbook has no sheet %(sheet)s; its sheets are: %(sheets)s."),
    "empty_main_sheet": gettext_lazy("The main sheet is empty."),
    "damaged_xlsx": gettext_lazy(
        "The file is not a readable XLSX workbook: it is truncated or damaged. Export it again."
    ),
    "csv_utf16": gettext_lazy("The CSV file is in UTF-16; export it again as UTF-8 (KoboToolbox's default)."),
    "csv_encoding": gettext_lazy("The CSV file is not in UTF-8 or Windows-1252: re-export it as UTF-8."),
    "csv_empty": gettext_lazy("The CSV file is empty."),
    "csv_malformed": gettext_lazy("The CSV file cannot be read after row %(row)s: %(error)s."),
    "json_no_results": gettext_lazy("The JSON has no 'results' list: is it a KoboToolbox API v2 data page?"),
    "json_shape": gettext_lazy("The JSON is neither a data page nor a list of submissions."),
    "json_syntax": gettext_lazy("The file is not valid UTF-8 JSON: %(error)s"),
    "json_not_object": gettext_lazy("Submission %(n)s is not a JSON object."),
    "zip_no_csv": gettext_lazy("The zip archive holds no CSV file."),
    "zip_bomb": gettext_lazy("The archive would expand far beyond its size: refused as a possible zip bomb."),
    "odk_no_key": gettext_lazy("The CSV has no KEY column: is it an ODK Central export?"),
}


def render(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The sentence of a code in the active language, its numbers as the language writes them."""
    return findings.fill(ERRORS[code], code, params or {})


def error_message(error: Mapping[str, Any] | None) -> str:
    """The sentence of a stored run error in the active language ("" for none)."""
    if not error:
        return ""
    code = error.get("code")
    if code in ERRORS:
        return render(code, error.get("params") or {})
    return str(error.get("message") or "")


def error_for_reader(error: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A stored run error with its `message` in the active language (pages, API)."""
    if not error:
        return None
    return {**error, "message": error_message(error)}


def coded(code: str, params: Mapping[str, Any] | None = None, **where: Any) -> dict[str, Any]:
    """A run error to store: the code, its parameters (JSON) and where it is."""
    return {"code": code, "params": dict(params or {}), **where}
