"""Nothing an editor did is lost: migrations go back and forth, and a dump of the catalogue
loads into an empty database as it was.

These tests empty the database (they need real transactions), so they run last, with the
browser tests (conftest.py)."""

import io
import json
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from cases import counts
from cases.models import CatalogueVersion, Innovation, Partner

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

    assert dump() == before
    assert Innovation.objects.get(slug="design-thinking").title == "Edited by an editor"
    if connection.vendor == "postgresql":  # searchable again: the vectors were rebuilt
        assert Innovation.objects.search("passport").filter(slug="design-thinking").exists()
    assert CatalogueVersion.current() > 0
    assert counts.kept() == +counts.full_count()  # the kept counts follow the load


@pytest.mark.django_db(transaction=True)
def test_two_editors_publishing_one_case_at_once_count_it_once():
    """The kept counts lock the cases they read (counts.contributions): the second editor
    waits for the first, sees the case published, and counts nothing more."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite writes one at a time")
    call_command("seed", verbosity=0)
    case = Innovation.objects.get(slug="design-thinking")
    Innovation.objects.filter(pk=case.pk).withdraw()
    first_wrote = threading.Event()

    def first():
        try:
            with transaction.atomic():
                Innovation.objects.filter(pk=case.pk).publish()
                first_wrote.set()
                time.sleep(0.5)  # the second editor publishes now, and must wait
        finally:
            connection.close()

    def second():
        try:
            first_wrote.wait(5)
            Innovation.objects.filter(pk=case.pk).publish()
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert Innovation.objects.get(pk=case.pk).status == Innovation.Status.PUBLISHED
    assert counts.kept() == +counts.full_count()
