"""A case (Innovation); its parts are in parts.py."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..querysets import InnovationQuerySet, SlugManager
from .records import Institution, Source, Theme
from .translations import Translatable, translatable

YEAR_VALIDATORS = [
    MinValueValidator(1900, _("Give a year from 1900 on.")),
    MaxValueValidator(2100, _("Give a year before 2100.")),
]


@translatable("title", "summary", "story", "lessons", "reuse_needs")
class Innovation(Translatable, models.Model):
    """An innovation case: one row of the summary table."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

    class Stage(models.TextChoices):
        """How far along the case is, from the first idea to an evaluation."""

        IDEA = "idea", _("Idea")
        PILOT = "pilot", _("Pilot")
        OPERATING = "operating", _("In operation")
        SCALED_UP = "scaled-up", _("Scaled up")
        EVALUATED = "evaluated", _("Evaluated")

    class Branch(models.TextChoices):
        """The branch of social security a case serves (the ILO's branches, as the ISSA
        names them), or all of them."""

        OLD_AGE = "old-age", _("Old age")
        DISABILITY = "disability", _("Disability")
        SURVIVORS = "survivors", _("Survivors")
        SICKNESS_HEALTH = "sickness-health", _("Sickness and health")
        EMPLOYMENT_INJURY = "employment-injury", _("Employment injury")
        UNEMPLOYMENT = "unemployment", _("Unemployment")
        FAMILY_MATERNITY = "family-maternity", _("Family and maternity")
        SOCIAL_ASSISTANCE = "social-assistance", _("Social assistance")
        ACROSS = "across-branches", _("Across branches")

    slug = models.SlugField(unique=True)
    # Empty only while a suggested case waits for an editor to match or create the
    # institution its sender named (Suggestion.institution_name); a published case has one.
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="innovations",
        null=True,
        blank=True,
    )
    title = models.CharField(max_length=200)
    original_language = models.CharField(
        _("language of the text"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the case was written in; translations are made from it."),
    )
    summary = models.TextField(help_text=_("One or two sentences, as in the summary table."))
    story = models.TextField(
        blank=True,
        help_text=_("The whole story of the case: what the institution did, how and with whom."),
    )
    themes = models.ManyToManyField(Theme, related_name="innovations")
    sources = models.ManyToManyField(Source, related_name="innovations", blank=True)
    # What peers ask before reusing a case; each optional, and shown only when filled.
    year_started = models.PositiveSmallIntegerField(
        _("year started"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    year_ended = models.PositiveSmallIntegerField(
        _("year ended"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("Only if the case has ended."),
    )
    stage = models.CharField(
        max_length=20, choices=Stage.choices, blank=True, help_text=_("How far along it is.")
    )
    branch = models.CharField(
        _("branch of social security"), max_length=20, choices=Branch.choices, blank=True
    )
    lessons = models.TextField(_("what was learned"), blank=True)
    reuse_needs = models.TextField(
        _("what reuse needs"),
        blank=True,
        help_text=_(
            "What another institution needs to do the same: people, skills, systems, "
            "laws, partners."
        ),
    )
    contact_role = models.CharField(
        _("contact: role or unit"),
        max_length=200,
        blank=True,
        help_text=_("A role or a unit rather than a person, for example “Innovation Lab”."),
    )
    contact_email = models.EmailField(_("contact: e-mail address"), blank=True)
    contact_public = models.BooleanField(
        _("the institution agrees to show this contact"),
        default=False,
        help_text=_(
            "Without this tick the contact stays in the admin and is never shown publicly."
        ),
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_(
            "Only published cases are public. Contributors send cases to review; "
            "editors publish them."
        ),
    )
    published_at = models.DateTimeField(
        _("published"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When it was last published."),
    )
    position = models.PositiveIntegerField(
        _("order"), default=0, help_text=_("Order within its institution in the summary table.")
    )
    # A copy of institution.position, written by the database whoever writes (migration
    # 0023), so that Table 1's order is one index on this table.
    institution_position = models.PositiveIntegerField(default=0, editable=False)
    # A search's summary with the words found marked (querysets.search annotates it); none
    # otherwise. Said here because a template's failed lookup of it cost a dir() of the case
    # on every row of the summary table.
    headline = ""
    # Defaults rather than auto_now: loaddata saves raw, and would otherwise leave them empty.
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(default=timezone.now, editable=False)
    # Kept by search.py from this row and its impacts, themes and institution; PostgreSQL only.
    # One document per site language, of the text a page in it shows, stemmed by that
    # language's rules (search.VECTOR_FIELDS): search_vector is the English one.
    search_vector = SearchVectorField(null=True, editable=False)
    search_vector_fr = SearchVectorField(null=True, editable=False)
    search_vector_es = SearchVectorField(null=True, editable=False)
    search_vector_de = SearchVectorField(null=True, editable=False)

    objects = SlugManager.from_queryset(InnovationQuerySet)()

    class Meta:
        verbose_name = _("case")  # what every screen calls it
        verbose_name_plural = _("cases")
        ordering = ["position", "title"]
        indexes = [
            models.Index(
                fields=["status", "institution_position", "institution", "position", "title"],
                name="innovation_table_order",
            ),
            models.Index(fields=["status", "-created"]),
            # Lets counts over all published cases read the index instead of the wide rows.
            models.Index(fields=["status", "id"], name="innovation_published_ids"),
            # The stage, branch and year facets of `/` from the index alone, not the wide rows.
            models.Index(
                fields=["status", "stage", "branch", "year_started"],
                name="innovation_stage_counts",
            ),
            # Whether an institution has a published case (Institution.objects.public(), on
            # every page's place facets): one index lookup each, where PostgreSQL walked
            # innovation_table_order from its start for each institution.
            models.Index(fields=["institution", "status"], name="innovation_institution_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "review", "published"]),
                name="innovation_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(institution__isnull=False),
                name="innovation_published_has_institution",
            ),
            models.CheckConstraint(
                condition=Q(year_ended__isnull=True)
                | Q(year_started__isnull=True)
                | Q(year_ended__gte=models.F("year_started")),
                name="innovation_ends_after_it_starts",
            ),
        ]
        permissions = [("publish_innovation", _("Can publish and withdraw innovations"))]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.updated = timezone.now()
        if self.is_published and getattr(self, "_status_as_loaded", None) != self.status:
            self.published_at = self.updated  # the one rule: when it last became published
        super().save(*args, **kwargs)
        self._status_as_loaded = self.status

    def get_absolute_url(self):
        return reverse("cases:innovation", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    @classmethod
    def from_db(cls, db, field_names, values):
        case = super().from_db(db, field_names, values)
        case._status_as_loaded = case.__dict__.get("status")  # for save()'s published_at
        case.language_as_loaded = case.__dict__.get("original_language")  # for its screen
        return case

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def years(self):
        """When it ran, as a reader says it: "2019–2022", "Since 2022", or ""."""
        if self.year_started and self.year_ended:
            if self.year_started == self.year_ended:
                return str(self.year_started)
            return f"{self.year_started}–{self.year_ended}"
        if self.year_started:
            return gettext("Since %(year)s") % {"year": self.year_started}
        return gettext("Until %(year)s") % {"year": self.year_ended} if self.year_ended else ""

    TEXT_LANGUAGE = None  # each case says its own

    def translated_parts(self):
        return [*self.impacts.all(), *self.collaborations.all(), *self.links.all()]

    @property
    def text_language(self):
        return self.original_language

    @property
    def public_contact(self):
        """The contact, when the institution agreed to show it and there is one."""
        return self.contact_public and bool(self.contact_role or self.contact_email)

    @property
    def not_recorded(self):
        """What peers ask about that this case does not record yet, as the page names it:
        the page says so rather than hiding it."""
        missing = {
            _("how far along it is"): not self.stage,
            _("what was learned"): not self.lessons,
            _("what reusing it needs"): not self.reuse_needs,
            _("whom to ask"): not self.public_contact,
        }
        return [str(name) for name, empty in missing.items() if empty]
