"""Import errors (ImportRun.error) as a code and its parameters, read in the reader's
language (intake/run_errors.py).

Errors stored before held a sentence in the language of whoever ran the import. Where
that sentence is one of run_errors.py's (in English or French), the run gets its code and
parameters and the sentence is dropped; any other text stays and reads as written."""

from django.conf import settings
from django.db import migrations


def codes_for_stored_errors(apps, schema_editor):
    from sitetrack.intake.log_messages import legacy_code, legacy_patterns
    from sitetrack.intake.run_errors import ERRORS

    ImportRun = apps.get_model("intake", "ImportRun")
    patterns = legacy_patterns([code for code, _name in settings.LANGUAGES], (ERRORS,))
    changed = []
    for run in ImportRun.objects.exclude(error__isnull=True).only("id", "error").iterator():
        error = run.error
        if not isinstance(error, dict) or error.get("code") or not error.get("message"):
            continue
        found = legacy_code(str(error["message"]), patterns)
        if found:
            code, params = found
            run.error = {k: v for k, v in error.items() if k != "message"} | {"code": code, "params": params}
            changed.append(run)
    ImportRun.objects.bulk_update(changed, ["error"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("intake", "0006_log_code_params")]

    operations = [migrations.RunPython(codes_for_stored_errors, migrations.RunPython.noop)]
