from django.db import migrations

# The place filters name each institution by its id and its position in Table 1 (filters.py),
# two columns of the cases that always go together. PostgreSQL assumes columns independent
# unless told: it took one institution for 27 cases instead of 1,700, and sorted a whole
# region's cases instead of reading Table 1's index. These statistics tell it.
STATISTICS = "innovation_institution_place"


def statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE STATISTICS {STATISTICS} (dependencies) "
            "ON institution_position, institution_id FROM cases_innovation"
        )
        schema_editor.execute("ANALYZE cases_innovation")


def no_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


def count_the_new_kinds(apps, schema_editor):
    """Left to the first rebuild after migration 0024, which finds the derived data behind
    (pages count live until then)."""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0016_similar_candidates"),
    ]

    operations = [
        migrations.RunPython(statistics, no_statistics),
        migrations.RunPython(count_the_new_kinds, migrations.RunPython.noop),
    ]
