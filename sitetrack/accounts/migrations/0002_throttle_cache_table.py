"""The table of the shared throttle cache (settings CACHES["throttle"], a DatabaseCache by
default): `createcachetable` makes it when missing, so `migrate` is enough to deploy."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
