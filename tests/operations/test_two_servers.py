"""Two servers (gunicorn, on two ports) sharing one PostgreSQL and one Redis, as production
runs behind a load balancer: an editor's change through one is on the other's very next page,
round after round, though the other had the page cached (the catalogue version, moved by the
database and announced to every connection: models/version.py).

These tests commit (real transactions), so they run last, with the browser tests."""

import os
import re

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from cases.management.commands.bench import Visitor, gunicorn
from cases.models import Innovation
from tests.helpers import row_slugs_of, start_redis

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's"),
]
ROUNDS = 10


def signed_in(user):
    """The session cookie of `user` signed in, as the sign-in form would leave it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {settings.SESSION_COOKIE_NAME: session.session_key}


@pytest.fixture
def two_servers(tmp_path):
    redis = start_redis(tmp_path)
    _, redis_url = next(redis)
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:"
        f"{database['PORT']}/{database['NAME']}",
        "REDIS_URL": redis_url,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "INNOHUB_PAGE_SECONDS_PER_MINUTE": "0",
    }
    with gunicorn(env, workers=2) as (a, _), gunicorn(env, workers=2) as (b, _):
        yield a, b
    next(redis, None)  # stops it


def test_a_change_through_one_server_is_on_the_others_next_page(two_servers):
    call_command("seed", verbosity=0)
    port_a, port_b = two_servers
    editor = Visitor(port_a, signed_in(User.objects.create_superuser("ed", "ed@example.org")))
    visitor = Visitor(port_b)
    case = Innovation.objects.get(slug="design-thinking")
    changelist = reverse("admin:cases_innovation_changelist")
    page, listing = case.get_absolute_url(), f"/?institution={case.institution.slug}"
    for round_ in range(ROUNDS):
        step = "withdraw" if round_ % 2 == 0 else "publish"
        for _ in range(2):  # made, then served from the shared cache
            assert visitor.get(page)[0] == (200 if step == "withdraw" else 404)
            listed = case.slug in row_slugs_of(visitor.get(listing)[1])
            assert listed == (step == "withdraw")
        status, form = editor.get(changelist)
        assert status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        action = {"action": step, "_selected_action": case.pk, "index": 0}
        status, _ = editor.post(changelist, {**action, "csrfmiddlewaretoken": token})
        assert status == 302, round_
        assert visitor.get(page)[0] == (404 if step == "withdraw" else 200), round_
        assert (case.slug in row_slugs_of(visitor.get(listing)[1])) == (step == "publish")
