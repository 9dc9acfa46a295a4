"""The map and the charts: each country, bar and table row counts exactly the cases its link
leads to, for any filters; the map is drawn from the package's shapes, accessible, and within
the Content Security Policy."""

import re
from html import unescape
from itertools import pairwise

import pytest
from django.conf import settings as django_settings
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import worldmap
from tests.helpers import fresh_get, shown_rows
from tests.seed_facts import TABLE_1

pytestmark = pytest.mark.django_db

THEMES = ["agile-teamwork", "customer-centricity", "innovation-system", "leadership"]
# A link in a picture: its address and its accessible name, "Finland: 3 cases".
PICTURE_LINK = re.compile(r'<a href="([^"]+)" aria-label="([^"]+): ([\d,]+) cases?"')
TABLE_ROW = re.compile(
    r'<tr[^>]*><th scope="row"[^>]*><a href="([^"]+)"[^>]*>([^<]+)</a></th>'
    r"<td>(\d+)</td></tr>"
)


def picture_links(html, start=None, end="</svg>"):
    """[(address, name, count)] of the links in the picture that starts at `start` (none
    when the page has no such picture)."""
    if start is not None:
        if start not in html:
            return []
        html = html[html.index(start) :]
        html = html[: html.index(end)]
    return [
        (unescape(href), unescape(name), int(count.replace(",", "")))
        for href, name, count in PICTURE_LINK.findall(html)
    ]


def assert_each_link_counts_its_cases(client, links):
    for href, name, count in links:
        assert count == shown_rows(fresh_get(client, href)), (name, href)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    themes=st.lists(st.sampled_from(THEMES), max_size=2, unique=True),
    institutions=st.lists(st.sampled_from(list(TABLE_1)), max_size=1),
    countries=st.lists(st.sampled_from(["CA", "FI", "SG"]), max_size=2, unique=True),
    regions=st.lists(st.sampled_from(["americas", "asia-pacific", "europe"]), max_size=1),
    q=st.sampled_from(["", "staff", "customer", "innovation"]),
    stages=st.lists(st.sampled_from(["pilot", "evaluated"]), max_size=1),
    started=st.sampled_from([("", ""), ("2019", ""), ("", "2021")]),
)
def test_the_map_and_the_charts_count_what_their_links_show(
    client, richer_catalogue, themes, institutions, countries, regions, q, stages, started
):
    params = {
        "theme": themes,
        "institution": institutions,
        "country": countries,
        "region": regions,
        "q": q,
        "stage": stages,
        "started_min": started[0],
        "started_max": started[1],
    }
    html = fresh_get(client, "/map/", params).content.decode()
    on_map = picture_links(html, '<svg class="world-map full"')
    in_table = [(unescape(href), name, int(count)) for href, name, count in TABLE_ROW.findall(html)]
    # The table beside the map gives the same numbers, country by country.
    countries_in_table = {name: (href, count) for href, name, count in in_table}
    for href, name, count in on_map:
        assert countries_in_table[name] == (href, count)
    assert_each_link_counts_its_cases(client, on_map + in_table)
    if not countries:  # then every case shown is on the map, once
        assert sum(count for _, _, count in on_map) == shown_rows(fresh_get(client, "/", params))

    catalogue = fresh_get(client, "/", params)
    charts = picture_links(catalogue.content.decode(), 'class="glance"', "</section>")
    assert_each_link_counts_its_cases(client, charts)
    if shown_rows(catalogue):  # the small map on / is the same map
        assert {name for _, name, _ in on_map} <= {name for _, name, _ in charts}

    # /charts/ draws the same bars as /, and those of stages and branches besides.
    page = fresh_get(client, "/charts/", params).content.decode()
    every_bar = picture_links(page, '<div class="chart-grid">', "</div>")
    assert_each_link_counts_its_cases(client, every_bar)
    assert set(charts) - set(on_map) <= set(every_bar)


def test_the_charts_page_counts_every_facet_and_explains_what_it_cannot(client, richer_catalogue):
    html = client.get("/charts/").content.decode()
    titles = re.findall(r'<figcaption id="[^"]+">([^<]+)</figcaption>', html)
    assert titles == [
        "Cases by success-factor theme",
        "Cases by region",
        "Cases by stage",
        "Cases by branch",
        "Cases by year started",
    ]
    assert '<a href="/charts/" aria-current="page">Charts</a>' in html
    assert "style=" not in html and "<script" not in html
    assert "There is no theme “nothing” in the catalogue." in (
        client.get("/charts/", {"theme": "nothing"}).content.decode()
    )
    empty = client.get("/charts/", {"institution": "kela", "branch": "disability"})
    assert "No case matches these filters, so there is nothing to count." in empty.content.decode()
    assert "<svg" not in empty.content.decode()
    # The charts at the bottom of / lead to this page, with the same filters.
    catalogue = client.get("/", {"region": "europe"}).content.decode()
    assert (
        '<a href="/charts/?region=europe">All the charts, by stage and branch too</a>' in catalogue
    )


def test_each_bar_is_named_first_with_what_it_shows():
    """A bar's accessible name starts with its visible label ("Label in Name"): a voice
    user who says the label reaches it."""
    html = Client().get("/charts/").content.decode()
    bars = re.findall(
        r'<a href="[^"]+" aria-label="([^"]+)"[^>]*><title>[^<]+</title>'
        r'<text class="label"[^>]*>([^<]+)</text>',
        html,
    )
    assert len(bars) == 8  # the seed: five themes, three regions
    # It records no stage: the page says so rather than leave the chart out without a word.
    assert "Cases by stage: none of these cases records it yet." in html
    for name, label in bars:
        assert unescape(name).startswith(unescape(label)), (name, label)


def test_the_map_shades_each_country_by_its_cases_and_names_it_with_its_count(client):
    html = client.get("/map/").content.decode()
    links = picture_links(html, '<svg class="world-map full"')
    assert [(name, count) for _, name, count in links] == [
        ("Canada", 3),
        ("Singapore", 6),
        ("Finland", 3),
    ]
    assert '<a href="/?country=FI" aria-label="Finland: 3 cases" class="shade-3">' in html
    assert 'class="shade-5"><title>Singapore: 6 cases</title>' in html
    # Singapore is a dot on the map: a marker makes it one to click.
    singapore = html[html.index("Singapore: 6 cases</title>") :]
    assert '<circle class="marker"' in singapore[: singapore.index("</a>")]
    # Countries without cases are drawn, and are no link.
    assert html.count("<path ") == len(
        [s for s in worldmap.shapes()["countries"].values() if s["full"]]
    )


def test_the_map_keeps_the_other_filters_in_its_links(client):
    html = client.get("/map/", {"theme": "customer-centricity", "sort": "newest"}).content.decode()
    links = picture_links(html, '<svg class="world-map full"')
    assert links == [("/?theme=customer-centricity&country=FI&sort=newest", "Finland", 3)]


def test_the_map_explains_filters_it_cannot_use_and_a_selection_without_cases(client):
    response = client.get("/map/", {"country": "ZZ"})
    assert response.status_code == 200
    assert "There is no country “ZZ” in the catalogue." in response.content.decode()
    html = client.get("/map/", {"theme": "leadership", "institution": "kela"}).content.decode()
    assert "No country has cases that match these filters." in html
    assert "<svg" in html  # the map is still drawn, all of it grey


def test_the_map_is_in_the_page_language(client):
    html = client.get("/fr/map/", {"region": "europe"}).content.decode()
    assert 'aria-label="Finlande\u00a0: 3 cas"' in html
    assert 'href="/fr/?region=europe&amp;country=FI"' in html


def test_pictures_need_no_inline_style_or_script(client):
    for url in ("/", "/map/", "/charts/", "/matrix/", "/institutions/kela/"):
        response = client.get(url)
        html = response.content.decode()
        assert "style=" not in html and "<script" not in html, url
        policy = response["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "style-src 'self'" in policy


def test_an_institution_page_charts_its_cases_by_theme(client, add_cases):
    add_cases(2, institution="kela", theme="leadership")
    html = fresh_get(client, "/institutions/kela/").content.decode()
    bars = picture_links(html, 'id="chart-institution-themes-title"')
    assert bars == [  # in the themes' order; a theme without cases has no bar
        ("/?institution=kela&theme=customer-centricity", "Customer centricity", 3),
        ("/?institution=kela&theme=leadership", "Sustained leadership engagement", 2),
    ]
    assert_each_link_counts_its_cases(client, bars)


def test_the_matrix_shades_its_cells_with_a_legend(client):
    html = client.get("/matrix/").content.decode()
    assert re.search(r'<td class="shade-5"><a href="[^"]+" aria-label="\d cases of', html)
    assert '<td class="shade-0">0</td>' in html
    assert '<ul class="legend"' in html


def test_the_map_file_is_the_packages_map_simplified(tmp_path):
    """world_map.json is what build_world_map makes of the package's map, never edited by
    hand (the package comes with the development tools)."""
    pytest.importorskip("pygal_maps_world")
    assert worldmap.dumps(worldmap.build(worldmap.package_svg())) == worldmap.DATA.read_text()
    shapes = worldmap.shapes()["countries"]
    assert "AQ" not in shapes and {"CA", "FI", "SG"} <= set(shapes)
    assert shapes["SG"]["marker"] and not shapes["CA"]["marker"]


def luminance(colour):
    """WCAG's relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one, other):
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_each_shade_tells_from_the_next_and_carries_its_text():
    """A country with 1 case tells from one with none, 7-8 from 5-6 (each step at least 1.5
    times its neighbour's contrast), and the matrix's numbers read on every shade (4.5)."""
    css = (django_settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    shades = dict(re.findall(r"\.shade-(\d) \{ fill: (#[0-9a-f]{6});", css))
    steps = [shades[str(n)] for n in range(6)]
    assert all(contrast(a, b) >= 1.5 for a, b in pairwise(steps)), steps
    assert "td.shade-1 a, td.shade-2 a { color: #1a1a1a; }" in css
    assert "td.shade-3 a, td.shade-4 a, td.shade-5 a { color: #fff; }" in css
    for n, text in (("1", "#1a1a1a"), ("2", "#1a1a1a"), ("3", "#ffffff"), ("4", "#ffffff")):
        assert contrast(shades[n], text) >= 4.5, n
    assert contrast(shades["5"], "#ffffff") >= 4.5
