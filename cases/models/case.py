"""A case (Innovation) and its parts: what it achieved (Impact), the recognition it received
(Award), and who the institution worked with on it (Collaboration)."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ..querysets import InnovationQuerySet, SlugManager
from .records import Institution, Partner, Source, Theme


class Innovation(models.Model):
    """An innovation case: one row of the summary table."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"

    slug = models.SlugField(unique=True)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="innovations"
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="One or two sentences, as in the summary table.")
    story = models.TextField(
        blank=True,
        help_text="The whole story of the case: what the institution did, how and with whom.",
    )
    themes = models.ManyToManyField(Theme, related_name="innovations")
    sources = models.ManyToManyField(Source, related_name="innovations", blank=True)
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Only published cases are public. Contributors send cases to review; "
        "editors publish them.",
    )
    published_at = models.DateTimeField(
        "published", null=True, blank=True, editable=False, help_text="When it was last published."
    )
    position = models.PositiveIntegerField(
        default=0, help_text="Order within its institution in the summary table."
    )
    # A copy of institution.position (kept by Institution.save and Innovation.save), so that
    # Table 1's order is one index on this table.
    institution_position = models.PositiveIntegerField(default=0, editable=False)
    # Defaults rather than auto_now: loaddata saves raw, and would otherwise leave them empty.
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(default=timezone.now, editable=False)
    # Kept by search.py from this row and its impacts, themes and institution; PostgreSQL only.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = SlugManager.from_queryset(InnovationQuerySet)()

    class Meta:
        verbose_name = "case"  # what every screen calls it
        ordering = ["position", "title"]
        indexes = [
            models.Index(
                fields=["status", "institution_position", "institution", "position", "title"],
                name="innovation_table_order",
            ),
            models.Index(fields=["status", "-created"]),
            # Lets counts over all published cases read the index instead of the wide rows.
            models.Index(fields=["status", "id"], name="innovation_published_ids"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "review", "published"]),
                name="innovation_status_valid",
            ),
        ]
        permissions = [("publish_innovation", "Can publish and withdraw innovations")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.updated = timezone.now()
        self.institution_position = self.institution.position
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
        return case

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED


class Impact(models.Model):
    """What an innovation achieved, with a figure where the source gives one."""

    class Qualifier(models.TextChoices):
        EXACT = "", "exactly"
        OVER = "over", "over"
        UNDER = "less than", "less than"
        ABOUT = "about", "about"

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="impacts")
    statement = models.TextField()
    figure = models.PositiveIntegerField(null=True, blank=True)
    qualifier = models.CharField(
        max_length=10, choices=Qualifier.choices, blank=True, default=Qualifier.EXACT
    )
    out_of = models.PositiveIntegerField(
        null=True, blank=True, help_text="The whole the figure is part of: 5,000 out of 8,000."
    )
    unit = models.CharField(max_length=60, blank=True, help_text="For example: weeks, people.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            # A qualifier, a whole or a unit only make sense with a figure.
            models.CheckConstraint(
                condition=Q(figure__isnull=False) | Q(qualifier="", out_of__isnull=True, unit=""),
                name="impact_details_need_figure",
            ),
            models.CheckConstraint(
                condition=Q(out_of__isnull=True) | Q(out_of__gte=models.F("figure")),
                name="impact_part_not_above_whole",
            ),
        ]

    def __str__(self):
        return self.statement

    @property
    def figure_text(self):
        return figure_text(self.figure, self.qualifier, self.out_of, self.unit)


def figure_text(figure, qualifier="", out_of=None, unit=""):
    """A figure as a reader says it: "less than 8 weeks", "5,000 out of 8,000 webpages"."""
    if figure is None:
        return ""
    words = [qualifier, f"{figure:,}"]
    if out_of is not None:
        words.append(f"out of {out_of:,}")
    words.append(unit)
    return " ".join(word for word in words if word)


class Award(models.Model):
    """A recognition an innovation received, such as an ISSA Good Practice Award."""

    class Level(models.TextChoices):
        # The levels the ISSA Good Practice Awards give, highest first.
        AWARD = "award", "Award"
        SPECIAL_MENTION = "special-mention", "Certificate of merit with special mention"
        MERIT = "merit", "Certificate of merit"

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="awards")
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.AWARD)
    year = models.PositiveSmallIntegerField()
    practice_title = models.CharField(
        max_length=300, blank=True, help_text="The title under which the practice was recognised."
    )

    class Meta:
        ordering = ["-year", "name"]

    def __str__(self):
        if self.level == self.Level.AWARD:
            return f"{self.name} {self.year}"
        return f"{self.name} {self.year}: {self.get_level_display()}"


class Collaboration(models.Model):
    """A partner's part in an innovation."""

    innovation = models.ForeignKey(
        Innovation, on_delete=models.CASCADE, related_name="collaborations"
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="collaborations")
    role = models.CharField(max_length=300, help_text="What the partner did, in a few words.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["innovation", "partner"], name="one_collaboration_per_partner"
            )
        ]

    def __str__(self):
        return f"{self.partner} ({self.role})"
