"""The derived data know the catalogue version they match (CatalogueVersion.derived): a page
reads them only when it is the version now, and counts live otherwise (until a rebuild,
`manage.py recount`, catches up). A catalogue migrated here starts behind: its derived data
were kept by differences that a line of SQL or a QuerySet.update() could leave wrong, so its
pages count live until the first recount.

The tables the derived data never read (a case's sources, partners, awards and links, an
institution's facts) keep them matching when they did: their triggers move `derived` with the
number. The others' triggers (migration 0022) move the number alone, and only a writer that
moves the derived data with its write or a rebuild moves `derived` after it."""

from django.db import migrations, models

ASIDE = [
    "cases_institutionfact",
    "cases_source",
    "cases_partner",
    "cases_award",
    "cases_collaboration",
    "cases_caselink",
    "cases_innovation_sources",
]
WRITERS_LOCK = 160_016  # models.version.WRITERS_LOCK
CHANNEL = "innohub_catalogue_version"  # models.version.CHANNEL
WRITES = ("INSERT", "UPDATE", "DELETE")
IN_STEP = "derived = CASE WHEN derived = number THEN number + 1 ELSE derived END"

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION innohub_catalogue_changed_aside() RETURNS trigger AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({WRITERS_LOCK});
    UPDATE cases_catalogueversion SET number = number + 1, {IN_STEP} WHERE id = 1;
    IF NOT FOUND THEN
        INSERT INTO cases_catalogueversion (id, number, derived) VALUES (1, 1, 1)
        ON CONFLICT (id) DO NOTHING;
    END IF;
    NOTIFY {CHANNEL};
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def trigger_name(table, write=""):  # as migration 0022 names them
    return f"innohub_version_{table}{'_' + write.lower() if write else ''}"


def sqlite_trigger(table, write, set_clause):
    return (
        f"CREATE TRIGGER {trigger_name(table, write)} AFTER {write} ON {table} "
        "BEGIN INSERT INTO cases_catalogueversion (id, number, derived) VALUES (1, 1, 1) "
        f"ON CONFLICT (id) DO UPDATE SET {set_clause}; END"
    )


def replace_triggers(schema_editor, aside):
    execute = schema_editor.execute
    function = "innohub_catalogue_changed_aside" if aside else "innohub_catalogue_changed"
    set_clause = f"number = number + 1, {IN_STEP}" if aside else "number = number + 1"
    for table in ASIDE:
        if schema_editor.connection.vendor == "postgresql":
            execute(f"DROP TRIGGER IF EXISTS {trigger_name(table)} ON {table}")
            execute(
                f"CREATE TRIGGER {trigger_name(table)} BEFORE INSERT OR UPDATE OR DELETE OR "
                f"TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
        else:
            for write in WRITES:
                execute(f"DROP TRIGGER IF EXISTS {trigger_name(table, write)}")
                execute(sqlite_trigger(table, write, set_clause))


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION)
    replace_triggers(schema_editor, aside=True)


def backward(apps, schema_editor):
    replace_triggers(schema_editor, aside=False)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS innohub_catalogue_changed_aside()")


class Migration(migrations.Migration):
    dependencies = [("cases", "0023_positions_kept_by_the_database")]

    operations = [
        # ADD COLUMN rather than Django's way on SQLite, which copies the table into a new one
        # and renames it, which the triggers that write to the table do not survive.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="catalogueversion",
                    name="derived",
                    field=models.PositiveBigIntegerField(db_default=0, default=0),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE cases_catalogueversion ADD COLUMN derived bigint "
                    "DEFAULT 0 NOT NULL CHECK (derived >= 0)",
                    "ALTER TABLE cases_catalogueversion DROP COLUMN derived",
                ),
            ],
        ),
        migrations.RunPython(forward, backward),
    ]
