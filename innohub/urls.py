"""Root URLs: the public catalogue and the editors' admin."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Innovation Hub catalogue: editors"
admin.site.site_title = "Innovation Hub editors"
admin.site.index_title = "Catalogue"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("cases.urls")),
]
