"""How the site behaves when what it stands on fails, and how a load balancer can tell.

- `/healthz` answers 200 while the process lives; `/readyz` answers 200 only when the database
  answers, 503 otherwise. Both are answered first thing by HealthMiddleware: before host
  checks, HTTPS redirects, sessions, the page cache or any rate limit, since a load balancer
  probes by address over plain HTTP, and never cached.
- While the database is down, every page answers 503 with a plain "temporarily unavailable"
  page (server_error, the project's handler500), never a traceback. The connection attempt
  gives up after a few seconds (connect_timeout in settings.py), and once the database is back
  the next request reconnects (conn_health_checks).
"""

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = "30"


def _plain(text, status):
    response = HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.warning("Readiness check: the database does not answer.", exc_info=True)
        return False


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    PATHS = {"/healthz", "/readyz"}

    def __call__(self, request):
        if request.path not in self.PATHS:
            return self.get_response(request)
        if request.method not in {"GET", "HEAD"}:
            response = _plain("Only GET and HEAD", 405)
            response["Allow"] = "GET, HEAD"
            return response
        if request.path == "/healthz":
            return _plain("ok", 200)
        if database_answers():
            return _plain("ready", 200)
        return _plain("not ready: the database does not answer", 503)


@requires_csrf_token
def server_error(request):
    """handler500: a 503 "temporarily unavailable" page when the error was the database being
    away, the plain 500 page otherwise. Either way Django has logged the error with its
    traceback (django.request), and the response's status tells which it was."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)
