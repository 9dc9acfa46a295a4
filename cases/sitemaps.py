"""/sitemap.xml: every public page a search engine should know, published cases only."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Innovation, Institution, Theme


class CaseSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Innovation.objects.published().only("slug", "updated").order_by("pk")

    def lastmod(self, case):
        return case.updated


class InstitutionSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Institution.objects.public().only("slug").order_by("pk")


class ThemeSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Theme.objects.only("slug").order_by("pk")


class PageSitemap(Sitemap):
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
