"""Browser tests: pytest-playwright driving the system Chromium against a live server.

Playwright cannot download its own browsers here, so the tests launch Debian's chromium
(`/usr/bin/chromium`, or $CHROMIUM) with `executable_path`. Without it they are skipped with
one line of reason, except under CI (CI=true), where a missing browser fails the run.
"""

import os
import shutil

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
# themselves (setting up data) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


def find_chromium():
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (path := shutil.which(candidate)):
            return path
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = find_chromium()
    if chromium is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(
                "No Chromium found: CI needs it for the browser tests (apt-get install chromium)."
            )
        pytest.skip("No Chromium found (install Debian's chromium package to run browser tests).")
    return {**browser_type_launch_args, "executable_path": chromium, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP}


@pytest.fixture
def site(live_server, transactional_db, settings):
    """The live server with the seed loaded (each browser test starts from a fresh database).

    The live server serves /static/ through Django's finders, which know the files by their
    own names, not by the hashed names of the production storage: plain names here."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("seed", verbosity=0)
    return live_server.url
