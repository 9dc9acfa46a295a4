"""Who the visitor is, and how often they may come: the one place that decides a request's
client address, and the counters built on it (the suggestion form's and the downloads' limits,
the time spent making pages for each visitor, the API's throttle;
django-axes' lock-outs use the same address through AXES_CLIENT_IP_CALLABLE).

The address: without DJANGO_BEHIND_PROXY it is REMOTE_ADDR, and X-Forwarded-For is ignored,
since anyone can send it. Behind N trusted proxies (DJANGO_BEHIND_PROXY=N) each proxy appends
the address it was reached from, so the client is the N-th address from the right: what the
farthest trusted proxy appended. Addresses further left were sent by the client and are not
believed.

The counters live in their own cache ("limits" in settings.CACHES: Redis when REDIS_URL is
set, else a table in the database), never in the page cache, so that a flood of new pages
cannot evict them, and so that they hold across every worker and server.

The suggestion counter is written here rather than taken from django-ratelimit: that library
refuses to start with Django's local-memory cache (its check E003), which `make run` uses.
"""

import ipaddress
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import AnonRateThrottle

LIMITS_CACHE = "limits"


def client_address(request):
    """The address of the visitor who made `request`, as far as this server can know it; None
    when there is none at all (a request made inside the process, as tests do)."""
    remote = request.META.get("REMOTE_ADDR") or None
    hops = settings.TRUSTED_PROXIES
    if not hops:
        return remote
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if len(forwarded) < hops:
        return remote  # did not come through the proxies: the connection's own address
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def over_limit(request, scope, limit, seconds):
    """Count this attempt; True once this visitor made more than `limit` in the window.
    (When Redis is away, cache.py makes the counter read as new: the visitor is let in.)"""
    counters = caches[LIMITS_CACHE]
    key = f"ratelimit:{scope}:{client_address(request)}"
    counters.add(key, 0, seconds)  # starts the window; does nothing if it is running
    try:
        return counters.incr(key) > limit
    except ValueError:  # the window ended between the two calls
        counters.set(key, 1, seconds)
        return False


# A full download is a whole catalogue made on request (at 100,000 cases, about 17 s of a
# worker; docs/performance.md): a visitor may start a few at once, and some an hour.
DOWNLOAD_LIMITS = ((3, 60), (20, 60 * 60))  # (downloads, in seconds)


def download_refused(request):
    """Count this download; the seconds to wait when the visitor has started too many."""
    for limit, seconds in DOWNLOAD_LIMITS:
        if over_limit(request, f"download:{seconds}", limit, seconds):
            return seconds
    return None


@dataclass
class Spent:
    """A visitor's page-making time in the current minute."""

    since: float  # when the minute started (time.monotonic())
    seconds: float = 0.0


class PageTime:
    """The time this process spent making pages (not sending cached ones) for each visitor in
    the current minute. A page costs what it costs: most a few milliseconds, a search of
    words that match nearly every case or a deep page far more, and any visitor can vary an
    address so that no cache answers it. A visitor who has had more than
    settings.PAGE_SECONDS_PER_MINUTE of a process's time in a minute waits for the next one,
    so one visitor cannot hold a server's workers whatever the addresses they make up.

    Kept in the process, not a cache: a counter per request in the database or Redis would
    cost a page more than the budget saves, and page traffic cannot evict it; each worker
    guards its own time, which is the time at stake."""

    def __init__(self, window=60, remembered=10_000):
        self.window, self.remembered = window, remembered
        self.lock = threading.Lock()
        self.spent = OrderedDict()  # address: Spent

    def exhausted(self, address, allowed):
        with self.lock:
            entry = self.spent.get(address)
            return (
                entry is not None
                and time.monotonic() - entry.since < self.window
                and entry.seconds >= allowed
            )

    def charge(self, address, seconds):
        with self.lock:
            now = time.monotonic()
            entry = self.spent.pop(address, None)
            if entry is None or now - entry.since >= self.window:
                entry = Spent(since=now)
            entry.seconds += seconds
            self.spent[address] = entry  # the most recent last; the longest idle go first
            while len(self.spent) > self.remembered:
                self.spent.popitem(last=False)


page_time = PageTime()


class VisitorRateThrottle(AnonRateThrottle):
    """DRF's per-address throttle, counting by client_address() in the limits cache."""

    @property
    def cache(self):
        return caches[LIMITS_CACHE]

    def get_ident(self, request):
        return client_address(request)
