"""Whole-page caching for the public pages, keyed on the host, the page's path and its cleaned
query, and the catalogue version.

The query is cleaned before the page is made: parameters no page reads (utm_*, junk) are
dropped and the rest put in one order, and the view sees only that cleaned query. So one
page is one cache entry however its address is dressed up, and links on the page (paging,
downloads) never carry what another visitor added. The host is part of the key because pages
hold absolute addresses (citations, feeds).

A cached page is stored under the CatalogueVersion number it was made at. Every write to
the catalogue's tables moves the number on (the database's own triggers, migration 0022:
the admin, a QuerySet.update(), loaddata and a line of SQL alike), so after any change no
visitor is served the old page, on any server, whatever cache each server has. On
PostgreSQL each database connection hears of a new number (LISTEN/NOTIFY) rather than reading
it on every request, so a page served from the cache asks the database nothing
(CatalogueVersion.current); on SQLite the number is read, from a local file.

A cached page is sent compressed (gzip) to a browser that accepts it, as every browser does:
`/` is about 100 KB of HTML at 100,000 cases, 21 KB compressed. The compressed copy is made
the first time a cached page is asked for by such a browser and cached beside the page, so it
costs one compression per page and version, never one per request, and the page itself
(rendered on a miss) is not delayed by it. Only cached pages are compressed: they are the
same for every visitor, so they hold no secret (no CSRF token, no session) that compression
could leak (the BREACH attack); the forms that do hold one are never cached.

Each server process also keeps the pages it sent last (RecentPages), in front of the shared
cache, and sends them from a middleware (PageCacheMiddleware) before the address is resolved
and before the middleware below it run: a page asked again is answered without asking the
cache (with Redis, a round trip; with the local-memory cache, unpickling a copy) and without
the work that only a page being made needs (URL resolution, CSRF, sessions' user, messages,
the security headers' policy: kept with the page as they were first sent). They are kept
under the same keys, so they are never older than the catalogue either. `forget()` empties
both.
"""

import hashlib
import threading
import time
from collections import Counter
from functools import cache as cache_once
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.template import loader
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from .limits import client_address, page_time

PAGE_TIMEOUT = 24 * 60 * 60
# What public pages read from the query: the catalogue's filters, paging, compare's cases, and
# the sitemap's paging.
OTHER_PARAMETERS = ("page", "i", "p")


@cache_once
def page_parameters():
    from .filters import InnovationFilter

    return frozenset(InnovationFilter.base_filters) | frozenset(OTHER_PARAMETERS)


def cleaned_query(query):
    """The parameters pages read, by name in one order; each name's values in their order
    (compare shows cases in the order given)."""
    known = page_parameters()
    cleaned = QueryDict(mutable=True)
    for name in sorted(name for name in query if name in known):
        cleaned.setlist(name, query.getlist(name))
    cleaned._mutable = False
    return cleaned


def page_address(request):
    """(cache key, compressed?) of the page at this request's address: its host, path and
    cleaned query, the catalogue version, and whether the browser accepts gzip. Worked out
    once a request (PageCacheMiddleware asks first, cached_page after it); it cleans
    request.GET, as the page is made from the cleaned query alone."""
    from .models import CatalogueVersion

    address = getattr(request, "page_address", None)
    if address is None:
        query = ""
        if request.META.get("QUERY_STRING"):  # most addresses have none to clean
            request.GET = cleaned_query(request.GET)
            query = request.GET.urlencode()
        page = f"{request.get_host()}\n{request.path}\n{query}"
        key = f"page:{CatalogueVersion.current()}:{hashlib.sha256(page.encode()).hexdigest()}"
        gzip = accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        address = request.page_address = (key, gzip)
    return address


def accepts_gzip(header):
    """Whether an Accept-Encoding header accepts gzip: named, or covered by `*`, with a
    weight above 0 (`gzip;q=0` refuses it; Django's GZipMiddleware reads that as yes)."""
    weights = {}
    for part in header.lower().split(","):
        coding, *parameters = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights.setdefault(coding, weight)
    return weights.get("gzip", weights.get("*", 0.0)) > 0


def cached_page(view):
    """Serve a GET view from the cache when this address was rendered at this version."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in {"GET", "HEAD"}:
            return view(request, *args, **kwargs)
        key, gzip = page_address(request)
        cached = cached_page_content(key, gzip)
        if cached is not None:
            content, content_type = cached
            response = HttpResponse(content, content_type=content_type)
            if gzip:
                response["Content-Encoding"] = "gzip"
            # For this process's recent pages, as the middleware below PageCacheMiddleware
            # leave it (PageCacheMiddleware keeps it).
            response.recent_page = f"{key}:gzip" if gzip else key
        else:
            response = made_within_budget(view, request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            # The body and its type only: smaller and quicker to restore than the response.
            cache.set(key, (response.content, response["Content-Type"]), PAGE_TIMEOUT)
        # Whether a cached page goes compressed depends on the browser's Accept-Encoding: say
        # so to any cache between, whichever was sent.
        patch_vary_headers(response, ("Accept-Encoding",))
        return response

    return wrapper


def made_within_budget(view, request, *args, **kwargs):
    """The page made now, its time charged to the visitor (limits.PageTime); the 429 page
    when they have had their share of this process's time this minute."""
    allowed = settings.PAGE_SECONDS_PER_MINUTE
    address = client_address(request) if allowed else None
    if address is None:  # no budget, or a request made inside the process
        return view(request, *args, **kwargs)
    if page_time.exhausted(address, allowed):
        page = loader.render_to_string("429.html", request=request)
        return HttpResponse(page, status=429, headers={"Retry-After": str(page_time.window)})
    started = time.monotonic()
    try:
        return view(request, *args, **kwargs)
    finally:
        page_time.charge(address, time.monotonic() - started)


def cached_page_content(key, gzip):
    """(content, content type) of the page cached under `key` in the shared cache, compressed
    when `gzip`; None when it is not cached."""
    wanted = f"{key}:gzip" if gzip else key
    page = cache.get(wanted)
    if page is None and gzip and (plain := cache.get(key)) is not None:
        content, content_type = plain
        page = (compress_string(content), content_type)  # the compressed copy, made once
        cache.set(wanted, page, PAGE_TIMEOUT)
    return page


class PageCacheMiddleware:
    """Sends a page this process sent from the cache lately (recent_pages) back at once, with
    the headers it left with: before the address is resolved, and before the middleware
    below this one run. It sits after the language middleware (the page's language comes
    from its address, and a first visit may be sent to another language's page) and before
    CommonMiddleware; everything above it still runs, as for any page (request id and log,
    security headers, Vary and Content-Language).

    Why: on the way to a page cached in this process, resolving the address and the
    middleware below cost as much again as the page's own lookup: `/` from here went at 0.88
    of the requests a second of a bare view in the same gunicorn (session 17,
    docs/performance.md). What it costs: a look-up of the path on every GET; the page's key
    worked out at a path this process keeps a page of (cached_page needs it anyway). Only
    pages cached_page sent from the cache, without cookies, are kept, under the same key,
    catalogue version included, so a change still reaches every visitor at once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in {"GET", "HEAD"} and request.path in recent_pages.paths:
            key, gzip = page_address(request)
            recent = recent_pages.get(f"{key}:gzip" if gzip else key)
            if recent is not None:
                content, headers = recent
                return HttpResponse(content, headers=headers)
        response = self.get_response(request)
        recent = getattr(response, "recent_page", None)
        if recent is not None and response.status_code == 200 and not response.cookies:
            recent_pages.add(recent, (response.content, dict(response.items())), request.path)
        return response


class RecentPages:
    """The cached pages this process sent last, {key: (content, headers)}, up to `limit`
    bytes of content (the oldest go first), and which paths they are at, so that an address
    with none is passed on without working out its key. A cached `/` answered from here
    instead of the local-memory cache: about 50,000 fewer instructions, a tenth of the
    request (docs/performance.md). What it costs: memory, at most `limit` a process."""

    def __init__(self, limit):
        self.limit = limit
        self.lock = threading.Lock()  # runserver's threads; gunicorn's workers have one
        self.clear()

    def get(self, key):
        return self.pages.get(key)

    def add(self, key, page, path):
        with self.lock:
            if key in self.pages:
                return
            self.pages[key], self.path_of[key] = page, path
            self.paths[path] += 1
            content, _headers = page
            self.size += len(content)
            while self.size > self.limit:
                oldest = next(iter(self.pages))
                content, _headers = self.pages.pop(oldest)
                self.size -= len(content)
                path = self.path_of.pop(oldest)
                self.paths[path] -= 1
                if not self.paths[path]:
                    del self.paths[path]

    def clear(self):
        with self.lock:
            self.pages, self.path_of, self.paths, self.size = {}, {}, Counter(), 0


recent_pages = RecentPages(limit=8 * 1024 * 1024)


def forget():
    """Empty the page cache: the shared one, and this process's recent pages."""
    cache.clear()
    recent_pages.clear()
