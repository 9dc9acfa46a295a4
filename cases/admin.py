"""The editors' screens: a member case is added on one page, with its impacts, partners and
awards, moves through review to publication, and every change can be undone.

Who may do what is decided in rights.py, for every screen here through HistoryAdmin's
has_*_permission: Editors may do everything in the catalogue; Contributors add and edit cases,
impacts and partners while every case concerned is theirs and unpublished, send cases to
review, and cannot publish or delete.
"""

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html
from reversion.admin import VersionAdmin

from . import admin_csv, history, rights
from .models import (
    Award,
    Collaboration,
    Contributor,
    Impact,
    Innovation,
    Institution,
    InstitutionFact,
    Partner,
    Source,
    Suggestion,
    Theme,
    institution_of,
)
from .views import render_case


def sign_in_name(request, credentials):
    """The user name django-axes records for a sign-in attempt, cut to what its table holds:
    a 100 KB name otherwise broke the record of failed attempts on PostgreSQL."""
    name = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(name)[:150]


class HistoryAdmin(VersionAdmin):
    """Screens whose every save is kept (history.py), with undo and restore of deleted records,
    and whose rights are rights.py's.

    Undo and restore are for those who may delete: going back can remove what was added since.
    A record that cases use cannot be deleted: the page says which cases use it.
    """

    history_latest_first = True
    change_list_template = "admin/history_change_list.html"
    SHOWN_IN_USE = 50  # cases named when a delete is refused; the rest are counted

    def has_view_permission(self, request, obj=None):
        return rights.may(request.user, "view", obj, self.model)

    def has_add_permission(self, request):
        return rights.may(request.user, "add", model=self.model)

    def has_change_permission(self, request, obj=None):
        return rights.may(request.user, "change", obj, self.model)

    def has_delete_permission(self, request, obj=None):
        return rights.may(request.user, "delete", obj, self.model)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if not protected:  # Django names what a PROTECT relation keeps; themes, sources: here
            for obj in objs:
                cases = rights.shared_by(obj)
                in_use = cases.count()
                protected += [
                    f"Case: {case.title} (uses {obj})" for case in cases[: self.SHOWN_IN_USE]
                ]
                if in_use > self.SHOWN_IN_USE:
                    protected.append(f"… and {in_use - self.SHOWN_IN_USE} more cases")
        return deleted, counts, perms_needed, protected

    def changelist_view(self, request, extra_context=None):
        # Not inside one revision for the whole list, as VersionAdmin would: a revision is
        # saved at its end, and by then records deleted from the list would be gone and their
        # last state dropped. Actions here keep what they change themselves.
        context = {"may_go_back": self.has_delete_permission(request), **(extra_context or {})}
        return admin.ModelAdmin.changelist_view(self, request, context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            # Only for a change that will be made: a refused post writes nothing.
            if obj is not None and self.has_change_permission(request, obj):
                history.keep_first([obj], request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_model(self, request, obj):
        history.keep([obj], "Just before it was deleted.", request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        history.keep(list(queryset), "Just before it was deleted.", request.user)
        super().delete_queryset(request, queryset)

    def _may_go_back(self, request):
        if not self.has_delete_permission(request):
            raise PermissionDenied

    def revision_view(self, request, object_id, version_id, extra_context=None):
        self._may_go_back(request)
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        self._may_go_back(request)
        return super().recover_view(request, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        self._may_go_back(request)
        return super().recoverlist_view(request, extra_context)


class ImpactInline(admin.StackedInline):
    model = Impact
    extra = 1
    fields = ["statement", ("qualifier", "figure", "out_of", "unit"), "position"]


class CollaborationInline(admin.TabularInline):
    model = Collaboration
    extra = 1
    fields = ["partner", "role", "position"]
    autocomplete_fields = ["partner"]
    verbose_name = "partner"
    verbose_name_plural = "partners: who the institution worked with"


class AwardInline(admin.TabularInline):
    model = Award
    extra = 0


class SuggestionInline(admin.StackedInline):
    """Who suggested the case through the public form: for the editors' reply, never public.
    Only the form makes one: nobody adds or changes one here, and cases that were not
    suggested do not show the block at all."""

    model = Suggestion
    fields = ["name", "email", "received"]
    readonly_fields = fields
    can_delete = False
    extra = 0
    max_num = 0
    verbose_name_plural = "suggested by"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # goes with its case


@admin.register(Innovation)
class InnovationAdmin(HistoryAdmin):
    list_display = ["title", "institution", "status", "published_at", "updated", "preview_link"]
    list_filter = ["status", "institution", "themes"]
    list_select_related = ["institution"]
    search_fields = ["title", "summary", "story", "slug", "institution__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["institution"]
    filter_horizontal = ["themes", "sources"]
    readonly_fields = ["created", "updated", "published_at"]
    inlines = [ImpactInline, CollaborationInline, AwardInline, SuggestionInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "institution", "status", "position"]}),
        ("What the case is", {"fields": ["summary", "story", "themes", "sources"]}),
        ("Record", {"fields": ["created", "updated", "published_at"], "classes": ["collapse"]}),
    ]
    actions = ["submit_for_review", "publish", "withdraw", "export_csv"]
    change_list_template = "admin/cases/innovation/change_list.html"

    # What each user may see and do -------------------------------------------------------

    def get_queryset(self, request):
        cases = super().get_queryset(request)
        institution = institution_of(request.user)
        return cases if institution is None else cases.filter(institution=institution)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        institution = institution_of(request.user)
        if db_field.name == "institution" and institution is not None:
            kwargs["queryset"] = Institution.objects.filter(pk=institution.pk)
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

    def changelist_view(self, request, extra_context=None):
        may_import = self.has_add_permission(request) and self.has_change_permission(request)
        return super().changelist_view(request, {"may_import": may_import, **(extra_context or {})})

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        institution = institution_of(request.user)
        if institution is not None:
            initial.setdefault("institution", institution.pk)
        return initial

    def has_publish_permission(self, request):
        return rights.is_editor(request.user)

    # The workflow ------------------------------------------------------------------------

    @admin.action(description="Send the selected drafts to review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._move(request, queryset, "submit_for_review", "sent to review", "not drafts")

    @admin.action(description="Publish the selected cases", permissions=["publish"])
    def publish(self, request, queryset):
        self._move(request, queryset, "publish", "published", "already published")

    @admin.action(
        description="Withdraw the selected cases to draft (hide them from visitors)",
        permissions=["publish"],
    )
    def withdraw(self, request, queryset):
        self._move(request, queryset, "withdraw", "withdrawn to draft", "already drafts")

    def _move(self, request, queryset, step, done, skipped_because):
        chosen = list(queryset.values_list("pk", flat=True))
        history.keep_first(Innovation.objects.filter(pk__in=chosen), request.user)
        count = getattr(queryset, step)()
        history.keep(
            Innovation.objects.filter(pk__in=chosen), f"{count} case(s) {done}.", request.user
        )
        message = f"{count} case{'s' if count != 1 else ''} {done}."
        if count < len(chosen):
            left = len(chosen) - count
            message += (
                f" {left} left as {'they were' if left != 1 else 'it was'} ({skipped_because})."
            )
        self.message_user(request, message, messages.SUCCESS if count else messages.WARNING)

    # Preview, import and export ----------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="cases_innovation_preview",
            ),
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="cases_innovation_import",
            ),
        ] + super().get_urls()

    def view_on_site(self, obj):
        return reverse("admin:cases_innovation_preview", args=[obj.pk])

    @admin.display(description="Preview")
    def preview_link(self, obj):
        return format_html(
            '<a href="{}">Preview<span class="visually-hidden"> {}</span></a>',
            self.view_on_site(obj),
            obj.title,
        )

    def preview_view(self, request, object_id):
        """The case as its public page will show it, whatever its status: staff only."""
        case = self.get_object(request, unquote(object_id))
        if case is None or not self.has_view_or_change_permission(request, case):
            raise Http404("No such case, or not one you may see.")
        return render_case(request, Innovation.objects.for_detail().get(pk=case.pk), preview=True)

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        return admin_csv.import_view(self, request)

    @admin.action(description="Export the selected cases as CSV (the import format)")
    def export_csv(self, request, queryset):
        return admin_csv.csv_response(queryset, "innohub-cases.csv")


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
class InstitutionAdmin(HistoryAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "acronym", "country", "position"]
    list_filter = ["country"]
    search_fields = ["name", "acronym", "slug"]
    prepopulated_fields = {"slug": ["acronym"]}
    inlines = [InstitutionFactInline, InstitutionCaseInline]

    def get_queryset(self, request):
        # Also what a tied contributor can pick for a case (the autocomplete reads this).
        institutions = super().get_queryset(request)
        institution = institution_of(request.user)
        return institutions if institution is None else institutions.filter(pk=institution.pk)


@admin.register(Theme)
class ThemeAdmin(HistoryAdmin):
    list_display = ["name", "slug", "position"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["__str__", "year"]
    search_fields = ["authors", "title", "published_in"]


@admin.register(Partner)
class PartnerAdmin(HistoryAdmin):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ContributorInline(admin.StackedInline):
    model = Contributor
    can_delete = True
    verbose_name_plural = "contributes for one institution only"
    help_text = "Leave empty for editors and for contributors to every institution."


admin.site.unregister(User)


class SuperusersOnly:
    """The record of sign-in attempts (django-axes): for administrators, not for editors."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


for axes_model in apps.get_app_config("axes").get_models():
    if admin.site.is_registered(axes_model):
        axes_admin = type(admin.site.get_model_admin(axes_model))
        admin.site.unregister(axes_model)
        admin.site.register(axes_model, type(axes_admin.__name__, (SuperusersOnly, axes_admin), {}))


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [*BaseUserAdmin.inlines, ContributorInline]
