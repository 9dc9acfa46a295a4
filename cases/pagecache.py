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
"""

import hashlib
import re
from functools import cache as cache_once
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse, QueryDict
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
        gzip = accepts_gzip(request)
        if gzip and (compressed := cache.get(f"{key}:gzip")) is not None:
            return sent(*compressed, gzip=True)
        cached = cache.get(key)
        if cached is not None:
            if gzip:  # the compressed copy, made once
                content, content_type = cached
                cached = (compress_string(content), content_type)
                cache.set(f"{key}:gzip", cached, PAGE_TIMEOUT)
            return sent(*cached, gzip=gzip)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            # The body and its type only: smaller and quicker to restore than the response.
            cache.set(key, (response.content, response["Content-Type"]), PAGE_TIMEOUT)
            patch_vary_headers(response, ("Accept-Encoding",))
        return response

    return wrapper


ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as Django's GZipMiddleware reads Accept-Encoding


def accepts_gzip(request):
    return ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) is not None


def sent(content, content_type, gzip):
    """A cached page's response. Whether it is compressed depends on the browser's
    Accept-Encoding, so it says so to any cache between (Vary), as a page just made does."""
    response = HttpResponse(content, content_type=content_type)
    if gzip:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ("Accept-Encoding",))
    return response
