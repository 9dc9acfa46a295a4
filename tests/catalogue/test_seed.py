"""The seed: the article's Table 1, themes, institutions and sources, loaded as editors expect."""

import re

import pytest
from django.core.management import call_command

from cases.models import (
    CATALOGUE_MODELS,
    Award,
    Collaboration,
    Impact,
    Innovation,
    Institution,
    InstitutionFact,
    Partner,
    Source,
    Theme,
)
from tests.seed_facts import TABLE_1

pytestmark = pytest.mark.django_db


def empty_catalogue():
    Innovation.objects.all().delete()
    for model in (Institution, Theme, Source, Partner):
        model.objects.all().delete()


def test_seed_holds_the_article():
    assert Institution.objects.count() == 3
    assert Theme.objects.count() == 5
    assert Innovation.objects.published().count() == 12
    for slug, cases in TABLE_1.items():
        assert (
            list(
                Innovation.objects.filter(institution__slug=slug)
                .order_by("position")
                .values_list("slug", flat=True)
            )
            == cases
        )
    assert {i.slug: i.country.code for i in Institution.objects.all()} == {
        "esdc": "CA",
        "kela": "FI",
        "cpf": "SG",
    }


def test_every_case_has_an_impact_and_a_theme_and_every_theme_a_case():
    assert not Innovation.objects.filter(impacts__isnull=True).exists()
    assert not Innovation.objects.filter(themes__isnull=True).exists()
    assert not Theme.objects.filter(innovations__isnull=True).exists()
    assert set(Theme.objects.values_list("slug", flat=True)) == {
        "agile-teamwork",
        "customer-centricity",
        "organizational-design",
        "innovation-system",
        "leadership",
    }


def test_figures_read_as_the_article_gives_them():
    figures = set(
        Impact.objects.exclude(figure=None).values_list("innovation__slug", "figure", "unit")
    )
    assert figures == {
        ("agile-benefit-design", 8, "weeks"),
        ("plain-language-website", 5000, "webpages"),
        ("solutions-without-borders", 40, "organizations"),
        ("bold-experimentation", 40000, "people"),
    }
    texts = {impact.figure_text for impact in Impact.objects.exclude(figure=None)}
    assert texts == {
        "less than 8 weeks",
        "5,000 out of 8,000 webpages",
        "over 40 organizations",
        "over 40,000 people",
    }


def test_award_sources_and_key_facts():
    award = Award.objects.get()
    assert (award.name, award.level, award.year, award.innovation.slug) == (
        "ISSA Good Practice Award",
        Award.Level.AWARD,  # "ESDC also won the ISSA Good Practice Award in 2020"
        2020,
        "staff-capabilities-for-innovation",
    )
    assert "Acceleration Hub" in award.practice_title
    assert Source.objects.count() == 4
    assert set(Source.objects.get(slug="wong-2020").innovations.values_list("slug", flat=True)) == {
        "solutions-without-borders"
    }
    assert set(
        Source.objects.get(slug="nolan-2021").innovations.values_list("slug", flat=True)
    ) == {"automation-and-play-labs"}
    article = Source.objects.get(slug="innovation-through-collaboration")
    assert article.innovations.count() == 12
    assert InstitutionFact.objects.filter(
        institution__slug="esdc", value__contains="38 million"
    ).exists()
    assert InstitutionFact.objects.filter(institution__slug="kela", value="80 per cent").exists()
    assert InstitutionFact.objects.filter(institution__slug="cpf", value__contains="4,000").exists()


# Fidelity to the article, point by point ------------------------------------------------


def test_ramp_gives_17000_people_as_the_networks_purpose_not_as_a_result():
    # Table 1: "To help 17,000 people resolve problems withdrawals for urgent needs, CPF uses a
    # network of over 40 organizations …": a purpose. Only the network is a figure.
    impacts = Impact.objects.filter(innovation__slug="solutions-without-borders")
    assert [(i.figure, i.qualifier, i.unit) for i in impacts] == [(40, "over", "organizations")]
    assert impacts.get().statement.startswith("To help 17,000 people resolve problems")
    assert not Impact.objects.filter(figure=17000).exists()
    assert not Impact.objects.filter(statement__icontains="people helped").exists()


def test_cpf_facts_say_what_the_article_says():
    facts = dict(
        InstitutionFact.objects.filter(institution__slug="cpf").values_list("label", "value")
    )
    assert facts["Withdrawal appeals"] == "4,000 appeals each month"  # not "about"
    assert facts["Under"] == "The Ministry of Manpower in Singapore"  # not "part of"
    assert "Part of" not in facts


def test_the_passport_case_names_whom_esdc_worked_with_and_for_whom_it_delivers():
    collaborations = Collaboration.objects.filter(innovation__slug="design-thinking")
    names = [c.partner.name for c in collaborations.select_related("partner")]
    # ESDC delivers the programme on IRCC's behalf: IRCC is not a collaborator.
    assert names == ["Service Canada", "Transport officers"]
    assert not Partner.objects.filter(name__contains="Immigration").exists()
    service_canada = collaborations.get(partner__slug="service-canada")
    assert "on behalf of Immigration, Refugees and Citizenship Canada" in service_canada.role
    # The article does not say whose officers they are, nor what kind of body.
    officers = Partner.objects.get(slug="transport-officers")
    assert (officers.kind, officers.country.code) == ("", "")


def test_each_institution_says_what_it_seeks_from_international_collaboration():
    views = dict(Institution.objects.values_list("slug", "collaboration_view"))
    assert "learning from abroad and experimenting locally" in views["kela"]
    assert "cultural and contextual differences" in views["cpf"]
    assert "transfer of policies, technologies, or processes" in views["cpf"]
    assert "accelerate experimentation" in views["esdc"]


def test_the_new_fields_are_filled_only_where_the_article_states_them():
    # "when international flights resumed in summer of 2022, … a backlog in passport issuance":
    # when the flights resumed, not when design thinking started. No case has a year.
    assert not Innovation.objects.exclude(year_started=None).exists()
    for field in ("stage", "branch", "lessons", "reuse_needs", "contact_role", "contact_email"):
        assert not Innovation.objects.exclude(**{field: ""}).exists(), field
    assert not Innovation.objects.exclude(year_ended=None).exists()
    assert not Innovation.objects.filter(links__isnull=False).exists()
    assert not Institution.objects.exclude(website="").exists()  # the article gives none


def test_the_article_is_cited_as_the_issas_on_experiences_presented_at_the_forum():
    article = Source.objects.get(slug="innovation-through-collaboration")
    assert (article.authors, article.year) == ("", None)  # the article gives neither
    assert article.citation == (
        "Innovation through collaboration in social security: Experiences of ISSA members. "
        "International Social Security Association (ISSA)."
    )
    # It analyses experiences presented at the forum; it was not itself presented there.
    said = {language: article.text("context", language) for language in ("en", "fr", "es", "de")}
    assert said["en"] == (
        "On experiences presented at the World Social Security Forum (WSSF), Marrakech, "
        "Morocco, 24–28 October 2022."
    )
    assert all(text.language == language for language, text in said.items())
    assert "Forum mondial de la sécurité sociale" in said["fr"]
    assert "Foro Mundial de la Seguridad Social" in said["es"]
    assert "Weltforum für soziale Sicherheit" in said["de"]
    assert "Presented at" not in article.reference("en")


def test_seed_loads_into_an_empty_catalogue(capsys):
    empty_catalogue()
    call_command("seed")
    assert "Loaded the seed: 3 institutions, 5 themes, 12 innovations." in capsys.readouterr().out
    assert Impact.objects.count() == 13
    assert Innovation.objects.published().count() == 12
    assert not Innovation.objects.published().filter(published_at__isnull=True).exists()
    assert Collaboration.objects.count() == 8


def test_seed_again_changes_nothing_and_keeps_editors_work(capsys):
    case = Innovation.objects.get(slug="design-thinking")
    case.title = "Edited by an editor"
    case.save()
    Innovation.objects.get(slug="leadership-engagement").delete()

    call_command("seed")

    assert "Nothing was changed" in capsys.readouterr().out
    assert Innovation.objects.get(slug="design-thinking").title == "Edited by an editor"
    assert not Innovation.objects.filter(slug="leadership-engagement").exists()
    assert Innovation.objects.count() == 11


def test_seed_names_the_partners_the_article_names():
    def partners(case):
        return [
            (c.partner.name, c.partner.kind)
            for c in Collaboration.objects.filter(innovation__slug=case).select_related("partner")
        ]

    assert partners("bold-experimentation") == [
        ("Oversea-Chinese Banking Corporation (OCBC)", Partner.Kind.COMPANY)
    ]
    assert partners("design-thinking") == [
        ("Service Canada", Partner.Kind.INTERNAL),
        ("Transport officers", ""),
    ]
    assert partners("solutions-without-borders") == [
        ("Network of over 40 organizations for financial and emotional support", "network")
    ]
    kela = partners("multi-disciplinary-project-teams")
    assert [name for name, _ in kela] == [
        "Kela’s language editors",
        "Kela’s legal counsellors",
        "Kela’s service designers",
        "Kela’s IT specialists",
    ]
    assert {kind for _, kind in kela} == {Partner.Kind.INTERNAL}


# The seed in four languages ------------------------------------------------------------------

TRANSLATED = [model for model in CATALOGUE_MODELS if getattr(model, "translated_fields", ())]
NUMBER = re.compile(r"\d+(?:[,.\u00a0\u202f]\d{3})*")


def numbers(text):
    """The numbers a text gives, whatever its language groups thousands with."""
    return sorted(re.sub(r"\D", "", number) for number in NUMBER.findall(text))


def test_the_seed_is_in_all_four_languages_as_translations_from_english():
    for model in TRANSLATED:
        for record in model.objects.all():
            assert record.text_language == "en"  # the article's language: the originals
            for name in record.translated_fields:
                if getattr(record, name):
                    for code in ("fr", "es", "de"):
                        assert getattr(record, f"{name}_{code}"), (record, name, code)
                assert getattr(record, f"{name}_en") == ""  # no translation into its own
    for code in ("fr", "es", "de"):
        assert not Innovation.objects.untranslated(code).exists()
    assert Innovation.objects.untranslated("en").count() == 0


def test_translations_keep_every_number_of_the_original():
    """No fact added or lost: each translated text gives the same numbers (years, figures,
    counts) as its original, grouped as its language groups them."""
    for model in TRANSLATED:
        for record in model.objects.all():
            for name in record.translated_fields:
                for code in ("fr", "es", "de"):
                    translated = getattr(record, f"{name}_{code}")
                    if translated:
                        assert numbers(translated) == numbers(getattr(record, name)), (
                            record,
                            name,
                            code,
                        )


def test_the_seeds_figures_read_in_each_language():
    from django.utils import translation

    impact = Impact.objects.get(innovation__slug="plain-language-website", figure=5000)
    expected = {
        "fr": "5\u00a0000 sur 8\u00a0000 pages web",
        "es": "5000 de 8000 páginas web",  # four digits whole (RAE)
        "de": "5.000 von 8.000 Webseiten",
    }
    for code, words in expected.items():
        with translation.override(code):
            assert impact.figure_text == words
            assert impact.statement_gives_figure  # said once to a screen reader


def test_each_figure_is_said_once_on_its_case_page_in_every_language(client):
    for impact in Impact.objects.exclude(figure=None).select_related("innovation"):
        for prefix in ("", "/fr", "/es", "/de"):
            html = client.get(f"{prefix}/innovations/{impact.innovation.slug}/").content.decode()
            [impacts] = re.findall(r'<ul class="impacts">(.*?)</ul>', html, re.S)
            shown = re.sub(r"<[^>]+>", "", impacts)
            whole = f"{impact.figure:,}".replace(",", "")
            digits = [re.sub(r"\D", "", n) for n in re.findall(r"\d[\d.,\s\u202f]*", shown)]
            assert digits.count(whole) == 1, (prefix, impact.innovation.slug, shown)
            assert '<strong class="figure-in-text">' in impacts, (prefix, impact.innovation.slug)
