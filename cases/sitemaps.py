"""/sitemap.xml: every public page a search engine should know, published cases only, in
each of the site's languages with the others as its alternates."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Innovation, Institution, Theme


class LanguagesSitemap(Sitemap):
    """Each address in every language, each listing the others and x-default (English)."""

    i18n = True
    alternates = True
    x_default = True


class CaseSitemap(LanguagesSitemap):
    changefreq = "monthly"

    def items(self):
        return Innovation.objects.published().only("slug", "updated").order_by("pk")

    def lastmod(self, case):
        return case.updated


class InstitutionSitemap(LanguagesSitemap):
    changefreq = "monthly"

    def items(self):
        return Institution.objects.public().only("slug").order_by("pk")


class ThemeSitemap(LanguagesSitemap):
    changefreq = "monthly"

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
