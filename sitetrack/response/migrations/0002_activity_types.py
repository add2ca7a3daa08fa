"""Install the shipped per-sector list of 3W activities."""

from django.db import migrations


def install(apps, schema_editor):
    from sitetrack.response.activity_types import DEFAULT_ACTIVITY_TYPES

    ActivityType = apps.get_model("response", "ActivityType")
    for sector, entries in DEFAULT_ACTIVITY_TYPES.items():
        for order, (code, name_en, name_fr, unit) in enumerate(entries):
            ActivityType.objects.update_or_create(
                code=code,
                defaults={"sector": sector, "name_en": name_en, "name_fr": name_fr, "unit": unit, "order": order},
            )


class Migration(migrations.Migration):
    dependencies = [("response", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
