"""Shared test set-up: static files collected once, the article's seed loaded once per run, a
fast password hasher, an empty page cache for each test, and `add_cases`, which adds many
generated cases for query-count and paging tests. Helpers for reading pages are in
helpers.py, test data in factories.py, the seed's facts in seed_facts.py."""

import pytest
from django.core.cache import caches
from django.core.management import call_command

from cases import pagecache
from tests.factories import bulk_cases, user_in


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser, data-safety, race and two-server tests run last: they empty the database
    after each test, and the tests before them rely on the seed loaded once for the
    session."""
    items.sort(
        key=lambda item: (
            "tests/browser/" in item.nodeid
            or "test_data_safety" in item.nodeid
            or "test_races" in item.nodeid
            or "test_two_servers" in item.nodeid
        )
    )


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Argon2 is slow on purpose; the tests make dozens of accounts, so they hash with MD5
    (the production setting is tested on its own, in editors/test_editors.py)."""
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
    pagecache.forget()


@pytest.fixture(autouse=True)
def fresh_limits(request, django_db_blocker):
    """A test whose transactions commit (threads, transaction=True) leaves its visitors'
    counters in the database's limits table, which no rollback or flush empties: the next
    such test would start with suggestions or downloads already spent."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in request.fixturenames or (marker and marker.kwargs.get("transaction")):
        with django_db_blocker.unblock():
            caches["limits"].clear()


@pytest.fixture(autouse=True)
def catalogue_language():
    """Each test starts in the catalogue's own language: a request to /fr/ leaves French
    active in the thread it ran in (LocaleMiddleware does not switch back)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def add_cases(db):
    """Add `count` published cases to an institution, each with two impacts and a theme
    (factories.bulk_cases)."""
    return bulk_cases


@pytest.fixture
def editors_with_email(db):
    """An editor with an address (ed@example.org), who is told of suggested cases."""
    return user_in("Editors", "ed")
