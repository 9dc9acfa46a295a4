"""The editors' screens: a member case is added on one page, with its impacts and awards."""

from django.contrib import admin
from django.db import models

from .models import Award, Impact, Innovation, Institution, InstitutionFact, Source, Theme


class ImpactInline(admin.StackedInline):
    model = Impact
    extra = 1
    fields = ["statement", ("qualifier", "figure", "out_of", "unit"), "position"]


class AwardInline(admin.TabularInline):
    model = Award
    extra = 0


@admin.register(Innovation)
class InnovationAdmin(admin.ModelAdmin):
    list_display = ["title", "institution", "status", "position", "updated"]
    list_filter = ["status", "institution", "themes"]
    list_select_related = ["institution"]
    search_fields = ["title", "summary", "body", "slug", "institution__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["institution"]
    filter_horizontal = ["themes", "sources"]
    readonly_fields = ["created", "updated"]
    inlines = [ImpactInline, AwardInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "institution", "status", "position"]}),
        ("What the case is", {"fields": ["summary", "body", "themes", "sources"]}),
        ("Record", {"fields": ["created", "updated"], "classes": ["collapse"]}),
    ]
    actions = ["publish", "return_to_draft"]

    @admin.action(description="Publish the selected cases")
    def publish(self, request, queryset):
        count = queryset.set_status(Innovation.Status.PUBLISHED)
        self.message_user(request, f"{count} case(s) published.")

    @admin.action(description="Return the selected cases to draft (hide them from visitors)")
    def return_to_draft(self, request, queryset):
        count = queryset.set_status(Innovation.Status.DRAFT)
        self.message_user(request, f"{count} case(s) returned to draft.")


class InstitutionFactInline(admin.TabularInline):
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
class InstitutionAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "acronym", "country", "position"]
    list_filter = ["country"]
    search_fields = ["name", "acronym", "slug"]
    prepopulated_fields = {"slug": ["acronym"]}
    inlines = [InstitutionFactInline, InstitutionCaseInline]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["__str__", "year"]
    search_fields = ["authors", "title", "published_in"]
