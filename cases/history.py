"""History with undo, by django-reversion: which records are kept, and what goes with them.

Each save through the admin stores a revision: the record as it was saved, with what follows
it (an innovation's impacts, awards, partners and links; its themes and sources are stored
with it). Going back to a version brings that record and what follows it back as they were
(restore()), and restoring a deleted innovation brings back its impacts and themes too; the
other records a revision holds (the seed's one revision holds every seeded record) are left
as they are. The admin (admin/base.py, HistoryAdmin) also stores a revision just before a
record is first changed or deleted, so records that came from the seed, an import or the
suggestion form can be brought back as well.

django-reversion rather than django-simple-history: a revision here spans several tables at
once (a case with its impacts and links), which is what "restore a deleted case with its
impacts and themes" needs; simple-history keeps one history table per model and restores one
row at a time.
"""

import reversion
from django.utils.translation import gettext, ngettext
from reversion.models import Version

from .models import CATALOGUE_MODELS, Innovation, Institution, Suggestion
from .querysets import SEARCH_DOCUMENTS

# What goes with a record in each of its versions: a case's parts and links; an institution's
# key facts. (A case's themes and sources are stored with it, as its many-to-many fields.)
FOLLOW = {
    Innovation: ["impacts", "awards", "collaborations", "links", "suggestion"],
    Institution: ["facts"],
}
# Derived, and written by the database after every revert (migration 0027): not kept.
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


def parts_of(version):
    """The versions that going back to `version` brings back: the record's own, then those of
    what follows it (FOLLOW) in the same revision, never the revision's other records."""
    model = version._model
    relations = [model._meta.get_field(name) for name in FOLLOW.get(model, ())]
    chosen = [version]
    for other in version.revision.version_set.exclude(pk=version.pk):
        for relation in relations:
            if other._model is relation.related_model:
                owner = getattr(other._object_version.object, relation.field.attname)
                if str(owner) == version.object_id:
                    chosen.append(other)
    return chosen


def restore(version):
    """Bring back `version`'s record and its parts as they were, deleting parts added since;
    the revision's other records stay as they are. The record is saved before its parts."""
    chosen = parts_of(version)
    model = version._model
    record = model._default_manager.filter(pk=version.object_id).first()
    if record is not None:
        for added in added_since(record, chosen):
            added.delete()
    for part in chosen:
        part.revert()


def added_since(record, chosen):
    """`record`'s parts (FOLLOW) that none of the `chosen` versions holds."""
    added = []
    for name in FOLLOW.get(type(record), ()):
        relation = type(record)._meta.get_field(name)
        kept = {v.object_id for v in chosen if v._model is relation.related_model}
        parts = relation.related_model._default_manager.filter(**{relation.field.name: record})
        added += [part for part in parts if str(part.pk) not in kept]
    return added


def what_restoring_changes(version):
    """In words, for the confirmation page: what going back to `version` changes."""
    chosen = parts_of(version)
    model = version._model
    record = model._default_manager.filter(pk=version.object_id).first()
    if record is None:
        lines = [gettext("“%(record)s” comes back as it was.") % {"record": version.object_repr}]
    else:
        then = version.field_dict
        changed = [
            str(field.verbose_name)
            for field in model._meta.concrete_fields
            if field.attname in then
            and field.name not in ("updated", "created", *EXCLUDE.get(model, ()))
            and then[field.attname] != getattr(record, field.attname)
        ]
        lines = [
            gettext("“%(record)s”: %(fields)s go back as they were.")
            % {"record": record, "fields": ", ".join(changed)}
            if changed
            else gettext("“%(record)s” itself is as it was then.") % {"record": record}
        ]
        added = len(added_since(record, chosen))
        if added:
            lines.append(
                ngettext(
                    "%(count)d part added since (an impact, award, partner or link) is deleted.",
                    "%(count)d parts added since (impacts, awards, partners or links) are deleted.",
                    added,
                )
                % {"count": added}
            )
    if len(chosen) > 1:
        lines.append(
            ngettext(
                "%(count)d of its parts comes back as it was.",
                "%(count)d of its parts come back as they were.",
                len(chosen) - 1,
            )
            % {"count": len(chosen) - 1}
        )
    lines.append(gettext("No other record of the catalogue changes."))
    return lines
