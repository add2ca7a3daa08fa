"""History reasons stored as a code and its parameters instead of a sentence.

Reasons saved before were sentences in the language of whoever saved them ("Returned:
recount block C", "Import export.xlsx (#12)"). Each distinct English sentence that
matches one of assessments/history.py's is rewritten as its code (what the user wrote
kept as written); any other text (another language, demo data) stays, and pages show it
as it was written. One UPDATE per distinct reason, not per row.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from sitetrack.assessments.history import legacy_reason

    History = apps.get_model("assessments", "HistoricalSiteAssessment")
    reasons = (
        History.objects.exclude(history_change_reason__isnull=True)
        .exclude(history_change_reason__startswith="{")
        .values_list("history_change_reason", flat=True)
        .distinct()
    )
    for text in list(reasons):
        stored = legacy_reason(text)
        if stored is not None:
            History.objects.filter(history_change_reason=text).update(history_change_reason=stored)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0004_findings_as_codes")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
