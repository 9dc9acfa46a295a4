"""Facet counts, the success-factor matrix, similar cases, comparing, sorting, and the page
cache never showing a page from before an editor's change."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import facet_registry, writes
from cases.filters import InnovationFilter
from cases.models import Impact, Innovation, Theme
from tests.factories import with_every_field
from tests.helpers import form_data, fresh_get, row_slugs, shown_rows
from tests.seed_facts import TABLE_1

pytestmark = pytest.mark.django_db

THEMES = [
    "agile-teamwork",
    "customer-centricity",
    "organizational-design",
    "innovation-system",
    "leadership",
]
WORDS = ["", "staff", "customer", "passport", "innovation", "the", "network"]


def facet_counts(response):
    facets = response.context["selection"]
    return {
        name: {option.value: option.count for option in facets[name]}
        for name in (*InnovationFilter.FACETS, "year")
    }


def choosing(params, name, value):
    """The parameters with only `value` chosen for facet `name`."""
    if name == "year":
        return {**params, "started_min": value, "started_max": value}
    return {**params, name: [value]}


# The seed's values of the facets whose options come from the catalogue's rows; the
# registry gives the others' fixed options.
SEED_VALUES = {"theme": THEMES, "institution": list(TABLE_1), "country": ["CA", "FI", "SG"]}


def facet_values(facet):
    values = SEED_VALUES[facet.name] if not facet.fixed else [v for v, _ in facet.choices]
    return st.lists(st.sampled_from(values), max_size=2, unique=True)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    chosen=st.fixed_dictionaries(
        {facet.name: facet_values(facet) for facet in facet_registry.FACETS}
    ),
    q=st.sampled_from(WORDS),
    recognised=st.sampled_from(["", "1"]),
    started=st.sampled_from([("", ""), ("2019", ""), ("", "2021"), ("2020", "2022")]),
)
def test_each_facet_count_is_what_choosing_the_option_gives(
    client, richer_catalogue, chosen, q, recognised, started
):
    """Every facet of the registry, chosen at random with the others."""
    params = {
        **chosen,
        "q": q,
        "recognised": recognised,
        "started_min": started[0],
        "started_max": started[1],
    }
    response = fresh_get(client, "/", params)
    assert response.context["filter"].is_valid()
    assert response.context["page"].paginator.count == shown_rows(response)
    for name, counts in facet_counts(response).items():
        for value, count in counts.items():
            chosen = fresh_get(client, "/", choosing(params, name, value))
            assert count == shown_rows(chosen), (name, value, params)


@pytest.mark.parametrize("themes", [["leadership"], ["leadership", "innovation-system"]])
@pytest.mark.parametrize("q", ["generated case", "leadership engagement"])
def test_a_search_with_themes_chosen_counts_as_choosing_gives(client, richer_catalogue, themes, q):
    """A search with themes chosen and no other facet: its three groups of counts in one
    query, the themes counted without the themes chosen, the others with them."""
    params = {"q": q, "theme": themes}
    response = fresh_get(client, "/", params)
    assert response.context["page"].paginator.count == shown_rows(response) > 0
    for name, counts in facet_counts(response).items():
        for value, count in counts.items():
            chosen = fresh_get(client, "/", choosing(params, name, value))
            assert count == shown_rows(chosen), (name, value, params)


def test_cases_are_found_by_the_language_they_were_written_in(client, add_cases):
    """A facet the registry declares and no other module names: the form, the filter, the
    counts beside the other facets, the link that removes it and the API all follow."""
    french = {case.slug for case in add_cases(2, institution="kela", original_language="fr")}
    response = fresh_get(client, "/", {"original_language": "fr"})
    assert set(row_slugs(response)) == french
    counts = facet_counts(response)
    assert counts["institution"] == {"esdc": 0, "kela": 2, "cpf": 0}
    assert counts["theme"]["leadership"] == 2 and counts["theme"]["agile-teamwork"] == 0
    html = response.content.decode()
    # Each language named in itself, marked as such for a screen reader.
    option = re.search(r'<label for="id_original_language_de">(.*?)</label>', html, re.S)
    assert '<span lang="de">Deutsch</span>' in option.group(1)
    assert 'name="original_language" value="fr" id="id_original_language_fr" checked' in html
    assert re.search(r'<a href="\?">.{0,80}Written in: Français', html)  # removes it
    both = fresh_get(client, "/", {"original_language": ["en", "fr"]})
    assert shown_rows(both) == sum(map(len, TABLE_1.values())) + 2
    api = client.get("/api/innovations/", {"original_language": "fr"}).json()
    assert {case["slug"] for case in api["results"]} == french
    wrong = fresh_get(client, "/", {"original_language": "xx"})
    assert "There is no language “xx” in the catalogue." in wrong.content.decode()
    assert client.get("/api/innovations/", {"original_language": "xx"}).status_code == 400


def test_facet_counts_are_in_the_labels_and_zero_options_stay(client):
    html = client.get("/", {"institution": "kela"}).content.decode()
    label = re.search(r'<label for="id_theme_customer-centricity">(.*?)</label>', html, re.S)
    assert "Customer centricity" in label.group(1) and "(3" in label.group(1)
    label = re.search(r'<label for="id_theme_leadership">(.*?)</label>', html, re.S)
    assert "(0" in label.group(1)
    # Choosing an institution does not hide the others: their counts say what they'd give.
    label = re.search(r'<label for="id_institution_cpf">(.*?)</label>', html, re.S)
    assert "(6" in label.group(1)


def matrix_cells(response):
    html = response.content.decode()
    table = re.search(r'<table id="matrix".*?</table>', html, re.S).group(0)
    return [
        (unescape(href), int(count))
        for href, count in re.findall(r'<td[^>]*><a href="([^"]+)"[^>]*>(\d+)</a></td>', table)
    ]


def test_matrix_shows_themes_by_institution(client):
    response = fresh_get(client, "/matrix/")
    assert response.status_code == 200
    grid = response.context["grid"]
    assert [theme.value for theme, _ in grid["rows"]] == THEMES
    assert [institution.value for institution in grid["columns"]] == ["esdc", "kela", "cpf"]
    counts = [[count for _, count, *_ in cells] for _, cells in grid["rows"]]
    assert counts == [[3, 0, 0], [0, 3, 0], [0, 0, 3], [0, 0, 3], [0, 0, 1]]
    assert "/?theme=agile-teamwork&institution=esdc" in [href for href, _ in matrix_cells(response)]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"country": "SG"},
        {"q": "staff"},
        {"theme": "leadership", "country": "FI"},
        {"partner_kind": "internal"},
        {"recognised": "1"},
    ],
)
def test_each_matrix_cell_equals_the_rows_of_the_table_it_links_to(
    client, richer_catalogue, params
):
    cells = matrix_cells(client.get("/matrix/", params))
    assert cells
    for href, count in cells:
        assert count == shown_rows(fresh_get(client, href)), href


def test_matrix_with_bad_filters_explains(client):
    response = client.get("/matrix/", {"theme": "nothing"})
    assert response.status_code == 200
    assert "There is no theme “nothing” in the catalogue." in response.content.decode()


def test_home_links_to_the_matrix_with_its_filters(client):
    html = client.get("/", {"country": "SG"}).content.decode()
    assert 'href="/matrix/?country=SG"' in html


def test_similar_cases_are_symmetric_never_self_never_draft(client):
    writes.withdraw(Innovation.objects.filter(slug="automation-and-play-labs"))
    related = {}
    for case in Innovation.objects.published():
        response = fresh_get(client, case.get_absolute_url())
        related[case.slug] = {other.slug for other in response.context["related"]}
        assert case.slug not in related[case.slug]
        assert "automation-and-play-labs" not in related[case.slug]
    for slug, others in related.items():
        for other in others:
            assert slug in related[other], (slug, other)
    assert related["experimentation-fund"] == {"leadership-engagement"}


def test_similar_cases_prefer_more_shared_themes_then_the_same_country(client, add_cases):
    (kela_case,) = add_cases(1, institution="kela", theme="innovation-system")
    (cpf_case,) = add_cases(1, institution="cpf", theme="innovation-system")
    both = Theme.objects.filter(slug__in=["innovation-system", "leadership"])
    kela_case.themes.set(both)
    response = fresh_get(client, "/innovations/leadership-engagement/")
    slugs = [case.slug for case in response.context["related"]]
    assert slugs[0] == kela_case.slug  # two themes in common
    assert slugs[1:] == ["experimentation-fund", "automation-and-play-labs", cpf_case.slug]
    # Same themes in common: the case from the same country (Singapore) comes first.
    response = fresh_get(client, f"/innovations/{kela_case.slug}/")
    slugs = [case.slug for case in response.context["related"]]
    assert slugs[0] == "leadership-engagement"


def compare_columns(response):
    html = response.content.decode()
    table = re.search(r'<table id="compare".*?</table>', html, re.S)
    if not table:
        return []
    return re.findall(r'<th scope="col"><a href="/innovations/([^/]+)/">', table.group(0))


@pytest.mark.parametrize(
    "slugs",
    [
        ["design-thinking", "bold-experimentation"],
        ["plain-language-website", "design-thinking", "experimentation-fund"],
        [
            "delegating-authority",
            "agile-benefit-design",
            "user-profile-analyses",
            "design-thinking",
        ],
    ],
)
def test_compare_shows_two_to_four_cases_side_by_side(client, slugs):
    response = client.get("/compare/", {"i": slugs})
    assert response.status_code == 200
    assert compare_columns(response) == slugs
    html = response.content.decode()
    for row in ("Institution", "Country", "Themes", "Summary", "Impact", "Sources"):
        assert f'<th scope="row">{row}</th>' in html


def test_compare_shows_figures_and_sources(client):
    html = client.get("/compare/", {"i": ["bold-experimentation", "automation-and-play-labs"]})
    html = html.content.decode()
    assert '<strong class="figure-in-text">Over 40,000 people</strong> are able' in html
    assert "Nolan, S. 2021." in html
    assert "Singapore (Asia and the Pacific)" in html


def test_compare_carries_what_peers_ask(client):
    with_every_field("design-thinking", year_ended=None)
    with_every_field(
        "automation-and-play-labs",
        year_started=2019,
        year_ended=None,
        stage="operating",
        lessons="Start small.",
        reuse_needs="A room and a budget.",
        contact_role="Innovation office",
        contact_email="lab@example.org",
        contact_public=False,
    )
    html = client.get("/compare/", {"i": ["design-thinking", "automation-and-play-labs"]})
    html = html.content.decode()
    for text in (
        "Since 2022",
        "Since 2019",
        "In operation",
        "Across branches",
        "Start small.",
        "A room and a budget.",
    ):
        assert text in html, text
    assert "lab@example.org" not in html  # the institution has not agreed to show it
    Innovation.objects.filter(slug="automation-and-play-labs").update(contact_public=True)
    html = fresh_get(client, "/compare/", {"i": ["design-thinking", "automation-and-play-labs"]})
    assert 'Innovation office: <a href="mailto:lab@example.org">' in html.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"i": ""}, "Choose two to four cases to compare"),
        (
            {"i": [slug for slugs in TABLE_1.values() for slug in slugs][:5]},
            "You chose 5 cases. You can compare at most 4 at once.",
        ),
        ({"i": ["no-such-case"]}, "We could not find this case"),
        ({"i": ["design-thinking", "bad slug!"]}, "There is no case “bad slug!”"),
        ({"i": ["design-thinking", "x\x00"]}, "There is no case"),
    ],
)
def test_compare_explains_what_it_cannot_show(client, params, message):
    response = client.get("/compare/", params)
    assert response.status_code == 200
    assert message in unescape(response.content.decode())
    assert compare_columns(response) == []


def test_compare_leaves_out_drafts_and_says_so(client):
    writes.withdraw(Innovation.objects.filter(slug="design-thinking"))
    slugs = ["design-thinking", "bold-experimentation", "plain-language-website"]
    response = client.get("/compare/", {"i": slugs})
    assert compare_columns(response) == ["bold-experimentation", "plain-language-website"]
    assert "We could not find this case in the catalogue: “design-thinking”." in (
        unescape(response.content.decode())
    )


def test_compare_form_on_the_table_works_without_javascript(client):
    """The table's checkboxes belong to the compare form; ticking two and submitting it
    opens the comparison."""
    html = client.get("/").content.decode()
    assert (
        '<form id="compare-form" class="compare-form" method="post" action="/compare/choose/">'
        in html
    )
    boxes = re.findall(
        r'<input type="checkbox" name="i" value="([^"]+)"[^>]*form="compare-form"', html
    )
    assert len(boxes) == 12
    response = client.post("/compare/choose/", {"i": boxes[:2]}, follow=True)
    assert compare_columns(response) == boxes[:2]


def choose(client, **data):
    """Press a compare button as a browser would (no CSRF token: the buttons sit on cached
    pages), and read the comparison it leads to."""
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = client.cookies
    response = browser.post("/compare/choose/", data)
    assert response.status_code == 302 and response["Location"] == "/compare/"
    return client.get("/compare/")


def test_compare_keeps_the_chosen_cases_across_pages_and_explains_one(client):
    one = choose(client, i="design-thinking")
    assert compare_columns(one) == ["design-thinking"]
    assert "One case is chosen. Comparing needs at least one more" in unescape(one.content.decode())
    # Another page, other filters: the choice is added to the first, in order.
    two = choose(client, i=["bold-experimentation", "design-thinking"])
    assert compare_columns(two) == ["design-thinking", "bold-experimentation"]
    html = two.content.decode()
    assert "One case is chosen" not in html
    assert 'href="/compare/?i=design-thinking&amp;i=bold-experimentation"' in html  # to share
    assert "no-cache" in two["Cache-Control"] and "private" in two["Cache-Control"]
    # Someone else has a comparison of their own.
    assert compare_columns(Client().get("/compare/")) == []
    # A fifth case is refused with the reason; the four stay.
    choose(client, i=["plain-language-website", "experimentation-fund"])
    refused = choose(client, i="agile-benefit-design")
    assert "You chose 5 cases. You can compare at most 4 at once." in refused.content.decode()
    assert len(compare_columns(refused)) == 4
    removed = choose(client, remove="design-thinking")
    assert "design-thinking" not in compare_columns(removed)
    assert len(compare_columns(removed)) == 3
    cleared = choose(client, clear="1")
    assert compare_columns(cleared) == []
    assert "The comparison is cleared." in cleared.content.decode()
    assert "No case is chosen to compare yet." in cleared.content.decode()


def test_compare_takes_only_published_cases_of_the_right_shape(client):
    writes.withdraw(Innovation.objects.filter(slug="design-thinking"))
    assert compare_columns(choose(client, i=["design-thinking", "bold-experimentation"])) == [
        "bold-experimentation"
    ]
    refused = choose(client, i="bad slug!")
    assert "There is no case “bad slug!”" in unescape(refused.content.decode())
    assert compare_columns(refused) == ["bold-experimentation"]


def test_sort_newest_first(client, add_cases):
    (newest,) = add_cases(1, institution="esdc")
    Innovation.objects.filter(pk=newest.pk).update(created=timezone.now() + timedelta(days=1))
    assert row_slugs(client.get("/", {"sort": "newest"}))[0] == newest.slug
    assert row_slugs(client.get("/"))[0] == "agile-benefit-design"
    # "Best match" without a search keeps the table's order.
    assert row_slugs(client.get("/", {"sort": "relevance"}))[0] == "agile-benefit-design"
    response = client.get("/", {"sort": "sideways"})
    assert "Choose one of the listed ways to sort." in response.content.decode()


def test_matrix_query_count_is_fixed(client, add_cases, django_assert_num_queries):
    # catalogue version, fresh or not, theme facet, institution facet, the theme-by-institution
    # counts; and a country's institutions, when one is chosen (their places in Table 1)
    with django_assert_num_queries(5):
        client.get("/matrix/")
    add_cases(200)
    with django_assert_num_queries(6):
        client.get("/matrix/", {"country": "SG"})


def test_no_stale_page_after_an_editors_change_in_the_admin(client, admin_client):
    assert "Design thinking to clear the passport backlog" in client.get("/").content.decode()
    detail = client.get("/innovations/design-thinking/").content.decode()
    assert "More efficient and rapid handling" in detail

    case = Innovation.objects.get(slug="design-thinking")
    url = f"/admin/cases/innovation/{case.pk}/change/"
    data = form_data(admin_client.get(url))
    data.pop("csrfmiddlewaretoken", None)
    data["title"] = "Design thinking in five hours"
    data["impacts-0-statement"] = "Passports issued faster."
    assert admin_client.post(url, data).status_code == 302

    assert "Design thinking in five hours" in client.get("/").content.decode()
    detail = client.get("/innovations/design-thinking/").content.decode()
    assert "Passports issued faster." in detail
    assert "Design thinking in five hours" in client.get("/themes/agile-teamwork/").content.decode()

    # A bulk action in the list sends no signals of its own; it still shows at once.
    admin_client.post(
        "/admin/cases/innovation/", {"action": "withdraw", "_selected_action": [case.pk]}
    )
    assert "design-thinking" not in row_slugs(client.get("/"))
    assert client.get("/innovations/design-thinking/").status_code == 404


def test_no_stale_page_after_changes_outside_the_admin(client):
    client.get("/institutions/cpf/")
    Impact.objects.filter(innovation__slug="delegating-authority").update(statement="x")
    # A queryset update is invisible to signals; saving through the model is not.
    impact = Impact.objects.get(innovation__slug="delegating-authority")
    impact.statement = "Staff lead the way."
    impact.save()
    assert "Staff lead the way." in client.get("/institutions/cpf/").content.decode()
    Theme.objects.get(slug="leadership").delete()
    assert client.get("/themes/leadership/").status_code == 404
    assert "Sustained leadership engagement" not in client.get("/").content.decode()


def test_each_year_started_links_to_its_cases_keeping_the_other_filters(client, add_cases):
    add_cases(3, institution="kela", year_started=2020)
    response = client.get("/", {"institution": "kela", "page": "1"})
    link = '<a href="?institution=kela&amp;started_min=2020&amp;started_max=2020">2020</a>'
    assert link in response.content.decode()
    chosen = client.get("/", {"institution": "kela", "started_min": "2020", "started_max": "2020"})
    assert chosen.context["page"].paginator.count == 3
    assert 'aria-current="true">2020</a>' in chosen.content.decode()
