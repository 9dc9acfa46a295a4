"""Searching with `q`: what it finds, how it ranks and highlights, and what it cannot search."""

import os

import pytest
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext

from cases import search, writes
from cases.filters import InnovationFilter
from cases.models import CountedCase, Impact, Innovation, Institution, Theme
from tests.helpers import fresh_get, row_slugs
from tests.seed_facts import TABLE_1

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ranked full-text search is PostgreSQL's"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("passport", ["design-thinking"]),
        ("GovCash", ["bold-experimentation"]),
        ("OCBC", ["bold-experimentation"]),
        ("Kela", TABLE_1["kela"]),  # the institution's name
        ("Employment and Social Development Canada", TABLE_1["esdc"]),
        ("customer centricity", TABLE_1["kela"]),  # a theme's name
    ],
)
def test_search_finds_cases_by_their_words_institution_and_theme(client, text, expected):
    assert sorted(row_slugs(client.get("/", {"q": text}))) == sorted(expected)


NOTHING_TO_LOOK_FOR = [
    "the and of",
    "!!! ... ???",
    "  - ",
    "“”",
    # Only words to leave out: they would match, count and rank nearly every case, for any
    # made-up word (docs/performance.md).
    "-benefit",
    "-zzzz -qqqq",
    '-"plain language"',
    "-the -benefit",
]


@pytest.mark.parametrize("text", NOTHING_TO_LOOK_FOR)
def test_a_search_with_nothing_to_look_for_is_explained(client, text):
    response = client.get("/", {"q": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your search has no words we can look for" in html
    assert "words with a minus before them" in html
    assert row_slugs(response) == []
    for address in ("/map/", "/matrix/", "/api/innovations/", "/data/cases.json"):
        assert client.get(address, {"q": text}).status_code in (200, 400), address
    assert client.get("/api/innovations/", {"q": text}).json()["count"] == 0


def test_a_word_to_leave_out_beside_one_to_look_for_narrows_the_search(client):
    found = row_slugs(client.get("/", {"q": "language"}))
    narrowed = row_slugs(client.get("/", {"q": "language -zzzz"}))
    assert narrowed and set(narrowed) <= set(found)
    html = client.get("/", {"q": "plain -language"}).content.decode()
    assert "<mark>language</mark>" not in html  # a word left out is not highlighted


def test_matched_words_are_highlighted_and_typed_html_is_not_run(client):
    html = client.get("/", {"q": "plain language"}).content.decode()
    assert "simple and <mark>plain</mark> <mark>language</mark>." in html

    case = Innovation.objects.get(slug="plain-language-website")
    case.summary = "<script>alert('x')</script> A plain summary."
    case.save()
    html = client.get("/", {"q": "plain"}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; A <mark>plain</mark> summary." in html


def test_search_follows_editors_changes_to_impacts_themes_and_institutions(client):
    impact = Impact.objects.get(innovation__slug="delegating-authority")
    impact.statement = "Staff take the initiative with zeppelins."
    impact.save()
    assert row_slugs(client.get("/", {"q": "zeppelins"})) == ["delegating-authority"]

    theme = Theme.objects.get(slug="leadership")
    theme.name = "Stewardship"
    theme.save()
    assert row_slugs(client.get("/", {"q": "stewardship"})) == ["leadership-engagement"]

    Innovation.objects.get(slug="design-thinking").themes.add(theme)
    assert sorted(row_slugs(client.get("/", {"q": "stewardship"}))) == [
        "design-thinking",
        "leadership-engagement",
    ]

    institution = Institution.objects.get(slug="kela")
    institution.name = "Kansaneläkelaitos"
    institution.save()
    # (Cases that match as well come in the order the index keeps them: by_relevance.)
    assert sorted(row_slugs(client.get("/", {"q": "Kansaneläkelaitos"}))) == sorted(TABLE_1["kela"])

    Impact.objects.filter(innovation__slug="delegating-authority").delete()
    assert row_slugs(client.get("/", {"q": "zeppelins"})) == []


def test_drafts_are_never_found(client):
    writes.withdraw(Innovation.objects.filter(slug="design-thinking"))
    assert row_slugs(client.get("/", {"q": "passport"})) == []


@postgres_only
def test_websearch_syntax_phrases_and_exclusions(client):
    assert row_slugs(client.get("/", {"q": '"plain language" -passport'})) == [
        "plain-language-website"
    ]
    assert row_slugs(client.get("/", {"q": "passport or govcash"})) == [
        "design-thinking",
        "bold-experimentation",
    ]
    # Stemming: "passports" finds "passport".
    assert row_slugs(client.get("/", {"q": "passports"})) == ["design-thinking"]


def needs_rank_index():
    """The RUM indexes exist where the extension is installed (.ci/run installs it)."""
    if not search.ranks_by_index():
        if os.environ.get("CI"):
            pytest.fail("CI installs PostgreSQL's RUM extension (.ci/run), yet there is no index")
        pytest.skip("PostgreSQL's RUM extension is not installed here")


@postgres_only
@pytest.mark.parametrize("by_index", [True, False], ids=["ranked by the index", "by ts_rank"])
def test_results_are_ranked_best_match_first(client, monkeypatch, by_index):
    """Where the RUM extension is installed, and where it is not (ts_rank over the matches)."""
    if by_index:
        needs_rank_index()
    search.ranks_by_index()  # asked, so that the answer can be replaced
    monkeypatch.setattr(connection, "innohub_ranks_by_index", by_index)
    slugs = row_slugs(client.get("/", {"q": "experimentation"}))
    # The two cases with the word in their title come before those with it elsewhere.
    assert set(slugs[:2]) == {"bold-experimentation", "experimentation-fund"}
    assert "automation-and-play-labs" in slugs[2:]
    # Choosing the table's order puts them back in Table 1's order.
    table = row_slugs(client.get("/", {"q": "experimentation", "sort": "table"}))
    assert sorted(table) == sorted(slugs)
    everything = [slug for slugs in TABLE_1.values() for slug in slugs]
    assert table == [slug for slug in everything if slug in table]


@postgres_only
def test_a_search_ranked_by_its_index_lists_every_match_once_across_pages(client, add_cases):
    """45 cases that match alike (ties, in the index's order) and the seed's: page after page,
    each once, the best match first, and the index gives the order."""
    needs_rank_index()
    add_cases(45, institution="kela")  # "Generated case N", "A generated case for testing."
    case = Innovation.objects.get(slug="plain-language-website")
    case.title = "Generated, generated and generated"  # the word in its title, thrice
    case.save()
    # On a few rows the planner may rather sort them (until the tables are first analysed),
    # and a sort keeps no order among equal matches from one page to the next; from a few
    # thousand matches the index orders them (`make bench` prints the plan at 100,000).
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
    pages = [row_slugs(client.get("/", {"q": "generated", "page": n})) for n in (1, 2, 3)]
    listed = [slug for page in pages for slug in page]
    found = Innovation.objects.published().search("generated").values_list("slug", flat=True)
    assert len(listed) == len(set(listed)) == len(found) == 46
    assert set(listed) == set(found) and listed[0] == "plain-language-website"
    ranked = InnovationFilter({"q": "generated"}, queryset=Innovation.objects.published()).qs
    plan = ranked[:20].explain()
    assert "Index Scan using cases_innovation_search_vector_rum" in plan and "Sort" not in plan


@postgres_only
def test_search_and_theme_filters_can_use_their_indexes():
    """The stored vector's GIN index serves the search, and the theme link table's index the
    theme filter. (On a dozen rows the planner prefers scans, so scans are turned off here;
    `make bench` shows the plans chosen at 100,000 cases.)"""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert "cases_innovation_search_gin" in Innovation.objects.search("passport").explain()
    # Counted, a search is found through GIN, which alone has `@@@` (search.CountedMatch).
    counted = Innovation.objects.search("passport", ranked=False)
    assert "cases_innovation_search_gin" in counted.explain() and "@@@" in str(counted.query)
    assert list(counted) == list(Innovation.objects.search("passport"))
    # The facets count the cases' counted copies (models.CountedCase), through their own GIN.
    copies = CountedCase.objects.search("passport")
    assert "cases_countedcase_search_vector_gin" in copies.explain()
    assert {copy.pk for copy in copies} == {case.pk for case in counted}
    plan = Innovation.objects.with_any_theme(["agile-teamwork"]).explain()
    assert "cases_innovation_themes_theme_id" in plan


@postgres_only
def test_counted_copies_keep_their_documents_out_of_the_row():
    """A counted copy's row holds its small columns only, so that a count reads few pages
    (migration 0021): the documents are stored out of line, from 128 bytes on."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'cases_countedcase'")
        assert cursor.fetchone()[0] == ["toast_tuple_target=128"]
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = "
            "'cases_countedcase'::regclass AND attname LIKE 'search_vector%%'"
        )
        assert dict(cursor.fetchall()) == dict.fromkeys(search.VECTOR_FIELDS.values(), "e")


@postgres_only
def test_the_database_runs_the_pages_queries_without_compiling_them():
    """PostgreSQL's just-in-time compilation is off for the site's connections (settings):
    compiling a search's count for its estimated cost took longer than running it."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@postgres_only
def test_search_index_takes_new_entries_at_once():
    """No pending list of unsorted entries that every search must read (migration 0003),
    in the cases' GIN indexes and in their counted copies' (0021)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname LIKE %s OR relname LIKE %s",
            ["cases_innovation_search%gin", "cases_countedcase_%gin"],
        )
        found = dict(cursor.fetchall())
    assert len(found) == 2 * len(search.VECTOR_FIELDS)
    assert set(map(tuple, found.values())) == {("fastupdate=off",)}


def test_search_narrowed_by_theme_and_country_follows_changes(client):
    """On PostgreSQL theme and country narrow the search through words stored with each
    case; renaming a theme's slug or moving a case to another theme must follow."""
    params = {"q": "staff", "theme": "innovation-system", "country": "SG"}
    assert row_slugs(client.get("/", params)) == [
        "experimentation-fund",
        "automation-and-play-labs",
    ]
    theme = Theme.objects.get(slug="innovation-system")
    theme.slug = "innovation-systems"
    theme.save()
    assert row_slugs(client.get("/", {**params, "theme": "innovation-systems"})) == [
        "experimentation-fund",
        "automation-and-play-labs",
    ]
    Innovation.objects.get(slug="delegating-authority").themes.add(theme)
    assert row_slugs(
        client.get("/", {**params, "theme": "innovation-systems", "sort": "table"})
    ) == [
        "delegating-authority",
        "experimentation-fund",
        "automation-and-play-labs",
    ]
    kela = Institution.objects.get(slug="kela")
    case = Innovation.objects.get(slug="experimentation-fund")
    case.institution = kela
    case.save()
    assert row_slugs(
        client.get("/", {**params, "theme": "innovation-systems", "country": "FI"})
    ) == ["experimentation-fund"]


@pytest.mark.parametrize(
    ("prefix", "text"),
    [
        ("/fr", "passeport"),
        ("/fr", "passeports"),
        ("/de", "Reisepass"),
        ("/es", "pasaporte"),
        ("/es", "pasaportes"),
        ("", "passport"),
    ],
)
def test_each_language_finds_a_case_by_its_own_words(client, prefix, text):
    assert row_slugs(client.get(f"{prefix}/", {"q": text})) == ["design-thinking"]


@pytest.mark.parametrize(
    ("prefix", "text"),
    [("/fr", "passport"), ("/de", "passeport"), ("", "pasaporte"), ("/es", "Reisepass")],
)
def test_a_search_is_in_the_pages_language_only(client, prefix, text):
    """The case is translated: on /fr/ its words are French, and another language's word for
    the same thing finds nothing."""
    response = client.get(f"{prefix}/", {"q": text})
    assert row_slugs(response) == []


@postgres_only
@pytest.mark.parametrize(
    ("prefix", "text", "expected"),
    [
        # Stemmed by each language's rules: the plural finds the singular and back.
        ("/fr", "révision", ["plain-language-website"]),  # the text: "révisées"
        ("/de", "Reisepässe", ["design-thinking"]),  # "Reisepässen", "Reisepässe"
        ("/es", "cajero", ["bold-experimentation"]),  # "cajeros automáticos"
    ],
)
def test_each_language_is_stemmed_by_its_own_rules(client, prefix, text, expected):
    assert row_slugs(client.get(f"{prefix}/", {"q": text})) == expected


@pytest.mark.parametrize(
    ("language", "text"),
    [("fr", "le la et"), ("es", "el de los"), ("de", "der die und")],
)
def test_stop_words_of_the_pages_language_are_explained(client, language, text):
    response = client.get(f"/{language}/", {"q": text})
    assert response.status_code == 200
    assert row_slugs(response) == []
    with translation.override(language):
        explained = gettext(
            "Your search has no words we can look for: it holds only very common words "
            "(such as “the” or “and”), punctuation, or words with a minus before them, which "
            "only leave cases out. Add a more specific word."
        )
    assert explained.split(":")[0] in response.content.decode()


def test_a_search_in_french_highlights_the_french_summary(client):
    html = client.get("/fr/", {"q": "distributeurs"}).content.decode()
    assert "aux <mark>distributeurs</mark> automatiques" in html


def test_an_untranslated_field_is_searched_as_it_is_shown(client):
    """A field without a translation is shown, and so searched, in its original words."""
    case = Innovation.objects.get(slug="bold-experimentation")
    case.summary_fr = ""
    case.save()
    assert row_slugs(client.get("/fr/", {"q": "unbanked"})) == ["bold-experimentation"]


@postgres_only
def test_the_stop_word_lists_are_postgresqls():
    from cases import search

    with connection.cursor() as cursor:
        for code, config in search.CONFIGS.items():
            words = sorted(search.stop_words(code))
            cursor.execute(
                "SELECT count(*) FROM unnest(%s::text[]) AS w "
                "WHERE to_tsvector(%s::regconfig, w) != ''",
                [words, config],
            )
            assert cursor.fetchone()[0] == 0, code


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"country": "CA"}, ["design-thinking"]),
        ({"country": "FI"}, []),
        ({"theme": "agile-teamwork"}, ["design-thinking"]),
        ({"theme": "leadership"}, []),
    ],
)
def test_a_search_in_french_is_narrowed_by_theme_and_country(client, query, expected):
    assert row_slugs(client.get("/fr/", {"q": "passeports", **query})) == expected


@postgres_only
def test_the_search_documents_are_kept_out_of_the_cases_rows():
    """Four documents in the row would make each case about 2 KB, and every scan of the cases
    slower (migration 0014): they are stored out of line."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute "
            "WHERE attrelid = 'cases_innovation'::regclass AND attname LIKE 'search_vector%%'"
        )
        assert dict(cursor.fetchall()) == dict.fromkeys(
            ["search_vector", "search_vector_fr", "search_vector_es", "search_vector_de"], "e"
        )
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'cases_innovation'")
        assert "toast_tuple_target=256" in cursor.fetchone()[0]


def documents():
    """Every case's four search documents, by slug."""
    fields = ["slug", *search.VECTOR_FIELDS.values()]
    return list(Innovation.objects.order_by("slug").values_list(*fields))


def assert_documents_are_a_full_rebuilds():
    kept = documents()
    assert all(all(row[1:]) for row in kept)
    writes.refresh_search_documents(Innovation.objects.all())
    assert documents() == kept


def _sql(statement, *params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _link(case, theme):
    through = Innovation.themes.through
    case, theme = Innovation.objects.get(slug=case), Theme.objects.get(slug=theme)
    through.objects.bulk_create([through(innovation=case, theme=theme)])


# Writes that pass Django's signals by, and a search that finds the case only if its
# documents followed: (the write, the search, the case it must find, or None: must not find
# agile-benefit-design).
WRITES_PAST_THE_SIGNALS = {
    "a theme link deleted in SQL": (
        lambda: _sql(
            "DELETE FROM cases_innovation_themes WHERE innovation_id = "
            "(SELECT id FROM cases_innovation WHERE slug = 'agile-benefit-design')"
        ),
        {"q": "grant", "theme": "agile-teamwork"},
        None,
    ),
    "a theme link added by bulk_create()": (
        lambda: _link("agile-benefit-design", "leadership"),
        {"q": "grant", "theme": "leadership"},
        "agile-benefit-design",
    ),
    "an impact added by bulk_create()": (
        lambda: Impact.objects.bulk_create(
            [
                Impact(
                    innovation=Innovation.objects.get(slug="design-thinking"),
                    statement="Zebracrossing forms went",
                    position=9,
                )
            ]
        ),
        {"q": "zebracrossing"},
        "design-thinking",
    ),
    "a case renamed by update()": (
        lambda: Innovation.objects.filter(slug="design-thinking").update(title="Numbat thinking"),
        {"q": "numbat"},
        "design-thinking",
    ),
    "a theme renamed by update()": (
        lambda: Theme.objects.filter(slug="agile-teamwork").update(name="Quokka teamwork"),
        {"q": "quokka"},
        "agile-benefit-design",
    ),
    "an institution renamed in SQL": (
        lambda: _sql("UPDATE cases_institution SET name = 'Wombat agency' WHERE slug = 'esdc'"),
        {"q": "wombat"},
        "design-thinking",
    ),
}


@postgres_only
@pytest.mark.parametrize("write", WRITES_PAST_THE_SIGNALS)
def test_the_search_follows_a_write_past_djangos_signals(client, write):
    """The database writes each case's search documents itself (migration 0027): after a
    write that sends no signal (SQL, update(), bulk_create()), a search finds the case as the
    records now are, and every document is what writing them all anew gives."""
    change, asked, found = WRITES_PAST_THE_SIGNALS[write]
    change()
    slugs = row_slugs(fresh_get(client, "/", asked))
    if found:
        assert found in slugs
    else:
        assert "agile-benefit-design" not in slugs
    assert_documents_are_a_full_rebuilds()


@postgres_only
def test_the_seeds_documents_are_a_full_rebuilds():
    """Loaded by loaddata, each case's documents, written by the database's triggers, are
    what writing every case's anew gives."""
    assert_documents_are_a_full_rebuilds()


@postgres_only
def test_the_databases_documents_are_written_as_the_code_says():
    """The function the database writes the documents with is the one writes.py defines.
    When this fails, the documents' definition changed: add a migration that runs
    writes.documents_function() and writes every case's documents anew (as 0027 does)."""
    defined = writes.documents_function().split("$documents$")[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [writes.DOCUMENTS])
        assert cursor.fetchone()[0] == defined
