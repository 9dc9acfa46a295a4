"""`manage.py bench` (`make bench`): how fast the catalogue is, at 12, 1,000, 10,000 and
100,000 cases, on the kind of database DATABASE_URL names.

It never touches the database in DATABASE_URL itself: it makes a fresh benchmark database
beside it (PostgreSQL: `<name>_bench` on the same server; SQLite: `bench.sqlite3`), loads the
seed, and grows it with `generate_cases`. At each size it requests the main pages in-process
with the page cache emptied before every request, after a warm-up, and reports the number of
queries and the median and 95th-percentile server time. With the seed alone it also starts
gunicorn (2 workers, persistent connections) and loads `/` and a bare constant view with wrk
on loopback, for requests per second. The table is printed and written to bench-results/.
"""

import html
import http.client
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

PAGES = [
    ("/", "/"),
    ("/?page=…", "/?page=50"),
    ("/?theme=…", "/?theme=leadership"),
    ("/?country=…", "/?country={country}"),
    ("/?q=…", "/?q=fraud+detection"),
    ("/?q=service", "/?q=service"),
    ("/?theme=…&country=…&q=…", "/?theme=innovation-system&country={country}&q=fraud+detection"),
    ("innovation page", "/innovations/{case}/"),
    ("institution page", "/institutions/{institution}/"),
    ("theme page", "/themes/leadership/"),
    ("/matrix/", "/matrix/"),
    ("/map/", "/map/"),
    ("/fr/?q=…", "/fr/?q=fraud+detection"),
    ("API list", "/api/innovations/"),
    ("API detail", "/api/innovations/{case}/"),
]
COMBINED = "/?theme=…&country=…&q=…"
INDEX_IN_PLAN = re.compile(r"Index (?:Only )?Scan (?:Backward )?(?:using|on) (\S+)")


def bench_database_url(url):
    config = environ.Env.db_url_config(url)
    if config["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings.BASE_DIR / 'bench.sqlite3'}", config
    name = config["NAME"] + "_bench"
    user = config.get("USER") or ""
    auth = user + (f":{config['PASSWORD']}" if config.get("PASSWORD") else "")
    host = config.get("HOST") or "127.0.0.1"
    port = config.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{name}", config


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse_wrk(out):
    rps = errors = 0.0
    p99 = ""
    for line in out.splitlines():
        words = line.split()
        if line.startswith("Requests/sec:"):
            rps = float(words[1])
        elif words[:1] == ["99%"]:
            p99 = words[1]
        elif "Non-2xx" in line or "Socket errors" in line:
            errors += sum(float(w.rstrip(",")) for w in words if w.rstrip(",").isdigit())
    return {"rps": rps, "p99": p99, "errors": int(errors)}


@contextmanager
def gunicorn(env, workers):
    """gunicorn serving the benchmark database on a free loopback port: yields (port, the
    server's process)."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "innohub.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port, server
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def run_load(env, seconds, pages, workers, connections):
    """Start gunicorn on a free loopback port and load each (label, path) with wrk.
    Returns {label: {"rps", "p99", "errors"}}; errors counts socket errors and non-2xx."""
    with gunicorn(env, workers) as (port, _):
        return load(port, seconds, pages, connections)


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to read, not to follow


class Visitor:
    """A browser at one server: its cookies, sent back as a browser sends them."""

    def __init__(self, port, cookies=None):
        self.base, self.cookies = f"http://127.0.0.1:{port}", dict(cookies or {})
        self.host = "127.0.0.1"  # the same address on every port, as behind a load balancer
        self.opener = urllib.request.build_opener(_Stay)

    def get(self, path, data=None):
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = urlencode(data, doseq=True).encode() if data is not None else None
        headers = {"Cookie": cookie, "Host": self.host}
        request = urllib.request.Request(self.base + path, body, headers)
        try:
            response = self.opener.open(request, timeout=20)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";")[0]
        return response.status, response.read().decode()

    post = get


LOAD_ROUNDS = 3
# What a browser says it accepts: cached pages go compressed to it (pagecache.py).
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}
# The cached `/` against the bare view, each asked as a browser asks, and `/` once more as a
# client that accepts no compression (wrk's own default) asks.
CACHED_PAGES = (
    ("/", "/", BROWSER),
    ("/ uncompressed", "/", {}),
    ("bare view", "/benchmark/constant/", BROWSER),
)


def load(port, seconds, pages, connections, rounds=LOAD_ROUNDS):
    """Each (label, path, request headers) loaded with wrk for `seconds`, after two seconds
    of warming up; the pages take turns, `rounds` times, and each keeps its median round (by
    requests per second). A shared machine's speed drifts by a third from one run to the
    next (session 8): one run of each, one after the other, compared the drift as much as the
    pages."""
    wrk = shutil.which("wrk")
    if not wrk:
        raise CommandError("The load test needs wrk (apt-get install wrk), or use --no-load.")
    threads = str(min(connections, os.cpu_count() or 2))
    runs = {label: [] for label, *_ in pages}

    def asked(path, headers):
        return [
            *(part for name, value in headers.items() for part in ("-H", f"{name}: {value}")),
            f"http://127.0.0.1:{port}{path}",
        ]

    for _label, path, headers in pages:
        subprocess.run(
            [wrk, "-t1", "-c8", "-d2s", *asked(path, headers)], check=True, capture_output=True
        )
    for _round in range(rounds):
        for label, path, headers in pages:
            out = subprocess.run(
                [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
                + asked(path, headers),
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            runs[label].append(parse_wrk(out))
    return {
        label: sorted(figures, key=lambda f: f["rps"])[len(figures) // 2]
        for label, figures in runs.items()
    }


# Over HTTP: many addresses per page type, each asked once, so that no cache can answer.
HTTP_ADDRESSES = 60
HTTP_WARMUP = 5  # addresses per type asked first and not timed
HTTP_SIZE = 100_000  # and at the largest size measured
DEEP_PAGES = 2_000  # the deepest page the deep-page types ask for
COMMON_WORDS = ["service", "support", "benefit", "pension", "payment", "claims", "data"]


def http_addresses(
    cases, institutions, countries, themes, pages, count=HTTP_ADDRESSES + HTTP_WARMUP
):
    """{page type: [distinct paths]}: every public page type, varied over what it shows."""

    def varied(make):
        paths = []
        for n in range(count * 4):
            path = make(n)
            if path not in paths:
                paths.append(path)
            if len(paths) == count:
                return paths
        raise CommandError(f"Too few distinct addresses: {paths[:3]}")

    def pick(values, n):
        return values[n % len(values)]

    def page(values, n):
        return n // len(values) + 1

    words = COMMON_WORDS
    pairs = [f"{a}+{b}" for i, a in enumerate(words) for b in words[i + 1 :]]
    languages = [code for code, _name in settings.LANGUAGES]
    filters = [f"country={c}" for c in countries] + [f"theme={t}" for t in themes]
    deep = min(DEEP_PAGES, pages)  # pages spread over the first 2,000 (787 and 2,000: coprime)
    return {
        "/?page=…": varied(lambda n: f"/?page={n + 1}"),
        "/?page=<deep>": varied(lambda n: f"/?page={(n * 787) % deep + 1}"),
        "/?theme=…": varied(lambda n: f"/?theme={pick(themes, n)}&page={page(themes, n)}"),
        "/?country=…": varied(
            lambda n: f"/?country={pick(countries, n)}&page={page(countries, n)}"
        ),
        "/?q=<common word>": varied(lambda n: f"/?q={pick(words, n)}&page={page(words, n)}"),
        "/?q=…&theme=…&country=…": varied(
            lambda n: (
                f"/?q={pick(words, n)}&theme={pick(themes, n // len(words))}"
                f"&country={pick(countries, n)}"
            )
        ),
        "/?q=<two words>&theme=…": varied(
            lambda n: f"/?q={pick(pairs, n)}&theme={pick(themes, n // len(pairs))}"
        ),
        "innovation page": varied(lambda n: f"/innovations/{pick(cases, n)}/"),
        "institution page": varied(
            lambda n: f"/institutions/{pick(institutions, n)}/?page={page(institutions, n)}"
        ),
        "theme page": varied(lambda n: f"/themes/{pick(themes, n)}/?page={page(themes, n)}"),
        "/matrix/": varied(lambda n: f"/matrix/?{pick(filters, n)}&page={page(filters, n)}"),
        "/matrix/?q=…": varied(
            lambda n: f"/matrix/?q={pick(words, n)}&{pick(filters, n // len(words))}"
        ),
        "/map/": varied(lambda n: f"/map/?{pick(filters, n)}&page={page(filters, n)}"),
        # Its pages in turn, then again in another language (a page past the last is a 404).
        "API list": varied(
            lambda n: f"/api/innovations/?page={n % pages + 1}&lang={pick(languages, n // pages)}"
        ),
        "API list, deep pages": varied(lambda n: f"/api/innovations/?page={(n * 787) % deep + 1}"),
        "API detail": varied(lambda n: f"/api/innovations/{pick(cases, n)}/"),
    }


def timed_get(port, path):
    """Milliseconds from sending the request to the last byte of a 200 answer."""
    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise CommandError(f"{path} answered {response.status} over HTTP")
    return (time.perf_counter() - start) * 1000


def worker_memory_mb(server):
    """The largest resident memory of the gunicorn server's workers, in MB (Linux /proc)."""
    largest = 0
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    for pid in children.read_text().split() if children.exists() else []:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                largest = max(largest, int(line.split()[1]) / 1024)
    return largest


def run_http(env, addresses, seconds):
    """Every page type over HTTP against gunicorn (2 workers), each address once after a
    warm-up; then a worker's memory, and wrk on the cached `/` against the bare view in the
    same server."""
    with gunicorn(env, workers=2) as (port, server):
        figures = {}
        for label, paths in addresses.items():
            for path in paths[:HTTP_WARMUP]:
                timed_get(port, path)
            times = sorted(timed_get(port, path) for path in paths[HTTP_WARMUP:])
            figures[label] = {
                "addresses": len(times),
                "median": statistics.median(times),
                "p95": times[max(0, round(0.95 * len(times)) - 1)],
            }
        memory = worker_memory_mb(server)
        cached = None
        if shutil.which("wrk"):
            cached = load(port, seconds, CACHED_PAGES, connections=16)
    return {"pages": figures, "memory_mb": memory, "cached": cached}


def cached_share(load):
    """The cached `/` against the bare view, in words, from load()'s figures."""
    bare = load["bare view"]["rps"]

    def share(label):
        return load[label]["rps"] / bare if bare else 0

    return (
        f"cached `/` {load['/']['rps']:.0f} requests/s as a browser asks (compressed), "
        f"{load['/ uncompressed']['rps']:.0f} uncompressed; bare view {bare:.0f}: "
        f"{share('/'):.2f}x and {share('/ uncompressed'):.2f}x."
    )


# The growth picture: p95 against the number of cases, both on log scales, one line per page.
COLOURS = [
    "#0b4f8a",
    "#b35806",
    "#1b7837",
    "#762a83",
    "#a50026",
    "#4d4d4d",
    "#01665e",
    "#c51b7d",
    "#8c510a",
    "#2166ac",
    "#5aae61",
    "#e08214",
    "#6a3d9a",
    "#b2182b",
    "#35978f",
]
TICKS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]
TARGET_P95_MS = 50


def _series(label, colour, points, right, top, index):
    """One page's line of growth_svg, and its entry in the legend."""
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    legend_y = top + 10 + index * 20
    return (
        f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>'
        f'<line x1="{right + 20}" x2="{right + 44}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
        f'stroke="{colour}" stroke-width="3"/>'
        f'<text x="{right + 50}" y="{legend_y}">{html.escape(label)}</text>'
    )


def growth_svg(vendor, results):
    """A line chart of each page's p95 against the catalogue's size (an SVG file for the
    docs: attributes rather than a stylesheet, so it reads the same wherever it is shown)."""
    sizes = [int(label.split()[0].replace(",", "")) for label, _ in results]
    width, height, left, top, plot_w, plot_h = 760, 420, 60, 30, 430, 330
    times = [m["pages"][label]["p95"] for _, m in results for label, _ in PAGES]
    low = max(1, min(times) / 1.5)
    high = max(max(times) * 1.5, TARGET_P95_MS * 2)

    def x(size):
        span = math.log10(max(sizes)) - math.log10(min(sizes)) or 1
        return left + plot_w * (math.log10(size) - math.log10(min(sizes))) / span

    def y(ms):
        return top + plot_h * (1 - (math.log10(ms) - math.log10(low)) / math.log10(high / low))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
        f"<title>p95 server time per page against the number of cases ({vendor})</title>",
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="{left}" y="16" font-weight="bold">p95 server time per page, page cache '
        f"empty ({vendor}; ms, log scale)</text>",
    ]
    for ms in (t for t in TICKS_MS if low <= t <= high):
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(ms):.1f}" y2="{y(ms):.1f}" '
            f'stroke="#ddd"/><text x="{left - 6}" y="{y(ms) + 4:.1f}" text-anchor="end">'
            f"{ms} ms</text>"
        )
    parts.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{y(TARGET_P95_MS):.1f}" '
        f'y2="{y(TARGET_P95_MS):.1f}" stroke="#a50026" stroke-dasharray="6 4"/>'
        f'<text x="{left + plot_w}" y="{y(TARGET_P95_MS) - 5:.1f}" text-anchor="end" '
        f'fill="#a50026">target: p95 {TARGET_P95_MS} ms</text>'
    )
    for size in sizes:
        parts.append(
            f'<text x="{x(size):.1f}" y="{top + plot_h + 18}" text-anchor="middle">{size:,}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2}" y="{height - 6}" text-anchor="middle">'
        "cases in the catalogue (log scale)</text>"
    )
    for index, (label, _) in enumerate(PAGES):
        p95s = [m["pages"][label]["p95"] for _, m in results]
        points = [(x(size), y(ms)) for size, ms in zip(sizes, p95s, strict=True)]
        parts.append(
            _series(label, COLOURS[index % len(COLOURS)], points, left + plot_w, top, index)
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


class Command(BaseCommand):
    help = "Benchmark the catalogue's pages at 12 to 100,000 cases in a separate database."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="1000,10000,100000")
        parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
        parser.add_argument("--warmup", type=int, default=5)
        parser.add_argument("--seconds", type=int, default=10, help="load test length")
        parser.add_argument("--no-load", action="store_true", help="skip the gunicorn load test")
        parser.add_argument(
            "--no-http",
            action="store_true",
            help="skip the page types over HTTP at the largest size",
        )
        parser.add_argument(
            "--measure",
            action="store_true",
            # internal
            help="measure the current database in-process and print JSON",
        )

    def handle(self, **options):
        if options["measure"]:
            self.stdout.write(json.dumps(self.measure(options["repeat"], options["warmup"])))
            return
        self.orchestrate(options)

    # The parent process: databases, sizes, gunicorn, wrk -----------------------------------

    def orchestrate(self, options):
        self.prepare()
        results = [("12 (seed)", self.measure_in_child(options))]
        load = None if options["no_load"] else self.load_test(options["seconds"])
        total = 12
        sizes = [int(s) for s in options["sizes"].split(",") if s]
        over_http = {}
        for size in sizes:
            self.manage("generate_cases", str(size - total), "--yes")
            total = size
            results.append((f"{size:,}", self.measure_in_child(options)))
            # Over HTTP at 100,000 cases (the targets' size) and at the largest.
            if not options["no_http"] and (size == HTTP_SIZE or size == sizes[-1]):
                self.stdout.write(f"Over HTTP at {size:,} cases …")
                addresses = http_addresses(**results[-1][1]["ingredients"])
                over_http[f"{size:,}"] = run_http(self.env, addresses, options["seconds"])
            # Written as each size ends: a run to 1,000,000 cases takes an hour.
            self.report(self.vendor, results, load, over_http, partial=True)
        self.report(self.vendor, results, load, over_http)

    def prepare(self):
        """A fresh benchmark database with the seed, and the environment to run against it."""
        source = os.environ.get("DATABASE_URL") or f"sqlite:///{settings.BASE_DIR / 'db.sqlite3'}"
        url, config = bench_database_url(source)
        self.vendor = "sqlite" if config["ENGINE"].endswith("sqlite3") else "postgresql"
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "benchmark-only-key"),
            "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "INNOHUB_BENCHMARK_VIEW": "1",
            # One address asks for everything here: the limits per visitor would stop it.
            "INNOHUB_API_RATE": "100000/minute",
            "INNOHUB_PAGE_SECONDS_PER_MINUTE": "0",
        }
        self.stdout.write(f"Benchmark database: {url} (made fresh)")
        self.fresh_database(url, config)
        self.manage("migrate", "--noinput", "-v0")
        self.manage("seed")
        self.manage("collectstatic", "--noinput", "-v0")

    def manage(self, *args):
        subprocess.run(
            [sys.executable, "manage.py", *args], env=self.env, check=True, cwd=settings.BASE_DIR
        )

    def measure_in_child(self, options):
        out = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "bench",
                "--measure",
                "--repeat",
                str(options["repeat"]),
                "--warmup",
                str(options["warmup"]),
            ],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            cwd=settings.BASE_DIR,
        ).stdout
        return json.loads(out.strip().splitlines()[-1])

    def fresh_database(self, url, config):
        if config["ENGINE"].endswith("sqlite3"):
            Path(environ.Env.db_url_config(url)["NAME"]).unlink(missing_ok=True)
            return
        import psycopg

        name = environ.Env.db_url_config(url)["NAME"]
        admin = dict(
            host=config.get("HOST") or "127.0.0.1",
            port=config.get("PORT") or 5432,
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
        )
        with psycopg.connect(**admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')

    def load_test(self, seconds, pages=CACHED_PAGES):
        return run_load(self.env, seconds, pages, workers=2, connections=16)

    def report(self, vendor, results, load, over_http=None, partial=False):
        """Print the tables and write them, with the growth picture, to bench-results/;
        `partial`: only write them, for the sizes measured so far."""
        lines = [
            f"Benchmark on {vendor}, {time.strftime('%Y-%m-%d')}, "
            f"{os.cpu_count()} cores; server time in ms, page cache emptied before "
            "every request.",
            "",
        ]
        header = "| page | " + " | ".join(f"{size} cases" for size, _ in results) + " |"
        lines += [header, "|---" * (len(results) + 1) + "|"]
        for label, _ in PAGES:
            cells = []
            for _, measured in results:
                m = measured["pages"][label]
                cells.append(f"{m['queries']} q, {m['median']:.1f} / {m['p95']:.1f}")
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        lines += ["", "Each cell: queries, median / p95 ms.", ""]
        lines.append(
            "| cached `/` (median ms) | "
            + " | ".join(f"{m['cached_median']:.2f}" for _, m in results)
            + " |"
        )
        lines.append("|---" * (len(results) + 1) + "|")
        for _, measured in results[-1:]:
            if measured.get("plan"):
                lines += [
                    "",
                    f"Indexes used by `{COMBINED}` at the largest size: "
                    + ", ".join(measured["plan"])
                    or "none",
                ]
        if load:
            lines += [
                "",
                "gunicorn, 2 workers, wrk 2 threads x 16 connections on loopback, seed data:",
                "",
                "| URL | requests/s | p99 latency | errors |",
                "|---|---|---|---|",
            ]
            for label, figures in load.items():
                lines.append(
                    f"| {label} | {figures['rps']:.0f} | {figures['p99']} | {figures['errors']} |"
                )
            lines += ["", cached_share(load)]
        for size, figures in (over_http or {}).items():
            lines += self.http_lines(size, figures)
        text = "\n".join(lines) + "\n"
        if not partial:
            self.stdout.write("\n" + text)
        folder = settings.BASE_DIR / "bench-results"
        folder.mkdir(exist_ok=True)
        (folder / f"latest-{vendor}.md").write_text(text)
        (folder / f"latest-{vendor}.svg").write_text(growth_svg(vendor, results))
        sizes = f" (up to {results[-1][0]} cases)" if partial else ""
        self.stdout.write(f"Written to bench-results/latest-{vendor}.md and .svg{sizes}")

    def http_lines(self, size, over_http):
        lines = [
            "",
            f"Over HTTP at {size} cases: gunicorn, 2 workers, page cache empty (each address "
            f"asked once, after {HTTP_WARMUP} of each type not timed); client-side ms:",
            "",
            "| page type | addresses | median | p95 |",
            "|---|---|---|---|",
        ]
        for label, m in over_http["pages"].items():
            lines.append(f"| {label} | {m['addresses']} | {m['median']:.1f} | {m['p95']:.1f} |")
        lines += ["", f"A worker's memory after all of them: {over_http['memory_mb']:.0f} MB."]
        if over_http["cached"]:
            lines += [
                "",
                f"In the same server, wrk 16 connections: {cached_share(over_http['cached'])}",
            ]
        return lines

    # The child process: requests in-process against the benchmark database ---------------

    def measure(self, repeat, warmup):
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from cases import pagecache
        from cases.models import Innovation

        case = Innovation.objects.published().order_by("-pk").first()
        country, institution = case.institution.country.code, case.institution.slug
        client = Client()
        pages = {}
        for label, path in PAGES:
            path = path.format(case=case.slug, country=country, institution=institution)
            times = []
            for n in range(warmup + repeat):
                pagecache.forget()
                start = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(path)
                elapsed = (time.perf_counter() - start) * 1000
                if response.status_code != 200:
                    raise CommandError(f"{path} answered {response.status_code}")
                if n >= warmup:
                    times.append(elapsed)
            times.sort()
            pages[label] = {
                "path": path,
                "queries": len(queries),
                "median": statistics.median(times),
                "p95": times[max(0, round(0.95 * len(times)) - 1)],
            }
        cached = []
        client.get("/")
        for _ in range(repeat):
            start = time.perf_counter()
            client.get("/")
            cached.append((time.perf_counter() - start) * 1000)
        return {
            "pages": pages,
            "cached_median": statistics.median(cached),
            "plan": self.indexes_used(pages[COMBINED]["path"]),
            "ingredients": self.ingredients(),
        }

    def ingredients(self):
        """What the addresses over HTTP are made of: cases picked evenly at random (seeded),
        and the institutions, countries and themes that have published cases."""
        from cases.models import Innovation, Institution, Theme

        published = Innovation.objects.published()
        pks = sorted(published.values_list("pk", flat=True))
        chosen = random.Random(2022).sample(pks, min(len(pks), HTTP_ADDRESSES + HTTP_WARMUP))
        institutions = Institution.objects.public()
        return {
            "cases": list(published.filter(pk__in=chosen).values_list("slug", flat=True)),
            "institutions": list(institutions.values_list("slug", flat=True)),
            "countries": sorted({str(c) for c in institutions.values_list("country", flat=True)}),
            "themes": list(Theme.objects.public().values_list("slug", flat=True)),
            "pages": -(-len(pks) // settings.REST_FRAMEWORK["PAGE_SIZE"]),  # the API list's
        }

    def indexes_used(self, path):
        if connection.vendor != "postgresql":
            return []
        from django.http import QueryDict

        from cases.filters import InnovationFilter
        from cases.models import Innovation

        filterset = InnovationFilter(
            QueryDict(path.split("?", 1)[1]),
            queryset=Innovation.objects.published().for_summary_table(),
        )
        plan = filterset.qs[:50].explain()
        return sorted(set(INDEX_IN_PLAN.findall(plan)))
