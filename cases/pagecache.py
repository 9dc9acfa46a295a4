"""Whole-page caching for the public pages, keyed on the host, the page's path and its cleaned
query, and the catalogue version.

The query is cleaned before the page is made: parameters no page reads (utm_*, junk) are
dropped and the rest put in one order, and the view sees only that cleaned query. So one
page is one cache entry however its address is dressed up, and links on the page (paging,
downloads) never carry what another visitor added. The host is part of the key because pages
hold absolute addresses (citations, feeds).

A cached page is stored under the CatalogueVersion number it was made at. Every save and
delete of catalogue data moves the number on (the receivers in signals.py; QuerySet methods
that write in bulk call CatalogueVersion.bump() themselves), so after an editor's change no
visitor is served the old page, on any server, whatever cache each server has. On
PostgreSQL each database connection hears of a new number (LISTEN/NOTIFY) rather than reading
it on every request, so a page served from the cache asks the database nothing
(CatalogueVersion.current); on SQLite the number is read, from a local file.

A cached page is sent compressed (gzip) to a browser that accepts it, as every browser does:
`/` is about 100 KB of HTML at 100,000 cases, 21 KB compressed. The compressed copy is made
the first time a cached page is asked for by such a browser and kept beside the page, so it
costs one compression per page and version, never one per request, and the page itself
(rendered on a miss) is not delayed by it. Only cached pages are compressed: they are the
same for every visitor, so they hold no secret (no CSRF token, no session) that compression
could leak (the BREACH attack); the forms that do hold one are never cached.

Each server process also keeps the pages it sent last (RecentPages), in front of the shared
cache: a page asked again is answered without asking the cache (with Redis, a round trip;
with the local-memory cache, unpickling a copy). They are kept under the same keys, so they
are never older than the catalogue either. `forget()` empties both.
"""

import hashlib
import threading
from functools import cache as cache_once
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

PAGE_TIMEOUT = 24 * 60 * 60
# What public pages read from the query: the catalogue's filters, paging, and compare's cases.
OTHER_PARAMETERS = ("page", "i")


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


def cached_page(view):
    """Serve a GET view from the cache when this address was rendered at this version."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        from .models import CatalogueVersion

        if request.method not in {"GET", "HEAD"}:
            return view(request, *args, **kwargs)
        query = ""
        if request.META.get("QUERY_STRING"):  # most addresses have none to clean
            request.GET = cleaned_query(request.GET)
            query = request.GET.urlencode()
        page = f"{request.get_host()}\n{request.path}\n{query}"
        address = hashlib.sha256(page.encode()).hexdigest()
        key = f"page:{CatalogueVersion.current()}:{address}"
        gzip = re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) is not None
        cached = cached_page_content(key, gzip)
        if cached is not None:
            response = HttpResponse(cached[0], content_type=cached[1])
            if gzip:
                response["Content-Encoding"] = "gzip"
        else:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            # The body and its type only: smaller and quicker to restore than the response.
            cache.set(key, (response.content, response["Content-Type"]), PAGE_TIMEOUT)
        # Whether a cached page goes compressed depends on the browser's Accept-Encoding: say
        # so to any cache between, whichever was sent.
        patch_vary_headers(response, ("Accept-Encoding",))
        return response

    return wrapper


def cached_page_content(key, gzip):
    """(content, content type) of the page cached under `key`, compressed when `gzip`, from
    this process's recent pages or the shared cache; None when it is not cached."""
    wanted = f"{key}:gzip" if gzip else key
    page = recent_pages.get(wanted)
    if page is None:
        page = cache.get(wanted)
        if page is None and gzip and (plain := cache.get(key)) is not None:
            page = (compress_string(plain[0]), plain[1])  # the compressed copy, made once
            cache.set(wanted, page, PAGE_TIMEOUT)
        if page is not None:
            recent_pages.add(wanted, page)
    return page


class RecentPages:
    """The cached pages this process sent last, {key: (content, content type)}, up to
    `limit` bytes of content (the oldest go first). A cached `/` answered from here instead
    of the local-memory cache: about 50,000 fewer instructions, a tenth of the request
    (docs/performance.md). What it costs: memory, at most `limit` a process."""

    def __init__(self, limit):
        self.limit = limit
        self.pages, self.size = {}, 0
        self.lock = threading.Lock()  # runserver's threads; gunicorn's workers have one

    def get(self, key):
        return self.pages.get(key)

    def add(self, key, page):
        with self.lock:
            if key in self.pages:
                return
            self.pages[key] = page
            self.size += len(page[0])
            while self.size > self.limit:
                self.size -= len(self.pages.pop(next(iter(self.pages)))[0])

    def clear(self):
        with self.lock:
            self.pages, self.size = {}, 0


recent_pages = RecentPages(limit=8 * 1024 * 1024)


def forget():
    """Empty the page cache: the shared one, and this process's recent pages."""
    cache.clear()
    recent_pages.clear()
