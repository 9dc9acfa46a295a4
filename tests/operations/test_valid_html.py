"""Every public page is valid HTML: the W3C's Nu Html Checker (vnu.jar, from npm's vnu-jar,
run on Java; `make vnu` fetches it) finds no error in any of them. It reads what a browser
forgives: a misplaced attribute, an element where it may not stand, a duplicate id.

The pages are rendered by the test client and checked in one run of the checker (its Java
start-up is most of the cost). Without the checker the test is skipped, except under CI
(CI=true), where .ci/run installs it and a missing checker fails the run."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.template import loader

from tests.factories import with_every_field
from tests.pages import PAGES

ROOT = Path(__file__).resolve().parents[2]


def checker():
    jar = Path(os.environ.get("VNU_JAR") or ROOT / ".vnu" / "vnu.jar")
    java = shutil.which("java")
    if jar.is_file() and java:
        return [java, "-Xss1m", "-jar", str(jar)]
    reason = "The Nu Html Checker is missing: run `make vnu` (it needs Java and npm)."
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def errors_in(paths):
    """The checker's errors, as 'file line: message (extract)' lines."""
    result = subprocess.run(
        [*checker(), "--errors-only", "--format", "json", "--exit-zero-always", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stderr or result.stdout)
    return [
        f"{Path(message.get('url', '')).name} {message.get('lastLine', '?')}: "
        f"{message['message']} ({message.get('extract', '').strip()[:120]})"
        for message in report["messages"]
        if message["type"] == "error" or message.get("subType") == "fatal"
    ]


def test_every_public_page_is_valid_html(client, tmp_path, db):
    with_every_field("design-thinking")
    pages = {
        **PAGES,
        "case with every field": "/innovations/design-thinking/",
        "compare with every field": "/compare/?i=design-thinking&i=bold-experimentation",
    }
    paths = []
    for index, (name, address) in enumerate(pages.items()):
        response = client.get(address)
        assert response.status_code in (200, 400, 404), (name, response.status_code)
        path = tmp_path / f"{index:02d}-{name.replace(' ', '-')}.html"
        path.write_bytes(response.content)
        paths.append(path)
    extra = {
        "suggest-with-errors": client.post("/suggest/", {"email": "not an address"}).content,
        "api-docs": client.get("/api/docs/").content,
        # The pages a visitor sees when something fails: no request context, as in production.
        "500": loader.get_template("500.html").render().encode(),
        "503": loader.get_template("503.html").render().encode(),
        "429": loader.render_to_string("429.html", request=client.get("/").wsgi_request).encode(),
    }
    for name, content in extra.items():
        paths.append(tmp_path / f"{name}.html")
        paths[-1].write_bytes(content)

    assert errors_in(paths) == []


def test_the_checker_finds_an_error_when_there_is_one(tmp_path):
    """The check above can fail: the matrix's old mistake, an aria-label on a plain span."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>'
        '<body><p><span aria-label="No cases">0</span></p></body></html>'
    )
    errors = errors_in([page])
    assert len(errors) == 1 and "aria-label" in errors[0]
