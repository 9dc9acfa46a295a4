"""Any member institution can suggest a case: one not yet in the catalogue is named in the form,
kept out of public view, and matched or created by an editor in one step. The editors'
screens for it: the count of suggestions waiting, the column and filter, plain words."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from cases import writes
from cases.models import Innovation, Institution, Suggestion, Theme
from tests.factories import CaseFactory, user_in
from tests.helpers import form_data, fresh_get, post_form, row_slugs, suggestion

pytestmark = pytest.mark.django_db

NEW = {
    "institution": "",
    "institution_name": "Caisse nationale de sécurité sociale",
    "institution_country": "SN",
}


def suggest_new(client, **changes):
    response = client.post("/suggest/", suggestion(**{**NEW, **changes}))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Innovation.objects.get(title=changes.get("title", "Chatbot for student benefits"))


def test_a_member_not_in_the_catalogue_suggests_a_case_and_it_stays_private(
    client, editors_with_email
):
    page = client.get("/suggest/").content.decode()
    assert "Not in the list? Tell us its name and country" in page
    assert '<label for="id_institution_country">Its country</label>' in page

    case = suggest_new(client)
    assert case.institution is None and case.status == Innovation.Status.REVIEW
    assert (case.suggestion.institution_name, case.suggestion.institution_country.code) == (
        "Caisse nationale de sécurité sociale",
        "SN",
    )
    assert not Institution.objects.filter(name__startswith="Caisse").exists()
    message, _thanks_to_the_sender = mail.outbox
    assert "Caisse nationale de sécurité sociale (Senegal), an institution not yet" in message.body
    # Nothing of it is public: not the case, not the institution, not its country.
    home = client.get("/").content.decode()
    assert "Caisse" not in home and 'value="SN"' not in home
    assert "Caisse" not in client.get("/institutions/").content.decode()
    assert client.get("/", {"region": "africa"}).context["page"].paginator.count == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"institution": ""}, "institution", "Choose your institution, or give its name"),
        (
            {"institution_name": "Another fund", "institution_country": "FR"},
            "institution_name",
            "You chose an institution from the list and typed another",
        ),
        ({**NEW, "institution_country": ""}, "institution_country", "Give the country"),
        ({**NEW, "institution_name": "  "}, "institution_name", "Give the name"),
        ({**NEW, "institution_country": "XX"}, "institution_country", "Choose the country"),
        ({**NEW, "institution_name": "x" * 201}, "institution_name", "at most 200"),
    ],
)
def test_the_institution_is_one_and_whole(client, changes, field, message):
    response = client.post("/suggest/", suggestion(**changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert 'value="Chatbot for student benefits"' in response.content.decode()  # kept
    assert not Suggestion.objects.exists()


def test_a_typed_name_the_catalogue_has_is_that_institution(client):
    case = suggest_new(client, institution_name="  KELA ", institution_country="FI")
    assert case.institution.slug == "kela"
    assert case.suggestion.institution_name == ""


def test_markup_and_line_breaks_in_a_new_institution_are_only_text(client, editor):
    case = suggest_new(client, institution_name="<script>alert(1)</script>\nFund")
    assert case.suggestion.institution_name == "<script>alert(1)</script> Fund"
    page = editor.get(f"/admin/cases/innovation/{case.pk}/change/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Fund" in page


def test_an_editor_creates_the_institution_in_one_step_and_publishes_the_case(client, editor):
    case = suggest_new(client)
    change = f"/admin/cases/innovation/{case.pk}/change/"
    page = editor.get(change).content.decode()
    assert "A new institution to match or create" in page
    assert "Create the institution “Caisse nationale de sécurité sociale”" in page

    response = editor.post(f"/admin/cases/innovation/{case.pk}/create-institution/", follow=True)
    assert "was created and the case is now its" in response.content.decode()
    institution = Institution.objects.get(name="Caisse nationale de sécurité sociale")
    assert (institution.country.code, institution.region, institution.slug) == (
        "SN",
        "africa",
        "caisse-nationale-de-securite-sociale",
    )
    case.refresh_from_db()
    assert case.institution == institution
    # Created, but not public until its first case is published.
    assert client.get(institution.get_absolute_url()).status_code == 404
    assert "A new institution to match or create" not in editor.get(change).content.decode()

    editor.post("/admin/cases/innovation/", {"action": "publish", "_selected_action": [case.pk]})
    assert row_slugs(fresh_get(client, "/", {"region": "africa"})) == [case.slug]
    assert client.get(institution.get_absolute_url()).status_code == 200


def test_an_institution_written_in_french_is_not_untranslated_on_the_french_pages(client, editor):
    case = suggest_new(client, language="fr", title="Chatbot pour les prestations étudiantes")
    editor.post(f"/admin/cases/innovation/{case.pk}/create-institution/")
    institution = Institution.objects.get(name="Caisse nationale de sécurité sociale")
    assert institution.original_language == "fr"  # as the sender wrote
    editor.post("/admin/cases/innovation/", {"action": "publish", "_selected_action": [case.pk]})
    client.logout()
    address = f"/institutions/{institution.slug}/"
    french = fresh_get(client, f"/fr{address}").content.decode()
    assert "Pas encore traduit" not in french
    assert "<h1>Caisse nationale de sécurité sociale</h1>" in french
    # On the English pages its name is French, and said to be.
    english = fresh_get(client, address).content.decode()
    assert '<h1 lang="fr">Caisse nationale de sécurité sociale</h1>' in english
    assert "Not yet translated: shown in its original language." in english
    options = fresh_get(client, "/", {"region": "africa"}).content.decode()
    assert '<span lang="fr">Caisse nationale de sécurité sociale</span>' in options


def test_an_editor_matches_the_named_institution_to_one_already_there(client, editor):
    case = suggest_new(
        client, institution_name="Finnish social insurance", institution_country="FI"
    )
    change = f"/admin/cases/innovation/{case.pk}/change/"
    kela = Institution.objects.get(slug="kela")
    leadership = Theme.objects.get(slug="leadership")
    response = post_form(
        editor, change, {"institution": str(kela.pk), "themes": [str(leadership.pk)]}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.institution == kela
    assert Institution.objects.count() == 3


def test_a_case_without_an_institution_cannot_be_published(client, editor):
    case = suggest_new(client)
    response = editor.post(
        "/admin/cases/innovation/",
        {"action": "publish", "_selected_action": [case.pk]},
        follow=True,
    )
    assert "0 cases published" in response.content.decode()
    assert "without an institution: choose or create it first" in response.content.decode()
    change = f"/admin/cases/innovation/{case.pk}/change/"
    response = post_form(editor, change, {"status": "published"})
    assert response.status_code == 200
    assert "Choose the institution before publishing" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Innovation.Status.REVIEW
    with pytest.raises(IntegrityError), transaction.atomic():
        Innovation.objects.filter(pk=case.pk).update(status="published")


def test_a_case_that_was_not_suggested_needs_its_institution(editor):
    case = CaseFactory()
    response = post_form(editor, f"/admin/cases/innovation/{case.pk}/change/", {"institution": ""})
    assert "Choose the institution of the case." in response.content.decode()


def test_only_who_may_add_institutions_creates_one_and_only_by_post(client, editor):
    case = suggest_new(client)
    url = f"/admin/cases/innovation/{case.pk}/create-institution/"
    assert editor.get(url).status_code == 405
    contributor = user_in("Contributors", "contributor")
    client.force_login(contributor)
    assert client.post(url).status_code in (403, 404)
    assert not Institution.objects.filter(name__startswith="Caisse").exists()


def test_the_admin_index_counts_the_suggestions_waiting(client, editor):
    assert "No suggested case waits for review." in editor.get("/admin/").content.decode()
    suggest_new(client)
    suggest_new(client, title="Second one")
    html = editor.get("/admin/").content.decode()
    assert "<strong>2 suggested cases</strong> wait for review." in html
    contributor = user_in("Contributors", "contributor")
    client.force_login(contributor)
    assert "suggested case" not in client.get("/admin/").content.decode()


def test_the_case_list_shows_and_filters_suggested_cases(client, editor):
    case = suggest_new(client)
    response = editor.get("/admin/cases/innovation/", {"suggested": "yes"})
    assert [row.pk for row in response.context["cl"].result_list] == [case.pk]
    response = editor.get("/admin/cases/innovation/", {"suggested": "new-institution"})
    assert [row.pk for row in response.context["cl"].result_list] == [case.pk]
    response = editor.get("/admin/cases/innovation/", {"suggested": "no"})
    assert case.pk not in [row.pk for row in response.context["cl"].result_list]
    assert "column-suggested" in response.content.decode()
    assert len(response.context["cl"].list_display) <= 7  # fits a 1280 px screen


def test_the_case_screen_speaks_to_people(editor):
    html = editor.get("/admin/cases/innovation/add/").content.decode()
    assert 'for="id_position">Order:</label>' in html
    assert "Position" not in html
    # The five themes as checkboxes.
    assert html.count('type="checkbox" name="themes"') == 5
    # An impact's figure: optional, folded away, no qualifier chosen for the editor.
    assert "Its figure, if the statement gives a number" in html
    assert (
        '<option value="" selected>---------</option>'
        in html.split('name="impacts-0-qualifier"')[1][:200]
    )
    assert "The whole the figure is part of" not in html
    assert "Only when the number is part of a whole" in html
    for label in (
        "Year started",
        "Stage",
        "Branch of social security",
        "What was learned",
        "What reuse needs",
        "The institution agrees to show this contact",
    ):
        assert label in html, label


def test_the_contact_is_public_only_with_the_institutions_consent(client, editor):
    case = Innovation.objects.get(slug="user-profile-analyses")
    change = f"/admin/cases/innovation/{case.pk}/change/"
    data = {"contact_role": "Customer insight unit", "contact_email": "insight@example.org"}
    assert post_form(editor, change, data).status_code == 302
    page = client.get(case.get_absolute_url()).content.decode()
    assert "insight@example.org" not in page and "Who to ask" not in page
    assert post_form(editor, change, {"contact_public": "on"}).status_code == 302
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'Customer insight unit: <a href="mailto:insight@example.org">' in page


def test_an_editors_form_keeps_what_it_was_given(editor):
    """Years out of order are refused with a plain message, and nothing is lost."""
    case = Innovation.objects.get(slug="user-profile-analyses")
    change = f"/admin/cases/innovation/{case.pk}/change/"
    response = post_form(editor, change, {"year_started": "2022", "year_ended": "2019"})
    assert "The year it ended is before the year it started." in response.content.decode()
    assert form_data(response)["year_started"] == "2022"


@pytest.mark.parametrize("group", ["Editors", "Contributors"])
def test_both_roles_add_links_to_a_case_they_may_change(client, group):
    client.force_login(user_in(group, "someone"))
    case = CaseFactory(status=Innovation.Status.DRAFT)
    case.themes.add(Theme.objects.get(slug="leadership"))
    change = f"/admin/cases/innovation/{case.pk}/change/"
    assert 'name="links-TOTAL_FORMS"' in client.get(change).content.decode()
    data = {"links-0-title": "The evaluation", "links-0-url": "example.org/evaluation"}
    response = post_form(client, change, data)
    assert response.status_code == 302
    assert list(case.links.values_list("title", "url")) == [
        ("The evaluation", "https://example.org/evaluation")
    ]


def test_a_suggestion_without_an_institution_previews_and_exports_for_the_editors(client, editor):
    case = suggest_new(client)
    page = editor.get(f"/admin/cases/innovation/{case.pk}/preview/").content.decode()
    assert "Institution not yet chosen by the editors" in page
    assert "<h1>Chatbot for student benefits</h1>" in page
    response = editor.post(
        "/admin/cases/innovation/", {"action": "export_csv", "_selected_action": [case.pk]}
    )
    assert response.status_code == 200
    assert "Chatbot for student benefits" in response.content.decode("utf-8-sig")


def test_a_case_suggested_in_french_is_marked_as_french_wherever_it_shows(client, editor):
    case = suggest_new(
        client,
        language="fr",
        title="Prestations familiales par paiement mobile",
        summary="Les prestations familiales sont versées sur le téléphone.",
    )
    assert case.original_language == "fr"
    kela = Institution.objects.get(slug="kela")
    case.institution = kela  # as an editor matches it on the case's screen
    case.save()
    case.themes.add(Theme.objects.get(slug="leadership"))
    writes.publish(Innovation.objects.filter(pk=case.pk))
    page = client.get(case.get_absolute_url()).content.decode()
    assert '<html lang="en">' in page  # the page is English; the case's own words are not
    assert '<h1 lang="fr">Prestations familiales par paiement mobile</h1>' in page
    assert '<p class="lead" lang="fr">Les prestations familiales' in page
    assert '<span class="statement" lang="fr">' in page
    table = client.get("/", {"institution": "kela"}).content.decode()
    assert f'href="{case.get_absolute_url()}" lang="fr">Prestations familiales' in table
    assert '<li lang="fr">' in table  # its impact, in its own words
    english = client.get("/innovations/user-profile-analyses/").content.decode()
    assert "<h1>User profile analyses</h1>" in english and '<p class="lead">' in english
    record = client.get(f"/api/innovations/{case.slug}/").json()
    assert record["original_language"] == "fr"
