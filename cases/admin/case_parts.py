"""The parts of the case screen: the inlines of a case's impacts, links, partners, awards
and suggestion, and the case list's own filters (where a case came from, the languages it
is not yet translated into)."""

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..languages import SITE_LANGUAGES
from ..models import Award, CaseLink, Collaboration, Impact, Suggestion
from .base import Translations
from .records import HTTPS_URLS


class ImpactInline(Translations, admin.StackedInline):
    """An impact is its statement; a figure is optional, and folded away until wanted."""

    model = Impact
    extra = 1
    fieldsets = [
        (None, {"fields": ["statement", "position"]}),
        (
            _("Its figure, if the statement gives a number"),
            {"fields": [("qualifier", "figure", "out_of", "unit")], "classes": ["collapse"]},
        ),
    ]


class CaseLinkInline(Translations, admin.StackedInline):
    model = CaseLink
    extra = 1
    fields = ["title", "url", "position"]
    formfield_overrides = HTTPS_URLS
    verbose_name_plural = _("links: documents and web pages about the case")


class CollaborationInline(Translations, admin.StackedInline):
    model = Collaboration
    extra = 1
    fields = ["partner", "role", "position"]
    autocomplete_fields = ["partner"]
    verbose_name = _("partner")
    verbose_name_plural = _("partners: who the institution worked with")


class AwardInline(admin.TabularInline):
    model = Award
    extra = 0


class SuggestionInline(admin.StackedInline):
    """Who suggested the case through the public form: for the editors' reply, never public.
    Only the form makes one: nobody adds or changes one here, and cases that were not
    suggested do not show the block at all."""

    model = Suggestion
    fields = ["name", "email", "received", "institution_name", "institution_country"]
    readonly_fields = fields
    can_delete = False
    extra = 0
    max_num = 0
    verbose_name_plural = _("suggested by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # goes with its case


class SuggestedFilter(admin.SimpleListFilter):
    title = _("where it came from")
    parameter_name = "suggested"

    def lookups(self, request, model_admin):
        return [
            ("yes", _("Suggested through the public form")),
            ("new-institution", _("Suggested, naming a new institution")),
            ("no", _("Added by staff")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.suggested()
        if self.value() == "new-institution":
            return queryset.suggested().filter(institution=None)
        if self.value() == "no":
            return queryset.filter(suggestion__isnull=True)
        return queryset


class UntranslatedFilter(admin.SimpleListFilter):
    title = _("not yet translated into")
    parameter_name = "untranslated"

    def lookups(self, request, model_admin):
        return settings.LANGUAGES

    def queryset(self, request, queryset):
        if self.value() in SITE_LANGUAGES:
            return queryset.untranslated(self.value())
        return queryset
