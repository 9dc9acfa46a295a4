"""What the site tells its operators: one log line per event on standard error, each with the
time, level, request id, method, path and status, and the traceback for errors.

Every request gets an id: the X-Request-ID a trusted proxy sent (DJANGO_BEHIND_PROXY), when
it is a plain token, or a new one. It is sent back as X-Request-ID, so a visitor's report of
a failure can be found in the log. Log lines are kept to one line: newlines and other
control characters in a message or a path (which a visitor chooses) are escaped, so nobody
can forge a line of their own.
"""

import contextvars
import logging
import re
import time
import uuid

from django.conf import settings

logger = logging.getLogger("innohub.requests")

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")

_current = contextvars.ContextVar("innohub_request", default=None)


def _escaped(text):
    return CONTROL.sub(lambda match: match.group(0).encode("unicode_escape").decode(), str(text))


class RequestLogMiddleware:
    """Gives each request its id, sends it back, and logs one line when the response leaves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only a proxy of ours names the request: anyone else could reuse another's id.
        sent = request.headers.get("X-Request-ID", "") if settings.TRUSTED_PROXIES else ""
        request.id = sent if REQUEST_ID.match(sent) else uuid.uuid4().hex
        state = {"id": request.id, "method": request.method, "path": request.path, "status": "-"}
        token = _current.set(state)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            state["status"] = response.status_code
            response["X-Request-ID"] = request.id
            took = (time.monotonic() - started) * 1000
            if response.streaming:
                logger.info("streaming, started in %.0f ms", took)
            else:
                logger.info("%d bytes in %.0f ms", len(response.content), took)
            return response
        finally:
            _current.reset(token)


class RequestContextFilter(logging.Filter):
    """Adds the request's id, method, path and status to every record logged while a request
    is being answered ("-" outside requests)."""

    def filter(self, record):
        state = _current.get() or {}
        record.request_id = state.get("id", "-")
        record.method = state.get("method", "-")
        record.path = _escaped(state.get("path", "-"))
        record.status = getattr(record, "status_code", None) or state.get("status", "-")
        return True


class OneLineFormatter(logging.Formatter):
    """The line itself cannot hold a newline; a traceback follows it, as Python writes it."""

    def formatMessage(self, record):
        return _escaped(super().formatMessage(record))
