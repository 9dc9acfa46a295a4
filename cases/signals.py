"""The receivers of Django's signals, in one module, as djangopackages' grid/signals.py has them:
- each new database connection asks whether searches can be ranked by an index (RUM);
- a loaded case is given what save() would have given it.
The rest is the database's, whoever writes: it moves the catalogue version on (migration
0022), writes each case's copy of its institution's place (0023), its counted copy (0025) and
its search documents (0027); the derived data are rebuilt from the records when a page finds
them behind (derived.py). Imported by CasesConfig.ready(), once.
"""

from django.db.backends.signals import connection_created
from django.db.models.signals import pre_save
from django.dispatch import receiver

from . import search
from .models import Innovation


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
