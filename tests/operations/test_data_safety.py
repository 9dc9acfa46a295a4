"""Nothing an editor did is lost: migrations go back and forth, and a dump of the catalogue
loads into an empty database as it was.

These tests empty the database (they need real transactions), so they run last, with the
browser tests (conftest.py)."""

import io
import json
import os
import subprocess
import threading
import time

import psycopg
import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.dateparse import parse_datetime

from cases import counts, pagecache, search
from cases.management.commands.bench import Visitor, gunicorn
from cases.models import (
    CATALOGUE_MODELS,
    CatalogueVersion,
    Impact,
    Innovation,
    Partner,
    Source,
    Theme,
)
from tests.factories import bulk_cases as add_cases
from tests.helpers import assert_derived_right, row_slugs, suggestion

CATALOGUE = [
    "cases.theme",
    "cases.institution",
    "cases.institutionfact",
    "cases.source",
    "cases.partner",
    "cases.innovation",
    "cases.impact",
    "cases.collaboration",
    "cases.award",
]


def dump():
    out = io.StringIO()
    call_command(
        "dumpdata", *CATALOGUE, natural_foreign=True, natural_primary=True, indent=1, stdout=out
    )
    records = json.loads(out.getvalue())
    for item in records:
        item["fields"].pop("search_vector", None)  # derived, rebuilt on load
    return records


def as_instants(records):
    """The records with their times as instants: a time dumped as "…:23.000Z" (microseconds
    under a millisecond, which the dump leaves out) loads and dumps again as "…:23Z"."""
    for item in records:
        for name, value in item["fields"].items():
            if isinstance(value, str) and (when := parse_datetime(value)) is not None:
                item["fields"][name] = when
    return records


@pytest.mark.django_db(transaction=True)
def test_migrations_go_to_zero_and_back():
    call_command("seed", verbosity=0)
    call_command("migrate", "cases", "zero", verbosity=0)
    assert "cases_innovation" not in connection.introspection.table_names()
    call_command("migrate", verbosity=0)
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    call_command("seed", verbosity=0)
    assert Innovation.objects.published().count() == 12
    assert Partner.objects.count() == 8


def document_indexes():
    """{name: definition} of the search documents' indexes (PostgreSQL's GIN and RUM)."""
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexdef ~ ' USING (gin|rum) '"
        )
        return dict(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_the_counted_copies_migration_undone_and_done_again_on_a_catalogue_leaves_them_right():
    """The migrations that write the counted copies' triggers (0025 to 0028) go back and
    forth over a catalogue with its cases (on PostgreSQL 0025 failed: its copies'
    foreign-key checks waited for the commit, and no index can be built while they wait),
    and every copy, document and index is made again from the records."""
    call_command("seed", verbosity=0)
    indexes = document_indexes()
    call_command("migrate", "cases", "0024", verbosity=0)
    call_command("migrate", verbosity=0)
    assert_derived_right()
    # Migration 0027 writes every document anew with their indexes dropped: made again.
    assert document_indexes() == indexes
    gin = 2 * len(search.VECTOR_FIELDS) if connection.vendor == "postgresql" else 0
    assert len([name for name in indexes if name.endswith("_gin")]) == gin  # cases', copies'
    if connection.vendor == "postgresql":
        assert Innovation.objects.search("passport").filter(slug="design-thinking").exists()
    case = Innovation.objects.get(slug="design-thinking")
    case.themes.add(Theme.objects.get(slug="leadership"))
    assert_derived_right()


@pytest.mark.django_db(transaction=True)
def test_a_catalogue_seeded_before_the_review_of_the_article_and_translations_is_set_right():
    """Migration 0029: the article's record as the seed wrote it (presented at the forum, no
    publisher; the design-thinking case started in 2022) becomes the ISSA's article on
    experiences presented there, in four languages, without the year; another source's
    event is kept as a sentence; the sources still move the catalogue's version. Migrations
    0030 and 0033: the translations still as seeded become the reviewed ones; an editor's are
    kept."""
    call_command("seed", verbosity=0)
    call_command("migrate", "cases", "0028", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_source SET publisher = '', presented_at = CASE slug "
            "WHEN 'innovation-through-collaboration' THEN %s WHEN 'nolan-2021' THEN %s "
            "ELSE '' END",
            [
                "the World Social Security Forum (WSSF), Marrakech, Morocco, 24–28 October 2022",
                "a webinar, 2 December 2021",
            ],
        )
        cursor.execute(
            "UPDATE cases_innovation SET year_started = 2022 WHERE slug = 'design-thinking'"
        )
        # Translations as the seed wrote them before the review (0030), one changed since.
        cursor.execute(
            "UPDATE cases_theme SET name_de = 'Nachhaltiges Engagement der Führung', "
            "name_fr = 'Engagement durable des dirigeants' WHERE slug = 'leadership'"
        )
        cursor.execute(
            "UPDATE cases_innovation SET summary_fr = %s WHERE slug = 'agile-benefit-design'",
            [
                "Innovation politique (Allocation canadienne pour la formation) grâce à des "
                "méthodes de travail agiles."
            ],
        )
        cursor.execute(
            "UPDATE cases_innovation SET summary_es = 'Written by an editor.' "
            "WHERE slug = 'automation-and-play-labs'"
        )
    call_command("migrate", verbosity=0)
    leadership = Theme.objects.get(slug="leadership")
    assert leadership.name_de == "Anhaltendes Engagement der Führung"
    assert leadership.name_fr == "Engagement soutenu des dirigeants"  # 0033
    agile = Innovation.objects.get(slug="agile-benefit-design")
    assert agile.summary_fr.startswith("Innovation en matière de politiques publiques")
    labs = Innovation.objects.get(slug="automation-and-play-labs")
    assert labs.summary_es == "Written by an editor."  # an editor's text is kept
    article = Source.objects.get(slug="innovation-through-collaboration")
    assert article.publisher == "International Social Security Association (ISSA)"
    assert article.context.startswith("On experiences presented at the World Social Security")
    assert article.text("context", "fr").startswith("Sur des expériences présentées au Forum")
    assert (
        Source.objects.get(slug="nolan-2021").context == "Presented at a webinar, 2 December 2021."
    )
    assert Innovation.objects.get(slug="design-thinking").year_started is None
    before = CatalogueVersion.current()
    Source.objects.filter(slug="wong-2020").update(note="Quoted on leadership.")
    assert CatalogueVersion.current() > before
    assert_derived_right()


@pytest.mark.django_db(transaction=True)
def test_a_dump_of_the_catalogue_loads_into_an_empty_database_as_it_was(tmp_path):
    call_command("seed", verbosity=0)
    case = Innovation.objects.get(slug="design-thinking")
    case.title = "Edited by an editor"
    case.save()
    before = dump()
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(before))

    call_command("flush", interactive=False, verbosity=0)
    assert not Innovation.objects.exists()
    call_command("loaddata", str(path), verbosity=0)

    assert as_instants(dump()) == as_instants(before)
    assert Innovation.objects.get(slug="design-thinking").title == "Edited by an editor"
    if connection.vendor == "postgresql":  # searchable again: the vectors were rebuilt
        assert Innovation.objects.search("passport").filter(slug="design-thinking").exists()
    assert CatalogueVersion.current() > 0
    assert_derived_right()  # no page reads counts the load left behind


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_by_another_server_is_on_the_next_page(client):
    """Pages are cached under the catalogue version, which each connection hears of when it
    moves (CatalogueVersion.current: LISTEN/NOTIFY on PostgreSQL) instead of reading it on
    every request: a change committed elsewhere is on the very next page, and a page
    served again from the cache asks the database nothing."""
    call_command("seed", verbosity=0)
    page = "/innovations/design-thinking/"
    assert "Edited elsewhere" not in client.get(page).content.decode()
    served_again = 0 if connection.vendor == "postgresql" else 1  # SQLite reads the row
    with CaptureQueriesContext(connection) as queries:
        client.get(page)
    assert len(queries) == served_again

    def edit(title):  # another worker or server: its own connection
        try:
            case = Innovation.objects.get(slug="design-thinking")
            case.title = title
            case.save()
        finally:
            connection.close()

    def edit_elsewhere(title):
        if connection.vendor == "postgresql":
            thread = threading.Thread(target=edit, args=(title,))
            thread.start()
            thread.join(10)
        else:  # one connection to an in-memory database: the change is made on it
            edit(title)
        time.sleep(0.05)  # the announcement crosses the socket

    edit_elsewhere("Edited elsewhere")
    assert "Edited elsewhere" in client.get(page).content.decode()
    # Heard while this connection runs another query (and so read off its socket there).
    edit_elsewhere("Edited while a query ran")
    assert Innovation.objects.published().count() == 12
    assert "Edited while a query ran" in client.get(page).content.decode()
    # A connection opened anew (after an error, or its age) listens before it reads.
    connection.close()
    case = Innovation.objects.get(slug="design-thinking")
    case.title = "Edited again"
    case.save()
    assert "Edited again" in client.get(page).content.decode()


@pytest.mark.django_db(transaction=True)
def test_four_suggestions_with_one_title_at_once_are_all_kept():
    """Each chooses a free slug, and a suggestion that finds its slug taken by another saved
    at the same moment chooses again: four thanks, four cases, no server error (each of
    which mailed the admins)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database fails a second writer instead of waiting")
    call_command("seed", verbosity=0)
    start, answers = threading.Barrier(4), []

    def suggest():
        try:
            client = Client(raise_request_exception=False)
            start.wait(5)
            answers.append(client.post("/suggest/", suggestion()).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=suggest) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert answers == [302] * 4
    slugs = Innovation.objects.filter(title="Chatbot for student benefits").values_list(
        "slug", flat=True
    )
    assert sorted(slugs) == [
        "chatbot-for-student-benefits",
        "chatbot-for-student-benefits-2",
        "chatbot-for-student-benefits-3",
        "chatbot-for-student-benefits-4",
    ]
    assert not [message for message in mail.outbox if "ERROR" in message.subject]


def catalogue_tables():
    links = [field.remote_field.through for field in Innovation._meta.many_to_many]
    return [model._meta.db_table for model in (*CATALOGUE_MODELS, *links)]


@pytest.mark.django_db
def test_every_catalogue_table_moves_the_version_whoever_writes():
    """Each of the catalogue's tables has the trigger that moves the version (migration
    0022): a model added to the catalogue fails here until its migration adds one."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger")
        else:
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        guarded = {
            table for table, name in cursor.fetchall() if name.startswith("innohub_version_")
        }
    assert set(catalogue_tables()) <= guarded


def in_another_connection(sql, params=()):
    """A line of SQL as an operator would type it in psql: another connection, committed."""

    def run():
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
        finally:
            connection.close()

    if connection.vendor == "postgresql":
        thread = threading.Thread(target=run)
        thread.start()
        thread.join(10)
        time.sleep(0.05)  # the announcement crosses the socket
    else:  # one connection to an in-memory database
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


@pytest.mark.django_db(transaction=True)
def test_a_cached_page_follows_every_way_of_writing(client):
    """The page cache is keyed on the version the database moves: after a QuerySet.update(),
    a bulk_create(), a delete() or a line of SQL from another connection, the next page is
    the records as they are, never the copy made before."""
    call_command("seed", verbosity=0)
    page = "/innovations/design-thinking/"
    case = Innovation.objects.get(slug="design-thinking")

    def shown():
        client.get(page)  # made or sent from the cache
        return client.get(page).content.decode()

    assert "Passports by update" not in shown()
    Innovation.objects.filter(pk=case.pk).update(title="Passports by update")
    assert "Passports by update" in shown()
    Impact.objects.bulk_create([Impact(innovation=case, statement="Bulk created.", position=9)])
    assert "Bulk created." in shown()
    Impact.objects.filter(statement="Bulk created.").delete()
    assert "Bulk created." not in shown()
    in_another_connection(
        "UPDATE cases_innovation SET title = %s WHERE id = %s", ["Passports by SQL", case.pk]
    )
    assert "Passports by SQL" in shown()
    theme = case.themes.first()
    assert f"?theme={theme.slug}" in shown()
    in_another_connection("DELETE FROM cases_innovation_themes WHERE innovation_id = %s", [case.pk])
    assert f"?theme={theme.slug}" not in shown()


@pytest.mark.django_db(transaction=True)
def test_the_place_filters_follow_every_way_an_institution_or_case_moves(client):
    """Each case's copy of its institution's place in Table 1 (the place filters and Table
    1's order read it) is written by the database: an institution moved by a line of SQL,
    a case's copy written by hand and a case added by bulk_create() leave every page right."""
    call_command("seed", verbosity=0)

    def listed(**filters):
        pagecache.forget()
        return row_slugs(client.get("/", filters))

    first = listed()[:3]
    in_another_connection("UPDATE cases_institution SET position = 99 WHERE slug = 'esdc'")
    assert listed()[-3:] == first  # ESDC's cases now come last in Table 1's order
    assert listed(institution="esdc") == first
    Innovation.objects.filter(institution__slug="esdc").update(institution_position=0)
    assert listed(institution="esdc") == first
    add_cases(1, institution="esdc")
    assert len(listed(institution="esdc")) == 4
    assert len(listed(country="CA")) == 4


SEED_PAGES = [
    "/",
    "/?institution=esdc",
    "/?country=CA",
    "/?region=europe",
    "/?theme=leadership&country=SG",
    "/?q=passport",
    "/matrix/",
    "/map/",
    "/institutions/",
    "/institutions/kela/",
    "/themes/customer-centricity/",
    "/innovations/design-thinking/",
    "/fr/?institution=cpf",
]


def public_pages(client):
    pagecache.forget()
    pages = {address: client.get(address).content.decode() for address in SEED_PAGES}
    api = client.get("/api/innovations/", {"institution": "esdc"}).json()["results"]
    pages["api"] = [case["slug"] for case in api]
    return pages


@pytest.mark.django_db(transaction=True)
def test_loaddata_of_the_seed_gives_the_pages_that_seed_gives(client):
    """Django's own `loaddata fixtures/seed.json` into an empty database (how an operator
    restores records) saves raw, past save(): the pages, their filters by institution and
    country included, are those of `manage.py seed`."""
    call_command("seed", verbosity=0)
    seeded = public_pages(client)
    call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", str(settings.BASE_DIR / "fixtures" / "seed.json"), verbosity=0)
    loaded = public_pages(client)
    assert [address for address in seeded if loaded[address] != seeded[address]] == []
    assert loaded["api"] == [
        "agile-benefit-design",
        "staff-capabilities-for-innovation",
        "design-thinking",
    ]


@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_restored_into_an_empty_database_gives_the_same_pages(tmp_path):
    """pg_dump of the whole database and pg_restore into an empty one (how an operator moves
    or restores a server): a server on the copy gives every page as the original's did."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore are PostgreSQL's")
    call_command("seed", verbosity=0)
    with transaction.atomic():  # an editor's work, moved with its derived data
        Innovation.objects.filter(slug="design-thinking").update(title="Passports, redesigned")
        counts.recount()
    database = connection.settings_dict
    where = ["-h", database["HOST"], "-p", str(database["PORT"]), "-U", database["USER"]]
    copy, dump_file = f"{database['NAME']}_restored", tmp_path / "catalogue.dump"
    subprocess.run(["pg_dump", *where, "-Fc", "-f", dump_file, database["NAME"]], check=True)
    with psycopg.connect(dbname="postgres", **psycopg_where(database), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        db.execute(f'CREATE DATABASE "{copy}"')
    subprocess.run(["pg_restore", *where, "-d", copy, "--no-owner", dump_file], check=True)
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
    env = {
        **os.environ,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "INNOHUB_PAGE_SECONDS_PER_MINUTE": "0",
    }
    try:
        with (
            gunicorn({**env, "DATABASE_URL": f"{url}/{database['NAME']}"}, 1) as (original, _),
            gunicorn({**env, "DATABASE_URL": f"{url}/{copy}"}, 1) as (restored, _),
        ):
            pages = [address for address in SEED_PAGES if address != "/fr/?institution=cpf"]
            before = {address: Visitor(original).get(address) for address in pages}
            after = {address: Visitor(restored).get(address) for address in pages}
    finally:
        with psycopg.connect(dbname="postgres", **psycopg_where(database), autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
    assert before["/innovations/design-thinking/"][0] == 200
    assert "Passports, redesigned" in before["/innovations/design-thinking/"][1]
    assert [address for address in pages if after[address] != before[address]] == []


def psycopg_where(database):
    return {"host": database["HOST"], "port": database["PORT"], "user": database["USER"]}
