"""One general activity per sector, for published 3W rows whose activity is not listed."""

from django.db import migrations


def install(apps, schema_editor):
    from sitetrack.response.activity_types import GENERAL_ACTIVITY_TYPES

    ActivityType = apps.get_model("response", "ActivityType")
    for sector, (code, name_en, name_fr) in GENERAL_ACTIVITY_TYPES.items():
        ActivityType.objects.update_or_create(
            code=code, defaults={"sector": sector, "name_en": name_en, "name_fr": name_fr, "order": 99}
        )


class Migration(migrations.Migration):
    dependencies = [("response", "0002_activity_types")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
