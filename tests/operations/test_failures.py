"""The site when what it stands on fails, tried for real: gunicorn serving PostgreSQL through a
TCP relay that the test cuts and restores (the database away, then back), every database
connection killed with pg_terminate_backend, and a Redis server stopped under the page cache
and the rate limits.

The PostgreSQL tests need DATABASE_URL to name PostgreSQL (as .ci/run's second run does); the
Redis test needs Debian's redis-server, which .ci/run installs. Without them they are skipped
with the reason, except under CI=true, where a missing redis-server fails.
"""

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import override_settings

from tests.helpers import free_port, start_redis, suggestion

ROOT = Path(__file__).resolve().parents[2]  # the project
APPLICATION = "innohub-failure-test"
on_postgres = pytest.mark.skipif(
    not settings.USING_POSTGRES, reason="needs PostgreSQL (DATABASE_URL=postgres://…)"
)


def hang_up(sock):
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class Relay:
    """A TCP relay to PostgreSQL that can be cut (connections dropped, new ones refused) and
    restored on the same port: to the app, the database goes away and comes back."""

    def __init__(self, target_port):
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self.sockets = []
        self.listener = None

    def start(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(64)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self):
        hang_up(self.listener)  # also wakes the accept() under way
        self.listener.close()
        for sock in self.sockets:
            hang_up(sock)
            sock.close()
        self.sockets = []

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            hang_up(source)
            hang_up(sink)


def fetch(url, timeout=15):
    """(status, seconds taken, body) of a GET, on a new connection each time."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return status, time.monotonic() - started, body.decode()


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return fetch(url, timeout=2)
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def admin_connection(dbname="postgres"):
    """A connection of the test's own, straight to PostgreSQL (not through the relay)."""
    params = connection.settings_dict
    return psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        user=params["USER"],
        password=params["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


@pytest.fixture(scope="module")
def served(django_db_setup, django_db_blocker, tmp_path_factory):
    """gunicorn (2 workers, production settings) on the test database, through a Relay."""
    params = connection.settings_dict
    relay = Relay(int(params["PORT"] or 5432))
    relay.start()
    user = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    database_url = (
        f"postgres://{user}@127.0.0.1:{relay.port}/{params['NAME']}?application_name={APPLICATION}"
    )
    port = free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "server.log"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS"))},
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": "failure-test-only",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "INNOHUB_API_RATE": "5/minute",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    with open(log, "w") as output:
        server = subprocess.Popen(
            [gunicorn, "innohub.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/healthz")
        yield base, relay, log
    finally:
        server.terminate()
        server.wait(timeout=30)
        relay.cut()
        # What the server's rate limits wrote must not limit the tests after these.
        with admin_connection(params["NAME"]) as db:
            db.execute("DELETE FROM innohub_limits")


@on_postgres
def test_pages_come_back_after_every_database_connection_is_killed(served):
    base, relay, log = served
    for _ in range(4):
        assert fetch(f"{base}/")[0] == 200
    with admin_connection() as admin:
        killed = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = %s",
            [APPLICATION],
        ).fetchone()[0]
    assert killed >= 1
    # No restart of the app: each worker notices its dead connection and opens another.
    assert [fetch(f"{base}/")[0] for _ in range(6)] == [200] * 6
    assert fetch(f"{base}/innovations/design-thinking/")[0] == 200


@on_postgres
def test_while_the_database_is_away_pages_answer_503_quickly_then_recover(served):
    base, relay, log = served
    assert fetch(f"{base}/readyz")[0] == 200
    relay.cut()
    try:
        for path in ("/", "/themes/", "/api/themes/", "/innovations/design-thinking/"):
            status, took, body = fetch(f"{base}{path}")
            assert status == 503, path
            assert took < 5, f"{path} took {took:.1f} s"
            if not path.startswith("/api/"):
                assert "temporarily unavailable" in body and "Traceback" not in body
        assert fetch(f"{base}/readyz")[0] == 503
        assert fetch(f"{base}/healthz")[0] == 200
    finally:
        relay.start()
    assert [fetch(f"{base}/")[0] for _ in range(4)] == [200] * 4
    assert fetch(f"{base}/readyz")[0] == 200
    text = log.read_text()
    assert " ERROR " in text and "GET / 503 django.request" in text
    assert "OperationalError" in text  # the traceback is in the log, not on the page


@on_postgres
def test_rate_limits_hold_across_gunicorn_workers(served):
    base, relay, log = served
    statuses = [fetch(f"{base}/api/themes/")[0] for _ in range(8)]  # 5 a minute allowed
    assert statuses == [200] * 5 + [429] * 3


# Redis -------------------------------------------------------------------------------------


@pytest.fixture
def redis_server(tmp_path):
    yield from start_redis(tmp_path)


def redis_caches(url):
    options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    return {
        alias: {
            "BACKEND": "cases.cache.ForgivingRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": alias,
            "OPTIONS": options,
        }
        for alias in ("default", "limits")
    }


@pytest.mark.django_db
def test_pages_are_served_when_redis_stops(client, redis_server, caplog):
    server, url = redis_server
    with override_settings(CACHES=redis_caches(url)):
        assert client.get("/themes/").status_code == 200
        assert client.get("/themes/").status_code == 200  # from Redis
        assert caches["default"].get("missing", "default") == "default"
        assert caches["default"]._cache.get_client().dbsize() >= 1

        server.kill()
        server.wait()
        started = time.monotonic()
        for path in ("/", "/themes/", "/innovations/design-thinking/", "/api/themes/"):
            assert client.get(path).status_code == 200, path
        assert client.post("/suggest/", suggestion()).status_code == 302
        assert time.monotonic() - started < 10
    assert any("Cache unavailable" in record.getMessage() for record in caplog.records)


@pytest.fixture
def crowded_redis(tmp_path):
    """A Redis shared the usual way: small, evicting the least recently used keys."""
    yield from start_redis(tmp_path, "--maxmemory", "2mb", "--maxmemory-policy", "allkeys-lru")


def caches_configured(**environment):
    """settings.CACHES as settings.py makes them from these variables."""
    script = "from django.conf import settings; import json; print(json.dumps(settings.CACHES))"
    output = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "innohub.settings",
            "DJANGO_DEBUG": "1",
            **environment,
        },
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    return json.loads(output.splitlines()[-1])


@pytest.mark.django_db
def test_a_flood_of_pages_in_a_shared_redis_evicts_no_counter(client, crowded_redis):
    """With the page cache in a Redis that evicts (REDIS_URL, allkeys-lru), the suggestion
    form's counter is kept where pages cannot push it out: a sixth suggestion within the hour
    is refused however many pages came between."""
    _server, url = crowded_redis
    with override_settings(CACHES=caches_configured(REDIS_URL=url)):
        for n in range(5):
            assert client.post("/suggest/", suggestion(title=f"Case {n}")).status_code == 302
        page = b"x" * 20_000
        for n in range(400):  # 8 MB of pages in a 2 MB Redis
            caches["default"].set(f"page:flood:{n}", page)
        assert caches["default"]._cache.get_client().info("stats")["evicted_keys"] > 0
        assert client.post("/suggest/", suggestion(title="One too many")).status_code == 429
