"""Searches ranked by an index (PostgreSQL, where the RUM extension is installed): a RUM index
on each language's search document keeps each word's positions, so a search returns its
matches best first without reading every match's document (docs/performance.md). Where the
extension is not installed, or this database role may not create it, nothing is made and
searches rank as before (search.ranks_by_index tells which)."""

from django.db import migrations, transaction
from django.db.utils import DatabaseError

from cases import search


def create_rank_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        if cursor.fetchone() is None:
            return
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
        except DatabaseError:  # not allowed to: a superuser can create it (docs/deploying.md)
            return
        for index, field in search.rank_indexes().items():
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON cases_innovation "
                f"USING rum ({field} rum_tsvector_ops) WHERE status = 'published'"
            )
    search.check_rank_index(connection)  # asked again at once, not on the next page


def drop_rank_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for index in search.rank_indexes():
            cursor.execute(f"DROP INDEX IF EXISTS {index}")
    search.check_rank_index(connection)  # asked again at once, not on the next page


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0018_common_search_terms"),
    ]

    operations = [migrations.RunPython(create_rank_indexes, drop_rank_indexes)]
