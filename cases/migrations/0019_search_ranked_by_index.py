"""Searches ranked by an index (PostgreSQL, where the RUM extension is installed): a RUM index
on each language's search document keeps each word's positions, so a search returns its
matches best first without reading every match's document (docs/performance.md). Where the
extension is not installed, or this database role may not create it, nothing is made and
searches rank as before (search.ranks_by_index tells which)."""

from django.db import migrations

from cases import search


def create_rank_indexes(apps, schema_editor):
    search.make_rank_indexes(schema_editor.connection)


def drop_rank_indexes(apps, schema_editor):
    search.drop_rank_indexes(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0018_common_search_terms"),
    ]

    operations = [migrations.RunPython(create_rank_indexes, drop_rank_indexes)]
