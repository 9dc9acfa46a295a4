"""Editors and contributors in the admin: the review workflow, each role's rights, a
contributor tied to one institution, the staff-only preview, and history with undo."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django_tasks_db.management.commands import db_worker
from reversion.models import Version

from cases import bulk, writes
from cases.models import Contributor, Innovation, Institution, Partner, Theme
from innohub import settings as production_settings
from tests.factories import user_in
from tests.helpers import (
    assert_derived_right,
    form_data,
    fresh_get,
    post_form,
    row_slugs,
    suggestion,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/cases/innovation/"


@pytest.fixture
def contributor(client):
    client.force_login(user_in("Contributors", "contributor"))
    return client


@pytest.fixture
def kela_contributor(client):
    user = user_in("Contributors", "kela-staff")
    Contributor.objects.create(user=user, institution=Institution.objects.get(slug="kela"))
    client.force_login(user)
    return client


def case(slug):
    return Innovation.objects.get(slug=slug)


def act(client, action, *slugs):
    pks = [case(slug).pk for slug in slugs]
    return client.post(CHANGELIST, {"action": action, "_selected_action": pks}, follow=True)


def new_draft(client, slug="tax-letters", institution="kela"):
    response = post_form(
        client,
        "/admin/cases/innovation/add/",
        {
            "title": "Clearer tax letters",
            "slug": slug,
            "institution": str(Institution.objects.get(slug=institution).pk),
            "summary": "Letters rewritten with customers.",
            "themes": [str(Theme.objects.get(slug="customer-centricity").pk)],
            "impacts-0-statement": "Fewer calls about letters.",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    return case(slug)


# The workflow ---------------------------------------------------------------------------


def test_a_case_goes_from_draft_through_review_to_published_and_back(client, editor):
    draft = new_draft(editor)
    assert draft.status == "draft" and draft.published_at is None

    response = act(editor, "submit_for_review", "tax-letters")
    assert "1 case sent to review." in response.content.decode()
    assert case("tax-letters").status == "review"
    assert "tax-letters" not in row_slugs(client.get("/", {"institution": "kela"}))
    assert client.get("/innovations/tax-letters/").status_code == 404

    response = act(editor, "publish", "tax-letters")
    assert "1 case published." in response.content.decode()
    published = case("tax-letters")
    assert published.status == "published" and published.published_at is not None
    client.logout()
    assert "tax-letters" in row_slugs(client.get("/", {"institution": "kela"}))
    assert client.get("/innovations/tax-letters/").status_code == 200

    editor.force_login(User.objects.get(username="editor"))
    response = act(editor, "withdraw", "tax-letters", "design-thinking")
    assert "2 cases withdrawn to draft." in response.content.decode()
    client.logout()
    assert client.get("/innovations/tax-letters/").status_code == 404
    assert "design-thinking" not in row_slugs(client.get("/"))


def test_steps_that_do_not_apply_leave_cases_as_they_were(editor):
    response = act(editor, "submit_for_review", "design-thinking")  # published, not a draft
    assert "0 cases sent to review. 1 left as it was (not drafts)." in response.content.decode()
    assert case("design-thinking").status == "published"


def test_preview_shows_a_draft_to_staff_only(client, editor):
    draft = new_draft(editor)
    url = f"/admin/cases/innovation/{draft.pk}/preview/"
    page = editor.get(url).content.decode()
    assert "<h1>Clearer tax letters</h1>" in page
    assert "visitors cannot see it until an editor publishes it" in page
    assert f'href="{url}"' in editor.get(CHANGELIST).content.decode()

    client.logout()
    assert client.get(url).status_code == 302  # to the admin's login
    assert client.get("/innovations/tax-letters/").status_code == 404


# Roles ----------------------------------------------------------------------------------


def test_roles_exist_with_the_right_rights():
    editors = Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    assert {"publish_innovation", "delete_institution", "delete_theme"} <= set(editors)
    contributors = set(
        Group.objects.get(name="Contributors").permissions.values_list("codename", flat=True)
    )
    assert {"add_innovation", "change_innovation", "add_impact", "add_partner"} <= contributors
    assert not {"publish_innovation", "delete_innovation", "delete_institution"} & contributors
    assert not {"delete_theme", "change_institution", "change_theme"} & contributors


def test_a_contributor_sends_to_review_but_cannot_publish(contributor):
    draft = new_draft(contributor)
    html = contributor.get(CHANGELIST).content.decode()
    assert 'value="submit_for_review"' in html
    assert 'value="publish"' not in html and 'value="withdraw"' not in html
    assert 'value="delete_selected"' not in html

    act(contributor, "publish", "tax-letters")
    assert case("tax-letters").status == "draft"
    act(contributor, "submit_for_review", "tax-letters")
    assert case("tax-letters").status == "review"

    # Nor through the form: the status list offers draft and review only.
    url = f"/admin/cases/innovation/{draft.pk}/change/"
    response = post_form(contributor, url, {"status": "published"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert case("tax-letters").status == "review"


def test_a_contributor_cannot_change_a_published_case(contributor):
    published = case("design-thinking")
    url = f"/admin/cases/innovation/{published.pk}/change/"
    page = contributor.get(url).content.decode()
    assert 'name="title"' not in page  # shown read-only
    response = contributor.post(url, {"title": "Changed"})
    assert response.status_code == 403
    assert case("design-thinking").title == "Design thinking to clear the passport backlog"


def test_a_contributor_cannot_delete_institutions_themes_or_cases(contributor):
    kela = Institution.objects.get(slug="kela")
    theme = Theme.objects.get(slug="leadership")
    for url in (
        f"/admin/cases/institution/{kela.pk}/delete/",
        f"/admin/cases/theme/{theme.pk}/delete/",
        f"/admin/cases/innovation/{case('design-thinking').pk}/delete/",
    ):
        assert contributor.get(url).status_code == 403
        assert contributor.post(url, {"post": "yes"}).status_code == 403
    assert Institution.objects.filter(slug="kela").exists()
    assert Theme.objects.filter(slug="leadership").exists()
    assert Innovation.objects.filter(slug="design-thinking").exists()


def test_a_contributor_tied_to_an_institution_sees_and_edits_only_its_cases(kela_contributor):
    listed = kela_contributor.get(CHANGELIST).content.decode()
    assert "User-friendly, simple and plain language" in listed
    assert "Design thinking to clear the passport backlog" not in listed

    esdc_case = case("design-thinking")
    response = kela_contributor.get(f"/admin/cases/innovation/{esdc_case.pk}/change/")
    assert response.status_code == 302  # "does not exist" for this user
    preview = f"/admin/cases/innovation/{esdc_case.pk}/preview/"
    assert kela_contributor.get(preview).status_code == 404

    # Only Kela can be chosen, in the form and in the institution search.
    form = kela_contributor.get("/admin/cases/innovation/add/").context["adminform"].form
    assert list(form.fields["institution"].queryset) == [Institution.objects.get(slug="kela")]
    found = kela_contributor.get(
        "/admin/autocomplete/",
        {"app_label": "cases", "model_name": "innovation", "field_name": "institution"},
    ).json()
    assert [item["text"] for item in found["results"]] == ["Kela"]

    esdc = Institution.objects.get(slug="esdc")
    response = post_form(
        kela_contributor,
        "/admin/cases/innovation/add/",
        {
            "title": "Sneaked in",
            "slug": "sneaked-in",
            "institution": str(esdc.pk),
            "summary": "x",
            "themes": [str(Theme.objects.get(slug="leadership").pk)],
        },
    )
    assert response.status_code == 200
    assert not Innovation.objects.filter(slug="sneaked-in").exists()

    new_draft(kela_contributor, slug="kela-own-case")
    assert case("kela-own-case").institution.slug == "kela"


# History with undo ----------------------------------------------------------------------


def snapshot(slug):
    """What an editor would notice of a case: its fields, impacts, themes and partners."""
    found = Innovation.objects.get(slug=slug)
    return {
        "pk": found.pk,
        "title": found.title,
        "summary": found.summary,
        "status": found.status,
        "impacts": list(found.impacts.values_list("statement", "figure", "unit", "position")),
        "themes": sorted(found.themes.values_list("slug", flat=True)),
        "partners": list(found.collaborations.values_list("partner__slug", "role")),
        "awards": list(found.awards.values_list("name", "level", "year")),
    }


def test_undo_after_a_change_brings_back_the_earlier_case(client, editor):
    before = snapshot("design-thinking")
    pk = before["pk"]
    url = f"/admin/cases/innovation/{pk}/change/"
    response = post_form(
        editor,
        url,
        {
            "title": "Passports in five hours",
            "impacts-0-statement": "Changed impact.",
            "themes": [str(Theme.objects.get(slug="leadership").pk)],
        },
    )
    assert response.status_code == 302
    changed = snapshot("design-thinking")
    assert changed["title"] == "Passports in five hours"
    assert changed["themes"] == ["leadership"]

    history = editor.get(f"/admin/cases/innovation/{pk}/history/").content.decode()
    assert "Loaded from the article (the seed)." in history  # its first version
    first = Version.objects.get_for_object_reference(Innovation, pk).order_by("pk").first()
    revert_url = f"/admin/cases/innovation/{pk}/history/{first.pk}/"
    data = form_data(editor.get(revert_url))
    data.pop("csrfmiddlewaretoken", None)
    assert editor.post(revert_url, data).status_code == 302

    assert snapshot("design-thinking") == before
    client.logout()
    assert "Design thinking to clear the passport backlog" in client.get("/").content.decode()


def test_history_shows_what_changed_between_two_versions(client, editor):
    pk = case("design-thinking").pk
    url = f"/admin/cases/innovation/{pk}/change/"
    changes = {"title": "Passports in five hours", "impacts-0-statement": "Changed impact."}
    assert post_form(editor, url, changes).status_code == 302
    history = editor.get(f"/admin/cases/innovation/{pk}/history/").content.decode()
    versions = Version.objects.get_for_object_reference(Innovation, pk).order_by("pk")
    first, last = versions.first(), versions.last()
    # Each version's choice is labelled, and no style is written inline (the CSP).
    assert f'<label for="older-{first.pk}" class="visually-hidden">Older version: ' in history
    assert f'<label for="newer-{last.pk}" class="visually-hidden">Newer version: ' in history
    assert "style=" not in history[history.index('<table id="change-history">') :]
    compare = f"/admin/cases/innovation/{pk}/history/compare/"
    query = {"version_id1": first.pk, "version_id2": last.pk}
    page = editor.get(compare, query).content.decode()
    assert "<del>Design thinking to clear the passport backlog</del>" in page
    assert "<ins>Passports in five hours</ins>" in page
    assert "Changed impact." in page  # its parts too
    # Versions of another record are not found.
    other = Version.objects.get_for_object(case("bold-experimentation")).first()
    assert editor.get(compare, {**query, "version_id2": other.pk}).status_code == 404
    # Someone tied to another institution may not read this case's versions.
    client.logout()
    user = user_in("Contributors", "kela-staff")
    Contributor.objects.create(user=user, institution=Institution.objects.get(slug="kela"))
    client.force_login(user)
    assert client.get(compare, query).status_code in {403, 404}


def test_a_step_on_many_cases_goes_on_in_the_background_and_the_editor_is_told(
    editor, monkeypatch, add_cases
):
    """Past IN_REQUEST cases, "Withdraw" hands the work to the queue: the request answers at
    once, the list says what is under way, the worker takes the cases in batches, and the
    editor has an e-mail when it is done."""
    monkeypatch.setattr(bulk, "IN_REQUEST", 3)
    monkeypatch.setattr(bulk, "BATCH", 2)
    cases = add_cases(5, institution="kela")
    slugs = [case.slug for case in cases]
    page = act(editor, "withdraw", *slugs).content.decode()
    assert "5 cases are many: the work goes on in the background" in page
    assert all(case(slug).status == Innovation.Status.PUBLISHED for slug in slugs)
    assert "Withdrawing 5 cases to draft (asked" in editor.get(CHANGELIST).content.decode()

    # The worker closes connections between tasks, as Django does between requests; in a
    # test's transaction that would close it (Django's test client skips it the same way).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert all(case(slug).status == Innovation.Status.DRAFT for slug in slugs)
    [told] = mail.outbox
    assert told.to == ["editor@example.org"]
    assert "5 cases withdrawn to draft." in told.body
    assert "Withdrawing" not in editor.get(CHANGELIST).content.decode()
    versions = Version.objects.get_for_object(case(slugs[0]))
    assert "2 cases withdrawn to draft." in [v.revision.comment for v in versions]


def test_a_few_cases_move_at_once(editor):
    page = act(editor, "withdraw", "design-thinking", "bold-experimentation").content.decode()
    assert "2 cases withdrawn to draft." in page
    assert case("design-thinking").status == Innovation.Status.DRAFT


def go_back(editor, model, record, version):
    """The confirmation page of going back to `version`, and the answer to confirming it."""
    url = f"/admin/cases/{model}/{record.pk}/history/{version.pk}/"
    page = editor.get(url)
    data = form_data(page)
    data.pop("csrfmiddlewaretoken", None)
    return page.content.decode(), editor.post(url, data)


def test_going_back_to_a_version_restores_that_record_alone(client, editor):
    """The seed is one revision of every seeded record. Going back to Kela's first version
    brings Kela back as it was, and nothing else: another editor's new title stays, and a
    withdrawn case stays withdrawn. The page says so before anything is done."""
    kela = Institution.objects.get(slug="kela")
    first = Version.objects.get_for_object(kela).order_by("pk").first()
    assert first.revision.version_set.count() > 20  # the whole seed
    post_form(editor, f"/admin/cases/institution/{kela.pk}/change/", {"name": "Kela renamed"})
    post_form(editor, f"{CHANGELIST}{case('bold-experimentation').pk}/change/", {"title": "New"})
    act(editor, "withdraw", "design-thinking")

    page, answer = go_back(editor, "institution", kela, first)
    assert "What this changes" in page
    assert "name go back as they were" in page
    assert "No other record of the catalogue changes." in page
    assert answer.status_code == 302
    assert Institution.objects.get(slug="kela").name == "Social Insurance Institution"
    assert case("bold-experimentation").title == "New"
    assert case("design-thinking").status == Innovation.Status.DRAFT
    assert client.get("/innovations/design-thinking/").status_code == 404


def test_going_back_to_where_an_institution_was_moves_its_cases_derived_data(client, editor):
    """An institution moved to another country and place in Table 1, then put back by its
    history: its cases' copies follow both moves, no page reads counts or candidates the
    moves left behind, and the place filters list its cases."""
    kela = Institution.objects.get(slug="kela")
    first = Version.objects.get_for_object(kela).order_by("pk").first()
    post_form(editor, f"/admin/cases/institution/{kela.pk}/change/", {"country": "SE"})
    assert_derived_right()
    fresh_get(client, "/")
    assert row_slugs(fresh_get(client, "/", {"country": "SE"}))
    go_back(editor, "institution", kela, first)
    assert Institution.objects.get(slug="kela").country == "FI"
    assert_derived_right()
    assert not row_slugs(fresh_get(client, "/", {"country": "SE"}))
    assert len(row_slugs(fresh_get(client, "/", {"country": "FI"}))) == 3  # Kela's


def test_going_back_to_a_case_version_deletes_the_impacts_added_since(editor):
    design = case("design-thinking")
    first = Version.objects.get_for_object(design).order_by("pk").first()
    statements = list(design.impacts.values_list("statement", flat=True))
    design.impacts.create(statement="Added later.", position=9)

    page, answer = go_back(editor, "innovation", design, first)
    assert "1 part added since (an impact, award, partner or link) is deleted." in page
    assert answer.status_code == 302
    assert list(design.impacts.values_list("statement", flat=True)) == statements


def test_a_version_of_another_kind_of_record_is_not_found(editor):
    kela = Institution.objects.get(slug="kela")
    version = Version.objects.get_for_object(kela).first()
    design = case("design-thinking")
    assert editor.get(f"{CHANGELIST}{design.pk}/history/{version.pk}/").status_code == 404
    assert editor.get(f"{CHANGELIST}recover/{version.pk}/").status_code == 404


def test_a_deleted_case_is_restored_with_its_impacts_themes_and_partners(client, editor):
    before = snapshot("design-thinking")
    assert before["impacts"] and before["themes"] and before["partners"]
    pk = before["pk"]
    assert editor.post(f"/admin/cases/innovation/{pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Innovation.objects.filter(pk=pk).exists()
    assert client.get("/innovations/design-thinking/").status_code == 404

    recover_list = editor.get("/admin/cases/innovation/recover/").content.decode()
    assert "Design thinking to clear the passport backlog" in recover_list
    version = Version.objects.get_deleted(Innovation).get(object_id=str(pk))
    url = f"/admin/cases/innovation/recover/{version.pk}/"
    data = form_data(editor.get(url))
    data.pop("csrfmiddlewaretoken", None)
    assert editor.post(url, data).status_code == 302

    assert snapshot("design-thinking") == before
    assert client.get("/innovations/design-thinking/").status_code == 200


def test_cases_deleted_in_bulk_can_be_restored_too(editor):
    before = snapshot("bold-experimentation")
    act(editor, "delete_selected", "bold-experimentation")
    editor.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [before["pk"]], "post": "yes"},
    )
    assert not Innovation.objects.filter(pk=before["pk"]).exists()
    version = Version.objects.get_deleted(Innovation).get(object_id=str(before["pk"]))
    url = f"/admin/cases/innovation/recover/{version.pk}/"
    data = form_data(editor.get(url))
    data.pop("csrfmiddlewaretoken", None)
    assert editor.post(url, data).status_code == 302
    assert snapshot("bold-experimentation") == before


def test_only_those_who_may_delete_can_undo(contributor):
    pk = case("design-thinking").pk
    assert contributor.get("/admin/cases/innovation/recover/").status_code == 403
    assert contributor.get(f"/admin/cases/innovation/{pk}/history/1/").status_code == 403
    assert "Recover deleted" not in contributor.get(CHANGELIST).content.decode()


def test_partners_and_institutions_in_use_cannot_be_deleted(editor):
    ocbc = Partner.objects.get(slug="ocbc")
    html = editor.get(f"/admin/cases/partner/{ocbc.pk}/delete/").content.decode()
    assert "would require deleting the following protected related objects" in html
    editor.post(f"/admin/cases/partner/{ocbc.pk}/delete/", {"post": "yes"})
    assert Partner.objects.filter(slug="ocbc").exists()
    with pytest.raises(ProtectedError):
        Contributor.objects.create(
            user=User.objects.get(username="editor"),
            institution=Institution.objects.get(slug="kela"),
        ).institution.delete()


def test_repeated_failed_sign_ins_lock_the_account_for_an_hour(client, settings):
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    user = User.objects.create_user("signer", password="a long editor password", is_staff=True)
    assert user.password.startswith("argon2")  # Argon2 hashes the passwords
    for _ in range(5):
        response = client.post(
            "/admin/login/?next=/admin/", {"username": "signer", "password": "wrong"}
        )
        assert response.status_code in {200, 429}
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "signer", "password": "a long editor password"}
    )
    assert response.status_code == 429
    assert "Signing in is locked for an hour" in response.content.decode()
    assert "_auth_user_id" not in client.session


# What the trust review found ---------------------------------------------------------------


def recover(client, model, pk):
    version = Version.objects.get_deleted(model).get(object_id=str(pk))
    url = f"/admin/cases/{model._meta.model_name}/recover/{version.pk}/"
    data = form_data(client.get(url))
    data.pop("csrfmiddlewaretoken", None)
    return client.post(url, data)


@pytest.mark.parametrize("kind", ["theme", "source"])
def test_themes_and_sources_in_use_cannot_be_deleted_and_the_page_says_by_which_cases(editor, kind):
    used = Innovation.objects.get(slug="design-thinking")
    record = used.themes.first() if kind == "theme" else used.sources.first()
    users = set(record.innovations.values_list("title", flat=True))
    url = f"/admin/cases/{kind}/{record.pk}/delete/"
    html = editor.get(url).content.decode()
    assert "would require deleting the following protected related objects" in html
    for title in users:
        assert title in html
    assert editor.post(url, {"post": "yes"}).status_code == 200  # the same page, refused
    assert set(record.innovations.values_list("title", flat=True)) == users
    # Nor from the list, several at once.
    editor.post(
        f"/admin/cases/{kind}/",
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )
    assert set(record.innovations.values_list("title", flat=True)) == users


def test_a_theme_no_case_uses_is_deleted_and_recovered(editor):
    theme = Theme.objects.create(slug="unused", name="Unused", description="Nobody's.")
    assert editor.post(f"/admin/cases/theme/{theme.pk}/delete/", {"post": "yes"}).status_code == 302
    assert recover(editor, Theme, theme.pk).status_code == 302
    assert Theme.objects.get(slug="unused").description == "Nobody's."


def test_a_recovered_institution_has_its_key_facts_back(editor):
    institution = Institution.objects.create(slug="new", name="New institution", country="FI")
    institution.facts.create(label="Staff", value="120", position=1)
    url = f"/admin/cases/institution/{institution.pk}/delete/"
    assert editor.post(url, {"post": "yes"}).status_code == 302
    assert recover(editor, Institution, institution.pk).status_code == 302
    recovered = Institution.objects.get(slug="new")
    assert list(recovered.facts.values_list("label", "value")) == [("Staff", "120")]


def test_every_seed_record_has_a_first_version():
    for model in (Innovation, Institution, Theme, Partner):
        for record in model.objects.all():
            assert Version.objects.get_for_object(record).exists(), record


def test_the_first_workflow_step_on_a_case_without_history_can_be_undone(editor):
    case = Innovation.objects.get(slug="design-thinking")
    Version.objects.get_for_object(case).delete()  # as a case from before history was kept
    act(editor, "withdraw", "design-thinking")
    first = Version.objects.get_for_object(case).order_by("pk").first()
    assert first.field_dict["status"] == "published"


def test_a_refused_post_writes_no_history(client):
    client.force_login(user_in(None, "no-group"))
    case = Innovation.objects.get(slug="design-thinking")
    Version.objects.get_for_object(case).delete()
    versions = Version.objects.count()
    url = f"/admin/cases/innovation/{case.pk}/change/"
    assert client.post(url, {"title": "Mine now"}).status_code == 403
    assert Version.objects.count() == versions
    client.force_login(user_in("Contributors", "contrib"))  # a published case is not theirs
    assert client.post(url, {"title": "Mine now"}).status_code == 403
    assert Version.objects.count() == versions


def test_the_case_list_links_to_the_import_for_those_who_may_import(client):
    for user in (
        User.objects.create_superuser("root", "root@example.org", "a long password"),
        user_in("Editors", "an-editor"),
        user_in("Contributors", "a-contributor"),
    ):
        client.force_login(user)
        page = client.get(CHANGELIST).content.decode()
        assert 'href="/admin/cases/innovation/import/">Import from CSV</a>' in page, user


def test_the_sign_in_record_is_for_superusers_only(client, editor):
    # Even an editor given django-axes' permissions does not see who tried to sign in.
    User.objects.get(username="editor").user_permissions.set(
        Permission.objects.filter(content_type__app_label="axes")
    )
    index = editor.get("/admin/").content.decode()
    assert "Access attempts" not in index and "Access logs" not in index
    assert editor.get("/admin/axes/accessattempt/").status_code == 403
    client.force_login(User.objects.create_superuser("root", "root@example.org", "long pass 1"))
    assert "Access attempts" in client.get("/admin/").content.decode()
    assert client.get("/admin/axes/accessattempt/").status_code == 200


def test_a_case_form_offers_no_empty_suggestion_block(editor):
    case = Innovation.objects.get(slug="design-thinking")
    page = editor.get(f"/admin/cases/innovation/{case.pk}/change/").content.decode()
    assert "Add another Suggestion" not in page
    assert "suggestion-__prefix__" not in page and "suggestion-empty" not in page


def test_a_suggested_case_shows_who_suggested_it_to_editors(client, editor):
    client.post("/suggest/", suggestion())
    case = Innovation.objects.get(title="Chatbot for student benefits")
    page = editor.get(f"/admin/cases/innovation/{case.pk}/change/").content.decode()
    assert "Suggested by" in page and "aino@example.org" in page
    # The list says where each case came from in words, not a red cross for "not suggested".
    listing = editor.get("/admin/cases/innovation/").content.decode()
    assert "From the form" in listing and "icon-no" not in listing
    assert 'name="suggestion-MAX_NUM_FORMS" value="1"' in page  # the one there is: no more


def test_published_at_records_when_a_case_last_became_published():
    case = Innovation.objects.get(slug="design-thinking")
    first = case.published_at
    case.title = "Edited while published"
    case.save()
    assert Innovation.objects.get(pk=case.pk).published_at == first  # an edit is no publication
    writes.withdraw(Innovation.objects.filter(pk=case.pk))
    case = Innovation.objects.get(pk=case.pk)
    case.status = Innovation.Status.PUBLISHED
    case.save()
    assert case.published_at > first
    new = Innovation.objects.create(
        slug="born-published",
        title="Born published",
        summary="S.",
        status="published",
        institution=Institution.objects.get(slug="kela"),
    )
    assert new.published_at is not None


# Derived tables: the database keeps the counted copies; a rebuild (cases/counts.py) the rest.
DERIVED_TABLES = ("cases_casecount", "cases_similarcandidate", "cases_searchleader")


@pytest.mark.parametrize(
    "changes",
    [{"title": "A new title"}, {"status": "draft"}, {"stage": "pilot", "year_started": "2001"}],
)
def test_an_editors_save_writes_the_records_and_leaves_the_derived_data_to_the_rebuild(
    editor, changes
):
    """A save writes the case, its parts and its history, and nothing derived: the counts,
    candidates and leaders are rebuilt after it (derived.py), so a save takes no longer as
    the catalogue grows; the public pages count live meanwhile."""
    design = case("design-thinking")
    url = f"/admin/cases/innovation/{design.pk}/change/"
    with CaptureQueriesContext(connection) as queries:
        answer = post_form(editor, url, changes)
    assert answer.status_code == 302
    written = [
        query["sql"]
        for query in queries
        if query["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
        and any(table in query["sql"] for table in DERIVED_TABLES)
    ]
    assert written == []
    assert_derived_right()
