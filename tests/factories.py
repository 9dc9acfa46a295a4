"""Test data, made in one place with factory-boy: staff accounts in the editorial groups, and
catalogue records (cases, partners, themes, sources) linked as a test needs them. Many cases at
once come from `bulk_cases`, which writes in bulk as generate_cases does."""

import factory
from django.contrib.auth.models import Group, User

from cases.models import (
    CatalogueVersion,
    Collaboration,
    Impact,
    Innovation,
    Institution,
    Partner,
    Source,
    Theme,
)

PASSWORD = "a long password"


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff account; `group="Editors"` or `"Contributors"` puts it in a group the
    migrations make, `group=None` in none."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff-{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(PASSWORD)
    is_staff = True

    @factory.post_generation
    def group(user, create, name, **kwargs):
        if create and name:
            user.groups.add(Group.objects.get(name=name))


def user_in(group, name, **extra):
    """A staff account called `name` in `group` (None: in no group), e-mail name@example.org."""
    return StaffFactory(username=name, group=group, **extra)


def seeded(model, slug):
    return factory.LazyFunction(lambda: model.objects.get(slug=slug))


class CaseFactory(factory.django.DjangoModelFactory):
    """A case of the seed's Kela, a draft unless told otherwise."""

    class Meta:
        model = Innovation

    slug = factory.Sequence(lambda n: f"test-case-{n}")
    title = factory.Sequence(lambda n: f"Test case {n}")
    summary = "A case made for a test."
    institution = seeded(Institution, "kela")
    status = Innovation.Status.DRAFT


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    slug = factory.Sequence(lambda n: f"test-partner-{n}")
    name = factory.Sequence(lambda n: f"Test partner {n}")
    kind = Partner.Kind.COMPANY


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    slug = factory.Sequence(lambda n: f"test-theme-{n}")
    name = factory.Sequence(lambda n: f"Test theme {n}")
    description = "A theme made for a test."


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    slug = factory.Sequence(lambda n: f"test-source-{n}")
    title = factory.Sequence(lambda n: f"Test source {n}")


def partner_of(case, **fields):
    """A new partner that worked on `case`."""
    partner = PartnerFactory(**fields)
    Collaboration.objects.create(innovation=case, partner=partner, role="Helped.")
    return partner


def theme_of(case, **fields):
    theme = ThemeFactory(**fields)
    case.themes.add(theme)
    return theme


def source_of(case, **fields):
    source = SourceFactory(**fields)
    case.sources.add(source)
    return source


def bulk_cases(count, institution="cpf", theme="leadership", status=Innovation.Status.PUBLISHED):
    """`count` published cases of an institution, each with two impacts and a theme, written
    in bulk (no signals: the search vectors and the catalogue version are kept here)."""
    owner = Institution.objects.get(slug=institution)
    chosen = Theme.objects.get(slug=theme)
    start = Innovation.objects.count()
    cases = Innovation.objects.bulk_create(
        Innovation(
            slug=f"generated-case-{start + n}",
            institution=owner,
            institution_position=owner.position,
            title=f"Generated case {start + n}",
            summary="A generated case for testing.",
            status=status,
            position=100 + n,
        )
        for n in range(count)
    )
    Innovation.themes.through.objects.bulk_create(
        Innovation.themes.through(innovation=case, theme=chosen) for case in cases
    )
    Impact.objects.bulk_create(
        Impact(innovation=case, statement=f"Generated impact {n}.", position=n)
        for case in cases
        for n in (1, 2)
    )
    Innovation.objects.filter(pk__in=[case.pk for case in cases]).refresh_search_vectors()
    CatalogueVersion.bump()
    return cases
