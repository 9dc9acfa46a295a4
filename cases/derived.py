"""Whether a page may read the derived data (cases/counts.py: counts, similar-case
candidates, the common terms' leaders), and their rebuild when it may not.

The derived data know the catalogue version they match (CatalogueVersion.derived). Every
write leaves them behind (the database moves the version on, whoever writes). Then pages
count live: the same numbers, slower (docs/performance.md); and the first page in each
process that finds them behind asks the task queue for a rebuild (counts.recount, without
the common search terms: about a second at 100,000 cases, not minutes), after which pages
read them again. `manage.py recount` rebuilds at once, the terms included (nightly)."""

import logging

from django_tasks import task

from . import counts
from .models import CatalogueVersion

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


@task()
def rebuild():
    """Catch the derived data up with the records, unless another rebuild already has;
    without the common search terms, whose counting would hold every editor's save for
    minutes (the nightly `manage.py recount` chooses them again)."""
    if not CatalogueVersion.fresh():
        counts.recount(terms=False)
