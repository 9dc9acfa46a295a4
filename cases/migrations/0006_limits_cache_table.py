"""The table behind the "limits" cache (rate-limit counters, settings.CACHES) when there is no
Redis: made here so that every database that is migrated has it. `createcachetable` does
nothing for caches that are not in the database, or whose table exists already."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_roles_and_publication_dates")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
