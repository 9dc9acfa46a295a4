"""The records that cases point to and share: success-factor themes, member institutions
(with their key facts), sources, and partners. Each has a slug, its natural key, so fixtures
and URLs stay readable."""

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from ..counting import CaseListManager
from ..querysets import SlugManager
from ..regions import REGION_NAMES, region_of
from .translations import Translatable, translatable
from .version import CatalogueVersion


@translatable("name", "description")
class Theme(Translatable, models.Model):
    """A success-factor theme: one of the article's five "critical factors of success"."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField()
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CaseListManager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cases:theme", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    def delete(self, *args, **kwargs):
        # Its cases are read in the writers' turn, so that none an editor is adding it to at
        # the same moment is missed (its name would outlive it in that case's documents).
        with transaction.atomic():
            CatalogueVersion.take_turn()
            return super().delete(*args, **kwargs)


@translatable("name", "acronym", "description", "collaboration_view")
class Institution(Translatable, models.Model):
    """A member institution that contributes cases."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200, unique=True)
    acronym = models.CharField(max_length=30, blank=True)
    country = CountryField()
    description = models.TextField(blank=True)
    collaboration_view = models.TextField(
        _("its view of international collaboration"),
        blank=True,
        help_text=_(
            "What the institution says it seeks from, or brings to, working with "
            "institutions abroad."
        ),
    )
    website = models.URLField(blank=True)
    position = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Order in the summary table; lower comes first.")
    )
    original_language = models.CharField(
        _("language of the text"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_(
            "The language its name and texts were written in; translations are made from it."
        ),
    )

    objects = CaseListManager()

    TEXT_LANGUAGE = None  # each institution says its own

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.short_name

    def save(self, *args, **kwargs):
        # In one transaction with what the database writes after it: its position onto its
        # cases (migration 0023), its name and country into their search documents (0027).
        with transaction.atomic():
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("cases:institution", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    @property
    def text_language(self):
        return self.original_language

    def translated_parts(self):
        return list(self.facts.all())

    @property
    def short_name(self):
        """Its acronym, else its name, as the page's language has them."""
        return self.shown.acronym or self.shown.name

    @property
    def region(self):
        """The slug of the ISSA region of its country (regions.py); never typed."""
        return region_of(self.country.code)

    @property
    def region_name(self):
        return REGION_NAMES[self.region]


@translatable("label", "value")
class InstitutionFact(Translatable, models.Model):
    """A key fact about an institution as its source states it, e.g. "Staff: 45,000"."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="facts")
    label = models.CharField(max_length=100)
    value = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    TEXT_LANGUAGE = None  # its institution's

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.label}: {self.value}"

    @property
    def text_language(self):
        return self.institution.original_language


@translatable("title", "context")
class Source(Translatable, models.Model):
    """A publication that a case or fact comes from."""

    slug = models.SlugField(unique=True)
    authors = models.CharField(max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    title = models.CharField(max_length=300)
    published_in = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Journal, magazine or site, with the date if known."),
    )
    publisher = models.CharField(max_length=200, blank=True)
    context = models.CharField(
        max_length=200,
        blank=True,
        help_text=_(
            "What the work draws on, in words true to it, as a sentence, e.g. “On experiences "
            "presented at the World Social Security Forum, Marrakech, 24–28 October 2022.”"
        ),
    )
    url = models.URLField(_("address"), blank=True)
    note = models.TextField(blank=True)

    objects = SlugManager()

    class Meta:
        ordering = ["authors", "year", "title"]

    def __str__(self):
        return self.citation

    def natural_key(self):
        return (self.slug,)

    @property
    def citation(self):
        """The reference in the article's own style: Authors. Year. "Title", in Venue."""
        parts = []
        if self.authors:
            parts.append(self.authors.rstrip(".") + ".")
        if self.year:
            parts.append(f"{self.year}.")
        title = f"“{self.title}”" if self.published_in else self.title
        if self.published_in:
            title += f", in {self.published_in}"
        elif self.publisher:
            title += f". {self.publisher}"
        parts.append(title.rstrip(".") + ".")
        return " ".join(parts)

    def reference(self, language=None):
        """The citation, then what the work draws on in `language` (the page's): plain text."""
        return f"{self.citation} {self.text('context', language)}".strip()


@translatable("name")
class Partner(Translatable, models.Model):
    """Someone an institution worked with on an innovation: another organisation, or a unit
    of its own staff."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Internal unit")
        GOVERNMENT = "government", _("Government agency")
        COMPANY = "company", _("Private company")
        NONPROFIT = "nonprofit", _("Non-profit")
        INTERNATIONAL = "international", _("International organisation")
        NETWORK = "network", _("Network of organisations")

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        blank=True,
        help_text=_("Leave empty when the source does not say."),
    )
    country = CountryField(
        blank=True, help_text=_("Leave empty for a network or an international body.")
    )

    objects = SlugManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)
