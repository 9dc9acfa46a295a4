"""Each case's search documents are written by the database itself (PostgreSQL), whoever
writes: after a case is added or its text or institution changes, after its theme links or
impacts change, and after a theme or an institution is renamed. Before, Django's signals wrote
them, and a line of SQL, a QuerySet.update() or a bulk_create() left them behind (a theme
link deleted in psql left the case found under that theme).

A function, writes.DOCUMENTS(case ids), writes the documents of the cases named, from the
same expressions as before (writes.documents_function); after each statement on one of the
tables a document reads, a trigger hands it the cases the statement touched (its transition
tables), so a bulk write is one UPDATE of documents. A writer that loads many records at once
may set `innohub.documents_later` for its transaction and call the function itself at the end
(generate_cases). Then every document is written anew. SQLite keeps no documents: its search
reads the texts themselves."""

from django.db import migrations

from cases import writes
from cases.languages import with_translations

LATER = "IF current_setting('innohub.documents_later', true) = 'on' THEN RETURN NULL; END IF;"


def changed(columns):
    """The ids of the updated rows (transition tables new_rows and old_rows) in which one of
    `columns` changed."""
    new = ", ".join(f"n.{column}" for column in columns)
    old = ", ".join(f"o.{column}" for column in columns)
    return (
        f"SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        f"WHERE ({new}) IS DISTINCT FROM ({old})"
    )


CASE_TEXT = [*with_translations("title", "summary", "story", "lessons", "reuse_needs")]
# A case's parts (theme links, impacts): the cases of the rows added, updated or deleted.
PARTS = (
    "SELECT innovation_id FROM new_rows",
    "SELECT innovation_id FROM new_rows UNION SELECT innovation_id FROM old_rows",
    "SELECT innovation_id FROM old_rows",
)
# For each table a document reads: (the cases of the rows a statement added, of those it
# updated, of those it deleted), each a SELECT of case ids, or None.
SOURCES = {
    "cases_innovation": (
        "SELECT id FROM new_rows",
        changed([*CASE_TEXT, "institution_id"]),
        None,
    ),
    "cases_innovation_themes": PARTS,
    "cases_impact": PARTS,
    "cases_theme": (
        None,
        "SELECT innovation_id FROM cases_innovation_themes WHERE theme_id IN "
        f"({changed(['slug', *with_translations('name')])})",
        None,
    ),
    "cases_institution": (
        None,
        "SELECT id FROM cases_innovation WHERE institution_id IN "
        f"({changed(['country', *with_translations('name', 'acronym')])})",
        None,
    ),
}
EVENTS = ("INSERT", "UPDATE", "DELETE")
TRANSITIONS = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}


def statements():
    """Per table, its trigger function and one trigger per event it follows (PostgreSQL
    gives transition tables only to a trigger of one event)."""
    for table, selects in SOURCES.items():
        function = f"innohub_documents_{table}"
        branches = " ".join(
            f"IF TG_OP = '{event}' THEN ids := ARRAY({select}); END IF;"
            for event, select in zip(EVENTS, selects)
            if select
        )
        # Only when some case's document reads what changed: the function's own UPDATE
        # fires the cases' trigger again, and a statement trigger fires even for no rows.
        write = f"IF cardinality(ids) > 0 THEN PERFORM {writes.DOCUMENTS}(ids); END IF;"
        yield (
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ "
            f"DECLARE ids bigint[]; BEGIN {LATER} {branches} {write} RETURN NULL; END "
            "$$ LANGUAGE plpgsql"
        )
        for event, select in zip(EVENTS, selects):
            if select:
                yield (
                    f"CREATE TRIGGER {function}_{event.lower()} AFTER {event} ON {table} "
                    f"REFERENCING {TRANSITIONS[event]} FOR EACH STATEMENT "
                    f"EXECUTE FUNCTION {function}()"
                )


def undo_statements():
    for table, selects in SOURCES.items():
        function = f"innohub_documents_{table}"
        for event, select in zip(EVENTS, selects):
            if select:
                yield f"DROP TRIGGER IF EXISTS {function}_{event.lower()} ON {table}"
        yield f"DROP FUNCTION IF EXISTS {function}()"
    yield f"DROP FUNCTION IF EXISTS {writes.DOCUMENTS}(bigint[])"


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(writes.documents_function())
        for statement in statements():
            cursor.execute(statement)
        with writes.without_document_indexes(schema_editor.connection):
            cursor.execute(f"SELECT {writes.DOCUMENTS}(ARRAY(SELECT id FROM cases_innovation))")


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in undo_statements():
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cases", "0026_derived_data_rebuilt_while_editors_write")]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
