"""Who may do what in the catalogue: one rule, used by every admin screen (admin/) and by
the CSV import (admin_csv.py).

The roles: **editors** (the Editors group: every catalogue permission, publishing included)
and superusers may do whatever their permissions allow. **Contributors** (the Contributors
group) hold fewer permissions, and on top of them one rule about records:

    A contributor may change or delete a record only while every case that uses it is
    theirs and unpublished.

"Theirs": of the institution they are tied to (a Contributor row), or of any institution when
they are not tied. "Uses": the case itself; a part of a case (an impact, an award, a partner
link); and a record that cases point to (a partner, a source, a theme, an institution, and any
such model added later: found by following the models' relations, not from a list). What is
public has been through an editor, so only editors change it, and a record shared with another
institution's cases is not a contributor's to change.

A tied contributor sees only their institution's cases (and their parts) and their own
institution; records that cases share (partners, themes, sources) they see all of, to choose
from. Staff without a group have no permissions, so they see nothing.
"""

from django.contrib.auth import get_permission_codename
from django.db.models import CASCADE, Q

from .models import Innovation, Institution, institution_of

PUBLISH = "cases.publish_innovation"


def is_editor(user):
    """Editors (and superusers) are not held by the contributors' rule."""
    return user.is_active and user.has_perm(PUBLISH)


def has_model_permission(user, action, model):
    if not (user.is_active and user.is_staff):
        return False
    opts = model._meta
    codename = get_permission_codename(action, opts)
    if user.has_perm(f"{opts.app_label}.{codename}"):
        return True
    # As Django's admin: who may change may also look.
    return action == "view" and has_model_permission(user, "change", model)


def may(user, action, obj=None, model=None):
    """May `user` do `action` ("view", "add", "change" or "delete") to `obj`, or to records of
    `model` in general when there is no `obj`?"""
    model = model or type(obj)
    if not has_model_permission(user, action, model):
        return False
    if obj is None or obj.pk is None or is_editor(user):
        return True
    if action == "view":
        return may_see(user, obj)
    beyond_reach = ~theirs(user) | Q(status=Innovation.Status.PUBLISHED)
    return not cases_using(obj).filter(beyond_reach).exists()


def may_place_case(user, status, institution):
    """May `user` give a case this status and institution (a new case, or a change)?"""
    tied = institution_of(user)
    if tied is not None and institution != tied:
        return False
    return status != Innovation.Status.PUBLISHED or is_editor(user)


def may_save_case(user, case, status, institution):
    """The whole rule for writing a case, as the CSV import needs it: `case` is the case as it
    is (None for a new one), `status` and `institution` what it would become."""
    allowed = may(user, "add", model=Innovation) if case is None else may(user, "change", case)
    return allowed and may_place_case(user, status, institution)


def visible(user, records):
    """Of these cases or institutions (a queryset), those a tied contributor sees: their
    institution's. Everyone else sees them all. (Also what they may choose a case's
    institution from.)"""
    tied = institution_of(user)
    if tied is None:
        return records
    if records.model is Institution:
        return records.filter(pk=tied.pk)
    return records.filter(theirs(user))


def theirs(user):
    """A filter on cases: those of the contributor's institution (all, when not tied)."""
    tied = institution_of(user)
    return Q() if tied is None else Q(institution=tied)


def may_see(user, obj):
    tied = institution_of(user)
    if tied is None:
        return True
    if isinstance(obj, Institution):
        return obj.pk == tied.pk
    owner = owning_record(obj)
    if owner is not None:
        return may_see(user, owner)
    if isinstance(obj, Innovation):
        return obj.institution_id == tied.pk
    return True  # shared records: theirs to choose from


def owning_record(obj):
    """The record `obj` is a part of: an impact's case, an institution's key fact's
    institution. None for records that stand on their own."""
    for field in type(obj)._meta.concrete_fields:
        if (
            (field.many_to_one or field.one_to_one)
            and field.remote_field.on_delete is CASCADE
            and field.related_model in (Innovation, Institution)
        ):
            return getattr(obj, field.name)
    return None


def cases_using(obj):
    """Every case that uses `obj`: the case itself, the case it is part of, or the cases that
    point to it, directly or through a link (a partner through its collaborations)."""
    if isinstance(obj, Innovation):
        return Innovation.objects.filter(pk=obj.pk)
    owner = owning_record(obj)
    if owner is not None:
        return cases_using(owner)
    lookups = case_lookups(type(obj))
    if not lookups:
        return Innovation.objects.none()
    condition = Q()
    for lookup in lookups:
        condition |= Q(**{lookup: obj})
    return Innovation.objects.filter(condition).distinct()


def case_lookups(model):
    """The lookups from a case to records of `model`: its own relations (institution, themes,
    sources), and relations of the links it owns (collaborations__partner)."""
    lookups = []
    for field in Innovation._meta.get_fields():
        if not field.is_relation:
            continue
        if (field.many_to_one or field.many_to_many) and field.related_model is model:
            lookups.append(field.name)
        elif field.one_to_many:
            for link_field in field.related_model._meta.concrete_fields:
                if link_field.many_to_one and link_field.related_model is model:
                    lookups.append(f"{field.name}__{link_field.name}")
    return lookups


def shared_by(obj):
    """The cases that point to `obj` when it is a record cases share (not a case, nor a part
    of one): deleting it would silently take it out of those cases."""
    if isinstance(obj, Innovation) or owning_record(obj) is not None:
        return Innovation.objects.none()
    return cases_using(obj)
