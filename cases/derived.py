"""Whether a page may read the derived data (cases/counts.py: counts, similar-case
candidates, the common terms' leaders), and their rebuild when it may not.

The derived data know the catalogue version they match (CatalogueVersion.derived). Every
write leaves them behind (the database moves the version on, whoever writes). Then pages
count live: the same numbers, slower (docs/performance.md); and the first page in each
process that finds them behind asks the task queue for a rebuild (counts.recount, without
the common search terms: seconds, not minutes), after which pages read them again. The
terms follow after a quiet spell (rebuild_terms), while pages read the quick rebuild's
counts. `manage.py recount` rebuilds at once, the terms included (nightly)."""

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import default_task_backend, task

from . import counts, search
from .models import CatalogueVersion, SearchTerm

logger = logging.getLogger(__name__)

# The version this process last asked a rebuild for: asked once, not by every page.
_asked_at = None


def fresh():
    """Whether the derived data match the records now; if not, a rebuild is asked for."""
    number, derived = CatalogueVersion.state()
    if number != derived:
        _ask_rebuild(number)
    return number == derived


def _ask_rebuild(number):
    global _asked_at
    if _asked_at == number:
        return
    _asked_at = number
    try:
        rebuild.enqueue()
    except Exception:  # the page counts live all the same; the nightly recount catches up
        logger.exception("Could not ask the task queue to rebuild the derived data.")


# How long the catalogue stays unwritten before the common search terms are counted again.
TERMS_PAUSE = timedelta(minutes=5)


@task()
def rebuild():
    """Catch the derived data up with the records, unless another rebuild already has;
    without the common search terms, whose counting takes minutes, during which pages would
    count live. They are asked for after a pause (rebuild_terms)."""
    if not CatalogueVersion.fresh():
        counts.recount(terms=False)
        _ask_terms()


def _ask_terms():
    later = timezone.now() + TERMS_PAUSE
    asked = rebuild_terms.using(run_after=later) if default_task_backend.supports_defer else None
    try:
        (asked or rebuild_terms).enqueue()
    except Exception:  # a common word is counted live until the nightly recount
        logger.exception("Could not ask the task queue to count the common search terms.")


@task()
def rebuild_terms():
    """The common search terms, dropped by the quick rebuild, counted again with the rest
    (the full recount): only while the derived data match the records, so that pages read
    the quick rebuild's counts meanwhile (a write since leaves them behind, and its rebuild
    asks again), and only once of the several asked (the terms are there again). PostgreSQL
    only: SQLite searches the text and keeps no terms."""
    if search.using_postgres() and CatalogueVersion.fresh() and not SearchTerm.objects.exists():
        counts.recount(terms=True)
