"""Test data, made in one place with factory-boy: staff accounts in the editorial groups, and
catalogue records (cases, partners, themes, sources) linked as a test needs them. Many cases at
once come from `bulk_cases`, which writes in bulk as generate_cases does."""

import factory
from django.contrib.auth.models import Group, User

from cases import counts, models

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
        model = models.Innovation

    slug = factory.Sequence(lambda n: f"test-case-{n}")
    title = factory.Sequence(lambda n: f"Test case {n}")
    summary = "A case made for a test."
    institution = seeded(models.Institution, "kela")
    status = models.Innovation.Status.DRAFT


class NamedFactory(factory.django.DjangoModelFactory):
    """Records with a slug and a name, numbered: test-record-1, "Test record 1"."""

    class Meta:
        abstract = True

    slug = factory.Sequence(lambda n: f"test-record-{n}")
    name = factory.Sequence(lambda n: f"Test record {n}")


class PartnerFactory(NamedFactory):
    class Meta:
        model = models.Partner

    kind = models.Partner.Kind.COMPANY


class ThemeFactory(NamedFactory):
    class Meta:
        model = models.Theme

    description = "A theme made for a test."


class SourceFactory(NamedFactory):
    class Meta:
        model = models.Source
        exclude = ["name"]  # a source has a title

    title = factory.SelfAttribute("name")


def partner_of(case, **fields):
    """A new partner that worked on `case`."""
    partner = PartnerFactory(**fields)
    models.Collaboration.objects.create(innovation=case, partner=partner, role="Helped.")
    return partner


def theme_of(case, **fields):
    theme = ThemeFactory(**fields)
    case.themes.add(theme)
    return theme


def source_of(case, **fields):
    source = SourceFactory(**fields)
    case.sources.add(source)
    return source


def bulk_cases(count, institution="cpf", theme="leadership", status="published", **fields):
    """`count` published cases of an institution, each with two impacts and a theme (and any
    other `fields`: stage="pilot"), written in bulk (no signals: the database writes their
    search documents itself), then the derived data rebuilt, as pages that read them need."""
    owner = models.Institution.objects.get(slug=institution)
    chosen = models.Theme.objects.get(slug=theme)
    start = models.Innovation.objects.count()
    cases = models.Innovation.objects.bulk_create(
        models.Innovation(
            slug=f"generated-case-{start + n}",
            institution=owner,
            institution_position=owner.position,
            title=f"Generated case {start + n}",
            summary="A generated case for testing.",
            status=status,
            position=100 + n,
            **fields,
        )
        for n in range(count)
    )
    models.Innovation.themes.through.objects.bulk_create(
        models.Innovation.themes.through(innovation=case, theme=chosen) for case in cases
    )
    models.Impact.objects.bulk_create(
        models.Impact(innovation=case, statement=f"Generated impact {n}.", position=n)
        for case in cases
        for n in (1, 2)
    )
    counts.recount()
    return cases


EVERY_FIELD = {
    "year_started": 2022,
    "year_ended": 2022,
    "stage": "evaluated",
    "branch": "across-branches",
    "lessons": "Meet once, all together.",
    "reuse_needs": "Managers free to meet for five hours.",
    "contact_role": "Service design unit",
    "contact_email": "design@example.org",
    "contact_public": True,
}


def with_every_field(slug="design-thinking", **changes):
    """A seed case with every optional field of the record filled (EVERY_FIELD, then
    `changes`) and one link; written with update(), as a test that reads pages fresh needs."""
    models.Innovation.objects.filter(slug=slug).update(**{**EVERY_FIELD, **changes})
    case = models.Innovation.objects.get(slug=slug)
    case.links.create(title="Passport programme", url="https://example.org/passports")
    return case
