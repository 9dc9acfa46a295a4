"""Writes of many cases in one statement (QuerySet.update, which sends no signals), each with
the derived data moved in the same transaction (counts.changing): the review workflow's steps
and the rebuild of the cases' search documents. QuerySets (querysets.py) only read; these
take one of them and return how many cases they changed."""

from django.utils import timezone

from . import counts, search
from .models import Innovation


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
    with counts.changing(cases.values_list("pk", flat=True)):
        return cases.update(status=status, updated=timezone.now(), **fields)


def refresh_search_documents(cases):
    """Rebuild the stored search documents of these cases, one per language, in one UPDATE
    (PostgreSQL only; SQLite searches the fields themselves). signals.py calls it after every
    write. The documents say which common search terms each case is counted under, so the
    kept counts follow."""
    if search.using_postgres():
        with counts.changing(cases.values_list("pk", flat=True)):
            cases.write_search_vectors()
