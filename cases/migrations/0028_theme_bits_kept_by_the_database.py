"""Each counted copy holds its case's themes as bits (CountedCase.theme_bits: the sum of
1 << theme id), written by the database itself, whoever writes: when a copy is made (from its
case's theme links as they stand) and after every statement that adds, changes or deletes
theme links (for the copies of the cases it touched). A theme whose id is THEME_BITS or more
does not fit: its cases' bits are NULL, and their themes are counted through their links.
Why: counting the themes of a search's ten thousand matches looked up each match's links,
three quarters of the count's time; reading the bits on the match's own row costs next to
nothing (docs/performance.md). Then every copy is made anew (as migration 0025 does)."""

from importlib import import_module

from django.db import migrations, models

copies = import_module("cases.migrations.0025_copies_kept_by_the_database")
documents = import_module("cases.migrations.0027_search_documents_kept_by_the_database")

BITS = 63  # CountedCase.THEME_BITS: a bigint's bits but its sign's
COPY = copies.COPY
LINKS = "cases_innovation_themes"


def bits_of(case):
    """SQL of the theme bits of the case whose id is the SQL `case`, read from its links."""
    return (
        f"(SELECT CASE WHEN MAX(theme_id) >= {BITS} THEN NULL ELSE COALESCE(SUM(CASE WHEN "
        f"theme_id < {BITS} THEN CAST(1 AS bigint) << CAST(theme_id AS integer) END), 0) END "
        f"FROM {LINKS} WHERE innovation_id = {case})"
    )


def postgres():
    yield (
        "CREATE OR REPLACE FUNCTION innohub_copy_theme_bits() RETURNS trigger AS $$ "
        f"BEGIN NEW.theme_bits := {bits_of('NEW.innovation_id')}; RETURN NEW; END "
        "$$ LANGUAGE plpgsql"
    )
    yield (
        f"CREATE TRIGGER innohub_copy_theme_bits BEFORE INSERT ON {COPY} "
        "FOR EACH ROW EXECUTE FUNCTION innohub_copy_theme_bits()"
    )
    branches = " ".join(
        f"IF TG_OP = '{event}' THEN ids := ARRAY({select}); END IF;"
        for event, select in zip(documents.EVENTS, documents.PARTS)
    )
    yield (
        "CREATE OR REPLACE FUNCTION innohub_links_theme_bits() RETURNS trigger AS $$ "
        f"DECLARE ids bigint[]; BEGIN {branches} "
        f"UPDATE {COPY} c SET theme_bits = b.bits FROM (SELECT touched.case_id, "
        f"{bits_of('touched.case_id')} AS bits FROM unnest(ids) touched (case_id)) b "
        "WHERE c.innovation_id = b.case_id AND c.theme_bits IS DISTINCT FROM b.bits; "
        "RETURN NULL; END $$ LANGUAGE plpgsql"
    )
    for event in documents.EVENTS:
        yield (
            f"CREATE TRIGGER innohub_links_theme_bits_{event.lower()} AFTER {event} ON {LINKS} "
            f"REFERENCING {documents.TRANSITIONS[event]} FOR EACH STATEMENT "
            "EXECUTE FUNCTION innohub_links_theme_bits()"
        )


def sqlite():
    def written(case):
        return f"UPDATE {COPY} SET theme_bits = {bits_of(case)} WHERE innovation_id = {case};"

    yield (
        f"CREATE TRIGGER innohub_copy_theme_bits AFTER INSERT ON {COPY} "
        f"BEGIN {written('NEW.innovation_id')} END"
    )
    cases = {"INSERT": ["NEW"], "UPDATE": ["OLD", "NEW"], "DELETE": ["OLD"]}
    for event, rows in cases.items():
        each = " ".join(written(f"{row}.innovation_id") for row in rows)
        yield (
            f"CREATE TRIGGER innohub_links_theme_bits_{event.lower()} AFTER {event} ON {LINKS} "
            f"BEGIN {each} END"
        )


def add_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for statement in postgres() if postgresql else sqlite():
        schema_editor.execute(statement)
    copies.copy_every_case(schema_editor, postgresql)


def drop_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    on = f" ON {COPY}" if postgresql else ""
    schema_editor.execute(f"DROP TRIGGER IF EXISTS innohub_copy_theme_bits{on}")
    for event in documents.EVENTS:
        on = f" ON {LINKS}" if postgresql else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS innohub_links_theme_bits_{event.lower()}{on}")
    if postgresql:
        schema_editor.execute("DROP FUNCTION IF EXISTS innohub_copy_theme_bits()")
        schema_editor.execute("DROP FUNCTION IF EXISTS innohub_links_theme_bits()")


class Migration(migrations.Migration):
    dependencies = [("cases", "0027_search_documents_kept_by_the_database")]

    operations = [
        migrations.AddField(
            model_name="countedcase",
            name="theme_bits",
            field=models.BigIntegerField(null=True),
        ),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
