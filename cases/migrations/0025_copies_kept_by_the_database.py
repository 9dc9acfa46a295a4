"""Each published case's counted copy (models.CountedCase) is written by the database itself:
when a case is added, deleted, or changes in a column its copy holds (its status, its
institution and place, stage, branch, year started, search documents), whoever writes. Before,
the application wrote it by difference in each write, and a line of SQL left it wrong.

PostgreSQL: after each row; the copy is written only when one of those columns changed, as
writing it writes its documents into the copies' search indexes too. SQLite: the same, the
copy read from the case's row as it stands (after migration 0023's trigger has given it its
institution's place). Then every copy is made anew, the indexes built after the rows."""

from django.db import migrations

COPY = "cases_countedcase"
COLUMNS = [
    "institution_id",
    "institution_position",
    "stage",
    "branch",
    "year_started",
    "search_vector",
    "search_vector_fr",
    "search_vector_es",
    "search_vector_de",
]
INDEXED = COLUMNS[5:]  # each with a GIN index on PostgreSQL (migration 0021)
PUBLISHED = "published"  # Innovation.Status.PUBLISHED
INTO = f"INSERT INTO {COPY} (innovation_id, {', '.join(COLUMNS)})"
ROW = f"SELECT id, {', '.join(COLUMNS)} FROM cases_innovation"

POSTGRES = [
    f"""
CREATE OR REPLACE FUNCTION innohub_case_copy() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM {COPY} WHERE innovation_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = '{PUBLISHED}' THEN
        {INTO} VALUES (NEW.id, {", ".join("NEW." + column for column in COLUMNS)});
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
""",
    "CREATE TRIGGER innohub_case_copy AFTER INSERT OR DELETE ON cases_innovation "
    "FOR EACH ROW EXECUTE FUNCTION innohub_case_copy()",
    "CREATE TRIGGER innohub_case_copy_update AFTER UPDATE ON cases_innovation FOR EACH ROW "
    f"WHEN ((OLD.status, {', '.join('OLD.' + column for column in COLUMNS)}) "
    f"IS DISTINCT FROM (NEW.status, {', '.join('NEW.' + column for column in COLUMNS)})) "
    "EXECUTE FUNCTION innohub_case_copy()",
]
POSTGRES_UNDO = [
    "DROP TRIGGER IF EXISTS innohub_case_copy ON cases_innovation",
    "DROP TRIGGER IF EXISTS innohub_case_copy_update ON cases_innovation",
    "DROP FUNCTION IF EXISTS innohub_case_copy()",
]

COPIED = f"{INTO} {ROW} WHERE id = NEW.id AND status = '{PUBLISHED}';"
CHANGED = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in ["status", *COLUMNS])
SQLITE = [
    f"CREATE TRIGGER innohub_case_copy_insert AFTER INSERT ON cases_innovation BEGIN {COPIED} END",
    f"CREATE TRIGGER innohub_case_copy_update AFTER UPDATE ON cases_innovation WHEN {CHANGED} "
    f"BEGIN DELETE FROM {COPY} WHERE innovation_id = OLD.id; {COPIED} END",
    "CREATE TRIGGER innohub_case_copy_delete AFTER DELETE ON cases_innovation "
    f"BEGIN DELETE FROM {COPY} WHERE innovation_id = OLD.id; END",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS innohub_case_copy_insert",
    "DROP TRIGGER IF EXISTS innohub_case_copy_update",
    "DROP TRIGGER IF EXISTS innohub_case_copy_delete",
]


def add_triggers(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRES if postgres else SQLITE:
        schema_editor.execute(statement)
    copy_every_case(schema_editor, postgres)


def copy_every_case(schema_editor, postgres):
    """Every copy anew, the search indexes dropped meanwhile: built at once afterwards, where
    writing the copies into them took minutes at 100,000 cases."""
    execute = schema_editor.execute
    if postgres:
        # The copies' foreign keys are checked at once, so that no check waits for the
        # commit: PostgreSQL builds no index on a table with checks waiting.
        execute("SET CONSTRAINTS ALL IMMEDIATE")
        for column in INDEXED:
            execute(f"DROP INDEX IF EXISTS {COPY}_{column}_gin")
    execute(f"DELETE FROM {COPY}")
    execute(f"{INTO} {ROW} WHERE status = '{PUBLISHED}'")
    if postgres:
        for column in INDEXED:
            execute(
                f"CREATE INDEX {COPY}_{column}_gin ON {COPY} "
                f"USING gin ({column}) WITH (fastupdate = off)"
            )
        execute(f"ANALYZE {COPY}")


def drop_triggers(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRES_UNDO if postgres else SQLITE_UNDO:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cases", "0024_derived_data_know_their_version")]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
