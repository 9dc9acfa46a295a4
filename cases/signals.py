"""The receivers that keep derived data in step with every write, whatever made it (the
admin, an import, the suggestion form, the shell, loaddata), as djangopackages' grid/signals.py
does. One module, driven by one list of the catalogue's tables (models.CATALOGUE_MODELS):

- the catalogue version, behind the page cache (pagecache.py), moves on after any save or
  delete of a catalogue record and any change of a case's themes or sources;
- a case's stored search vector (PostgreSQL) is rebuilt when the case, its impacts, its themes
  or its institution change, or a theme is renamed or deleted;
- the unfiltered catalogue's counts (counts.py) move when a case is saved or deleted, its
  themes change or a theme is deleted.

Bulk writes (QuerySet.update, bulk_create) send no signals: the QuerySet methods that write in
bulk (the workflow steps, sync and refresh methods) move the version on themselves.
Imported by CasesConfig.ready(), once.
"""

import operator
from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar
from functools import reduce

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from . import counts
from .models import CATALOGUE_MODELS, CatalogueVersion, Impact, Innovation, Institution, Theme

CASE_LINKS = [field.remote_field.through for field in Innovation._meta.many_to_many]


# The catalogue version -------------------------------------------------------------------


def catalogue_changed(sender, **kwargs):
    if kwargs.get("action", "post_").startswith("post_"):
        CatalogueVersion.bump()


for model in CATALOGUE_MODELS:
    label = model._meta.label_lower
    post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"version-save-{label}")
    post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"version-delete-{label}")
for through in CASE_LINKS:
    m2m_changed.connect(catalogue_changed, sender=through, dispatch_uid=f"version-{through}")


# Search vectors --------------------------------------------------------------------------


# While loading many records at once (the seed), the lookups of the cases to rebuild, so that
# each case's documents are rebuilt once at the end rather than after every record: building
# the four languages' documents is about 130 ms of Python a time, and the seed's 64 records
# made 45 of them.
_batched = ContextVar("batched_search_refresh", default=None)


@contextmanager
def search_refreshed_once():
    """Within it, the search documents of every case a write touches are rebuilt once, at
    the end, instead of after each write."""
    if _batched.get() is not None:  # already batching: the outer block rebuilds
        yield
        return
    token = _batched.set([])
    try:
        yield
        lookups = _batched.get()
    finally:
        _batched.reset(token)
    if lookups:
        Innovation.objects.filter(reduce(operator.or_, lookups)).refresh_search_vectors()


def refresh_cases(**lookup):
    batch = _batched.get()
    if batch is not None:
        batch.append(Q(**lookup))
    else:
        Innovation.objects.filter(**lookup).refresh_search_vectors()


@receiver(post_save, sender=Innovation, dispatch_uid="search-innovation")
def innovation_saved(sender, instance, **kwargs):
    refresh_cases(pk=instance.pk)


@receiver([post_save, post_delete], sender=Impact, dispatch_uid="search-impact")
def impact_changed(sender, instance, **kwargs):
    refresh_cases(pk=instance.innovation_id)


@receiver(post_save, sender=Institution, dispatch_uid="search-institution")
def institution_saved(sender, instance, **kwargs):
    refresh_cases(institution=instance)


@receiver(post_save, sender=Theme, dispatch_uid="search-theme")
def theme_saved(sender, instance, **kwargs):
    refresh_cases(themes=instance)


@receiver(pre_delete, sender=Theme, dispatch_uid="search-theme-pre-delete")
def remember_theme_cases(sender, instance, **kwargs):
    """Before a theme loses its links, note its cases: afterwards nothing records them."""
    instance._cases_to_refresh = list(instance.innovations.values_list("pk", flat=True))


@receiver(post_delete, sender=Theme, dispatch_uid="search-theme-delete")
def refresh_remembered_cases(sender, instance, **kwargs):
    refresh_cases(pk__in=getattr(instance, "_cases_to_refresh", []))


@receiver(m2m_changed, sender=Innovation.themes.through, dispatch_uid="search-themes")
def themes_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action in {"post_add", "post_remove", "post_clear"}:
            refresh_cases(pk=instance.pk)
    elif action == "pre_clear":
        remember_theme_cases(sender, instance)
    elif action == "post_clear":
        refresh_remembered_cases(sender, instance)
    elif action in {"post_add", "post_remove"}:
        refresh_cases(pk__in=pk_set)


# The unfiltered catalogue's counts (counts.py) --------------------------------------------
# Each write notes its cases' contributions before (pre_*) and moves the rows by the
# difference after (post_*); a write that fails in between moves nothing.


@receiver(pre_save, sender=Innovation, dispatch_uid="counts-innovation-pre-save")
def count_before_save(sender, instance, **kwargs):
    instance._counted = counts.contributions([instance.pk]) if instance.pk else Counter()


@receiver(post_save, sender=Innovation, dispatch_uid="counts-innovation-save")
def count_after_save(sender, instance, **kwargs):
    counts.apply(getattr(instance, "_counted", Counter()), counts.contributions([instance.pk]))


@receiver(pre_delete, sender=Innovation, dispatch_uid="counts-innovation-pre-delete")
def count_before_delete(sender, instance, **kwargs):
    instance._counted = counts.contributions([instance.pk])


@receiver(post_delete, sender=Innovation, dispatch_uid="counts-innovation-delete")
def count_after_delete(sender, instance, **kwargs):
    counts.apply(getattr(instance, "_counted", Counter()), Counter())


@receiver(pre_delete, sender=Theme, dispatch_uid="counts-theme-pre-delete")
def count_before_theme_delete(sender, instance, **kwargs):
    instance._counted_cases = list(instance.innovations.values_list("pk", flat=True))
    instance._counted = counts.contributions(instance._counted_cases)


@receiver(post_delete, sender=Theme, dispatch_uid="counts-theme-delete")
def count_after_theme_delete(sender, instance, **kwargs):
    cases = getattr(instance, "_counted_cases", [])
    counts.apply(getattr(instance, "_counted", Counter()), counts.contributions(cases))


@receiver(m2m_changed, sender=Innovation.themes.through, dispatch_uid="counts-themes")
def count_theme_links(sender, instance, action, reverse, pk_set, **kwargs):
    if action.startswith("pre_"):
        if not reverse:
            cases = [instance.pk]
        elif action == "pre_clear":
            cases = list(instance.innovations.values_list("pk", flat=True))
        else:
            cases = list(pk_set or ())
        instance._counted_links = (cases, counts.contributions(cases))
    elif hasattr(instance, "_counted_links"):
        cases, before = instance._counted_links
        del instance._counted_links
        counts.apply(before, counts.contributions(cases))
