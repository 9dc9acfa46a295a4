"""The seed: the article's Table 1, themes, institutions and sources, loaded as editors expect."""

import pytest
from django.core.management import call_command

from cases.models import (
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
        ("solutions-without-borders", 17000, "people"),
        ("solutions-without-borders", 40, "organizations"),
        ("bold-experimentation", 40000, "people"),
    }
    texts = {impact.figure_text for impact in Impact.objects.exclude(figure=None)}
    assert texts == {
        "less than 8 weeks",
        "5,000 out of 8,000 webpages",
        "17,000 people",
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


def test_seed_loads_into_an_empty_catalogue(capsys):
    empty_catalogue()
    call_command("seed")
    assert "Loaded the seed: 3 institutions, 5 themes, 12 innovations." in capsys.readouterr().out
    assert Impact.objects.count() == 14
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
        ("Immigration, Refugees and Citizenship Canada", Partner.Kind.GOVERNMENT),
        ("Service Canada", Partner.Kind.INTERNAL),
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
