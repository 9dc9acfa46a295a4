"""A case's copy of its institution's place in Table 1 (Innovation.institution_position,
which Table 1's order and the place filters read through an index) is written by the database
itself: when a case is added or moves to another institution, and when an institution moves,
whoever writes (save(), loaddata, a QuerySet.update(), a line of SQL). A case's copy written
by hand is put back. Before, save() wrote it and a raw load or a line of SQL left it wrong.

PostgreSQL: the case's copy is read from its institution before the row is written; the
version triggers (migration 0022) have already taken the writers' turn, so an institution
that moves and a case added to it at the same moment are written one after the other.
SQLite: after each row, as SQLite cannot change the row being written."""

from django.db import migrations

POSTGRES = [
    """
CREATE OR REPLACE FUNCTION innohub_case_position() RETURNS trigger AS $$
BEGIN
    NEW.institution_position := COALESCE(
        (SELECT position FROM cases_institution WHERE id = NEW.institution_id), 0);
    RETURN NEW;
END
$$ LANGUAGE plpgsql
""",
    "CREATE TRIGGER innohub_case_position BEFORE INSERT OR UPDATE OF institution_id, "
    "institution_position ON cases_innovation FOR EACH ROW "
    "EXECUTE FUNCTION innohub_case_position()",
    """
CREATE OR REPLACE FUNCTION innohub_institution_position() RETURNS trigger AS $$
BEGIN
    UPDATE cases_innovation SET institution_position = NEW.position
    WHERE institution_id = NEW.id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
""",
    "CREATE TRIGGER innohub_institution_position AFTER UPDATE OF position ON cases_institution "
    "FOR EACH ROW WHEN (OLD.position IS DISTINCT FROM NEW.position) "
    "EXECUTE FUNCTION innohub_institution_position()",
]
POSTGRES_UNDO = [
    "DROP TRIGGER IF EXISTS innohub_case_position ON cases_innovation",
    "DROP TRIGGER IF EXISTS innohub_institution_position ON cases_institution",
    "DROP FUNCTION IF EXISTS innohub_case_position()",
    "DROP FUNCTION IF EXISTS innohub_institution_position()",
]

ITS_POSITION = "COALESCE((SELECT position FROM cases_institution WHERE id = NEW.institution_id), 0)"
SQLITE = [
    "CREATE TRIGGER innohub_case_position_insert AFTER INSERT ON cases_innovation BEGIN "
    f"UPDATE cases_innovation SET institution_position = {ITS_POSITION} WHERE id = NEW.id; END",
    "CREATE TRIGGER innohub_case_position_update AFTER UPDATE OF institution_id, "
    "institution_position ON cases_innovation BEGIN "
    f"UPDATE cases_innovation SET institution_position = {ITS_POSITION} "
    f"WHERE id = NEW.id AND institution_position IS NOT {ITS_POSITION}; END",
    "CREATE TRIGGER innohub_institution_position AFTER UPDATE OF position ON cases_institution "
    "WHEN OLD.position IS NOT NEW.position BEGIN "
    "UPDATE cases_innovation SET institution_position = NEW.position "
    "WHERE institution_id = NEW.id; END",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS innohub_case_position_insert",
    "DROP TRIGGER IF EXISTS innohub_case_position_update",
    "DROP TRIGGER IF EXISTS innohub_institution_position",
]


def add_triggers(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRES if postgres else SQLITE:
        schema_editor.execute(statement)
    # Copies a raw load or a line of SQL left wrong are put right once.
    its_position = ITS_POSITION.replace("NEW.", "cases_innovation.")
    schema_editor.execute(
        f"UPDATE cases_innovation SET institution_position = {its_position} "
        f"WHERE institution_position <> {its_position}"
    )


def drop_triggers(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRES_UNDO if postgres else SQLITE_UNDO:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cases", "0022_version_moved_by_the_database")]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
