"""Root URLs: the public catalogue and the editors' admin."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

admin.site.site_header = "Innovation Hub catalogue: editors"
admin.site.site_title = "Innovation Hub editors"
admin.site.index_title = "Catalogue"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("cases.urls")),
]


def constant(request):
    """The least a Django view can do: the baseline `make bench` compares pages to."""
    return HttpResponse(b"ok", content_type="text/plain")


if settings.BENCHMARK_VIEW:
    urlpatterns.insert(0, path("benchmark/constant/", constant))
