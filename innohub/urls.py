"""Root URLs: the public catalogue, its API, sitemap and robots.txt, and the editors' admin."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from cases import api, sitemaps
from cases.admin.base import view_on_site

admin.site.site_header = _("ISSA Collaborative Innovation Hub catalogue: editors")
admin.site.site_title = _("ISSA Collaborative Innovation Hub: editors")
admin.site.index_title = _("Catalogue")
# The sidebar repeats the index and takes a quarter of a 1280 px screen from the case list.
admin.site.enable_nav_sidebar = False


@require_safe
def robots(request):
    """Everything public may be crawled; the downloads not. The admin is not named: its
    address (DJANGO_ADMIN_URL) is kept out of sight, and it asks for a sign-in anyway."""
    lines = [
        "User-agent: *",
        "Disallow: /data/cases.",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_safe
def favicon(request):
    """Browsers and crawlers ask for /favicon.ico whatever the page's <link rel="icon"> says."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


# The page shown for a server error: "temporarily unavailable" (503) when the database is away.
handler500 = "cases.health.server_error"

urlpatterns = [
    # Before the admin's own, which answers any staff account (cases/admin/base.py).
    path(
        f"{settings.ADMIN_URL}r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
        name="view_on_site",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/", include((api.urlpatterns, "api"))),
    path("sitemap.xml", sitemaps.index, {"sitemap_url_name": "sitemap"}, name="sitemap_index"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap"),
    path("robots.txt", robots, name="robots"),
    path("favicon.ico", favicon),
    # The public pages in each language: English unprefixed, /fr/, /es/, /de/.
    *i18n_patterns(path("", include("cases.urls")), prefix_default_language=False),
]


def constant(request):
    """The least a Django view can do: the baseline `make bench` compares pages to."""
    return HttpResponse(b"ok", content_type="text/plain")


if settings.BENCHMARK_VIEW:
    urlpatterns.insert(0, path("benchmark/constant/", constant))
