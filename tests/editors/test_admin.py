"""The editors' admin: adding a member case on one page, publishing it, and what is protected."""

import pytest
from django.contrib.auth.models import Permission, User
from django.db.models import ProtectedError

from cases import writes
from cases.models import Innovation, Institution, Theme
from tests.helpers import post_form, row_slugs

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = User.objects.create_user("editor", password="a long editor password", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="cases"))
    client.force_login(user)
    return client


def test_editor_adds_a_case_with_impacts_and_themes_and_publishes_it(editor):
    response = post_form(
        editor,
        "/admin/cases/institution/add/",
        {
            "name": "National Social Insurance Board",
            "acronym": "NSIB",
            "slug": "nsib",
            "country": "NO",
            "position": "4",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    institution = Institution.objects.get(slug="nsib")

    themes = Theme.objects.filter(slug__in=["leadership", "customer-centricity"])
    url = "/admin/cases/innovation/add/"
    changes = {
        "title": "Plain-language letters",
        "slug": "plain-language-letters",
        "institution": str(institution.pk),
        "status": "draft",
        "position": "1",
        "summary": "Letters rewritten with customers.",
        "story": "The board rewrote its letters.",
        "themes": [str(theme.pk) for theme in themes],
        "impacts-TOTAL_FORMS": "2",
        "impacts-0-statement": "Fewer calls about letters.",
        "impacts-1-statement": "1,200 letters rewritten.",
        "impacts-1-figure": "1200",
        "impacts-1-unit": "letters",
        "impacts-1-position": "2",
    }
    response = post_form(editor, url, changes)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.formset.errors for f in response.context["inline_admin_formsets"]],
        [f.formset.non_form_errors() for f in response.context["inline_admin_formsets"]],
    )
    case = Innovation.objects.get(slug="plain-language-letters")
    assert case.impacts.count() == 2
    assert case.impacts.get(position=2).figure_text == "1,200 letters"
    assert set(case.themes.values_list("slug", flat=True)) == {"leadership", "customer-centricity"}

    # A draft is not public yet.
    assert "plain-language-letters" not in row_slugs(editor.get("/", {"institution": "nsib"}))

    response = editor.post(
        "/admin/cases/innovation/",
        {"action": "publish", "_selected_action": [case.pk]},
        follow=True,
    )
    assert "1 case published." in response.content.decode()

    assert row_slugs(editor.get("/", {"institution": "nsib"})) == ["plain-language-letters"]
    assert row_slugs(editor.get("/", {"theme": "leadership", "country": "NO"})) == [
        "plain-language-letters"
    ]
    page = editor.get("/innovations/plain-language-letters/").content.decode()
    # The statement says the figure: it is marked there, and said once.
    assert '<strong class="figure-in-text">1,200 letters</strong> rewritten.' in page
    assert page.count("1,200") == 1


def test_impact_details_without_a_figure_are_refused(editor):
    url = "/admin/cases/innovation/add/"
    response = post_form(
        editor,
        url,
        {
            "title": "Half an impact",
            "slug": "half-an-impact",
            "institution": str(Institution.objects.get(slug="kela").pk),
            "summary": "Test.",
            "themes": [str(Theme.objects.get(slug="leadership").pk)],
            "impacts-0-statement": "Many people helped.",
            "impacts-0-unit": "people",
        },
    )
    assert response.status_code == 200
    assert "impact_details_need_figure" in response.content.decode()
    assert not Innovation.objects.filter(slug="half-an-impact").exists()


def test_admin_lists_drafts_with_status_and_institution(admin_client):
    writes.withdraw(Innovation.objects.filter(slug="design-thinking"))
    html = admin_client.get("/admin/cases/innovation/").content.decode()
    assert "Design thinking to clear the passport backlog" in html
    assert "Draft" in html and "Published" in html
    html = admin_client.get("/admin/cases/innovation/", {"status__exact": "draft"}).content
    assert html.decode().count('class="action-select"') == 1


def test_institution_page_in_admin_lists_its_cases_and_links_to_the_site(admin_client):
    esdc = Institution.objects.get(slug="esdc")
    html = admin_client.get(f"/admin/cases/institution/{esdc.pk}/change/").content.decode()
    assert "Cases of this institution" in html
    assert "Agile benefit design: the Canada Training Grant" in html
    assert "/admin/r/" in html  # "View on site"


def test_deleting_an_institution_with_cases_is_refused(admin_client):
    esdc = Institution.objects.get(slug="esdc")
    url = f"/admin/cases/institution/{esdc.pk}/delete/"
    html = admin_client.get(url).content.decode()
    assert "would require deleting the following protected related objects" in html
    admin_client.post(url, {"post": "yes"})
    assert Institution.objects.filter(slug="esdc").exists()
    assert Innovation.objects.filter(institution=esdc).count() == 3

    response = admin_client.post(
        "/admin/cases/institution/",
        {"action": "delete_selected", "_selected_action": [esdc.pk], "post": "yes"},
    )
    assert "protected related objects" in response.content.decode()
    assert Innovation.objects.filter(institution__slug="esdc").count() == 3

    with pytest.raises(ProtectedError):
        esdc.delete()
