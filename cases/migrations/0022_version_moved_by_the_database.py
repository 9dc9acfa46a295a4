"""The catalogue version is moved on by the database itself: a trigger on each of the
catalogue's tables, so that every writer counts (the admin, a QuerySet.update(), loaddata, a
line of SQL in psql) and no cached page outlives a change.

PostgreSQL: one statement-level trigger per table, before the statement, which takes the
writers' turn (the advisory lock of CatalogueVersion.take_turn, before the statement locks
any row, so that writers queue in one order), moves the number on and announces it (NOTIFY,
heard by CatalogueVersion.current). SQLite: a trigger per table and kind of write, after each
row (SQLite has no statement triggers), which moves the number on.

Every table listed here must be one of models.CATALOGUE_MODELS' or their links' (a test checks
that each of them has its trigger)."""

from django.db import migrations

TABLES = [
    "cases_theme",
    "cases_institution",
    "cases_institutionfact",
    "cases_source",
    "cases_partner",
    "cases_innovation",
    "cases_impact",
    "cases_award",
    "cases_collaboration",
    "cases_caselink",
    "cases_innovation_themes",
    "cases_innovation_sources",
]
WRITERS_LOCK = 160_016  # models.version.WRITERS_LOCK
CHANNEL = "innohub_catalogue_version"  # models.version.CHANNEL
WRITES = ("INSERT", "UPDATE", "DELETE")

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION innohub_catalogue_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({WRITERS_LOCK});
    UPDATE cases_catalogueversion SET number = number + 1 WHERE id = 1;
    IF NOT FOUND THEN
        INSERT INTO cases_catalogueversion (id, number) VALUES (1, 1) ON CONFLICT (id) DO NOTHING;
    END IF;
    NOTIFY {CHANNEL};
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def trigger_name(table, write=""):
    return f"innohub_version_{table}{'_' + write.lower() if write else ''}"


def add_triggers(apps, schema_editor):
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        execute(POSTGRES_FUNCTION)
        for table in TABLES:
            execute(
                f"CREATE TRIGGER {trigger_name(table)} BEFORE INSERT OR UPDATE OR DELETE OR "
                f"TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION "
                "innohub_catalogue_changed()"
            )
    else:
        for table in TABLES:
            for write in WRITES:
                execute(
                    f"CREATE TRIGGER {trigger_name(table, write)} AFTER {write} ON {table} "
                    "BEGIN INSERT INTO cases_catalogueversion (id, number) VALUES (1, 1) "
                    "ON CONFLICT (id) DO UPDATE SET number = number + 1; END"
                )


def drop_triggers(apps, schema_editor):
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            execute(f"DROP TRIGGER IF EXISTS {trigger_name(table)} ON {table}")
        execute("DROP FUNCTION IF EXISTS innohub_catalogue_changed()")
    else:
        for table in TABLES:
            for write in WRITES:
                execute(f"DROP TRIGGER IF EXISTS {trigger_name(table, write)}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0021_counted_cases")]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
