"""The screens of what cases point to and share: institutions (with their key facts and
their cases), themes, sources and partners."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import rights
from ..models import Innovation, Institution, InstitutionFact, Partner, Source, Theme
from .base import HistoryAdmin, Translations


class InstitutionFactInline(Translations, admin.StackedInline):
    model = InstitutionFact
    extra = 1


class InstitutionCaseInline(admin.TabularInline):
    """The institution's cases, read-only: cases are edited on their own page."""

    model = Innovation
    fields = ["title", "status", "position"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = "case"
    verbose_name_plural = "cases of this institution"

    def has_add_permission(self, request, obj=None):
        return False


# Addresses typed without a scheme are taken as https, the Django 6 default.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Institution)
class InstitutionAdmin(Translations, HistoryAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "acronym", "country", "region", "public", "position"]
    list_filter = ["country"]
    search_fields = ["name", "acronym", "slug"]
    prepopulated_fields = {"slug": ["acronym"]}
    inlines = [InstitutionFactInline, InstitutionCaseInline]

    def get_queryset(self, request):
        # Also what a tied contributor can pick for a case (the autocomplete reads this).
        public = Institution.objects.public().filter(pk=models.OuterRef("pk"))
        records = super().get_queryset(request).annotate(public=models.Exists(public))
        return rights.visible(request.user, records)

    @admin.display(description=_("Region"))
    def region(self, institution):
        return institution.region_name

    @admin.display(description=_("Public"), boolean=True)
    def public(self, institution):
        """Shown on the public pages: it has a published case."""
        return institution.public


@admin.register(Theme)
class ThemeAdmin(Translations, HistoryAdmin):
    list_display = ["name", "slug", "position"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(Translations, HistoryAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["__str__", "year"]
    search_fields = ["authors", "title", "published_in"]


@admin.register(Partner)
class PartnerAdmin(Translations, HistoryAdmin):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
