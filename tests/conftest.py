"""Shared test set-up: static files collected once, the article's seed loaded once per run,
and a helper that adds many generated cases for query-count and paging tests."""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.management import call_command

from cases.models import CatalogueVersion, Impact, Innovation, Institution, Theme


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser and data-safety tests run last: they empty the database after each test, and
    the tests before them rely on the seed loaded once for the session."""
    items.sort(
        key=lambda item: "tests/browser/" in item.nodeid or "test_data_safety" in item.nodeid
    )


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Argon2 is slow on purpose; the tests make dozens of accounts, so they hash with MD5
    (the production setting is tested on its own, in test_editors.py)."""
    from django.conf import settings

    production = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
    settings.PASSWORD_HASHERS = production


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory):
    """Pages use the production static storage (hashed names), which needs collectstatic."""
    from django.conf import settings

    settings.STATIC_ROOT = tmp_path_factory.mktemp("static")
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every database test starts from the seed; each test's changes are rolled back."""
    with django_db_blocker.unblock():
        call_command("seed", verbosity=0)


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Each test rolls the database back, catalogue version included, so cached pages from
    one test must not be served in the next."""
    cache.clear()


@pytest.fixture
def add_cases(db):
    """Add `count` published cases to an institution, each with two impacts and a theme."""

    def add(count, institution="cpf", theme="leadership", status=Innovation.Status.PUBLISHED):
        owner = Institution.objects.get(slug=institution)
        chosen = Theme.objects.get(slug=theme)
        start = Innovation.objects.count()
        cases = Innovation.objects.bulk_create(
            Innovation(
                slug=f"generated-case-{start + n}",
                institution=owner,
                institution_position=owner.position,
                title=f"Generated case {start + n}",
                summary="A generated case for testing.",
                status=status,
                position=100 + n,
            )
            for n in range(count)
        )
        Innovation.themes.through.objects.bulk_create(
            Innovation.themes.through(innovation=case, theme=chosen) for case in cases
        )
        Impact.objects.bulk_create(
            Impact(innovation=case, statement=f"Generated impact {n}.", position=n)
            for case in cases
            for n in (1, 2)
        )
        # Bulk writes send no signals: do what the receivers would have done.
        Innovation.objects.filter(pk__in=[case.pk for case in cases]).refresh_search_vectors()
        CatalogueVersion.bump()
        return cases

    return add


def user_in(group, name, **extra):
    """A staff account in one of the groups the migrations make ("Editors", "Contributors"),
    or in none when `group` is None."""
    user = User.objects.create_user(
        name, email=f"{name}@example.org", password="a long password", is_staff=True, **extra
    )
    if group is not None:
        user.groups.add(Group.objects.get(name=group))
    return user


def fresh_get(client, url, params=None):
    """A request rendered now, not served from the page cache, so its context can be read."""
    cache.clear()
    return client.get(url, params)


def summary_rows(response):
    """The summary table as a reader sees it: [(institution heading, [case slugs]), ...]."""
    html = response.content.decode()
    table = re.search(r'<table id="summary".*?</table>', html, re.S)
    if not table:
        return []
    groups = []
    for body in re.findall(r"<tbody>(.*?)</tbody>", table.group(0), re.S):
        heading = re.search(r'<th scope="rowgroup"[^>]*>(.*?)</th>', body, re.S).group(1)
        heading = " ".join(unescape(re.sub(r"<[^>]+>", "", heading)).split())
        slugs = re.findall(r'class="case-link" href="/innovations/([^/]+)/"', body)
        assert body.count("<tr>") == len(slugs), "one row per innovation"
        groups.append((heading, slugs))
    return groups


def row_slugs(response):
    return [slug for _, slugs in summary_rows(response) for slug in slugs]


class _FormReader(HTMLParser):
    """Collects what a browser would submit from the page's main form, as the page fills it."""

    def __init__(self):
        super().__init__()
        self.data = {}
        self._select = None
        self._textarea = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self._add(name, attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_form(client, url, changes):
    """Post the form at `url` as the page fills it, with `changes` made, as an editor would."""
    data = form_data(client.get(url))
    data.pop("csrfmiddlewaretoken", None)
    data.update(changes)
    return client.post(url, data)


def form_data(response):
    """The fields of a page's forms with their current values, ready to change and post."""
    reader = _FormReader()
    reader.feed(response.content.decode())
    # A list with nothing selected sends nothing, as in a browser.
    return {
        name: values if len(values) > 1 else values[0]
        for name, values in reader.data.items()
        if values
    }
