"""The sitemap: every public page a search engine should know, published cases only, in each of
the site's languages with the others as its alternates.

`/sitemap.xml` is an index of sections (`/sitemap-cases.xml` and so on), each in pages of at
most PAGE_SIZE addresses (`?p=2`), so that no request builds more than one page, whatever the
size of the catalogue; each page is cached with the catalogue version (pagecache.py), as every
public page is. Django's sitemap views do the work; what is ours is that a page reads only its
own rows, where Django's i18n sitemaps read every row of a section for each page.
"""

from functools import wraps

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.urls import reverse
from django.views.decorators.http import require_safe

from .models import Innovation, Institution, Theme
from .pagecache import cached_page

# Addresses a sitemap page lists (each with its alternates in every language): the protocol
# allows 50,000; a page of this many is made in about 0.2 s.
PAGE_SIZE = 1000


class InLanguages:
    """The (item, language) pairs of a sitemap's items as a sequence that reads, when sliced,
    only the items of that slice: what Django's paginator needs of it."""

    def __init__(self, items, languages):
        self.items, self.languages = items, languages

    def count(self):
        total = self.items.count() if hasattr(self.items, "model") else len(self.items)
        return total * len(self.languages)

    def __getitem__(self, wanted):
        each = len(self.languages)
        first = wanted.start // each
        items = self.items[first : -(-wanted.stop // each)]
        pairs = [(item, language) for item in items for language in self.languages]
        return pairs[wanted.start - first * each : wanted.stop - first * each]


class LanguagesSitemap(Sitemap):
    """Each address in every language, each listing the others and x-default (English)."""

    i18n = True
    alternates = True
    x_default = True
    limit = PAGE_SIZE
    changefreq = "monthly"

    def _items(self):
        return InLanguages(self.items(), self._languages())


class CaseSitemap(LanguagesSitemap):
    def items(self):
        return Innovation.objects.published().only("slug", "updated").order_by("pk")

    def lastmod(self, case):
        return case.updated

    def get_latest_lastmod(self):
        return Innovation.objects.published().aggregate(latest=Max("updated"))["latest"]


class InstitutionSitemap(LanguagesSitemap):
    def items(self):
        return Institution.objects.public().only("slug").order_by("pk")


class ThemeSitemap(LanguagesSitemap):
    def items(self):
        return Theme.objects.only("slug").order_by("pk")


class PageSitemap(LanguagesSitemap):
    changefreq = "weekly"

    def items(self):
        return ["catalogue", "institutions", "themes", "matrix", "data", "suggest"]

    def location(self, name):
        return reverse(f"cases:{name}")


SITEMAPS = {
    "pages": PageSitemap,
    "cases": CaseSitemap,
    "institutions": InstitutionSitemap,
    "themes": ThemeSitemap,
}


def _cached(view):
    """A sitemap view, rendered and cached like any public page."""

    @wraps(view)
    def rendered(request, **kwargs):
        return view(request, sitemaps=SITEMAPS, **kwargs).render()

    return require_safe(cached_page(rendered))


index = _cached(sitemap_views.index)
section = _cached(sitemap_views.sitemap)
