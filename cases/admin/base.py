"""The base of every catalogue screen: history with undo and restore (history.py), rights
from rights.py, and deletes refused while cases use a record."""

import logging

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy
from reversion_compare.admin import CompareVersionAdmin

from .. import history, rights
from ..languages import SITE_LANGUAGES, column

logger = logging.getLogger(__name__)

TRANSLATION_HEADINGS = {  # whole words: each language names the others its own way
    "en": gettext_lazy("English translation"),
    "fr": gettext_lazy("French translation"),
    "es": gettext_lazy("Spanish translation"),
    "de": gettext_lazy("German translation"),
}


class TranslatedForm(forms.ModelForm):
    """Refuses a translation into the record's own language: its text goes in the fields
    as written."""

    def clean(self):
        data = super().clean()
        own = data.get("original_language") or self.instance_language()
        for name in self._meta.model.translated_fields:
            field = column(name, own)
            if field in self.fields and data.get(field):
                self.add_error(
                    field,
                    gettext(
                        "This is the language the text is written in: put it in the field above."
                    ),
                )
        return data

    def instance_language(self):
        try:
            return self.instance.text_language
        except AttributeError:  # a new part, not yet tied to its case
            return ""


class Translations:
    """For the screen of a model with translations (models/translations.py): its text fields
    as written first, then one folded block per other language with their translations."""

    form = TranslatedForm

    def get_fieldsets(self, request, obj=None):
        fields = self.model.translated_fields
        translations = {column(name, code) for name in fields for code in SITE_LANGUAGES}
        own = [
            (title, {**options, "fields": [f for f in options["fields"] if f not in translations]})
            for title, options in super().get_fieldsets(request, obj)
        ]
        # `obj` is the record, or on an inline its case or institution; a new case's language
        # is not known yet (TEXT_LANGUAGE None): every language is offered. A case's language
        # is the one saved: a post that changes it and is refused must show the same fields.
        written_in = self.model.TEXT_LANGUAGE
        if obj is not None:
            written_in = getattr(obj, "language_as_loaded", None) or obj.text_language
        languages = [code for code in SITE_LANGUAGES if code != written_in]
        return own + [
            (
                TRANSLATION_HEADINGS[code],
                {"fields": [column(name, code) for name in fields], "classes": ["collapse"]},
            )
            for code in languages
        ]


class HistoryAdmin(CompareVersionAdmin):
    """Screens whose every save is kept (history.py), with undo and restore of deleted records,
    what changed between any two versions (django-reversion-compare: "History", tick two,
    "Compare"), and whose rights are rights.py's.

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
                shown = cases.values_list("pk", "title")[: self.SHOWN_IN_USE]  # not the story
                in_use_text = gettext("Case: %(title)s (uses %(record)s)")
                protected += [in_use_text % {"title": title, "record": obj} for _pk, title in shown]
                if in_use > self.SHOWN_IN_USE:
                    more = in_use - self.SHOWN_IN_USE
                    protected.append(gettext("… and %(more)d more cases") % {"more": more})
        return deleted, counts, perms_needed, protected

    def changelist_view(self, request, extra_context=None):
        # Not inside one revision for the whole list, as VersionAdmin would: a revision is
        # saved at its end, and by then records deleted from the list would be gone and their
        # last state dropped. Actions here keep what they change themselves.
        context = {"may_go_back": self.has_delete_permission(request), **(extra_context or {})}
        return admin.ModelAdmin.changelist_view(self, request, context)

    def add_view(self, request, form_url="", extra_context=None):
        return self._once_more(super().add_view, request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            # Only for a change that will be made: a refused post writes nothing.
            if obj is not None and self.has_change_permission(request, obj):
                history.keep_first([obj], request.user)
        return self._once_more(super().change_view, request, object_id, form_url, extra_context)

    @staticmethod
    def _once_more(view, request, *args):
        """A save that another editor's change, committed a moment before, makes impossible
        (a theme deleted while this case was given it: the database refuses the link as the
        save commits, and nothing of it is kept) is tried once more: its form, checked again
        against what is there now, says what is wrong and keeps what was typed."""
        try:
            return view(request, *args)
        except IntegrityError:
            if request.method != "POST":
                raise
            logger.warning("A save met another editor's change as it committed; tried again.")
            return view(request, *args)

    def delete_model(self, request, obj):
        history.keep([obj], gettext("Just before it was deleted."), request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        history.keep(list(queryset), gettext("Just before it was deleted."), request.user)
        super().delete_queryset(request, queryset)

    def _may_go_back(self, request):
        if not self.has_delete_permission(request):
            raise PermissionDenied

    def _reversion_revisionform_view(self, request, version, template_name, extra_context=None):
        """django-reversion's view of a version to go back to, which reverts the version's
        whole revision: here only its record and the record's parts (history.restore), and
        the page says what will change. A version of another kind of record is not found."""
        if version._model is not self.model:
            raise Http404
        version.revision.revert = lambda delete=False: history.restore(version)
        context = {"restoring": history.what_restoring_changes(version), **(extra_context or {})}
        return super()._reversion_revisionform_view(request, version, template_name, context)

    def compare_view(self, request, object_id, extra_context=None):
        """Two versions side by side, for those who may see the record (the package's view
        asks only for staff)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        return super().compare_view(request, object_id, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        self._may_go_back(request)
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        self._may_go_back(request)
        return super().recover_view(request, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        self._may_go_back(request)
        return super().recoverlist_view(request, extra_context)


def view_on_site(request, content_type_id, object_id):
    """The admin's "View on site" (/<admin>/r/<type>/<id>/), for a record the user may see;
    for any other, the same 404 as for no record at all. Django's own answers any staff
    account, and its redirect names the record's address: a draft's slug."""
    try:
        model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        record = model._default_manager.get(pk=object_id)
    except (ObjectDoesNotExist, AttributeError, ValueError, ValidationError, OverflowError):
        raise Http404 from None
    if not rights.may(request.user, "view", record):
        raise Http404
    return shortcut(request, content_type_id, object_id)
