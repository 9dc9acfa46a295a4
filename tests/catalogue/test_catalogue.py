"""The catalogue at `/`: the summary table, its filters, search and pages."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from django.db import connection

from cases import writes
from cases.models import Award, Innovation
from cases.views import PAGE_SIZE
from tests.helpers import fresh_get, row_slugs, summary_rows
from tests.seed_facts import TABLE_1, THEME_ROWS

pytestmark = pytest.mark.django_db


def test_home_shows_table_1_grouped_by_institution_in_order(client):
    response = client.get("/")
    assert response.status_code == 200
    assert summary_rows(response) == [
        ("ESDC, Canada", TABLE_1["esdc"]),
        ("Kela, Finland", TABLE_1["kela"]),
        ("CPF, Singapore", TABLE_1["cpf"]),
    ]
    html = response.content.decode()
    assert "<caption>Summary of innovations through collaboration</caption>" in html
    assert "12 cases." in html
    assert "5,000 out of 8,000 webpages reviewed." in html


@pytest.mark.parametrize(("theme", "expected"), THEME_ROWS.items())
def test_each_theme_filter_gives_its_cases(client, theme, expected):
    response = client.get("/", {"theme": theme})
    assert row_slugs(response) == expected
    assert f"{len(expected)} case{'s' if len(expected) != 1 else ''}." in response.content.decode()


@pytest.mark.parametrize("institution", TABLE_1)
def test_each_institution_filter_gives_its_cases(client, institution):
    assert row_slugs(client.get("/", {"institution": institution})) == TABLE_1[institution]


def test_country_filter(client):
    assert row_slugs(client.get("/", {"country": "FI"})) == TABLE_1["kela"]
    assert row_slugs(client.get("/", {"country": ["FI", "CA"]})) == (
        TABLE_1["esdc"] + TABLE_1["kela"]
    )


def test_two_themes_combine_as_or(client):
    response = client.get("/", {"theme": ["leadership", "customer-centricity"]})
    assert row_slugs(response) == TABLE_1["kela"] + ["leadership-engagement"]


def test_theme_and_institution_combine_as_and(client):
    assert (
        row_slugs(client.get("/", {"theme": "innovation-system", "institution": "cpf"}))
        == (THEME_ROWS["innovation-system"])
    )
    assert row_slugs(client.get("/", {"theme": "innovation-system", "institution": "kela"})) == []
    response = client.get("/", {"theme": "agile-teamwork", "institution": ["kela", "esdc"]})
    assert row_slugs(response) == TABLE_1["esdc"]


def test_no_match_is_explained(client):
    response = client.get("/", {"theme": "leadership", "institution": "kela"})
    assert response.status_code == 200
    assert "No cases match these filters." in response.content.decode()
    assert 'href="/">Clear all filters</a>' in response.content.decode()


def test_filtered_url_round_trips(client):
    """The form shows the filters that are on, so submitting it again gives the same view."""
    url = "/?theme=leadership&theme=customer-centricity&country=SG&q=leader"
    html = client.get(url).content.decode()
    checked = set(
        re.findall(r'<input type="checkbox" name="(\w+)" value="([^"]+)"[^>]*checked', html)
    )
    assert checked == {("theme", "leadership"), ("theme", "customer-centricity"), ("country", "SG")}
    assert re.search(r'<input type="search" name="q" value="leader"', html)
    resubmitted = {"theme": ["leadership", "customer-centricity"], "country": ["SG"], "q": "leader"}
    assert row_slugs(client.get("/", resubmitted)) == row_slugs(client.get(url))
    assert row_slugs(client.get(url)) == ["leadership-engagement"]


def test_every_option_has_its_own_label(client):
    html = client.get("/").content.decode()
    for name, count in (("theme", 5), ("institution", 3), ("country", 3)):
        ids = re.findall(rf'<input type="checkbox" name="{name}" value="[^"]+" id="([^"]+)"', html)
        assert len(ids) == count
        for input_id in ids:
            assert f'<label for="{input_id}">' in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("passport", ["design-thinking"]),
        ("GovCash", ["bold-experimentation"]),
        ("govcash", ["bold-experimentation"]),
        ("Canada Training Grant", ["agile-benefit-design"]),
        ("shoulder risk", ["delegating-authority"]),  # only in the impact
        ("no such words anywhere", []),
    ],
)
def test_search_matches_title_summary_story_and_impacts(client, text, expected):
    assert row_slugs(client.get("/", {"q": text})) == expected


def test_search_and_filters_combine(client):
    assert row_slugs(client.get("/", {"q": "staff", "institution": "cpf"})) == [
        "delegating-authority",
        "experimentation-fund",
        "automation-and-play-labs",
    ]


def test_drafts_are_not_listed(client):
    writes.withdraw(Innovation.objects.filter(slug="design-thinking"))
    slugs = row_slugs(client.get("/"))
    assert "design-thinking" not in slugs
    assert len(slugs) == 11
    assert "design-thinking" not in row_slugs(client.get("/", {"q": "passport"}))


def test_many_cases_are_paged_and_pages_keep_the_filters(client, add_cases):
    add_cases(120, institution="kela", theme="leadership")
    first = client.get("/", {"theme": "leadership"})
    html = first.content.decode()
    assert f"Showing 1–{PAGE_SIZE} of 121 cases." in html
    assert len(row_slugs(first)) == PAGE_SIZE
    assert 'href="?theme=leadership&amp;page=2" rel="next"' in html

    pages = -(-121 // PAGE_SIZE)
    last = client.get("/", {"theme": "leadership", "page": pages})
    assert f"Showing {(pages - 1) * PAGE_SIZE + 1}–121 of 121 cases." in last.content.decode()
    assert 'rel="next"' not in last.content.decode()
    seen = []
    for number in range(1, pages + 1):
        seen += row_slugs(client.get("/", {"theme": "leadership", "page": number}))
    assert len(seen) == len(set(seen)) == 121


def test_home_query_count_is_fixed(client, add_cases, django_assert_num_queries):
    # catalogue version, whether the derived data are fresh, theme facet, place facets
    # (institution, country, region), stage facets (stage, branch, year started), rows,
    # impacts, themes of the rows; the number of results is the sum of the institution facet.
    # A theme chosen adds one (the themes it names that there are), and a place one (the
    # institutions it names: their positions in Table 1). On SQLite, which keeps no common
    # search terms, a search with a theme counts the three facet groups in one query.
    searched = {"theme": "leadership", "q": "leadership"}
    together = 9 if connection.vendor == "postgresql" else 6
    with django_assert_num_queries(together):
        assert row_slugs(client.get("/", searched)) == ["leadership-engagement"]
    add_cases(200, theme="leadership", stage="pilot", branch="old-age", year_started=2020)
    with django_assert_num_queries(together):
        response = client.get("/", searched)
    assert len(row_slugs(response)) == PAGE_SIZE
    with django_assert_num_queries(8):
        client.get("/")
    everything = {"region": "asia-pacific", "stage": "pilot", "started_min": "2019", **searched}
    with django_assert_num_queries(10):
        client.get("/", everything)
    for prefix in ("/fr", "/es", "/de"):  # the same in every language
        with django_assert_num_queries(10):
            response = client.get(f"{prefix}/", {**everything, "q": "generated"})
        assert len(row_slugs(response)) == PAGE_SIZE  # the new cases, not yet translated
    # The same address again is served from the cache: only the version is read.
    with django_assert_num_queries(1):
        assert len(row_slugs(client.get("/"))) == PAGE_SIZE


# Partners and recognition -------------------------------------------------------------------


def test_case_page_names_its_partners_and_their_part(client):
    html = client.get("/innovations/design-thinking/").content.decode()
    assert "Who they worked with" in html
    assert '<strong>Service Canada</strong> <span class="partner-kind">(Internal unit' in html
    assert "on behalf of Immigration, Refugees and Citizenship Canada." in html
    # The article does not say what kind of body the transport officers are: nothing is said.
    assert "<strong>Transport officers</strong>: <span>ESDC examined operational processes" in html
    html = client.get("/innovations/leadership-engagement/").content.decode()
    assert "Who they worked with" not in html


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        (["company"], ["bold-experimentation"]),
        (["government"], []),
        (["network", "company"], ["solutions-without-borders", "bold-experimentation"]),
        (["internal"], ["design-thinking", "multi-disciplinary-project-teams"]),
        (["international"], []),
    ],
)
def test_catalogue_filters_by_kind_of_partner(client, kinds, expected):
    response = client.get("/", {"partner_kind": kinds})
    assert response.status_code == 200
    assert row_slugs(response) == expected
    for kind in kinds:
        assert re.search(
            rf'name="partner_kind" value="{kind}" id="[^"]+" checked', response.content.decode()
        )


def test_an_unknown_kind_of_partner_is_explained(client):
    response = client.get("/", {"partner_kind": "pirates"})
    assert response.status_code == 200
    assert "There is no kind of partner “pirates” in the catalogue." in response.content.decode()
    assert row_slugs(response) == []


def test_recognised_practices_filter_and_award_shown(client):
    response = client.get("/", {"recognised": "1"})
    assert row_slugs(response) == ["staff-capabilities-for-innovation"]
    assert 'id="id_recognised" checked' in response.content.decode()
    html = client.get("/innovations/staff-capabilities-for-innovation/").content.decode()
    assert "ISSA Good Practice Award 2020, for the good practice" in html
    html = client.get("/institutions/esdc/").content.decode()
    assert "ISSA Good Practice Award 2020" in html
    assert "Enhanced staff capabilities for innovation</a>" in html


def test_award_level_below_the_award_is_named(client):
    award = Award.objects.get()
    award.level = Award.Level.MERIT
    award.save()
    html = client.get("/innovations/staff-capabilities-for-innovation/").content.decode()
    assert "ISSA Good Practice Award 2020 (Certificate of merit)" in html
    # German nouns keep their capitals: no template changes a label's case.
    html = client.get("/de/innovations/staff-capabilities-for-innovation/").content.decode()
    assert '<span lang="en">ISSA Good Practice Award</span> 2020 (Verdienstzertifikat)' in html
    html = client.get("/de/innovations/design-thinking/").content.decode()
    assert '<span class="partner-kind">(Interne Stelle, Kanada)</span>' in html


ACTIVE_FILTER = re.compile(
    r'<li><a href="([^"]*)"><span class="visually-hidden">Remove the filter </span>([^<]+)<'
)


def test_each_filter_in_use_is_a_link_that_removes_it_alone(client):
    params = {
        "theme": ["customer-centricity", "leadership"],
        "country": "FI",
        "q": "language",
        "started_min": "2019",
        "recognised": "",
        "sort": "newest",
    }
    html = client.get("/", params).content.decode()
    removals = {unescape(label): unescape(href) for href, label in ACTIVE_FILTER.findall(html)}
    assert removals == {
        "Success-factor theme: Customer centricity": "?theme=leadership&country=FI"
        "&started_min=2019&q=language&sort=newest",
        "Success-factor theme: Sustained leadership engagement": "?theme=customer-centricity"
        "&country=FI&started_min=2019&q=language&sort=newest",
        "Country: Finland": "?theme=customer-centricity&theme=leadership&started_min=2019"
        "&q=language&sort=newest",
        "Started from: 2019": "?theme=customer-centricity&theme=leadership&country=FI"
        "&q=language&sort=newest",
        "Search: “language”": "?theme=customer-centricity&theme=leadership&country=FI"
        "&started_min=2019&sort=newest",
    }
    assert '<a class="clear-all" href="?">Clear all</a>' in html
    assert "Filters (5 active)" in html
    assert client.get("/").content.decode().count("Filters in use") == 0


def test_a_search_without_result_offers_a_way_out(client):
    html = client.get("/", {"theme": "leadership", "institution": "kela"}).content.decode()
    assert "Remove a filter above, clear them all, or" in html
    assert '<a href="/suggest/">suggest a case</a>' in html
    assert len(ACTIVE_FILTER.findall(html)) == 2


def test_the_form_can_be_sent_from_its_top_and_options_that_give_nothing_fold_away(client):
    html = client.get("/", {"institution": "kela"}).content.decode()
    assert html.count('<button type="submit">Show cases</button>') == 2
    themes = html[html.index("<legend>Success-factor theme</legend>") :]
    themes = themes[: themes.index("</fieldset>")]
    shown, folded = themes.split('<details class="more-options">')
    assert '<input type="checkbox" name="theme" value="customer-centricity"' in shown
    # Kela has cases on one theme: the four others fold away, opened without a script.
    assert "<summary>Show 4 more, with no cases here</summary>" in folded
    assert '<input type="checkbox" name="theme" value="leadership"' in folded
    assert "<script" not in html
    # A ticked option stays in view even when it gives nothing.
    html = client.get("/", {"institution": "kela", "theme": "leadership"}).content.decode()
    themes = html[html.index("<legend>Success-factor theme</legend>") :]
    shown = themes[: themes.index("<details")]
    assert (
        '<input type="checkbox" name="theme" value="leadership" id="id_theme_leadership" checked>'
        in shown
    )


def test_searched_words_are_highlighted_in_titles_too(client):
    html = client.get("/", {"q": "GovCash"}).content.decode()
    assert "Bold experimentation: <mark>GovCash</mark> payments at cash machines</a>" in html


def test_a_filter_change_lands_at_the_results_and_the_orders_are_named_for_a_reader(client):
    """On a phone the filters come first: sending them opens the page at the results, not at
    the top of the introduction. The sort says what "Table 1's order" means."""
    html = client.get("/", {"theme": "leadership"}).content.decode()
    assert 'action="/#results"' in html
    assert '<section class="results" id="results"' in html
    assert "By institution, as in the article&#x27;s table" in html or (
        "By institution, as in the article's table" in html
    )
    assert "Summary table order" not in html


def test_a_slug_made_from_a_long_title_ends_where_a_word_does():
    title = "Chatbot for student benefits and allowances in rural areas"
    assert Innovation.objects.free_slug(title) == "chatbot-for-student-benefits-and"
    assert Innovation.objects.free_slug("Design thinking") == "design-thinking-2"  # taken
    assert Innovation.objects.free_slug("Ä" * 60) == "a" * 40  # one word: cut where it must


def test_newest_first_says_when_each_case_was_published(client):
    case = Innovation.objects.get(slug="bold-experimentation")
    Innovation.objects.filter(pk=case.pk).update(
        published_at=datetime(2026, 11, 27, 12, tzinfo=UTC)
    )
    newest = fresh_get(client, "/", {"sort": "newest"}).content.decode()
    assert '<p class="published">Published on 27 November 2026</p>' in newest
    assert newest.count('<p class="published">') == 12
    assert '<p class="published">' not in fresh_get(client, "/").content.decode()
    french = fresh_get(client, "/fr/", {"sort": "newest"}).content.decode()
    assert "Publié le 27 novembre 2026" in french
