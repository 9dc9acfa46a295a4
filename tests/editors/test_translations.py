"""Editors translate the catalogue on its screens: a folded block per other language, the
languages each case still misses, and the case list filtered by them."""

import re

import pytest

from cases.models import Impact, Innovation, Institution, Theme
from tests.helpers import post_form

pytestmark = pytest.mark.django_db


def case_url(slug):
    return f"/admin/cases/innovation/{Innovation.objects.get(slug=slug).pk}/change/"


def headings(html):
    return re.findall(r"<h2[^>]*>\s*(?:<[^>]+>\s*)*([^<]+?)\s*<", html)


def test_a_case_is_translated_on_its_own_screen(editor, client):
    url = case_url("design-thinking")
    html = editor.get(url).content.decode()
    blocks = headings(html)
    for heading in ("French translation", "Spanish translation", "German translation"):
        assert heading in blocks
    assert "English translation" not in blocks  # the case is written in English
    assert 'name="title_fr"' in html and 'name="impacts-0-statement_fr"' in html
    response = post_form(
        editor,
        url,
        {
            "title_fr": "Le design thinking contre l’arriéré des passeports",
            "impacts-0-statement_fr": "Des passeports délivrés plus vite.",
        },
    )
    assert response.status_code == 302
    page = client.get("/fr/innovations/design-thinking/").content.decode()
    assert "<h1>Le design thinking contre l’arriéré des passeports</h1>" in page
    assert "Des passeports délivrés plus vite." in page
    assert (
        "<h1>Design thinking to clear the passport backlog</h1>"
        in client.get("/innovations/design-thinking/").content.decode()
    )


def test_a_translation_into_the_texts_own_language_is_refused(editor):
    url = case_url("design-thinking")
    # The screen offers no English block for a case in English; one posted anyway is ignored.
    assert post_form(editor, url, {"title_en": "Design thinking, again"}).status_code == 302
    assert Innovation.objects.get(slug="design-thinking").title_en == ""
    # Saying the case is written in French while it has a French translation is refused.
    response = post_form(editor, url, {"original_language": "fr"})
    assert response.status_code == 200
    assert "This is the language the text is written in" in response.content.decode()
    assert Innovation.objects.get(slug="design-thinking").original_language == "en"


def test_a_case_says_which_languages_it_misses_and_the_list_finds_them(editor):
    assert "Not yet translated into" in editor.get(case_url("design-thinking")).content.decode()
    impact = Impact.objects.filter(innovation__slug="design-thinking").first()
    impact.statement_de = ""
    impact.save()
    case = Innovation.objects.get(slug="bold-experimentation")
    case.story_es = ""
    case.save()
    html = editor.get(case_url("design-thinking")).content.decode()
    missing = re.search(r"Not yet translated into:?</label>\s*<div[^>]*>([^<]*)<", html)
    assert missing.group(1).strip() == "Deutsch (impacts)"  # the fields, not only the language
    html = editor.get(case_url("bold-experimentation")).content.decode()
    missing = re.search(r"Not yet translated into:?</label>\s*<div[^>]*>([^<]*)<", html)
    assert missing.group(1).strip() == "Español (story)"

    def listed(language):
        response = editor.get("/admin/cases/innovation/", {"untranslated": language})
        return sorted(case.slug for case in response.context["cl"].result_list)

    assert listed("de") == ["design-thinking"]
    assert listed("es") == ["bold-experimentation"]
    assert listed("fr") == []
    assert listed("en") == []  # every case is written in English
    case.original_language = "es"  # a case written in Spanish misses English, not Spanish
    case.save()
    assert listed("es") == []
    assert listed("en") == ["bold-experimentation"]


def test_every_screen_of_translated_records_has_a_block_per_other_language(editor):
    for url in (
        f"/admin/cases/theme/{Theme.objects.get(slug='leadership').pk}/change/",
        f"/admin/cases/institution/{Institution.objects.get(slug='kela').pk}/change/",
        "/admin/cases/partner/add/",
        "/admin/cases/source/add/",
    ):
        blocks = headings(editor.get(url).content.decode())
        assert {"French translation", "Spanish translation", "German translation"} <= set(blocks)
        assert "English translation" not in blocks
    # An institution, like a case, says its language: before it does, any may be the other.
    blocks = headings(editor.get("/admin/cases/institution/add/").content.decode())
    assert "English translation" in blocks and "French translation" in blocks
