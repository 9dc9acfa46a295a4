"""Hostile input: hundreds of malformed, oversized and malicious requests against every public
address and the admin's sign-in. None may cause a server error; typed HTML never runs."""

import re
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cases.models import (
    Award,
    Collaboration,
    Impact,
    Innovation,
    Institution,
    Partner,
    Source,
    Theme,
)
from cases.pagecache import page_parameters

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = f"/{settings.ADMIN_URL}login/"
PUBLIC = [
    "/",
    "/innovations/design-thinking/",
    "/institutions/",
    "/institutions/kela/",
    "/themes/",
    "/themes/leadership/",
    "/themes/leadership/feed/",
    "/matrix/",
    "/map/",
    "/compare/",
    "/compare/choose/",
    "/charts/",
    "/innovations/design-thinking/case.csv",
    "/innovations/design-thinking/case.json",
    "/suggest/",
    "/suggest/thanks/",
    "/data/",
    "/data/cases.csv",
    "/data/cases.json",
    "/feed/",
    "/sitemap.xml",
    "/sitemap-cases.xml",
    "/robots.txt",
    "/api/",
    "/api/innovations/",
    "/api/innovations/design-thinking/",
    "/api/institutions/",
    "/api/institutions/kela/",
    "/api/themes/",
    "/api/schema/",
    "/api/docs/",
    "/healthz",
    "/readyz",
    ADMIN_LOGIN,
]
BIG = "a" * 100_000
VALUES = [
    "%00",  # a NUL byte
    "x%00y",
    "%ff%fe",  # not UTF-8
    "%c3%28",
    "%e2%82",
    quote(BIG),
    quote("' OR '1'='1' --"),
    quote("1; DROP TABLE cases_innovation; --"),
    quote("{{ 7*7 }}{% debug %}"),
    quote("<script>alert(1)</script>"),
    quote("../../../../etc/passwd"),
    "99999999999999999999999",
    "-1",
    quote("ü🙂\r\n\t"),
]
# Every parameter a public page reads: the catalogue's filters, paging, compare's cases.
PARAMETERS = sorted(page_parameters())
METHODS = ["get", "head", "post", "put", "patch", "delete", "options", "trace"]


def query_strings():
    """Every hostile value in every parameter, and a few shapes of query string."""
    for value in VALUES:
        yield "&".join(f"{name}={value}" for name in PARAMETERS)
    for name in PARAMETERS:
        yield f"{name}={quote(BIG)}"
    yield "&".join(["theme=leadership"] * 5000)  # thousands of repeated parameters
    yield "&".join(f"p{n}=x" for n in range(3000))
    yield "q"  # a name without a value
    yield "=&&=="
    yield "q[]=a&theme[x]=b"


QUERIES = list(query_strings())


def assert_no_server_error(response, what):
    assert response.status_code < 500, what


@pytest.mark.parametrize("path", PUBLIC)
def test_hostile_query_strings(path):
    client = Client()
    for query in QUERIES:
        assert_no_server_error(client.get(f"{path}?{query}"), (path, query[:80]))


@pytest.mark.parametrize("path", PUBLIC)
def test_every_method(path):
    client = Client(enforce_csrf_checks=True)  # as a browser meets the site
    for method in METHODS:
        response = getattr(client, method)(path)
        assert_no_server_error(response, (method, path))
        if method in {"put", "patch", "delete", "trace"}:
            assert response.status_code in {400, 403, 404, 405}, (method, path)


FORGED_HOSTS = ["evil.example", "evil.example:8000", "testserver.evil.example", "[::2]", "a" * 300]


@pytest.mark.parametrize("path", PUBLIC)
def test_a_host_that_is_not_the_sites_gets_the_400_page(path):
    """A forged Host header (cache poisoning, password-reset links) is refused with the plain
    400 page, whatever the address, cached page or not, and whether or not it claims to come
    from the site itself; never a server error. Health checks answer before host checks."""
    client = Client(raise_request_exception=False)
    client.get(path)
    client.get(path)  # a page now cached by this process too (pagecache.PageCacheMiddleware)
    for host in FORGED_HOSTS:
        for referer in ({}, {"HTTP_REFERER": f"http://{host}/"}):
            response = client.get(path, HTTP_HOST=host, **referer)
            if path in {"/healthz", "/readyz"}:
                assert response.status_code == 200, (path, host)
                continue
            assert response.status_code == 400, (path, host)
            assert host.encode() not in response.content
            if response["Content-Type"].startswith("text/html"):
                assert "We could not read that request" in response.content.decode()


ABSOLUTE = re.compile(r"https?://[^/\"'<>\s]*")
EXTERNAL = {"www.sitemaps.org", "www.w3.org", "creativecommons.org", "…"}  # not the site's
SPELLINGS = ["testserver:1337", "TESTSERVER", "testserver.", "TestServer.:80"]
WITH_ADDRESSES = [
    "/innovations/design-thinking/",
    "/fr/themes/",
    "/robots.txt",
    "/sitemap.xml",
    "/sitemap-cases.xml",
    "/feed/",
    "/api/innovations/?page=1",
]


@pytest.mark.parametrize("path", WITH_ADDRESSES)
def test_absolute_urls_name_the_site_however_the_host_is_spelled(path, settings):
    """ALLOWED_HOSTS lets a port, upper case and a trailing dot through: none of them reaches
    an absolute URL (hreflang, citations, the API's links, robots.txt, the sitemap, feeds).
    Without DJANGO_SITE_URL, the host as asked in lower case and without the dot."""

    def hosts(host):
        response = Client().get(path, HTTP_HOST=host)
        assert response.status_code == 200, (path, host)
        return {address.split("/")[2] for address in ABSOLUTE.findall(response.content.decode())}

    for host in SPELLINGS:
        assert hosts(host) <= {"testserver", "testserver:1337", "testserver:80", *EXTERNAL}
    settings.SITE_URL = "https://catalogue.example.org"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "catalogue.example.org"]  # as settings.py
    for host in SPELLINGS:
        assert hosts(host) <= {"catalogue.example.org", *EXTERNAL}, host
    assert "catalogue.example.org" in hosts("testserver:1337")


# Paths as the server hands them to Django (gunicorn decodes %2F and %5C), each of which a
# browser reads as another host if it is sent back as a Location or a link.
OFF_SITE_PATHS = [
    "//evil.example/",
    "//evil.example/innovations/design-thinking/",
    "//evil.example",
    "///evil.example/",
    "/\\evil.example/",
    "/\\/evil.example/",
    "/%2F%2Fevil.example/",
    "/%5Cevil.example/",
    "//evil.example/?q=x",
    "/\t/evil.example/",
]


@pytest.mark.parametrize("language", ["en", "fr", "es", "de"])
@pytest.mark.parametrize("path", OFF_SITE_PATHS)
def test_no_redirect_or_link_leaves_the_site(language, path):
    """A first visit in a browser that prefers another language is sent to the page in that
    language: never to another host, and a path that is not the site's is a 404 whose links
    (hreflang, the switcher) stay on the site too."""
    path_info, _, query = path.partition("?")
    response = Client().get(
        "/", PATH_INFO=path_info, QUERY_STRING=query, HTTP_ACCEPT_LANGUAGE=language
    )
    while 300 <= response.status_code < 400:
        location = response["Location"]
        assert url_has_allowed_host_and_scheme(location, allowed_hosts=None), location
        response = Client().get(location)
    assert response.status_code == 404, path
    assert "//evil.example" not in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/innovations/no-such-case/",
        "/innovations/%2e%2e%2f%2e%2e%2fetc%2fpasswd/",
        "/innovations/..%2F..%2Fsettings.py/",
        "/institutions/%00/",
        "/themes/%ff/",
        "/themes/nothing/feed/",
        "/innovations/" + "a" * 5000 + "/",
        "/api/innovations/%3Cscript%3E/",
        "/api/themes/../../../../etc/passwd",
        "/static/../innohub/settings.py",
        "/static/css/../../manage.py",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/data/cases.xml",
        "/innovations/ü🙂/",
    ],
)
def test_unknown_and_traversing_paths_are_not_found(path):
    response = Client().get(path)
    assert response.status_code in {400, 404}, path


FORMS = {
    "/compare/choose/": {"i": "design-thinking", "remove": "design-thinking", "clear": "1"},
    "/suggest/": {
        "name": "A",
        "institution": "1",
        "email": "a@example.org",
        "title": "T",
        "summary": "S",
        "impact": "I",
    },
    ADMIN_LOGIN: {"username": "editor", "password": "wrong"},
}


@pytest.mark.parametrize("path", list(FORMS))
def test_malformed_and_oversized_form_posts(path):
    client = Client()
    valid = FORMS[path]
    bodies = [
        {name: BIG for name in valid},
        {name: "\x00" for name in valid},
        {name: ["a", "b"] for name in valid},
        {name: "<script>alert(1)</script>{{ 7*7 }}" for name in valid},
        {name: "' OR 1=1 --" for name in valid},
        {f"field{n}": "x" for n in range(2000)},  # more fields than Django accepts
        {},
    ]
    for body in bodies:
        assert_no_server_error(client.post(path, body), (path, list(body)[:3]))
        huge_headers = {"HTTP_USER_AGENT": BIG, "HTTP_ACCEPT": BIG, "HTTP_X_FORWARDED_FOR": BIG}
        assert_no_server_error(client.post(path, body, **huge_headers), (path, "headers"))
    raw = [
        (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"),
        (b"a=%ff%fe&b=%00", "application/x-www-form-urlencoded"),
        (b"--nope\r\nbroken", "multipart/form-data; boundary=nope"),
        (b"{}", "multipart/form-data"),  # no boundary
        (b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10), "application/x-www-form-urlencoded"),
        (b'{"name": 1}', "application/json"),
    ]
    for body, content_type in raw:
        response = client.generic("POST", path, body, content_type=content_type)
        assert_no_server_error(response, (path, content_type))
    assert not Innovation.objects.filter(title__contains="script").exists()


def test_the_corpus_is_large_enough():
    tried = (
        len(PUBLIC) * len(QUERIES)
        + len(PUBLIC) * len(METHODS)
        + 14  # paths
        + len(FORMS) * (7 * 2 + 6)
    )
    assert tried >= 300, tried


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(PARAMETERS),
        st.lists(st.text(max_size=30), max_size=3),
        max_size=5,
    )
)
def test_any_filter_parameters_give_a_page_not_an_error(client, params):
    for path in ("/", "/matrix/", "/map/", "/api/innovations/", "/data/cases.json"):
        response = client.get(path, params)
        # 404: the API's answer to a page number past the end, with {"detail": "Invalid page."}
        assert response.status_code in {200, 400, 404, 429}, (path, params)


# Typed HTML is shown, never run ----------------------------------------------------------

SCRIPT = "<script>alert('x')</script>"


def test_html_that_editors_type_is_escaped_everywhere(client):
    # Every text in English and, as translations, in French: both are shown.
    institution = Institution.objects.create(
        slug="evil",
        name=f"Evil {SCRIPT}",
        acronym=f"EV{SCRIPT}",
        name_fr=f"Mal {SCRIPT}",
        acronym_fr=f"MA{SCRIPT}",
        country="FI",
        position=9,
    )
    theme = Theme.objects.create(
        slug="evil-theme",
        name=f"Theme {SCRIPT}",
        description=SCRIPT,
        name_fr=f"Thème {SCRIPT}",
        description_fr=SCRIPT,
    )
    source = Source.objects.create(
        slug="evil-source", title=SCRIPT, authors=SCRIPT, title_fr=SCRIPT
    )
    case = Innovation.objects.create(
        slug="evil-case",
        institution=institution,
        title=f"Case {SCRIPT}",
        summary=f"Summary {SCRIPT}",
        story=f"Story {SCRIPT}",
        title_fr=f"Cas {SCRIPT}",
        summary_fr=f"Résumé {SCRIPT}",
        story_fr=f"Histoire {SCRIPT}",
        status=Innovation.Status.PUBLISHED,
    )
    case.themes.add(theme)
    case.sources.add(source)
    Impact.objects.create(
        innovation=case,
        statement=f"Impact {SCRIPT}",
        figure=3,
        unit=SCRIPT,
        statement_fr=f"Effet {SCRIPT}",
        unit_fr=SCRIPT,
    )
    partner = Partner.objects.create(
        slug="evil-partner", name=f"P {SCRIPT}", kind="company", name_fr=f"Pa {SCRIPT}"
    )
    Collaboration.objects.create(innovation=case, partner=partner, role=SCRIPT, role_fr=SCRIPT)
    Award.objects.create(innovation=case, name=SCRIPT, year=2024, practice_title=SCRIPT)

    pages = [
        "/",
        "/?q=evil",
        "/?theme=evil-theme",
        "/innovations/evil-case/",
        "/institutions/",
        "/institutions/evil/",
        "/themes/",
        "/themes/evil-theme/",
        "/matrix/",
        "/map/?theme=evil-theme",
        f"/?theme=evil-theme&q=evil+{SCRIPT}",  # the search's own filter link shows it
        "/compare/?i=evil-case&i=design-thinking",
        "/feed/",
        "/sitemap.xml",
    ]
    for page in pages + ["/fr" + page for page in pages if page != "/sitemap.xml"]:
        html = client.get(page).content.decode()
        assert "<script>" not in html, page
    assert "Cas &lt;script&gt;" in client.get("/fr/innovations/evil-case/").content.decode()
    # The API's JSON is data, not a page: served as JSON, never sniffed as HTML.
    response = client.get("/api/innovations/evil-case/", {"lang": "fr"})
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_forbid_inline_scripts_and_frames(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    features = response["Permissions-Policy"]  # no page asks for a device or a feature
    for feature in ("camera=()", "geolocation=()", "microphone=()", "payment=()", "usb=()"):
        assert feature in features
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "javascript" in script["Content-Type"]
