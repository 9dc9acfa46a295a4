"""What operators see and rely on: a log line per event with a request id, errors with their
traceback (and to ADMINS and Sentry), a plain 503 while the database is away, health
endpoints, and e-mail that may fail without the visitor noticing."""

import gzip
import io
import json
import logging
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from django.core import mail
from django.db import OperationalError
from django.test import Client, override_settings

from cases.models import CatalogueVersion, Innovation
from cases.observability import OneLineFormatter
from tests.helpers import suggestion

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]  # the project


@pytest.fixture
def visitor():
    """A client that gets the error page a visitor would, instead of the exception."""
    return Client(raise_request_exception=False)


@pytest.fixture
def broken_catalogue(monkeypatch):
    def fail(error):
        def current():
            raise error

        monkeypatch.setattr(CatalogueVersion, "current", current)

    return fail


@pytest.fixture
def log_output():
    """What the settings' standard-error handler writes, as lines (its stream was fixed when
    logging was configured, before pytest could capture it; here it is swapped for a buffer)."""
    [handler] = [
        h for h in logging.getLogger().handlers if isinstance(h.formatter, OneLineFormatter)
    ]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def log_lines(buffer):
    return buffer.getvalue().splitlines()


def test_a_view_error_reaches_the_log_with_its_traceback_and_request_id(
    visitor, broken_catalogue, log_output
):
    broken_catalogue(RuntimeError("the catalogue broke"))
    response = visitor.get("/themes/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "Traceback" not in response.content.decode()
    request_id = response["X-Request-ID"]
    lines = log_lines(log_output)
    [error] = [line for line in lines if " ERROR " in line]
    assert f"[{request_id}] GET /themes/ 500 django.request: Internal Server Error" in error
    after = lines[lines.index(error) + 1 :]
    assert after[0] == "Traceback (most recent call last):"
    assert "RuntimeError: the catalogue broke" in after


def test_every_request_has_a_line_and_an_id(client, log_output, settings):
    """The id a trusted proxy gives the request is kept (DJANGO_BEHIND_PROXY), when plain;
    one a visitor sends straight to the site is not: they could reuse another's."""
    sent = client.get("/themes/", HTTP_X_REQUEST_ID="lb-1234.abc")["X-Request-ID"]
    assert sent != "lb-1234.abc" and len(sent) == 32
    settings.TRUSTED_PROXIES = 1
    response = client.get("/themes/", HTTP_X_REQUEST_ID="lb-1234.abc")
    assert response["X-Request-ID"] == "lb-1234.abc"  # the load balancer's, when plain
    line = [line for line in log_lines(log_output) if "innohub.requests" in line][-1]
    assert " INFO [lb-1234.abc] GET /themes/ 200 innohub.requests: " in line
    forged = client.get("/themes/", HTTP_X_REQUEST_ID="x\nERROR forged line")
    assert len(forged["X-Request-ID"]) == 32 and "\n" not in forged["X-Request-ID"]


def test_a_visitor_cannot_forge_a_log_line(client, log_output):
    client.get("/nowhere%0A2026-01-01 ERROR [x] GET / 500 forged/")
    lines = log_lines(log_output)
    assert not any(line.startswith("2026-01-01 ERROR") for line in lines)
    assert any("/nowhere\\n2026-01-01 ERROR" in line for line in lines)


def test_while_the_database_is_away_pages_say_so_with_a_503(visitor, broken_catalogue, log_output):
    broken_catalogue(OperationalError("connection refused"))
    response = visitor.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "temporarily unavailable" in page and "Traceback" not in page
    assert any(" ERROR " in line and " 503 " in line for line in log_lines(log_output))


def test_health_endpoints(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        live = client.get("/healthz")
    assert (live.status_code, live.content) == (200, b"ok\n")
    ready = client.get("/readyz")
    assert (ready.status_code, ready.content) == (200, b"ready\n")
    assert live["Cache-Control"] == ready["Cache-Control"] == "no-store"
    assert client.post("/healthz").status_code == client.delete("/readyz").status_code == 405


def test_readiness_fails_while_the_database_does_not_answer(client, monkeypatch):
    monkeypatch.setattr("cases.health.database_answers", lambda: False)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert client.get("/healthz").status_code == 200  # the process itself lives


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["catalogue.example.org"])
def test_load_balancers_probe_by_address_over_plain_http(client):
    for path in ("/healthz", "/readyz"):
        assert client.get(path, HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.get("/", HTTP_HOST="catalogue.example.org").status_code == 301


def test_health_endpoints_are_never_rate_limited_or_cached(client):
    for _ in range(300):
        assert client.get("/readyz").status_code == 200


# E-mail ------------------------------------------------------------------------------------


def test_a_newline_in_a_suggested_title_is_thanked_kept_and_mailed(client, editors_with_email):
    title = "Chatbot\r\nBcc: everyone@example.org"
    response = client.post("/suggest/", suggestion(title=title), follow=True)
    assert "Thank you for your suggestion" in response.content.decode()
    case = Innovation.objects.get(title="Chatbot Bcc: everyone@example.org")
    assert case.status == "review"
    message, thanks = mail.outbox
    assert message.subject == "Case suggested: Chatbot Bcc: everyone@example.org"
    assert message.to == ["ed@example.org"]
    assert thanks.to == ["aino@example.org"] and "Bcc" not in thanks.subject + thanks.body


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


@override_settings(EMAIL_BACKEND="tests.operations.test_operations.FailingBackend")
def test_a_suggestion_is_kept_and_thanked_when_the_mail_fails(
    client, editors_with_email, log_output
):
    response = client.post("/suggest/", suggestion(), follow=True)
    assert response.status_code == 200
    assert "Thank you for your suggestion" in response.content.decode()
    assert Innovation.objects.filter(title="Chatbot for student benefits").exists()
    lines = log_lines(log_output)
    assert any(" ERROR " in line and "could not be told" in line for line in lines)
    assert any("ConnectionRefusedError: the mail server is down" in line for line in lines)


# Settings from the environment -------------------------------------------------------------


def settings_in(environment, code):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SENTRY"))},
        "DJANGO_SECRET_KEY": "test",
        "DJANGO_SETTINGS_MODULE": "innohub.settings",
        **environment,
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_admins_come_from_the_environment():
    result = settings_in(
        {"DJANGO_ADMINS": "Ops Team <ops@example.org>, dev@example.org"},
        "from django.conf import settings; print(settings.ADMINS)",
    )
    assert result.stdout.strip() == "[('Ops Team', 'ops@example.org'), ('', 'dev@example.org')]"


class SentryStandIn(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        SentryStandIn.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_errors_go_to_sentry_when_a_dsn_is_set():
    server = HTTPServer(("127.0.0.1", 0), SentryStandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        dsn = f"http://public@127.0.0.1:{server.server_port}/42"
        settings_in(
            {"SENTRY_DSN": dsn, "DJANGO_ALLOWED_HOSTS": "testserver"},
            "import sentry_sdk\n"
            "from django.test import Client\n"
            "from cases.models import CatalogueVersion\n"
            "def broken():\n"
            "    raise RuntimeError('reported to Sentry')\n"
            "CatalogueVersion.current = broken\n"
            "assert Client(raise_request_exception=False).get('/themes/').status_code == 500\n"
            "sentry_sdk.flush(5)",
        )
    finally:
        server.shutdown()
    [(path, body)] = SentryStandIn.received
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    assert path == "/api/42/envelope/"
    events = [json.loads(line) for line in body.splitlines() if line.startswith(b"{")]
    values = [event.get("exception", {}).get("values", []) for event in events]
    assert any(v["value"] == "reported to Sentry" for items in values for v in items)
