"""Bad input never breaks a page: it gets a clear message and a 4xx or an explained result."""

import pytest

from cases.views import PAGE_SIZE
from tests.helpers import row_slugs

pytestmark = pytest.mark.django_db

LONG_TEXT = "passport " * 1200  # over 10,000 characters


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"theme": "no-such-theme"}, "There is no theme “no-such-theme” in the catalogue."),
        ({"institution": "nobody"}, "There is no institution “nobody” in the catalogue."),
        ({"country": "ZZ"}, "There is no country “ZZ” in the catalogue."),
        ({"theme": ["leadership", "x" * 5000]}, "There is no theme “xxxxxxxxxxxxxxxxxxxxxxx"),
        ({"q": LONG_TEXT}, "The search text is too long. Use at most 200 characters."),
        ({"q": "pass\x00port"}, "a null character"),
        ({"theme": "lead\x00ership"}, "There is no theme"),
        ({"country": "\x00"}, "There is no country"),
        ({"region": "mars"}, "There is no region “mars” in the catalogue."),
        ({"stage": "=1+1"}, "There is no stage “=1+1” in the catalogue."),
        ({"branch": "<b>x</b>"}, "There is no branch “&lt;b&gt;x&lt;/b&gt;” in the catalogue."),
        ({"started_min": "abc"}, "Give the year as a number, for example 2019."),
        ({"started_max": "99999999999999999999"}, "Give the year as a number"),
        ({"started_min": "-5"}, "Give the year as a number"),
        ({"started_min": "2022", "started_max": "2019"}, "is before the year “from” (2022)"),
    ],
)
def test_bad_filter_values_give_an_explained_empty_result(client, params, message):
    response = client.get("/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters could not be used, so no cases are shown" in html
    assert message in html
    assert row_slugs(response) == []
    assert len(html) < 60_000, "a huge value is not echoed back in full"


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("abc", "“abc” is not a page number, so here is the first page."),
        ("-1", "There is no page -1: the results have 1 page. Here is page 1."),
        ("0", "There is no page 0"),
        ("99999999999999999999999", "There is no page 9999999999999999999…"),
        ("\x00", "is not a page number"),
        ("1.5", "is not a page number"),
    ],
)
def test_bad_page_numbers_show_a_real_page_and_say_why(client, page, message):
    response = client.get("/", {"page": page})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert row_slugs(response)[0] == "agile-benefit-design"


def test_page_past_the_end_shows_the_last_page(client, add_cases):
    add_cases(60)  # 72 cases in all
    pages = -(-72 // PAGE_SIZE)
    response = client.get("/", {"page": "99"})
    assert (
        f"There is no page 99: the results have {pages} pages. Here is page {pages}."
        in response.content.decode()
    )
    assert len(row_slugs(response)) == 72 - (pages - 1) * PAGE_SIZE


def test_repeated_and_unknown_parameters_are_harmless(client):
    params = {"theme": ["leadership"] * 500, "colour": "blue", "q": ["", "GovCash"]}
    response = client.get("/", params)
    assert response.status_code == 200
    # The last q wins, as with any repeated single-value field.
    assert row_slugs(response) == []  # GovCash case is not a leadership case
    assert row_slugs(client.get("/", {"q": ["", "GovCash"], "utm_source": "x"})) == [
        "bold-experimentation"
    ]


def test_empty_values_mean_no_filter(client):
    response = client.get("/", {"q": "   ", "theme": [], "page": "1"})
    assert len(row_slugs(response)) == 12


@pytest.mark.parametrize(
    "url",
    [
        "/innovations/%00/",
        "/innovations/x%00y/",
        "/institutions/..%2F..%2Fetc%2Fpasswd/",
        "/themes/%E2%80%AE/",
        "/innovations/" + "a" * 5000 + "/",
        "/themes/leadership/?page=%00",
        "/institutions/kela/?page=-5",
        "/%ff%fe/",
    ],
)
def test_odd_addresses_are_not_found_or_explained(client, url):
    response = client.get(url)
    assert response.status_code in {200, 400, 404}
