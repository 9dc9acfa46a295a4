"""The case screen: a member case is added on one page, with its impacts, partners and
awards, moves through review to publication, and can be previewed, imported and exported."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import bulk, facet_registry, history, rights
from ..languages import SITE_LANGUAGES
from ..models import (
    Innovation,
    Institution,
    institution_of,
)
from ..views import render_case
from . import csv_screens
from .base import HistoryAdmin, TranslatedForm, Translations
from .case_parts import (
    AwardInline,
    CaseLinkInline,
    CollaborationInline,
    ImpactInline,
    SuggestedFilter,
    SuggestionInline,
    UntranslatedFilter,
)


class InnovationForm(TranslatedForm):
    """The case screen's rules beyond the table's: an institution, except while a suggestion
    names a new one; and none published without one."""

    def clean(self):
        data = super().clean()
        if data.get("institution") is None and "institution" not in self.errors:
            proposed = getattr(getattr(self.instance, "suggestion", None), "institution_name", "")
            if not proposed:
                self.add_error("institution", _("Choose the institution of the case."))
            elif data.get("status") == Innovation.Status.PUBLISHED:
                self.add_error(
                    "institution",
                    gettext(
                        "Choose the institution before publishing: the sender named "
                        "“%(name)s”, which is not in the catalogue yet. Choose it in the list "
                        "if it is there under another name, or create it with the button above."
                    )
                    % {"name": proposed},
                )
        start, end = data.get("year_started"), data.get("year_ended")
        if start and end and end < start:
            self.add_error("year_ended", _("The year it ended is before the year it started."))
        return data


@admin.register(Innovation)
class InnovationAdmin(Translations, HistoryAdmin):
    form = InnovationForm
    list_display = [
        "title",
        "institution",
        "status",
        "suggested",
        "updated_on",
        "preview_link",
    ]
    list_filter = [
        "status",
        SuggestedFilter,
        UntranslatedFilter,
        *facet_registry.admin_filters(admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["institution", "suggestion"]
    search_fields = ["title", "summary", "story", "slug", "institution__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["institution"]
    filter_horizontal = ["sources"]
    readonly_fields = ["missing_translations", "created", "updated", "published_at"]
    inlines = [ImpactInline, CollaborationInline, CaseLinkInline, AwardInline, SuggestionInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    ("original_language", "missing_translations"),
                    "institution",
                    "status",
                    "position",
                ]
            },
        ),
        (_("What the case is"), {"fields": ["summary", "story", "themes", "sources"]}),
        (
            _("When, how far along, and for whom"),
            {"fields": [("year_started", "year_ended"), "stage", "branch"]},
        ),
        (_("For peers who want to reuse it"), {"fields": ["lessons", "reuse_needs"]}),
        (
            _("Who to ask"),
            {"fields": ["contact_role", "contact_email", "contact_public"]},
        ),
        (_("Record"), {"fields": ["created", "updated", "published_at"], "classes": ["collapse"]}),
    ]
    actions = ["submit_for_review", "publish", "withdraw", "export_csv"]
    change_list_template = "admin/cases/innovation/change_list.html"
    change_form_template = "admin/cases/innovation/change_form.html"

    @admin.display(description=_("Suggested"))
    def suggested(self, obj):
        """Where the case came from, in words: a red cross read as a fault."""
        return gettext("From the form") if hasattr(obj, "suggestion") else "–"

    @admin.display(description=_("Not yet translated into"))
    def missing_translations(self, obj):
        """Each language some of the case's text is missing in, with the fields."""
        if obj is None or obj.pk is None:
            return "–"
        names = dict(settings.LANGUAGES)
        missing = [
            f"{names[code]} ({', '.join(str(field) for field in fields)})"
            for code in SITE_LANGUAGES
            if (fields := obj.untranslated(code))
        ]
        return "; ".join(missing) or "–"

    @admin.display(description=_("Updated"), ordering="updated")
    def updated_on(self, obj):
        return date_format(timezone.localtime(obj.updated), "j M Y")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "themes":  # five of them: checkboxes, all in view
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # What each user may see and do -------------------------------------------------------

    def get_queryset(self, request):
        return rights.visible(request.user, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "institution":
            kwargs["queryset"] = rights.visible(request.user, Institution.objects.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not self.has_publish_permission(request):
            kwargs["choices"] = [
                (status.value, status.label)
                for status in (Innovation.Status.DRAFT, Innovation.Status.REVIEW)
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_inlines(self, request, obj):
        suggested = obj is not None and hasattr(obj, "suggestion")
        return [inline for inline in self.inlines if suggested or inline is not SuggestionInline]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        institution = institution_of(request.user)
        if institution is not None:
            initial.setdefault("institution", institution.pk)
        return initial

    def has_publish_permission(self, request):
        return rights.is_editor(request.user)

    # The workflow ------------------------------------------------------------------------

    @admin.action(description=_("Send the selected drafts to review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._move(request, queryset, "submit_for_review")

    @admin.action(description=_("Publish the selected cases"), permissions=["publish"])
    def publish(self, request, queryset):
        self._move(request, queryset, "publish")

    @admin.action(
        description=_("Withdraw the selected cases to draft (hide them from visitors)"),
        permissions=["publish"],
    )
    def withdraw(self, request, queryset):
        self._move(request, queryset, "withdraw")

    def _move(self, request, queryset, step):
        """A few hundred cases now; more by the task queue, the editor told (bulk.py)."""
        chosen = list(queryset.values_list("pk", flat=True))
        if len(chosen) > bulk.IN_REQUEST:
            bulk.start(chosen, step, request.user)
            self.message_user(request, self.LATER % {"count": len(chosen)}, messages.INFO)
            return
        count = bulk.move(chosen, step, request.user)
        message = bulk.report(step, count, len(chosen))
        self.message_user(request, message, messages.SUCCESS if count else messages.WARNING)

    LATER = _(
        "%(count)d cases are many: the work goes on in the background, in batches, and you "
        "will have an e-mail when it is done. Until then this list says it is under way."
    )

    def changelist_view(self, request, extra_context=None):
        may_import = self.has_add_permission(request) and self.has_change_permission(request)
        context = {"may_import": may_import, "under_way": bulk.under_way()}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    # Preview, import and export ----------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="cases_innovation_preview",
            ),
            path(
                "<path:object_id>/create-institution/",
                self.admin_site.admin_view(self.create_institution_view),
                name="cases_innovation_create_institution",
            ),
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="cases_innovation_import",
            ),
            path(
                "import/template.csv",
                self.admin_site.admin_view(self.import_template_view),
                name="cases_innovation_import_template",
            ),
        ] + super().get_urls()

    def view_on_site(self, obj):
        return reverse("admin:cases_innovation_preview", args=[obj.pk])

    @admin.display(description=_("Preview"))
    def preview_link(self, obj):
        return format_html(
            '<a href="{}">{}<span class="visually-hidden"> {}</span></a>',
            self.view_on_site(obj),
            gettext("Preview"),
            obj.title,
        )

    def preview_view(self, request, object_id):
        """The case as its public page will show it, whatever its status: staff only."""
        case = self.get_object(request, unquote(object_id))
        if case is None or not self.has_view_or_change_permission(request, case):
            raise Http404(_("No such case, or not one you may see."))
        return render_case(request, Innovation.objects.for_detail().get(pk=case.pk), preview=True)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """The change form, with the institution a suggestion names when the case has none
        (from the case the form has loaded: no query of its own)."""
        suggestion = getattr(obj, "suggestion", None)
        if obj is not None and obj.institution_id is None and suggestion is not None:
            context["proposed"] = suggestion if suggestion.institution_name else None
            context["may_create_institution"] = rights.may(request.user, "add", model=Institution)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def create_institution_view(self, request, object_id):
        """The editor's one step for a suggestion naming an institution not in the
        catalogue: create it from the name and country the sender gave, and give the case to
        it. (The other step, matching it to an institution already there, is choosing that
        one in the case's form.) The institution stays out of public view until one of its
        cases is published."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        case = self.get_object(request, unquote(object_id))
        if case is None or not self.has_change_permission(request, case):
            raise Http404(_("No such case, or not one you may change."))
        if not rights.may(request.user, "add", model=Institution):
            raise PermissionDenied
        suggestion = getattr(case, "suggestion", None)
        if case.institution_id is not None or suggestion is None or not suggestion.institution_name:
            self.message_user(
                request, _("This case has its institution already."), messages.WARNING
            )
            return redirect("admin:cases_innovation_change", case.pk)
        name, country = suggestion.institution_name, suggestion.institution_country
        existing = Institution.objects.filter(name__iexact=name).first()
        with transaction.atomic():
            history.keep_first([case], request.user)
            institution = existing or Institution.objects.create(
                name=name,
                country=country,
                slug=Institution.objects.free_slug(name),
                original_language=case.original_language,  # the page the sender wrote on
            )
            case.institution = institution
            case.save()
            given = gettext("Given the institution “%(name)s”.") % {"name": name}
            history.keep([case, institution], given, request.user)
        if existing:
            done = gettext(
                "The institution “{}” was already in the catalogue and the case is now its."
            )
        else:
            done = gettext("The institution “{}” was created and the case is now its.")
        self.message_user(
            request,
            format_html(
                done + ' <a href="{}">{}</a>.',
                institution.name,
                reverse("admin:cases_institution_change", args=[institution.pk]),
                gettext("Add its acronym, website and description"),
            ),
            messages.SUCCESS,
        )
        return redirect("admin:cases_innovation_change", case.pk)

    def import_view(self, request):
        self._check_may_import(request)
        return csv_screens.import_view(self, request)

    def import_template_view(self, request):
        """The import's columns and no case: a file to fill in."""
        self._check_may_import(request)
        return csv_screens.csv_response(Innovation.objects.none(), "innohub-cases-template.csv")

    def _check_may_import(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied

    @admin.action(description=_("Export the selected cases as CSV (the import format)"))
    def export_csv(self, request, queryset):
        return csv_screens.csv_response(queryset, "innohub-cases.csv")
