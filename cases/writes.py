"""Writes of many cases in one statement (QuerySet.update, which sends no signals): the review
workflow's steps and the rebuild of the cases' search documents. QuerySets (querysets.py)
only read; these take one of them and return how many cases they changed."""

from django.db import transaction
from django.utils import timezone

from . import search
from .models import CatalogueVersion, Innovation


def submit_for_review(cases):
    """Drafts go to the editors for review."""
    return _move_to(cases.filter(status=Innovation.Status.DRAFT), Innovation.Status.REVIEW)


def publish(cases):
    """Make cases public, recording when: save()'s rule for published_at, for many cases in
    one UPDATE. A case without an institution (a suggestion naming a new one) waits until an
    editor gives it one."""
    waiting = cases.exclude(status=Innovation.Status.PUBLISHED).exclude(institution=None)
    return _move_to(waiting, Innovation.Status.PUBLISHED, published_at=timezone.now())


def withdraw(cases):
    """Take cases in review or published back to draft, out of public view."""
    return _move_to(cases.exclude(status=Innovation.Status.DRAFT), Innovation.Status.DRAFT)


def _move_to(cases, status, **fields):
    # The writers' turn first: the UPDATE then reads the cases as the writer before left
    # them (taken by the database's trigger, within the statement, it would read them as they
    # were before, and pass over a case just withdrawn).
    with transaction.atomic():
        CatalogueVersion.take_turn()
        return cases.update(status=status, updated=timezone.now(), **fields)


def refresh_search_documents(cases):
    """Rebuild the stored search documents of these cases, one per language, in one UPDATE
    (PostgreSQL only; SQLite searches the fields themselves). signals.py calls it after every
    write."""
    if search.using_postgres():
        cases.write_search_vectors()
