"""`manage.py loadtest` (`make loadtest`): many visitors at once against gunicorn, as
production serves the site, on a fresh copy of the seed beside DATABASE_URL's database (the
same benchmark database `make bench` uses). Bounded in time; not part of CI.

First 64 connections for 30 seconds on `/` and on a filtered page, with wrk on loopback;
gunicorn with the workers `make serve` starts. Then, for 60 seconds, wrk on the listing of one
institution while an editor publishes and withdraws one of its cases every second through
the admin of the same server, and after each change a visitor asks for the case and the
listing: a page from before the change is a stale page. Target: no errors, no response
other than 2xx, no stale page.
"""

import os
import re
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from .bench import BROWSER, Visitor, gunicorn, load, run_load
from .bench import Command as Bench

PAGES = [  # asked as a browser asks (cached pages go compressed)
    ("/", "/", BROWSER),
    ("filtered page", "/?theme=customer-centricity&country=FI&q=language", BROWSER),
]
# The case the editor moves, and the listing wrk loads that shows it when it is published.
EDITED = "design-thinking"
LISTING = "/?institution=esdc"
# An editor signed in on the benchmark database, with the session cookie a sign-in leaves.
SIGN_IN = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from cases.models import Innovation
user = User.objects.create_superuser("loadtest-editor", "editor@example.org")
session = SessionStore()
session[SESSION_KEY], session[HASH_SESSION_KEY] = str(user.pk), user.get_session_auth_hash()
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session.create()
print(session.session_key, Innovation.objects.get(slug="%s").pk)
"""


class Command(BaseCommand):
    help = (
        "Load gunicorn with 64 connections for 30 seconds on / and a filtered page, then for "
        "60 seconds while an editor publishes and withdraws a case every second."
    )

    def add_arguments(self, parser):
        parser.add_argument("--connections", type=int, default=64)
        parser.add_argument("--seconds", type=int, default=30)
        parser.add_argument("--editing-seconds", type=int, default=60)
        parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)

    def handle(self, connections, seconds, editing_seconds, workers, **options):
        bench = Bench(stdout=self.stdout, stderr=self.stderr)
        bench.prepare()
        figures = run_load(bench.env, seconds, PAGES, workers=workers, connections=connections)
        with gunicorn(bench.env, workers) as (port, _):
            editor = Editor(port, *self.sign_in(bench.env))
            thread = threading.Thread(target=editor.edit, args=(editing_seconds,))
            thread.start()
            page = [("listing while editing", LISTING, BROWSER)]
            figures.update(load(port, editing_seconds, page, connections, rounds=1))
            thread.join(editing_seconds + 60)
        lines = [
            f"Load test on {bench.vendor}, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores: "
            f"gunicorn with {workers} workers, wrk with {connections} connections on loopback, "
            f"seed data ({seconds} s a page; {editing_seconds} s while editing).",
            "",
            "| page | requests/s | p99 latency | errors and non-2xx |",
            "|---|---|---|---|",
        ]
        for label, f in figures.items():
            lines.append(f"| {label} | {f['rps']:.0f} | {f['p99']} | {f['errors']} |")
        lines += [
            "",
            f"The editor's changes: {editor.changes}, each answered in "
            f"{editor.slowest_change:.0f} ms at most; failed: {editor.failed}; stale pages "
            f"after a change: {editor.stale} of {2 * editor.changes}.",
        ]
        text = "\n".join(lines) + "\n"
        self.stdout.write("\n" + text)
        folder = settings.BASE_DIR / "bench-results"
        folder.mkdir(exist_ok=True)
        (folder / f"loadtest-{bench.vendor}.md").write_text(text)
        if any(f["errors"] for f in figures.values()) or editor.failed or editor.stale:
            raise CommandError("Some requests failed, or a page was stale after a change.")

    def sign_in(self, env):
        out = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", SIGN_IN % EDITED],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        return out[-2], int(out[-1])


class Editor:
    """Withdraws and publishes the case in turn, once a second, through the admin's list;
    after each change asks for the case's page and the listing as a visitor."""

    def __init__(self, port, session_key, case_pk):
        self.editor = Visitor(port, {settings.SESSION_COOKIE_NAME: session_key})
        self.visitor, self.case_pk = Visitor(port), case_pk
        self.changes = self.failed = self.stale = 0
        self.slowest_change = 0.0

    def edit(self, seconds):
        changelist = f"/{settings.ADMIN_URL}cases/innovation/"
        end = time.monotonic() + seconds
        step = "withdraw"
        while time.monotonic() < end:
            started = time.monotonic()
            status, form = self.editor.get(changelist)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form or "")
            action = {"action": step, "_selected_action": self.case_pk, "index": 0}
            if status != 200 or not token:
                self.failed += 1
            else:
                action["csrfmiddlewaretoken"] = token.group(1)
                status, _ = self.editor.post(changelist, action)
                self.slowest_change = max(self.slowest_change, 1000 * (time.monotonic() - started))
                if status != 302:
                    self.failed += 1
                else:
                    self.changes += 1
                    self.check(published=step == "publish")
            step = "publish" if step == "withdraw" else "withdraw"
            time.sleep(max(0.0, 1 - (time.monotonic() - started)))  # once a second

    def check(self, published):
        self.visitor.cookies.clear()  # a new visitor each time, as wrk's are
        status, _ = self.visitor.get(f"/innovations/{EDITED}/")
        self.stale += status != (200 if published else 404)
        _, listing = self.visitor.get(LISTING)
        self.stale += (f"/innovations/{EDITED}/" in listing) != published
