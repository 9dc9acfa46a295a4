"""Detail and list pages: one innovation, institutions, themes, and what visitors may not see."""

import gzip

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client

from cases import pagecache, writes
from cases.models import Innovation, Institution
from cases.pagecache import PageCacheMiddleware, RecentPages
from tests.factories import bulk_cases
from tests.helpers import fresh_get, row_slugs, sitemap_text, summary_rows
from tests.pages import PAGES
from tests.seed_facts import TABLE_1, THEME_ROWS

pytestmark = pytest.mark.django_db


def test_innovation_page_tells_the_whole_case(client):
    response = client.get("/innovations/solutions-without-borders/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "<title>“Solutions without borders”: the Reject appeals management protocol (RAMP) (CPF)",
        '<a href="/institutions/cpf/">Central Provident Fund Board</a> (CPF),',
        "Singapore",
        "uses a network of partners to solve customer problems.",  # summary
        "Each month 4,000 appeals enter CPF",  # narrative
        # The figure marked where the statement says it, and said once.
        '<span class="statement">To help 17,000 people resolve problems',
        'a network of <strong class="figure-in-text">over 40 organizations</strong> to help',
        '<a href="/?theme=organizational-design">Organizational design and practices</a>',
        "Wong, S. M. 2020. “If there&#x27;s any pain, we feel it first”, in Challenge, 8 December.",
        "Innovation through collaboration in social security: Experiences of ISSA members.",
    ):
        assert text in html, text


def test_innovation_page_shows_its_award(client):
    html = client.get("/innovations/staff-capabilities-for-innovation/").content.decode()
    assert "ISSA Good Practice Award 2020" in html
    assert "“Service Transformation: Design-thinking and the Acceleration Hub”" in html
    assert "Recognition" not in client.get("/innovations/design-thinking/").content.decode()


def test_similar_cases_share_a_theme_most_shared_first(client):
    response = client.get("/innovations/experimentation-fund/")
    related = [case.slug for case in response.context["related"]]
    assert related == ["automation-and-play-labs", "leadership-engagement"]
    response = client.get("/innovations/leadership-engagement/")
    assert [case.slug for case in response.context["related"]] == [
        "experimentation-fund",
        "automation-and-play-labs",
    ]


def test_similar_cases_leave_out_drafts(client):
    writes.withdraw(Innovation.objects.filter(slug="automation-and-play-labs"))
    response = client.get("/innovations/experimentation-fund/")
    assert [case.slug for case in response.context["related"]] == ["leadership-engagement"]


def test_theme_link_on_a_case_opens_the_filtered_catalogue(client):
    assert (
        row_slugs(client.get("/?theme=organizational-design"))
        == (THEME_ROWS["organizational-design"])
    )


def test_a_draft_is_not_found_by_visitors(client, admin_client):
    writes.withdraw(Innovation.objects.filter(slug="design-thinking"))
    response = client.get("/innovations/design-thinking/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    changelist = admin_client.get("/admin/cases/innovation/", {"status__exact": "draft"})
    assert "Design thinking to clear the passport backlog" in changelist.content.decode()


def test_unknown_pages_are_not_found(client):
    for url in ("/innovations/nothing/", "/institutions/nothing/", "/themes/nothing/"):
        assert client.get(url).status_code == 404


def test_institution_list_and_page(client):
    html = client.get("/institutions/").content.decode()
    assert html.index("Employment and Social Development Canada") < html.index(
        "Social Insurance Institution"
    )
    assert "Central Provident Fund Board (CPF)" in html
    assert "6 cases" in html

    response = client.get("/institutions/esdc/")
    html = response.content.decode()
    assert summary_rows(response) == [("ESDC, Canada", TABLE_1["esdc"])]
    assert "45,000, across 10 provinces and five time zones" in html
    assert "ISSA Good Practice Award 2020" in html
    assert "<title>Employment and Social Development Canada ·" in html


@pytest.mark.parametrize(
    ("prefix", "names"),
    [
        ("", ["Central Provident", "Employment and Social", "Social Insurance"]),
        ("/fr", ["Conseil de la Caisse", "Emploi et Développement", "Institution d’assurance"]),
    ],
)
def test_the_institutions_are_listed_in_the_alphabets_order_of_the_page(client, prefix, names):
    html = client.get(f"{prefix}/institutions/").content.decode()
    assert [html.index(name) for name in names] == sorted(html.index(name) for name in names)
    assert 'type="search"' not in html  # three institutions: nothing to find


def test_past_twenty_institutions_a_box_finds_one_by_name_or_acronym(client):
    for n in range(20):
        Institution.objects.create(slug=f"member-{n}", name=f"Caisse numéro {n}", country="FR")
        bulk_cases(1, institution=f"member-{n}")
    html = client.get("/institutions/").content.decode()
    assert '<input type="search" id="find-institution" name="q"' in html
    found = client.get("/institutions/", {"q": "  caisse NUMERO 1 "}).content.decode()
    assert "11 institutions found for “caisse NUMERO 1”." in found  # 1 and 10 to 19
    assert "Caisse numéro 1<" in found and "Caisse numéro 2<" not in found
    assert "Kela" not in found.split("<main")[1].split("</main>")[0]
    acronym = client.get("/institutions/", {"q": "kela"}).content.decode()
    assert "1 institution found for “kela”." in acronym
    nothing = client.get("/institutions/", {"q": "<b>nothing</b>"}).content.decode()
    assert "No institution has that name or acronym." in nothing
    assert "<b>nothing" not in nothing  # what was asked is shown as text


def test_an_institution_without_a_published_case_is_nowhere_public(client):
    writes.withdraw(Innovation.objects.filter(institution__slug="kela"))
    assert client.get("/institutions/kela/").status_code == 404
    assert "/institutions/kela/" not in client.get("/institutions/").content.decode()
    assert 'value="kela"' not in client.get("/").content.decode()
    assert 'value="FI"' not in client.get("/").content.decode()
    assert "/institutions/kela/" not in sitemap_text(client)
    assert client.get("/api/institutions/kela/").status_code == 404
    assert client.get("/", {"institution": "kela"}).context["filter"].errors
    # Published again, it is back everywhere.
    writes.publish(Innovation.objects.filter(slug="user-profile-analyses"))
    assert client.get("/institutions/kela/").status_code == 200
    assert 'value="kela"' in client.get("/").content.decode()


def test_theme_list_and_page(client):
    html = client.get("/themes/").content.decode()
    assert html.index("Agile teamwork") < html.index("Sustained leadership engagement")
    assert "problem-solving techniques" in html

    response = client.get("/themes/innovation-system/")
    assert row_slugs(response) == THEME_ROWS["innovation-system"]
    assert "<title>Innovation system components ·" in response.content.decode()


def test_every_page_has_landmarks_a_skip_link_and_language(client):
    for url in ("/", "/innovations/design-thinking/", "/institutions/", "/themes/kela-x/"):
        html = client.get(url).content.decode()
        assert '<html lang="en">' in html
        assert '<a class="skip-link" href="#main-content">' in html
        assert '<main id="main-content"' in html
        assert "<nav" in html and "<header" in html and "<footer" in html


@pytest.mark.parametrize(
    ("prefix", "matrix", "world_map"), [("", "Matrix", "Map"), ("/fr", "Matrice", "Carte")]
)
def test_the_matrix_and_the_map_are_in_the_main_navigation(client, prefix, matrix, world_map):
    for url in ("/", "/innovations/design-thinking/", "/data/", "/matrix/", "/map/"):
        html = client.get(prefix + url).content.decode()
        navigation = html.split('<nav aria-label="')[1].split("</nav>")[0]
        for address, name in ((f"{prefix}/matrix/", matrix), (f"{prefix}/map/", world_map)):
            current = ' aria-current="page"' if url.endswith(address[len(prefix) :]) else ""
            assert f'<a href="{address}"{current}>{name}</a>' in navigation, (url, name)


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # Each page first reads the catalogue version (for the page cache), then (those that
        # read derived data) whether they are fresh (on PostgreSQL outside a transaction, as
        # in production, neither is a query: models/version.py), then:
        # case with institution, themes, impacts, sources, awards, partners, links, similar cases
        ("/innovations/leadership-engagement/", 10),
        # institution with facts, awards, its cases by theme, count, rows, impacts, themes
        ("/institutions/cpf/", 10),
        # the places' counts (institutions, countries, regions): one query
        ("/map/", 3),
        # theme, count, rows, impacts, themes
        ("/themes/leadership/", 7),
        ("/institutions/", 2),
        ("/themes/", 2),
    ],
)
@pytest.mark.parametrize("prefix", ["", "/fr", "/es", "/de"])
def test_page_query_counts_do_not_grow(
    client, add_cases, django_assert_num_queries, url, queries, prefix
):
    """Neither with the catalogue's size nor with the language: translations are columns of
    the rows already read."""
    with django_assert_num_queries(queries):
        assert client.get(prefix + url).status_code == 200
    add_cases(200, institution="cpf", theme="leadership")
    with django_assert_num_queries(queries):
        assert client.get(prefix + url).status_code == 200


def test_static_files_are_hashed_compressed_and_cached_for_years(client):
    from django.contrib.staticfiles.storage import staticfiles_storage

    url = staticfiles_storage.url("css/site.css")
    assert url != "/static/css/site.css"  # a hashed name, so it can be cached for good
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200
    assert "max-age=315360000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    assert response["Content-Encoding"] in {"gzip", "br"}


def test_every_page_names_its_icon_and_favicon_ico_leads_to_it(client):
    """Without one, every page's visit ended in a 404 for /favicon.ico."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    icon = staticfiles_storage.url("favicon.svg")
    for url in ("/", "/fr/innovations/design-thinking/", "/data/", "/innovations/no-such/"):
        assert (
            f'<link rel="icon" href="{icon}" type="image/svg+xml">'
            in client.get(url).content.decode()
        )
    answer = client.get("/favicon.ico")
    assert (answer.status_code, answer["Location"]) == (301, icon)
    assert client.get(icon).status_code == 200


BROWSER = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd"}  # what Chromium sends


def test_a_cached_page_goes_compressed_to_a_browser_that_accepts_it(client):
    first = client.get("/", **BROWSER)  # made now: sent as made, and cached
    assert first.status_code == 200 and not first.has_header("Content-Encoding")
    assert "Accept-Encoding" in first["Vary"]
    compressed = client.get("/", **BROWSER)
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"] and "Accept-Language" in compressed["Vary"]
    assert int(compressed["Content-Length"]) == len(compressed.content)
    assert len(compressed.content) < len(first.content) / 3
    assert gzip.decompress(compressed.content) == first.content
    assert client.get("/", **BROWSER).content == compressed.content  # the copy cached
    assert client.get("/", HTTP_ACCEPT_ENCODING="*")["Content-Encoding"] == "gzip"
    for refused in ("", "identity", "br", "gzip;q=0, br", "GZIP; Q=0", "*;q=0", "gzip;q=x"):
        plain = client.get("/", HTTP_ACCEPT_ENCODING=refused)
        assert not plain.has_header("Content-Encoding") and plain.content == first.content
        assert "Accept-Encoding" in plain["Vary"]


def test_a_compressed_page_is_never_older_than_the_catalogue(client):
    client.get("/innovations/design-thinking/", **BROWSER)
    before = client.get("/innovations/design-thinking/", **BROWSER)
    assert b"Design thinking" in gzip.decompress(before.content)
    Innovation.objects.filter(slug="design-thinking").update(title="Thinking by design")
    for _ in range(2):  # made anew, then its compressed copy made anew
        page = client.get("/innovations/design-thinking/", **BROWSER)
        html = (
            gzip.decompress(page.content) if page.has_header("Content-Encoding") else page.content
        )
        assert b"Thinking by design" in html


def test_a_page_asked_again_is_sent_from_the_process_that_sent_it(
    client, django_assert_max_num_queries
):
    for asked in ({}, BROWSER):
        first = client.get("/themes/", **asked)
        client.get("/themes/", **asked)  # now cached by this process (compressed: made once)
        cache.clear()  # the shared cache only (a Redis restarted, say)
        with django_assert_max_num_queries(1):  # the catalogue version, on SQLite; not made
            again = client.get("/themes/", **asked)
        assert again.content == client.get("/themes/", **asked).content
        assert (again.content == first.content) is not bool(asked)  # compressed when asked


def test_each_process_keeps_its_recent_pages_within_a_limit():
    pages = RecentPages(limit=250)
    for n in range(5):
        pages.add(f"page {n}", (b"x" * 100, {}), f"/{n % 2}/")
    assert list(pages.pages) == ["page 3", "page 4"] and pages.size == 200
    assert dict(pages.paths) == {"/0/": 1, "/1/": 1}  # the paths of the pages cached, no more
    pages.add("page 4", (b"y" * 100, {}), "/0/")  # the same key: cached once
    assert pages.get("page 4")[0] == b"x" * 100 and pages.size == 200
    pages.clear()
    assert not pages.pages and not pages.paths and pages.size == 0


def sent_again(client, url, **asked):
    """The page at `url` as this process sends it a third time: made, sent from the shared
    cache (and cached by the process), then sent from the process (PageCacheMiddleware)."""
    made, from_cache = client.get(url, **asked), client.get(url, **asked)
    assert (
        pagecache.recent_pages.get(
            pagecache.page_address(from_cache.wsgi_request)[0] + (":gzip" if asked else "")
        )
        is not None
    )
    return made, from_cache, client.get(url, **asked)


@pytest.mark.parametrize("asked", [{}, BROWSER])
@pytest.mark.parametrize("url", ["/", "/fr/?theme=leadership", "/innovations/design-thinking/"])
def test_a_page_sent_again_by_the_process_is_the_page_with_its_headers(client, url, asked):
    made, from_cache, again = sent_again(client, url, **asked)
    assert again.status_code == 200 and again.content == from_cache.content
    headers = {name: value for name, value in again.items() if name != "X-Request-ID"}
    assert headers == {n: v for n, v in from_cache.items() if n != "X-Request-ID"}
    security = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options")
    for name in (*security, "Permissions-Policy"):
        assert again[name] == made[name]  # the security headers, as on any page
    assert again["Content-Language"] == ("fr" if url.startswith("/fr/") else "en")
    assert "Accept-Encoding" in again["Vary"]
    # An English address may send a first visit on to the browser's language: it says so.
    assert ("Accept-Language" in again["Vary"]) is not url.startswith("/fr/")
    assert again["X-Request-ID"] != from_cache["X-Request-ID"]  # the request's own id


def test_a_page_kept_by_the_process_is_only_sent_to_its_own_address(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    *_, cached = sent_again(client, "/")
    assert b"Design thinking" in cached.content
    themed = client.get("/?theme=leadership")  # the same path, another query
    assert themed.content != cached.content and b"Design thinking" not in themed.content
    elsewhere = client.get("/", HTTP_HOST="other.example")  # another host: its own links
    assert b"http://other.example/" in elsewhere.content
    assert b"http://other.example/" not in cached.content
    visitor = Client(raise_request_exception=False)  # as a server answers: a 400 page
    assert visitor.get("/", HTTP_HOST="evil.example").status_code == 400  # not a host of ours
    assert client.post("/").status_code == 405  # only GET and HEAD are pages
    Innovation.objects.filter(slug="design-thinking").update(title="Thinking by design")
    assert b"Thinking by design" in client.get("/").content  # a change reaches it at once


def test_the_process_keeps_no_page_that_sets_a_cookie(rf):
    def sent_from_the_cache(request):
        response = HttpResponse(b"page")
        response.recent_page = "page:1:abc"
        response.set_cookie("visitor", "1")
        return response

    request = rf.get("/")
    assert PageCacheMiddleware(sent_from_the_cache)(request).cookies
    assert pagecache.recent_pages.get("page:1:abc") is None
    assert "/" not in pagecache.recent_pages.paths


@pytest.mark.parametrize("url", [url for url in PAGES.values() if not url.startswith("/suggest")])
def test_no_page_that_may_be_compressed_holds_a_secret(client, url):
    """Compressed pages are the cached ones, the same for every visitor: none may hold a CSRF
    token or set a cookie (BREACH reads a secret from the size of compressed pages)."""
    client.get(url, **BROWSER)
    response = client.get(url, **BROWSER)
    if response.has_header("Content-Encoding"):
        assert b"csrfmiddlewaretoken" not in gzip.decompress(response.content)
        assert not response.cookies


def test_the_suggestion_form_which_holds_a_token_is_never_compressed(client):
    client.get("/suggest/", **BROWSER)
    response = client.get("/suggest/", **BROWSER)
    assert b"csrfmiddlewaretoken" in response.content
    assert not response.has_header("Content-Encoding")


def test_institutions_are_named_in_full_one_hover_away(client):
    title = '<abbr title="Employment and Social Development Canada">ESDC</abbr>'
    home = client.get("/").content.decode()
    assert f'<a href="/institutions/esdc/">{title}</a>, Canada' in home  # the table
    assert f'<label for="id_institution_esdc">{title}' in home  # the filter
    assert f'<th scope="col">{title}</th>' in client.get("/matrix/").content.decode()
    similar = client.get("/innovations/design-thinking/").content.decode()
    assert f"({title}, Canada)" in similar
    suggest = client.get("/suggest/").content.decode()
    assert ">Social Insurance Institution (Kela)</option>" in suggest


def test_an_institutions_page_gives_its_region_view_and_website(client):
    html = client.get("/institutions/kela/").content.decode()
    assert '<a href="/?region=europe">Europe</a>' in html
    assert "Its view of international collaboration" in html
    assert "learning from abroad and experimenting locally" in html
    assert "Website of" not in html  # the article gives none
    Institution.objects.filter(slug="kela").update(website="https://www.kela.fi/")
    html = fresh_get(client, "/institutions/kela/").content.decode()
    assert '<a href="https://www.kela.fi/">Website of Kela' in html


def test_the_new_fields_show_only_when_filled(client):
    html = client.get("/innovations/user-profile-analyses/").content.decode()
    for heading in (
        "When",
        "Stage",
        "What was learned",
        "What reusing it needs",
        "Who to ask",
        "Read more",
    ):
        assert f">{heading}<" not in html, heading
    case = Innovation.objects.get(slug="user-profile-analyses")
    Innovation.objects.filter(pk=case.pk).update(
        year_started=2019,
        year_ended=2021,
        stage="scaled-up",
        branch="family-maternity",
        lessons="Ask the users.",
        reuse_needs="A user panel.",
    )
    case.links.create(title="The study", url="https://example.org/study")
    html = fresh_get(client, "/innovations/user-profile-analyses/").content.decode()
    for text in (
        "<dd>2019–2021</dd>",
        '<a href="/?stage=scaled-up">Scaled up</a>',
        '<a href="/?branch=family-maternity">Family and maternity</a>',
        "Ask the users.",
        "A user panel.",
        '<a href="https://example.org/study">The study</a>',
    ):
        assert text in html, text
    assert "Who to ask" not in html  # no contact given


def test_a_case_page_says_what_it_does_not_record_and_whom_to_tell(client):
    from tests.factories import with_every_field

    html = client.get("/innovations/design-thinking/").content.decode()
    missing = html[html.index('<h2 id="unrecorded-heading">Not recorded yet</h2>') :]
    missing = missing[: missing.index("</section>")]
    for name in ("how far along it is", "what was learned", "what reusing it needs", "whom to ask"):
        assert f"<li>{name}</li>" in missing, name
    assert '<a href="/suggest/">Write to the editors</a>' in missing
    with_every_field("design-thinking")
    html = fresh_get(client, "/innovations/design-thinking/").content.decode()
    assert "unrecorded-heading" not in html  # every field recorded: nothing to say
    html = client.get("/fr/innovations/bold-experimentation/").content.decode()
    assert "<li>ce qui a été appris</li>" in html and "Pas encore renseigné" in html
