"""The cleaning log as the XLSX that humanitarian data teams exchange.

One line per change, rejection, flag or held duplicate, in the usual layout of cleaning
logs (uuid, question, old value, new value, issue, type of change, who and when), plus
where the value was in the file (sheet, row, column) and the rule that fired. The issue
is written in the language of whoever downloads the log (lines store a code).
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from sitetrack.core.xlsx import write_xlsx
from sitetrack.intake.models import ChangeType, CleaningLogEntry, ImportRun


def cleaning_log_headers() -> list[str]:
    return [
        "uuid",
        _("site_code"),
        _("file"),
        _("sheet"),
        _("row"),
        _("column"),
        _("question.name"),
        _("issue"),
        _("rule"),
        _("severity"),
        _("type_of_change"),
        _("changed"),
        _("old.value"),
        _("new.value"),
        _("changed_by"),
        _("changed_at"),
    ]


def cleaning_log_rows(run: ImportRun):
    who = run.created_by.get_username() if run.created_by_id else ""
    when = (run.finished_at or run.created_at).isoformat(timespec="seconds")
    labels = dict(ChangeType.choices)
    yield cleaning_log_headers()
    for e in CleaningLogEntry.objects.filter(run=run).order_by("id").iterator(chunk_size=5000):
        changed = e.change_type in (ChangeType.CHANGED, ChangeType.UPDATED)
        new_value = e.new_value
        if e.change_type == ChangeType.REJECTED:
            new_value = _("(submission rejected)")
        yield [
            e.uuid,
            e.site_code,
            run.file_name,
            e.sheet,
            e.row,
            e.column or e.field,
            e.field,
            e.message,
            e.rule,
            e.severity,
            str(labels.get(e.change_type, e.change_type)),
            _("yes") if changed else _("no"),
            e.old_value,
            new_value,
            who,
            when,
        ]


def write_cleaning_log(run: ImportRun, path: Path | str) -> Path:
    write_xlsx(path, [(_("cleaning_log"), cleaning_log_rows(run))])
    return Path(path)
