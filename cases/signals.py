"""The receivers that keep derived data in step with every write, whatever made it (the
admin, an import, the suggestion form, the shell, loaddata), as djangopackages' grid/signals.py
does, in one module:

- each new database connection asks whether searches can be ranked by an index (RUM);
- a case's stored search vector (PostgreSQL) is rebuilt when the case, its impacts, its themes
  or its institution change, or a theme is renamed or deleted;
- the kept counts (counts.py) move when a case is saved or deleted, an institution moves,
  a case's themes change or a theme is deleted, and (the common search terms' rows) when its
  documents are rebuilt; each such write in a transaction keeps the derived data in step
  with the catalogue version (counts.noted, counts.moved).

The catalogue version, behind the page cache (pagecache.py), is moved on by the database
itself, whoever writes (migration 0022's triggers). Bulk writes (QuerySet.update, bulk_create)
send no signals: writes.py moves the derived data with its own; any other leaves them behind,
and pages count live until a rebuild (derived.py). Imported by CasesConfig.ready(), once.
"""

import operator
from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar
from functools import reduce

from django.db.backends.signals import connection_created
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from . import counts, search, writes
from .models import CatalogueVersion, Impact, Innovation, Institution, Theme

# Loaded records --------------------------------------------------------------------------
# Connected first: a loaded case is counted (below) with what save() would have given it.


@receiver(pre_save, sender=Innovation, dispatch_uid="loaded-innovation-as-saved")
def loaded_as_saved(sender, instance, raw, **kwargs):
    """loaddata saves raw, past Innovation.save(): give a loaded case what save() would
    have, when the fixture does not say when it was published, so that a fixture or a dump
    loads into the same pages as `manage.py seed`. (Its institution's place is copied by the
    database, migration 0023.)"""
    if raw and instance.is_published and instance.published_at is None:
        instance.published_at = instance.created


# The kept counts (counts.py) ---------------------------------------------------------------
# Each write notes its cases' contributions before (pre_*) and moves the rows by the
# difference after (post_*); a write that fails in between moves nothing. Connected before
# the search documents' receivers: a case's save is counted with the documents it had, then
# rebuilding them moves the rows of the common search terms they gained or lost (itself a
# write that counts.changing() is around, in writes.refresh_search_documents()).


@receiver(pre_save, sender=Innovation, dispatch_uid="counts-innovation-pre-save")
def count_before_save(sender, instance, **kwargs):
    instance._counted = counts.noted([instance.pk] if instance.pk else [])


@receiver(post_save, sender=Innovation, dispatch_uid="counts-innovation-save")
def count_after_save(sender, instance, **kwargs):
    counts.moved(getattr(instance, "_counted", counts.NOTHING), counts.contributions([instance.pk]))


@receiver(pre_delete, sender=Innovation, dispatch_uid="counts-innovation-pre-delete")
def count_before_delete(sender, instance, **kwargs):
    instance._counted = counts.noted([instance.pk])


@receiver(post_delete, sender=Innovation, dispatch_uid="counts-innovation-delete")
def count_after_delete(sender, instance, **kwargs):
    counts.moved(getattr(instance, "_counted", counts.NOTHING), Counter())


@receiver(pre_save, sender=Institution, dispatch_uid="counts-institution-pre-save")
def count_before_institution_save(sender, instance, **kwargs):
    """An institution that moves (country or position) moves its cases' places among the
    similar-case candidates and their counted copies. Its cases are read in the writers'
    turn, so that none another editor is adding is missed."""
    CatalogueVersion.take_turn()
    moved = (  # (a record loaded or restored is "adding" though it may be there already)
        instance.pk is not None
        and Institution.objects.filter(pk=instance.pk)
        .exclude(country=instance.country, position=instance.position)
        .exists()
    )
    cases = list(instance.innovations.values_list("pk", flat=True)) if moved else []
    instance._counted = (cases, counts.noted(cases))


@receiver(post_save, sender=Institution, dispatch_uid="counts-institution-save")
def count_after_institution_save(sender, instance, **kwargs):
    """Before its cases' documents are rebuilt (below), which moves their rows again."""
    cases, before = instance.__dict__.pop("_counted", ([], counts.NOTHING))
    counts.moved(before, counts.contributions(cases))


# Search vectors --------------------------------------------------------------------------


@receiver(connection_created, dispatch_uid="search-rank-index")
def connection_opened(sender, connection, **kwargs):
    """Whether searches can be ranked by an index, asked as the connection opens rather than
    in the middle of a page."""
    search.check_rank_index(connection)


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
        writes.refresh_search_documents(Innovation.objects.filter(reduce(operator.or_, lookups)))


def refresh_cases(**lookup):
    batch = _batched.get()
    if batch is not None:
        batch.append(Q(**lookup))
    else:
        writes.refresh_search_documents(Innovation.objects.filter(**lookup))


@receiver(post_save, sender=Innovation, dispatch_uid="search-innovation")
def innovation_saved(sender, instance, **kwargs):
    refresh_cases(pk=instance.pk)


# An impact's text and a theme's name are in the cases' documents: the write is noted, so
# that rebuilding them (which moves the counts) may say the derived data match again.


@receiver([pre_save, pre_delete], sender=Impact, dispatch_uid="counts-impact-pre")
@receiver(pre_save, sender=Theme, dispatch_uid="counts-theme-pre-save")
def note_documents_change(sender, instance, **kwargs):
    instance._counted = counts.noted([])


def documents_changed(instance, **lookup):
    refresh_cases(**lookup)
    counts.moved(instance.__dict__.pop("_counted", counts.NOTHING), Counter())


@receiver([post_save, post_delete], sender=Impact, dispatch_uid="search-impact")
def impact_changed(sender, instance, origin=None, **kwargs):
    if origin is not None and getattr(origin, "model", type(origin)) is not Impact:
        return  # deleted with its case, which is counted out as it was (count_before_delete)
    documents_changed(instance, pk=instance.innovation_id)


@receiver(post_save, sender=Institution, dispatch_uid="search-institution")
def institution_saved(sender, instance, **kwargs):
    refresh_cases(institution=instance)


@receiver(post_save, sender=Theme, dispatch_uid="search-theme")
def theme_saved(sender, instance, **kwargs):
    documents_changed(instance, themes=instance)


# A theme's links: both the search documents and the counts follow them --------------------
# The cases a change of links touches are read once, before it (afterwards nothing records a
# deleted theme's or a cleared theme's cases), with their counts; after it, their documents
# are rebuilt and the counts moved.


def _before_links_change(theme_or_case, cases):
    theme_or_case._links_change = (cases, counts.noted(cases))


def _after_links_change(theme_or_case):
    cases, before = theme_or_case.__dict__.pop("_links_change", ([], counts.NOTHING))
    counts.moved(before, counts.contributions(cases))  # with the documents as they were
    if cases:
        refresh_cases(pk__in=cases)


@receiver(pre_delete, sender=Theme, dispatch_uid="links-theme-pre-delete")
def before_theme_delete(sender, instance, **kwargs):
    _before_links_change(instance, list(instance.innovations.values_list("pk", flat=True)))


@receiver(post_delete, sender=Theme, dispatch_uid="links-theme-delete")
def after_theme_delete(sender, instance, **kwargs):
    _after_links_change(instance)
    counts.forget_theme(instance.pk)


@receiver(m2m_changed, sender=Innovation.themes.through, dispatch_uid="links-themes")
def themes_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """`instance` is the case (forward) or the theme (reverse, `pk_set` its cases)."""
    if action.startswith("pre_"):
        if not reverse:
            cases = [instance.pk]
        elif action == "pre_clear":
            cases = list(instance.innovations.values_list("pk", flat=True))
        else:
            cases = list(pk_set or ())
        _before_links_change(instance, cases)
    else:
        _after_links_change(instance)
