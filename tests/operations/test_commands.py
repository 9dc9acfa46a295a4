"""The measuring tools: synthetic cases and the in-process part of the benchmark."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cases import counts
from cases.models import Impact, Innovation, Institution, SearchTerm
from tests.helpers import assert_derived_right, row_slugs

pytestmark = pytest.mark.django_db


def test_generate_cases_refuses_without_yes():
    with pytest.raises(CommandError, match="say so with --yes"):
        call_command("generate_cases", "10")
    assert Innovation.objects.count() == 12


def test_generate_cases_adds_clearly_synthetic_published_cases(client, capsys):
    client.get("/")  # cached before the new cases exist
    call_command("generate_cases", "30", "--yes")
    assert "Added 30 synthetic published cases." in capsys.readouterr().out
    synthetic = Innovation.objects.filter(slug__startswith="synthetic-case-")
    assert synthetic.count() == 30
    assert not synthetic.exclude(status=Innovation.Status.PUBLISHED).exists()
    assert not synthetic.filter(themes__isnull=True).exists()
    assert not synthetic.filter(impacts__isnull=True).exists()
    assert all(case.title.startswith("Synthetic case") for case in synthetic)
    assert Institution.objects.filter(slug__startswith="synthetic-").count() == 60
    assert Impact.objects.filter(innovation__in=synthetic).count() >= 30
    # Visible at once (the catalogue version moved on), and searchable.
    assert "42 cases." in client.get("/").content.decode()
    response = client.get("/", {"q": "synthetic narrative"})
    assert "of 30 cases." in response.content.decode()
    assert all(slug.startswith("synthetic-case-") for slug in row_slugs(response))

    call_command("generate_cases", "5", "--yes")
    assert Innovation.objects.filter(slug__startswith="synthetic-case-").count() == 35


def test_generate_cases_and_recount_choose_the_common_search_terms_anew(monkeypatch, capsys):
    """Words in 20 cases or more: after adding 30 synthetic cases, theirs (PostgreSQL)."""
    monkeypatch.setattr(counts, "COMMON_TERM_CASES", 20)
    call_command("generate_cases", "30", "--yes")
    synthetic = SearchTerm.objects.filter(term__startswith="synthet")
    assert synthetic.exists() == (connection.vendor == "postgresql")
    assert_derived_right()
    call_command("generate_cases", "5", "--yes")
    assert_derived_right()
    monkeypatch.setattr(counts, "COMMON_TERM_CASES", 10**6)
    call_command("recount")
    assert not SearchTerm.objects.exists()
    said = capsys.readouterr().out
    assert "common search terms" in said
    assert "0 common search terms" in said
    assert_derived_right()


def test_bench_measures_pages_in_process(capsys):
    call_command("bench", "--measure", "--repeat", "2", "--warmup", "1")
    measured = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    pages = measured["pages"]
    assert pages["/"]["queries"] == 8
    assert pages["/matrix/"]["queries"] == 5
    assert all(page["p95"] >= page["median"] > 0 for page in pages.values())
