"""Who may do what in the admin, as a matrix generated from the admin's own registry: every
registered model x every role x view/add/change/delete x the state of the record (used by the
contributor's institution's draft, by its published case, or by another institution's case).

The expectations are written here from the rules as docs/editors.md states them, not read from
cases/rights.py, so that a change of the rule shows up as a failure. A model registered in
the admin later fails the matrix until it is given a place in it.
"""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser, Group, User
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django_tasks_db.models import DBTaskResult

from cases import bulk, writes
from cases.models import Contributor, Innovation, Institution, Partner, Source, Theme
from tests.factories import CaseFactory, partner_of, source_of, theme_of, user_in
from tests.helpers import post_form

pytestmark = pytest.mark.django_db

ROLES = [
    "superuser",
    "editor",
    "tied contributor",
    "untied contributor",
    "staff without group",
    "anonymous",
]
ACTIONS = ["view", "add", "change", "delete"]
STATES = ["own draft", "own published", "other institution's"]


def make_user(role):
    if role == "anonymous":
        return AnonymousUser()
    if role == "superuser":
        return User.objects.create_superuser("root", "root@example.org", "a long password")
    group = {"editor": "Editors", "staff without group": None}.get(role, "Contributors")
    user = user_in(group, role.replace(" ", "-"))
    if role == "tied contributor":
        Contributor.objects.create(user=user, institution=Institution.objects.get(slug="kela"))
    return user


def case_in(state):
    """A case of the tied contributor's institution (Kela), a draft or published, or a
    draft of another institution's (CPF)."""
    institution = "cpf" if state == "other institution's" else "kela"
    status = "published" if state == "own published" else "draft"
    return CaseFactory(institution=Institution.objects.get(slug=institution), status=status)


# For each registered model: the record to try in each state.
MAKERS = {
    Innovation: case_in,
    Partner: lambda state: partner_of(case_in(state)),
    Theme: lambda state: theme_of(case_in(state)),
    Source: lambda state: source_of(case_in(state)),
    Institution: lambda state: Institution.objects.get(
        slug="cpf" if state == "other institution's" else "kela"
    ),
    User: lambda state: User.objects.create_user(f"someone-{User.objects.count()}"),
    Group: lambda state: Group.objects.get(name="Editors"),
    AccessAttempt: lambda state: AccessAttempt.objects.create(
        username=f"someone {state}", ip_address="192.0.2.1", failures_since_start=1
    ),
    DBTaskResult: lambda state: bulk.move_in_batches.enqueue([], "publish", None).db_result,
    AccessLog: lambda state: AccessLog.objects.create(username="someone", ip_address="192.0.2.1"),
    AccessFailureLog: lambda state: AccessFailureLog.objects.create(
        username="someone", ip_address="192.0.2.1"
    ),
}


def expected(role, model, action, state):
    """The rules, as the table of roles in docs/editors.md states them."""
    if model is DBTaskResult:  # the queue's record of its work: administrators read it
        return role == "superuser" and action == "view"
    if model._meta.app_label == "axes" and action == "add":
        return False  # the record of sign-ins is written by django-axes alone
    if role == "superuser":
        return True
    if role in ("staff without group", "anonymous"):
        return False
    if model._meta.app_label != "cases":
        return False  # accounts and the record of sign-ins: administrators only
    if role == "editor":
        return True
    # Contributors: the record's cases must be theirs, and unpublished, for a change.
    theirs = role == "untied contributor" or state != "other institution's"
    unpublished = state != "own published"
    if model is Innovation:
        rights = {"view": theirs, "add": True, "change": theirs and unpublished, "delete": False}
    elif model is Partner:
        rights = {"view": True, "add": True, "change": theirs and unpublished, "delete": False}
    elif model is Institution:
        rights = {"view": theirs, "add": False, "change": False, "delete": False}
    else:  # themes, sources: to choose from
        rights = {"view": True, "add": False, "change": False, "delete": False}
    return rights[action]


def admin_answers(model_admin, user, obj):
    request = RequestFactory().get("/admin/")
    request.user = user
    return {
        "view": model_admin.has_view_permission(request, obj),
        "add": model_admin.has_add_permission(request),
        "change": model_admin.has_change_permission(request, obj),
        "delete": model_admin.has_delete_permission(request, obj),
    }


REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def test_every_model_in_the_admin_has_a_place_in_the_matrix():
    missing = [model._meta.label for model in REGISTERED if model not in MAKERS]
    assert not missing, f"Give these models a maker and rules in this matrix: {missing}"


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_rights_matrix(model):
    if model not in MAKERS:
        pytest.fail(f"{model._meta.label} is in the admin but not in the rights matrix")
    model_admin = admin.site.get_model_admin(model)
    records = {state: MAKERS[model](state) for state in STATES}
    users = {role: make_user(role) for role in ROLES}
    wrong = []
    for role, user in users.items():
        for state, obj in records.items():
            answers = admin_answers(model_admin, user, obj)
            for action in ACTIONS:
                if answers[action] != expected(role, model, action, state):
                    wrong.append(f"{role} {action} {state}: {answers[action]}")
    assert not wrong, f"{model._meta.label}: " + "; ".join(wrong)


def test_a_contributor_cannot_rename_a_partner_of_another_institutions_published_case(client):
    client.force_login(make_user("tied contributor"))
    ocbc = Partner.objects.get(slug="ocbc")  # only CPF's published case uses it
    response = post_form(client, f"/admin/cases/partner/{ocbc.pk}/change/", {"name": "Hacked"})
    assert response.status_code == 403
    ocbc.refresh_from_db()
    assert ocbc.name == "Oversea-Chinese Banking Corporation (OCBC)"
    client.logout()
    page = client.get("/innovations/bold-experimentation/").content.decode()
    assert "Oversea-Chinese Banking Corporation (OCBC)" in page and "Hacked" not in page


def test_a_contributor_may_rename_a_partner_only_their_draft_uses(client):
    client.force_login(make_user("tied contributor"))
    partner = partner_of(case_in("own draft"))
    url = f"/admin/cases/partner/{partner.pk}/change/"
    assert post_form(client, url, {"name": "Renamed partner"}).status_code == 302
    partner.refresh_from_db()
    assert partner.name == "Renamed partner"
    # Once the case is published, the partner is an editor's to change.
    writes.publish(Innovation.objects.filter(collaborations__partner=partner))
    assert post_form(client, url, {"name": "Renamed again"}).status_code == 403


ON_SITE = [model for model in REGISTERED if hasattr(model, "get_absolute_url")]


@pytest.mark.parametrize("model", ON_SITE, ids=lambda model: model._meta.label)
def test_view_on_site_answers_only_those_who_may_see_the_record(client, model):
    """The admin's "View on site" (/<admin>/r/<type>/<id>/) redirects to the record's public
    address: a draft's slug. Whoever may not see the record gets the 404 of no record at all
    (staff) or the sign-in page (anyone else), never its address."""
    kind = ContentType.objects.get_for_model(model).pk
    records = {state: MAKERS[model](state) for state in STATES}
    wrong = []
    for role in ROLES:
        user = make_user(role)
        client.logout()
        if role != "anonymous":
            client.force_login(user)
        for state, obj in records.items():
            response = client.get(f"/{settings.ADMIN_URL}r/{kind}/{obj.pk}/")
            address = obj.get_absolute_url()
            if expected(role, model, "view", state):
                shown = response.status_code == 302 and address in response["Location"]
            else:
                shown = response.status_code not in (302, 404) or address in response.get(
                    "Location", ""
                )
            if shown != expected(role, model, "view", state):
                wrong.append(f"{role} {state}: {response.status_code} {response.get('Location')}")
    assert not wrong, "; ".join(wrong)
    client.force_login(User.objects.get(username="editor"))
    for kind_id, pk in ((kind, 10**9), (10**9, 1), ("x", 1), (kind, "x"), (kind, 10**30)):
        response = client.get(f"/{settings.ADMIN_URL}r/{kind_id}/{pk}/")
        assert response.status_code == 404, (kind_id, pk)


def test_a_tied_contributor_filters_the_case_list_by_their_institution_alone(client):
    CaseFactory(institution=Institution.objects.get(slug="kela"), status="draft")
    client.force_login(make_user("tied contributor"))
    page = client.get(f"/{settings.ADMIN_URL}cases/innovation/").content.decode()
    institution_filter = page.split("By institution", 1)[1].split("</details>", 1)[0]
    assert ">Kela</a>" in institution_filter
    for institution in Institution.objects.exclude(slug="kela"):
        assert f">{institution}</a>" not in institution_filter
