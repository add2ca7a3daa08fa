"""Cleaning-log lines as a code and its parameters (read in the reader's language).

Lines stored before keep their text in `issue`; where that text is one of the import's
sentences (in English or French), it is given the sentence's code and parameters and the
text is dropped, so that it reads in the reader's language and counts by rule."""

from django.conf import settings
from django.db import migrations, models

BATCH = 2000


def codes_for_stored_lines(apps, schema_editor):
    from sitetrack.intake.log_messages import legacy_code, legacy_patterns

    Entry = apps.get_model("intake", "CleaningLogEntry")
    patterns = legacy_patterns([code for code, _name in settings.LANGUAGES])
    pending = Entry.objects.filter(code="").exclude(issue="").order_by("id")
    last = 0
    while True:
        batch = list(pending.filter(id__gt=last)[:BATCH])
        if not batch:
            return
        last = batch[-1].id
        changed = []
        for entry in batch:
            found = legacy_code(entry.issue, patterns)
            if found:
                entry.code, entry.params = found
                entry.issue = ""
                changed.append(entry)
        Entry.objects.bulk_update(changed, ["code", "params", "issue"])


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0005_run_sheet_process_interrupted"),
    ]

    operations = [
        migrations.AddField(
            model_name="cleaninglogentry",
            name="code",
            field=models.CharField(blank=True, default="", max_length=60),
        ),
        migrations.AddField(
            model_name="cleaninglogentry",
            name="params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(codes_for_stored_lines, migrations.RunPython.noop),
    ]
