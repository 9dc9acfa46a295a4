"""The counts stored for speed (cases/counts.py) always equal a full recount, after every kind
of write: creates, edits, theme changes from either side, publishing, withdrawing, deleting
cases and themes, bulk loads and the editors' CSV import; and the pages that read them show
what live counting shows."""

from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cases import counts, derived, facets, leaders, querysets, writes
from cases.filters import InnovationFilter
from cases.models import (
    CaseCount,
    CatalogueVersion,
    CountedCase,
    Impact,
    Innovation,
    Institution,
    SearchLeader,
    SearchTerm,
    SimilarCandidate,
    Theme,
)
from cases.paging import InstitutionRuns
from cases.views import PAGE_SIZE
from tests.helpers import assert_derived_right, fresh_get, row, row_slugs, stored_rows

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite searches the text itself: no terms stored"
)


def assert_same_counts(shown, expected):
    """Two pages' selections give every option of every facet (and each year started) the
    same count."""
    shown, expected = shown.context["selection"], expected.context["selection"]
    for name in (*InnovationFilter.FACETS, "year"):
        assert [(o.value, o.count) for o in shown[name]] == [
            (o.value, o.count) for o in expected[name]
        ], name


def counting(queries):
    """The queries that count or list cases, leaving out the reads of the version."""
    return [query for query in queries if "cases_catalogueversion" not in query["sql"]]


def similar_cases():
    """Each published case's similar cases, as its page lists them."""
    published = Innovation.objects.published()
    return {
        case.slug: [other.slug for other in published.sharing_themes_with(case)]
        for case in published.for_detail()
    }


def assert_similar_cases_as_ranking_every_case(monkeypatch):
    """The pages' similar cases, ranked among the stored candidates, are those that ranking
    every published case gives (every case made a candidate for the comparison)."""
    stored = similar_cases()
    with monkeypatch.context() as every_case:
        every_case.setattr(counts, "CANDIDATES", 10**9)
        counts.choose_all_candidates()
        assert SimilarCandidate.objects.count() == Innovation.objects.published().count()
        every = similar_cases()
    counts.choose_all_candidates()
    assert stored == every


def test_the_seed_is_counted():
    assert_derived_right()
    assert stored_rows()[row("theme", Theme.objects.get(slug="leadership").pk)] == 1


def test_a_theme_whose_id_does_not_fit_the_copies_bits_is_counted_by_its_links(client, add_cases):
    """The facets count a search's themes from each counted copy's theme bits, which hold
    the theme ids below CountedCase.THEME_BITS; a case with a theme past them is counted
    through its links, and counts alike."""
    last, past = (
        Theme.objects.create(pk=pk, slug=f"theme-{pk}", name=f"Theme {pk}", description="-")
        for pk in (CountedCase.THEME_BITS - 1, CountedCase.THEME_BITS)
    )
    cases = add_cases(3, institution="kela", theme="leadership")
    cases[0].themes.add(last, past)
    cases[1].themes.add(last)
    assert_derived_right()
    assert CountedCase.objects.get(pk=cases[0].pk).theme_bits is None
    expected = {"leadership": 3, last.slug: 2, past.slug: 1}
    # Two words: every group in one query; with a theme chosen, the themes' own query.
    for chosen in ({}, {"theme": "leadership"}, {"theme": past.slug}):
        with CaptureQueriesContext(connection) as queries:
            response = fresh_get(client, "/", {"q": "generated case", **chosen})
        assert any("theme_bits" in query["sql"] for query in queries.captured_queries)
        counted = {o.value: o.count for o in response.context["selection"]["theme"]}
        assert {slug: counted[slug] for slug in expected} == expected, chosen
        kela = next(o for o in response.context["selection"]["institution"] if o.value == "kela")
        assert kela.count == (1 if chosen.get("theme") == past.slug else 3), chosen


def test_every_kind_of_write_keeps_the_counts(add_cases):
    kela, cpf = Institution.objects.get(slug="kela"), Institution.objects.get(slug="cpf")
    leadership, customers = (
        Theme.objects.get(slug="leadership"),
        Theme.objects.get(slug="customer-centricity"),
    )
    case = Innovation.objects.create(
        slug="counted", title="Counted", institution=kela, position=50, stage="pilot"
    )
    case.themes.add(leadership)
    assert_derived_right()  # a draft counts nowhere
    writes.publish(Innovation.objects.filter(pk=case.pk))
    assert_derived_right()
    case.refresh_from_db()
    case.stage, case.branch, case.year_started, case.institution = "evaluated", "old-age", 2020, cpf
    case.save()
    assert_derived_right()
    case.themes.add(customers)
    case.themes.remove(leadership)
    assert_derived_right()
    customers.innovations.remove(case)  # from the theme's side
    leadership.innovations.add(case)
    assert_derived_right()
    case.themes.clear()
    assert_derived_right()
    case.themes.set([leadership, customers])
    leadership.innovations.clear()
    assert_derived_right()
    Impact.objects.create(innovation=case, statement="Fewer forms", position=1)  # its text only
    assert_derived_right()
    cpf.name = f"{cpf.name}, renamed"  # its cases' documents
    cpf.save()
    assert_derived_right()
    writes.withdraw(Innovation.objects.filter(pk=case.pk))
    assert_derived_right()
    writes.publish(Innovation.objects.filter(pk=case.pk))
    add_cases(30, institution="kela", theme="leadership", stage="idea", year_started=2011)
    assert_derived_right()
    Innovation.objects.filter(slug__startswith="generated-case").first().delete()
    Innovation.objects.filter(slug="counted").delete()
    assert_derived_right()
    Theme.objects.create(slug="gone", name="Gone", position=9).innovations.add(
        *Innovation.objects.published()[:5]
    )
    assert_derived_right()
    Theme.objects.get(slug="gone").delete()
    assert_derived_right()


def every_word_common(monkeypatch, cases=1):
    """Every word in `cases` published cases or more made a common search term (a recount
    chooses them; at 1, every word of the catalogue)."""
    monkeypatch.setattr(counts, "COMMON_TERM_CASES", cases)
    counts.recount()


def term_rows():
    return CaseCount.objects.filter(kind__in=counts.TERM_KINDS).exclude(count=0)


@postgres_only
def test_every_kind_of_write_keeps_the_common_search_terms_counts(add_cases, monkeypatch):
    """The rows of the common search terms follow what changes a case's documents (its text,
    its impacts, its themes' and institution's names, its translations) as well as what
    changes its place in the counts (status, themes, institution, stage); and so do their
    leaders, two stored of each term here, so that writes push them out and take them away."""
    monkeypatch.setattr(querysets, "SEARCH_LEADERS", 2)
    every_word_common(monkeypatch)
    assert SearchTerm.objects.filter(language="fr").exists() and term_rows().exists()
    assert_derived_right()
    kela, leadership = Institution.objects.get(slug="kela"), Theme.objects.get(slug="leadership")
    case = Innovation.objects.create(
        slug="termed", title="Payroll leadership", institution=kela, position=50
    )
    case.themes.add(leadership)
    assert_derived_right()  # a draft counts nowhere
    writes.publish(Innovation.objects.filter(pk=case.pk))
    assert_derived_right()
    case.refresh_from_db()
    case.title, case.stage, case.title_fr = "Customer payroll", "pilot", "Paie des clients"
    case.save()
    assert_derived_right()
    impact = Impact.objects.create(innovation=case, statement="Faster pension payroll", position=1)
    assert_derived_right()
    impact.delete()
    assert_derived_right()
    leadership.name = "Pension payroll leadership"  # in the documents of all its cases
    leadership.save()
    assert_derived_right()
    kela.name, kela.country = "Pension institution", "SG"  # moved: counted once, not twice
    kela.save()
    assert_derived_right()
    case.themes.add(Theme.objects.get(slug="customer-centricity"))
    leadership.innovations.remove(case)
    assert_derived_right()
    with transaction.atomic():
        case.title = "Payroll once"
        case.save()
        Impact.objects.create(innovation=case, statement="Rebuilt once", position=2)
    assert_derived_right()
    add_cases(15, institution="kela", theme="leadership", stage="idea")
    assert_derived_right()
    writes.withdraw(Innovation.objects.filter(pk=case.pk))
    assert_derived_right()
    Innovation.objects.filter(slug__startswith="generated-case").first().delete()
    leadership.delete()
    assert_derived_right()


def test_similar_cases_come_from_the_candidates_after_every_kind_of_write(add_cases, monkeypatch):
    """Groups larger than the candidates stored (30 cases of one theme and institution), cases
    in several groups, and the writes that move a case within or between groups."""
    leadership = Theme.objects.get(slug="leadership")
    kela_cases = add_cases(30, institution="kela", theme="leadership")
    add_cases(30, institution="cpf", theme="leadership")
    for case in add_cases(12, institution="esdc", theme="customer-centricity")[:6]:
        case.themes.add(leadership)
    add_cases(10, institution="kela", theme="leadership")  # a second batch joins a group
    assert_derived_right()
    assert_similar_cases_as_ranking_every_case(monkeypatch)
    # Branch and stage weigh too: the cases that share them rise within their themes' rank.
    later = [case.pk for case in kela_cases[20:26]]
    Innovation.objects.filter(pk__in=later).update(stage="pilot", branch="old-age")
    Innovation.objects.filter(pk__in=later[:2]).update(stage="operating")
    counts.recount(terms=False)
    assert_derived_right()
    assert_similar_cases_as_ranking_every_case(monkeypatch)
    case = Innovation.objects.published().for_detail().get(pk=later[2])
    similar = list(Innovation.objects.published().sharing_themes_with(case))
    assert [other.pk for other in similar[:3]] == later[3:6]  # same branch and stage first
    first = Innovation.objects.get(pk=kela_cases[0].pk)
    first.position = 999  # from first to last of its group
    first.save()
    writes.withdraw(Innovation.objects.filter(pk__in=[case.pk for case in kela_cases[1:4]]))
    kela_cases[10].themes.add(Theme.objects.get(slug="agile-teamwork"))  # to another group
    assert_derived_right()
    assert_similar_cases_as_ranking_every_case(monkeypatch)
    kela = Institution.objects.get(slug="kela")
    kela.country, kela.position = "SG", 0  # to CPF's country, and first in the table
    kela.save()
    assert_derived_right()
    assert_similar_cases_as_ranking_every_case(monkeypatch)
    Innovation.objects.filter(pk=kela_cases[4].pk).delete()
    writes.publish(Innovation.objects.filter(pk__in=[case.pk for case in kela_cases[1:4]]))
    assert_derived_right()
    assert_similar_cases_as_ranking_every_case(monkeypatch)


def test_a_word_an_editor_adds_is_counted_beside_the_options(client):
    """The search's counts come from the cases' counted copies: a word added to a case's
    impact is counted under its theme and institution at once."""
    case = Innovation.objects.get(slug="design-thinking")
    page = client.get("/", {"q": "zebracrossing"})
    assert page.context["selection"].total == 0
    Impact.objects.create(innovation=case, statement="Zebracrossing forms went", position=9)
    facets = client.get("/", {"q": "zebracrossing"}).context["selection"]
    counted = {
        name: {o.value for o in facets[name] if o.count} for name in ("theme", "institution")
    }
    assert counted == {
        "theme": set(case.themes.values_list("slug", flat=True)),
        "institution": {case.institution.slug},
    }


def test_a_recount_mends_rows_that_went_wrong():
    from cases.models import CaseCount

    CaseCount.objects.all().update(count=99)
    SimilarCandidate.objects.all().delete()
    counts.recount()
    assert_derived_right()


@pytest.mark.parametrize(
    "address",
    [
        "/",
        "/?sort=newest&page=1",
        "/?theme=leadership",
        "/?country=FI&region=europe",
        "/?institution=kela&institution=cpf",
        "/?stage=pilot&started_min=2000",
        "/?stage=pilot&branch=old-age&started_max=2020",
        "/?theme=leadership&country=FI",
        "/?theme=leadership&region=europe&institution=kela",
        "/?theme=leadership&stage=pilot&started_max=2020",
        "/?theme=leadership&theme=customer-centricity",
        "/?theme=leadership&started_min=2019&started_max=2019",
        "/matrix/",
        "/matrix/?theme=leadership",
        "/matrix/?country=FI&region=europe",
        "/matrix/?theme=leadership&country=FI&institution=kela&institution=cpf",
        "/map/",
        # A search for one common word, alone and with themes and places (PostgreSQL).
        "/?q=generated",
        "/?q=Generated!",
        "/?q=leadership&theme=leadership",
        "/?q=generated&theme=leadership&theme=customer-centricity",
        "/?q=generated&country=FI&region=europe",
        "/?q=leadership&theme=leadership&country=FI&institution=kela",
        "/fr/?q=generated&institution=kela",
        "/?q=generated&stage=pilot",  # not stored: counted live
        "/?q=generated case",  # two words: counted live
        "/matrix/?q=generated",
        # A value that is not valid: the form filters nothing, and every case is counted.
        "/?partner_kind=nonsense",
        "/?theme=leadership&started_min=not-a-year",
        "/?country=ZZ&stage=pilot&branch=nonsense",
        "/?institution=kela&q=" + "x" * 1000,
    ],
)
def test_pages_read_from_the_stored_counts_show_what_counting_shows(
    client, add_cases, monkeypatch, address
):
    add_cases(12, institution="kela", theme="leadership", stage="pilot", year_started=2019)
    add_cases(5, institution="esdc", theme="customer-centricity", stage="idea")
    every_word_common(monkeypatch, cases=3)
    stored = fresh_get(client, address)
    monkeypatch.setattr(facets.Selection, "filters_only", lambda self, *names: False)
    live = fresh_get(client, address)
    assert_same_counts(stored, live)
    if "grid" in stored.context:
        assert stored.context["grid"] == live.context["grid"]


@pytest.mark.parametrize(
    "address",
    [
        "/?q=generated&theme=no-such-theme",
        "/?q=generated case&theme=no-such-theme",
        "/?q=generated&country=ZZ",
        "/?q=generated&theme=leadership&institution=nobody",
        "/?q=generated&theme=leadership&country=FI&country=ZZ&institution=nobody",
        "/?q=generated&stage=nonsense",
        "/matrix/?q=generated&theme=no-such-theme",
        "/map/?q=generated&country=ZZ",
    ],
)
def test_a_value_that_is_not_valid_leaves_the_search_out_of_every_count(
    client, add_cases, monkeypatch, django_assert_max_num_queries, address
):
    """A form with a value that is not valid filters nothing, so a search beside it changes
    no count: the page counts as it does without the search, from the stored counts, and
    names each bad value."""
    add_cases(12, institution="kela", theme="leadership", stage="pilot", year_started=2019)
    add_cases(5, institution="esdc", theme="customer-centricity", stage="idea")
    every_word_common(monkeypatch, cases=3)
    without_search = address.replace("q=generated case&", "").replace("q=generated&", "")
    expected = fresh_get(client, without_search)
    with django_assert_max_num_queries(8):
        page = fresh_get(client, address)
    assert not page.context["filter"].is_valid() and not expected.context["filter"].is_valid()
    assert_same_counts(page, expected)
    html = page.content.decode()
    for unknown in ("no-such-theme", "ZZ", "nobody", "nonsense"):
        if f"={unknown}" in address:
            assert f"“{unknown}” in the catalogue" in html


@pytest.mark.parametrize(
    "address, found",
    [
        ("/?q=generated case", True),  # two words
        ("/fr/?q=generated case", True),
        ("/?q=generated", True),  # one word: on SQLite, where no term is stored
        ("/?partner_kind=internal", True),
        ("/?partner_kind=company&partner_kind=network", True),
        ("/?recognised=on", True),
        ("/?q=generated case&partner_kind=internal&recognised=on", False),
        ("/?q=nothing+matches+this", False),
        ("/matrix/?q=generated case", True),
        ("/matrix/?partner_kind=internal", True),
    ],
)
def test_the_groups_counted_together_count_what_each_counts_alone(
    client, add_cases, monkeypatch, address, found
):
    """With filters in use but no theme, place, stage or year among them, the three groups
    count the same cases, in one query (facets._together): the options are those that the
    three groups' own queries give."""
    add_cases(12, institution="kela", theme="leadership", stage="pilot", year_started=2019)
    add_cases(5, institution="esdc", theme="customer-centricity", stage="idea")
    with CaptureQueriesContext(connection) as together_queries:
        together = fresh_get(client, address)
    selection = together.context["selection"]
    if address == "/?q=generated" and connection.vendor == "postgresql":
        assert not facets._counted_together(selection)  # a word that may be a stored term
        return
    assert facets._counted_together(selection)
    monkeypatch.setattr(facets, "_counted_together", lambda selection: False)
    with CaptureQueriesContext(connection) as alone_queries:
        alone = fresh_get(client, address)
    # One query instead of three (/matrix/: instead of two; it shows no stages), besides
    # the reads of the catalogue's version (only the groups alone ask whether counts are stored).
    saved = 1 if "matrix" in address else 2
    assert len(counting(together_queries)) == len(counting(alone_queries)) - saved
    assert selection.total == alone.context["selection"].total
    assert_same_counts(together, alone)
    assert any(o.count for o in selection["institution"]) == found
    if "grid" in together.context:
        assert together.context["grid"] == alone.context["grid"]


def test_place_filtered_pages_list_what_filtering_every_case_lists(client, add_cases):
    """With no filter or only place filters in use, `/` and the API read each page from the
    runs of Table 1 it covers, their lengths from the stored counts (paging.InstitutionRuns):
    every page, across runs, ties of position and empty runs, is the page that filtering
    every case in Table 1's order gives."""
    esdc = Institution.objects.get(slug="esdc")  # Canada, first in the table
    for slug, country, position in [
        ("ca-late", "CA", 40),
        ("ca-tied", "CA", 40),  # the same position: the id decides, as in Table 1's order
        ("fi-middle", "FI", 20),
        ("ca-empty", "CA", 30),  # no published case, so not an option: no run
    ]:
        Institution.objects.create(slug=slug, name=slug, country=country, position=position)
    add_cases(23, institution="ca-late")
    add_cases(7, institution="ca-tied")
    add_cases(30, institution="fi-middle")
    add_cases(4, institution="esdc", status="draft")
    assert esdc.innovations.published().count() == 3
    asked = [
        {},
        {"country": ["CA"]},
        {"country": ["CA", "FI"]},
        {"region": ["europe"], "country": ["CA"]},
        {"institution": ["ca-tied", "kela", "ca-late"]},
        {"country": ["SG"], "institution": ["ca-late"]},  # nothing is both
    ]
    for filters in asked:
        filterset = InnovationFilter(filters, queryset=Innovation.objects.published())
        selection = facets.Selection(filterset)
        runs = selection.rows
        assert isinstance(runs, InstitutionRuns), filters
        expected = list(filterset.qs.values_list("slug", flat=True))
        assert runs.count() == len(expected) == selection.total, filters
        starts = range(0, len(expected), PAGE_SIZE)
        pages = [expected[start : start + PAGE_SIZE] for start in starts]
        for number, page in enumerate(pages or [[]], start=1):
            listed = row_slugs(fresh_get(client, "/", {**filters, "page": number}))
            assert listed == page, (filters, number)
            api = client.get("/api/innovations/", {**filters, "page": number}).json()
            assert [case["slug"] for case in api["results"]] == page, (filters, number)


@postgres_only
def test_a_search_for_a_common_term_reads_its_stored_counts(
    client, add_cases, monkeypatch, django_assert_num_queries
):
    """The stored rows answer a common word's counts, and an uncommon word's are counted, in
    the same number of queries (two words, in fewer)."""
    add_cases(12, institution="kela", theme="leadership")
    every_word_common(monkeypatch, cases=10)
    kela = Institution.objects.get(slug="kela")
    # Told apart: stored rows that say more than there is (a recount mends them).
    term_rows().filter(kind=CaseCount.TERM_INSTITUTION, institution=kela.pk).update(count=1000)

    def kela_count(text):
        # Two words: the three groups counted in one query (facets._together).
        with django_assert_num_queries(6 if " " in text else 8) as queries:
            response = fresh_get(client, "/", {"q": text})
        # One word: the first count asks whether it is a common term; the later ones know.
        asked = [q for q in queries.captured_queries if "NOT EXISTS" in q["sql"]]
        assert len(asked) == (0 if " " in text else 1), text
        facet = response.context["selection"]["institution"]
        return next(option.count for option in facet if option.value == "kela")

    texts = ["generated", "Generated!", "generated case", "website"]
    found = [kela.innovations.published().search(text).count() for text in texts]
    assert found[2:] == [12, 1]
    assert [kela_count(text) for text in texts] == [
        1000,  # in more than 10 cases: a common term, read from its rows
        1000,  # the same word
        12,  # two words: counted
        1,  # in fewer than 10 cases: counted (Kela's plain-language website)
    ]
    counts.recount()
    assert [kela_count(text) for text in texts] == found
    # Whichever group is counted first tells the others whether the word is a common term.
    for first in ("theme", "institution", "stage"):
        selection = facets.Selection(InnovationFilter({"q": "generated"}))
        selection[first]
        assert selection.term_found is True, first


@postgres_only
def test_a_common_words_pages_list_every_match_nearest_first(client, add_cases, monkeypatch):
    """A search for a common word alone reads its first pages from the term's stored leaders
    (paging.SearchLeaders), here the first 30 of 45 matches: every page, the one that
    ends the leaders and starts the rest included, lists matches nearest first, each once,
    as ranking every match lists them; and they are the stored rows (told apart below)."""
    if not leaders.stored():
        pytest.skip("no RUM index here: every search ranks its matches, as before")
    monkeypatch.setattr(querysets, "SEARCH_LEADERS", 30)
    cases = add_cases(45, institution="kela", theme="leadership")
    every_word_common(monkeypatch, cases=10)
    for case in cases[::4]:  # nearer than the rest: the word more often, and in the summary
        case.summary = "Generated, generated and generated again."
        case.save()
    counts.recount()  # as the nightly recount chooses the terms and their leaders
    assert_derived_right()
    distance = {
        case.slug: case.distance for case in Innovation.objects.published().search("generated")
    }
    with connection.cursor() as cursor:  # the matches after the stored ones: as in test_search
        cursor.execute("SET LOCAL enable_sort = off")  # (ordered by the index, not a sort)

    def listed(page):
        return row_slugs(fresh_get(client, "/", {"q": "generated", "page": page}))

    pages = [listed(page) for page in (1, 2, 3)]
    assert [len(page) for page in pages] == [20, 20, len(distance) - 40]
    every = [slug for page in pages for slug in page]
    assert sorted(every) == sorted(distance)  # each match once
    assert [distance[slug] for slug in every] == sorted(distance.values())  # nearest first
    assert {case.slug for case in cases[::4]} <= set(pages[0])
    # Told apart: a stored row moved to a case that is not among the leaders.
    term = SearchLeader.objects.filter(innovation__slug=pages[0][0]).first().term
    outside = Innovation.objects.get(slug=every[-1])
    assert not SearchLeader.objects.filter(term=term, innovation=outside).exists()
    SearchLeader.objects.filter(term=term, innovation__slug=pages[0][0]).update(innovation=outside)
    assert outside.slug in listed(1) and pages[0][0] not in listed(1)
    counts.recount()  # chosen anew: as near as the first page was (equals may trade places)
    assert [distance[slug] for slug in listed(1)] == [distance[slug] for slug in pages[0]]
    assert outside.slug not in listed(1)
    # A term whose leaders are not stored (yet): its matches ranked, as every page was.
    SearchLeader.objects.filter(term=term).delete()
    assert [distance[slug] for slug in listed(1)] == sorted(distance.values())[:20]
    # A word that is not a common term is ranked as before; one that nothing holds, too.
    assert row_slugs(fresh_get(client, "/", {"q": "website"})) == ["plain-language-website"]
    assert row_slugs(fresh_get(client, "/", {"q": "quokka"})) == []


def _through(**lookup):
    return Innovation.themes.through.objects.filter(**lookup)


# Writes that pass the derived data by: no signal, no difference moved.
WRITES_PAST_THE_DERIVED_DATA = {
    "withdrawn by update()": lambda: Innovation.objects.filter(slug="design-thinking").update(
        status="draft"
    ),
    "moved by update()": lambda: Innovation.objects.filter(slug="leadership-engagement").update(
        institution=Institution.objects.get(slug="kela"), stage="pilot", year_started=2001
    ),
    "a theme link deleted": lambda: _through(innovation__slug="agile-benefit-design").delete(),
    "a theme link by bulk_create()": lambda: Innovation.themes.through.objects.bulk_create(
        Innovation.themes.through(innovation=case, theme=Theme.objects.get(slug="leadership"))
        for case in Innovation.objects.exclude(themes__slug="leadership")[:3]
    ),
    "a line of SQL": lambda: connection.cursor().execute(
        "UPDATE cases_innovation SET status = 'draft' WHERE institution_id = %s",
        [Institution.objects.get(slug="kela").pk],
    ),
}
PAGES_OF_COUNTS = [
    "/",
    "/?theme=leadership",
    "/?country=FI&region=europe",
    "/?institution=kela&institution=cpf",
    "/?stage=pilot",
    "/?theme=leadership&stage=pilot",
    "/?theme=leadership&country=SG",
    "/?q=design",
    "/matrix/",
    "/map/",
    "/data/cases.csv",
    "/institutions/",
    "/institutions/kela/",
    "/themes/",
    "/themes/leadership/",
    "/innovations/leadership-engagement/",
    "/innovations/design-thinking/",
    "/api/innovations/?institution=kela",
]


def page(client, address):
    response = fresh_get(client, address)
    return b"".join(response) if response.streaming else response.content


@pytest.mark.parametrize("write", WRITES_PAST_THE_DERIVED_DATA)
def test_a_write_past_the_derived_data_leaves_every_page_right(client, write):
    """The derived data know the version they match (CatalogueVersion.derived): after a
    write that passes them by, every page counts live and shows the records as they are,
    the page a recount would give; after the recount, pages read the derived data again."""
    WRITES_PAST_THE_DERIVED_DATA[write]()
    assert not CatalogueVersion.fresh()
    live = {address: page(client, address) for address in PAGES_OF_COUNTS}
    counts.recount()
    assert CatalogueVersion.fresh()
    rebuilt = {address: page(client, address) for address in PAGES_OF_COUNTS}
    assert [address for address in PAGES_OF_COUNTS if live[address] != rebuilt[address]] == []


def test_a_page_that_finds_the_derived_data_behind_asks_for_one_rebuild(client, monkeypatch):
    """The first page of a process to find the derived data behind asks the task queue for a
    rebuild, once; the rebuild brings them back, and pages read them again."""
    monkeypatch.setattr(derived, "_asked_at", None)
    asked, rebuild = [], derived.rebuild
    monkeypatch.setattr(derived, "rebuild", SimpleNamespace(enqueue=lambda: asked.append(1)))
    Innovation.objects.filter(slug="design-thinking").update(status="draft")
    for address in ("/", "/?theme=leadership", "/institutions/kela/"):
        fresh_get(client, address)
    assert asked == [1]
    rebuild.call()
    assert CatalogueVersion.fresh()
    assert fresh_get(client, "/").context["selection"].total == 11


@postgres_only
def test_the_common_terms_come_back_after_the_quick_rebuild_once_the_catalogue_is_quiet(
    client, add_cases, monkeypatch
):
    """The rebuild after a write leaves the common search terms out (their counting takes
    minutes) and asks for them after a pause; they come back only while no write has
    followed, and a common word's counts are read from their rows again."""
    add_cases(12, institution="kela", theme="leadership")
    every_word_common(monkeypatch, cases=10)
    asked = []
    monkeypatch.setattr(derived, "_ask_terms", lambda: asked.append(1))
    Innovation.objects.filter(slug="design-thinking").update(title="Design thinking again")
    derived.rebuild.call()
    assert CatalogueVersion.fresh() and not SearchTerm.objects.exists()
    assert asked == [1]
    assert not fresh_get(client, "/", {"q": "generated"}).context["selection"].term_stored
    Innovation.objects.filter(slug="design-thinking").update(title="Design thinking")
    derived.rebuild_terms.call()  # a write came since: not now, its own rebuild asks again
    assert not SearchTerm.objects.exists()
    derived.rebuild.call()
    derived.rebuild_terms.call()
    assert CatalogueVersion.fresh() and SearchTerm.objects.exists()
    assert fresh_get(client, "/", {"q": "generated"}).context["selection"].term_stored
    assert_derived_right()


def test_the_terms_are_asked_for_after_a_pause_where_the_queue_can_wait(monkeypatch):
    """With a queue that runs tasks later (the database's), the terms are counted after
    TERMS_PAUSE; with one that runs them at once (debug), at once."""
    enqueued = []
    later = SimpleNamespace(enqueue=lambda: enqueued.append("later"))
    at_once = SimpleNamespace(
        using=lambda run_after: later, enqueue=lambda: enqueued.append("at once")
    )
    monkeypatch.setattr(derived, "rebuild_terms", at_once)
    monkeypatch.setattr(derived, "default_task_backend", SimpleNamespace(supports_defer=True))
    derived._ask_terms()
    monkeypatch.setattr(derived, "default_task_backend", SimpleNamespace(supports_defer=False))
    derived._ask_terms()
    assert enqueued == ["later", "at once"]
