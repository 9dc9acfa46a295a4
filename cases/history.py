"""History with undo, by django-reversion: which records are kept, and what goes with them.

Each save through the admin stores a revision: the record as it was saved, with what follows
it (an innovation's impacts, awards, partners and links; its themes and sources are stored with it).
Reverting a revision brings all of that back as it was, and restoring a deleted innovation
brings back its impacts and themes too. The admin (admin/base.py, HistoryAdmin) also stores a
revision just before a record is first changed or deleted, so records that came from the seed,
an import or the suggestion form can be brought back as well.

django-reversion rather than django-simple-history: a revision here spans several tables at
once (a case with its impacts and links), which is what "restore a deleted case with its
impacts and themes" needs; simple-history keeps one history table per model and restores one
row at a time.
"""

import reversion
from reversion.models import Version

from .models import CATALOGUE_MODELS, Innovation, Institution, Suggestion
from .querysets import SEARCH_DOCUMENTS

# What goes with a record in each of its versions: a case's parts and links; an institution's
# key facts. (A case's themes and sources are stored with it, as its many-to-many fields.)
FOLLOW = {
    Innovation: ["impacts", "awards", "collaborations", "links", "suggestion"],
    Institution: ["facts"],
}
# Derived, and rebuilt after every revert (signals.py): not kept.
EXCLUDE = {Innovation: list(SEARCH_DOCUMENTS)}


def register_models():
    """Called once, by the app's ready(), before the admin's screens are built."""
    for model in (*CATALOGUE_MODELS, Suggestion):
        reversion.register(model, follow=FOLLOW.get(model, ()), exclude=EXCLUDE.get(model, ()))


def keep_first(objects, user=None):
    """Keep, as they are now, those of these records that have no history yet (from before
    history was kept, or written outside the admin): called before a change, so that it can be
    undone. One query per kind of record to find them."""
    objects = list(objects)
    kept = set()
    for model in {type(obj) for obj in objects}:
        ids = [str(obj.pk) for obj in objects if type(obj) is model]
        found = Version.objects.get_for_model(model).filter(object_id__in=ids)
        kept |= {(model, object_id) for object_id in found.values_list("object_id", flat=True)}
    first = [obj for obj in objects if (type(obj), str(obj.pk)) not in kept]
    if first:
        keep(first, "As it was before its first change.", user)


def keep(objects, comment, user=None):
    """Store these records as they are now, as one revision."""
    with reversion.create_revision():
        reversion.set_comment(comment)
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        for obj in objects:
            reversion.add_to_revision(obj)
