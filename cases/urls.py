"""The public catalogue's URLs: a contract that links and tests depend on (see DESIGN.md)."""

from django.urls import path
from django.views.decorators.http import require_safe

from . import feeds, views

app_name = "cases"

urlpatterns = [
    # Finding cases
    path("", views.catalogue, name="catalogue"),
    path("innovations/<slug:slug>/", views.innovation_detail, name="innovation"),
    path(
        "innovations/<slug:slug>/case.csv",
        views.innovation_download,
        {"kind": "csv"},
        name="innovation_csv",
    ),
    path(
        "innovations/<slug:slug>/case.json",
        views.innovation_download,
        {"kind": "json"},
        name="innovation_json",
    ),
    path("matrix/", views.matrix, name="matrix"),
    path("map/", views.world_map, name="map"),
    path("charts/", views.chart_page, name="charts"),
    path("compare/", views.compare, name="compare"),
    path("compare/choose/", views.compare_choose, name="compare_choose"),
    # Who and what: institutions and success-factor themes
    path("institutions/", views.institution_list, name="institutions"),
    path("institutions/<slug:slug>/", views.institution_detail, name="institution"),
    path("themes/", views.theme_list, name="themes"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme"),
    # Open data: the codebook, downloads and feeds
    path("data/", views.data, name="data"),
    path("data/cases.csv", views.export_csv, name="export_csv"),
    path("data/cases.json", views.export_json, name="export_json"),
    path("feed/", require_safe(feeds.NewCasesFeed()), name="feed"),
    path("themes/<slug:slug>/feed/", require_safe(feeds.ThemeCasesFeed()), name="theme_feed"),
    # Members suggest a case
    path("suggest/", views.suggest, name="suggest"),
    path("suggest/thanks/", views.suggest_thanks, name="suggest_thanks"),
]
