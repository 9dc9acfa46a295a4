"""The site's own address in every absolute URL a page gives (hreflang links, citations, the
API's links, robots.txt, the sitemap, the feeds).

Django builds them from the request's Host header, and ALLOWED_HOSTS lets through more than
one spelling of an allowed host: `catalogue.example.org:1337`, upper case, a trailing dot. So
a visitor could choose what the site's absolute URLs say, and a cache in front would keep it.
With DJANGO_SITE_URL set, the host of every page read is the configured one; without it
(`make run`, the tests), the host as asked, in lower case, without the trailing dot.
"""

from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port


@cache
def configured_host(site_url):
    return urlsplit(site_url).netloc.lower() if site_url else ""


def canonical_host(host):
    domain, port = split_domain_port(host)
    return f"{domain}:{port}" if port else domain


class SiteAddressMiddleware:
    """After SecurityMiddleware (whose HTTPS redirect names SECURE_SSL_HOST), before anything
    that builds an address or a cache key from the host. Pages that are read (GET, HEAD)
    only: a form's post keeps its Host, which the CSRF check compares with the browser's
    Origin, and its answer is never cached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            host = request.get_host()  # refuses a host not in ALLOWED_HOSTS: the 400 page
            request.META["HTTP_HOST"] = configured_host(settings.SITE_URL) or canonical_host(host)
        return self.get_response(request)
