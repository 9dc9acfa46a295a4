"""The case screen: a member case is added on one page, with its impacts, partners and
awards, moves through review to publication, and can be previewed, imported and exported."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html

from .. import admin_csv, history, rights
from ..models import (
    Award,
    Collaboration,
    Impact,
    Innovation,
    Institution,
    Suggestion,
    institution_of,
)
from ..views import render_case
from .base import HistoryAdmin


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
