"""Who the visitor is, and the limits that count visitors: one address for the API throttle,
django-axes and the suggestion limit, forged headers ignored; counters that a crowded page
cache cannot evict; and the page cache's own key (host, cleaned query)."""

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache, caches
from django.test import RequestFactory, override_settings

from cases import limits, pagecache
from cases.limits import VisitorRateThrottle, client_address
from tests.helpers import suggestion

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"  # the load balancer, as the app server sees it


def request_from(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


# The address -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "address"),
    [
        # No proxy: X-Forwarded-For is the client's own words, and ignored.
        (0, "198.51.100.7", None, "198.51.100.7"),
        (0, "198.51.100.7", "203.0.113.9", "198.51.100.7"),
        (0, "198.51.100.7", "203.0.113.9, 192.0.2.1", "198.51.100.7"),
        # One proxy: the address it appended, whatever the client put before it.
        (1, PROXY, "198.51.100.7", "198.51.100.7"),
        (1, PROXY, "203.0.113.9, 198.51.100.7", "198.51.100.7"),
        (1, PROXY, "1.1.1.1, 2.2.2.2, 198.51.100.7", "198.51.100.7"),
        # Two proxies (a CDN, then the load balancer): the CDN appended the client.
        (2, PROXY, "203.0.113.9, 198.51.100.7, 192.0.2.50", "198.51.100.7"),
        # Not through the proxy, or a header that is not an address: the connection's own.
        (1, "198.51.100.7", None, "198.51.100.7"),
        (2, PROXY, "198.51.100.7", PROXY),
        (1, PROXY, "not-an-address", PROXY),
        (1, PROXY, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_one_function_decides_the_client_address(proxies, remote, forwarded, address):
    with override_settings(TRUSTED_PROXIES=proxies):
        assert client_address(request_from(remote, forwarded)) == address


# The API throttle --------------------------------------------------------------------------


@pytest.fixture
def api_limit_of_three(monkeypatch):
    monkeypatch.setattr(VisitorRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})


def test_made_up_forwarded_addresses_do_not_escape_the_api_limit(client, api_limit_of_three):
    statuses = [
        client.get("/api/themes/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(6)
    ]
    assert statuses == [200, 200, 200, 429, 429, 429]


@override_settings(TRUSTED_PROXIES=1)
def test_behind_a_proxy_the_api_limit_counts_each_visitor(client, api_limit_of_three):
    def get(visitor, forged="192.0.2.1"):
        return client.get(
            "/api/themes/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{forged}, {visitor}"
        ).status_code

    assert [get("198.51.100.7", forged=f"192.0.2.{n}") for n in range(4)] == [200, 200, 200, 429]
    assert get("198.51.100.8") == 200  # another visitor through the same proxy


# Sign-in lock-outs (django-axes) -----------------------------------------------------------


def fail_sign_in(client, **headers):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor-to-lock", "password": "wrong"},
        **headers,
    )


@override_settings(TRUSTED_PROXIES=1)
def test_behind_a_proxy_a_lock_out_holds_the_attacker_not_everyone(client):
    for _ in range(5):
        fail_sign_in(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.66"
    locked = fail_sign_in(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert locked.status_code == 429
    # The editor, signing in from their own address through the same proxy, is not locked.
    other = fail_sign_in(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert other.status_code == 200


def test_one_address_trying_many_names_is_locked_out(client, django_user_model):
    """One wrong password against each of six names from one address: the address is locked
    after five, whichever name it tries next, a real editor's included, and the password is
    then not even checked (no Argon2 time spent on a locked address)."""
    django_user_model.objects.create_user("real-editor", password="the right one", is_staff=True)
    for n in range(4):
        answer = client.post("/admin/login/", {"username": f"name-{n}", "password": "wrong"})
        assert answer.status_code == 200
    tries = [("name-4", "wrong"), ("name-5", "wrong"), ("real-editor", "the right one")]
    for username, password in tries:  # the fifth failure locks
        locked = client.post("/admin/login/", {"username": username, "password": password})
        assert locked.status_code == 429, username
    other = client.post(
        "/admin/login/", {"username": "name-7", "password": "wrong"}, REMOTE_ADDR="198.51.100.9"
    )
    assert other.status_code == 200  # another address is not


def test_without_a_proxy_forged_addresses_do_not_dodge_a_lock_out(client):
    for n in range(5):
        fail_sign_in(client, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert fail_sign_in(client, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


# The suggestion limit ----------------------------------------------------------------------


@override_settings(TRUSTED_PROXIES=1)
def test_behind_a_proxy_each_visitor_has_their_own_suggestion_limit(client):
    def suggest(visitor, n):
        return client.post(
            "/suggest/",
            suggestion(title=f"Case {visitor} {n}"),
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=visitor,
        ).status_code

    assert [suggest("198.51.100.7", n) for n in range(6)] == [302] * 5 + [429]
    assert suggest("198.51.100.8", 1) == 302


def test_one_visitor_has_a_share_of_the_time_pages_take_to_make(client, settings, monkeypatch):
    """A visitor who has had a process's time for pages made afresh (searches of made-up
    words, say: no cache answers them) waits a minute; pages already made still open, and
    other visitors are not held."""
    settings.PAGE_SECONDS_PER_MINUTE = 0.001  # less than any page takes to make
    monkeypatch.setattr(pagecache, "page_time", limits.PageTime())
    client.get("/themes/", REMOTE_ADDR="198.51.100.9")  # made, and now cached
    assert client.get("/", {"q": "word"}).status_code == 200  # the visitor's minute spent
    refused = client.get("/", {"q": "another"})
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "You have asked for many pages in a short time" in refused.content.decode()
    assert client.get("/themes/").status_code == 200  # from the cache
    assert client.get("/", {"q": "another"}, REMOTE_ADDR="198.51.100.4").status_code == 200


def test_counters_outlive_a_crowded_page_cache(client):
    for n in range(5):
        assert client.post("/suggest/", suggestion(title=f"Case {n}")).status_code == 302
    for n in range(2100):  # more pages than the page cache keeps
        cache.set(f"page:junk:{n}", b"x")
    assert client.post("/suggest/", suggestion(title="One too many")).status_code == 429


def test_counters_are_kept_apart_from_pages():
    assert caches["limits"] is not cache
    assert caches["limits"].__class__.__module__ != "django.core.cache.backends.locmem"


# The page cache's key ----------------------------------------------------------------------


def cached_pages():
    return len(cache._cache)  # the local-memory cache the tests use


def test_junk_parameters_order_and_utm_make_no_new_cache_entries(client):
    client.get("/?theme=leadership&institution=cpf")
    entries = cached_pages()
    for query in (
        "institution=cpf&theme=leadership",
        "theme=leadership&institution=cpf&utm_source=mail&utm_campaign=x",
        "theme=leadership&junk=1&institution=cpf",
        "theme=leadership&institution=cpf&junk=2",
    ):
        assert client.get(f"/?{query}").status_code == 200
    assert cached_pages() == entries


def test_links_on_a_page_never_carry_another_visitors_parameters(client, add_cases):
    add_cases(30)
    client.get("/?theme=leadership&utm_source=evil&page=1")
    page = client.get("/?theme=leadership&page=1").content.decode()
    assert "page=2" in page
    assert "utm_source" not in page and "evil" not in page


def test_each_host_has_its_own_pages(client):
    with override_settings(ALLOWED_HOSTS=["one.example", "two.example"]):
        client.get("/innovations/design-thinking/", HTTP_HOST="one.example")
        page = client.get("/innovations/design-thinking/", HTTP_HOST="two.example")
    html = page.content.decode()
    assert "http://two.example/innovations/design-thinking/" in html
    assert "one.example" not in html


def test_parameter_values_keep_their_order_where_it_matters(client):
    first = client.get("/compare/?i=design-thinking&i=bold-experimentation").content.decode()
    second = client.get("/compare/?i=bold-experimentation&i=design-thinking").content.decode()
    assert first.index("design-thinking") < first.index("bold-experimentation")
    assert second.index("bold-experimentation") < second.index("design-thinking")
