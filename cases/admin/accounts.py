"""Accounts: a contributor tied to one institution (on the user's page), the user name
django-axes records, and the sign-in record for superusers only."""

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from ..models import Contributor


def sign_in_name(request, credentials):
    """The user name django-axes records for a sign-in attempt, cut to what its table holds:
    a 100 KB name otherwise broke the record of failed attempts on PostgreSQL."""
    name = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(name)[:150]


class ContributorInline(admin.StackedInline):
    model = Contributor
    can_delete = True
    verbose_name_plural = _("contributes for one institution only")
    help_text = _("Leave empty for editors and for contributors to every institution.")


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
