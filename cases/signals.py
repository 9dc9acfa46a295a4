"""The receivers that keep each case's search documents in step with every write, whatever
made it (the admin, an import, the suggestion form, the shell, loaddata), as djangopackages'
grid/signals.py does, in one module:

- each new database connection asks whether searches can be ranked by an index (RUM);
- a case's stored search vector (PostgreSQL) is rebuilt when the case, its impacts, its themes
  or its institution change, or a theme is renamed or deleted;
- a loaded case is given what save() would have given it.

The rest is the database's: it moves the catalogue version on (migration 0022), writes each
case's copy of its institution's place (0023) and its counted copy (0025), whoever writes;
the derived data are rebuilt from the records when a page finds them behind (derived.py).
Imported by CasesConfig.ready(), once.
"""

import operator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import reduce

from django.db.backends.signals import connection_created
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from . import search, writes
from .models import Impact, Innovation, Institution, Theme


@receiver(pre_save, sender=Innovation, dispatch_uid="loaded-innovation-as-saved")
def loaded_as_saved(sender, instance, raw, **kwargs):
    """loaddata saves raw, past Innovation.save(): give a loaded case what save() would
    have, when the fixture does not say when it was published, so that a fixture or a dump
    loads into the same pages as `manage.py seed`."""
    if raw and instance.is_published and instance.published_at is None:
        instance.published_at = instance.created


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


@receiver([post_save, post_delete], sender=Impact, dispatch_uid="search-impact")
def impact_changed(sender, instance, origin=None, **kwargs):
    if origin is not None and getattr(origin, "model", type(origin)) is not Impact:
        return  # deleted with its case
    refresh_cases(pk=instance.innovation_id)


@receiver(post_save, sender=Institution, dispatch_uid="search-institution")
def institution_saved(sender, instance, **kwargs):
    refresh_cases(institution=instance)


@receiver(post_save, sender=Theme, dispatch_uid="search-theme")
def theme_saved(sender, instance, **kwargs):
    refresh_cases(themes=instance)


# A theme's links: the cases a change of links touches are read before it (afterwards nothing
# records a deleted theme's or a cleared theme's cases); after it, their documents are rebuilt.


@receiver(pre_delete, sender=Theme, dispatch_uid="links-theme-pre-delete")
def before_theme_delete(sender, instance, **kwargs):
    instance._linked_cases = list(instance.innovations.values_list("pk", flat=True))


@receiver(post_delete, sender=Theme, dispatch_uid="links-theme-delete")
def after_theme_delete(sender, instance, **kwargs):
    _links_changed(instance)


@receiver(m2m_changed, sender=Innovation.themes.through, dispatch_uid="links-themes")
def themes_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """`instance` is the case (forward) or the theme (reverse, `pk_set` its cases)."""
    if not action.startswith("pre_"):
        _links_changed(instance)
    elif not reverse:
        instance._linked_cases = [instance.pk]
    elif action == "pre_clear":
        instance._linked_cases = list(instance.innovations.values_list("pk", flat=True))
    else:
        instance._linked_cases = list(pk_set or ())


def _links_changed(theme_or_case):
    cases = theme_or_case.__dict__.pop("_linked_cases", [])
    if cases:
        refresh_cases(pk__in=cases)
