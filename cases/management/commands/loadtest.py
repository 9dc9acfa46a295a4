"""`manage.py loadtest` (`make loadtest`): many visitors at once against gunicorn, as
production serves the site, on a fresh copy of the seed beside DATABASE_URL's database (the
same benchmark database `make bench` uses). Bounded in time; not part of CI.

64 connections for 30 seconds on `/` and on a filtered page, with wrk on loopback; gunicorn
with the workers `make serve` starts. Target: no errors and no response other than 2xx.
"""

import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from .bench import BROWSER, run_load
from .bench import Command as Bench

PAGES = [  # asked as a browser asks (cached pages go compressed)
    ("/", "/", BROWSER),
    ("filtered page", "/?theme=customer-centricity&country=FI&q=language", BROWSER),
]


class Command(BaseCommand):
    help = "Load gunicorn with 64 connections for 30 seconds on / and a filtered page."

    def add_arguments(self, parser):
        parser.add_argument("--connections", type=int, default=64)
        parser.add_argument("--seconds", type=int, default=30)
        parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)

    def handle(self, connections, seconds, workers, **options):
        bench = Bench(stdout=self.stdout, stderr=self.stderr)
        bench.prepare()
        figures = run_load(bench.env, seconds, PAGES, workers=workers, connections=connections)
        lines = [
            f"Load test on {bench.vendor}, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores: "
            f"gunicorn with {workers} workers, wrk with {connections} connections for "
            f"{seconds} s on loopback, seed data.",
            "",
            "| page | requests/s | p99 latency | errors and non-2xx |",
            "|---|---|---|---|",
        ]
        for label, path, _headers in PAGES:
            f = figures[label]
            lines.append(f"| `{path}` | {f['rps']:.0f} | {f['p99']} | {f['errors']} |")
        text = "\n".join(lines) + "\n"
        self.stdout.write("\n" + text)
        folder = settings.BASE_DIR / "bench-results"
        folder.mkdir(exist_ok=True)
        (folder / f"loadtest-{bench.vendor}.md").write_text(text)
        if any(f["errors"] for f in figures.values()):
            raise CommandError("Some requests failed or were answered with a non-2xx status.")
