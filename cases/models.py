"""The catalogue's tables and their rules, with the QuerySets that views read through.

Theme, Institution (with its key facts), Source, Innovation (a case), Impact and Award, and
CatalogueVersion, the counter that every change to the catalogue moves on (see pagecache.py).
Every table a fixture touches has a natural key (its slug) so fixtures stay readable.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models, transaction
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_countries.fields import CountryField

from . import search


class SlugManager(models.Manager):
    """Finds rows by slug, the natural key that fixtures and URLs use."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class CaseListQuerySet(models.QuerySet):
    """For tables that innovations point to: institutions and themes."""

    def with_case_counts(self):
        """Each row with `case_count`, its number of published innovations."""
        return self.counting(case_count=Innovation.objects.published())

    def counting(self, **cases):
        """Every row, in the model's order, with one count per keyword: how many of those
        cases (an Innovation queryset) point to it. Each count is a grouped subquery over the
        cases, joined once, so the database counts only the cases that match, through their
        own indexes, instead of testing every case against every row. Identical subqueries
        are joined once. Returns a RawQuerySet; filters on `self` are not applied."""
        sql, params = self._counting_sql("*", cases)
        return self.model.objects.raw(sql, params)

    def counted_values(self, fields, **cases):
        """As counting(), but only `fields` and the counts, as tuples: no model objects, for
        the facets, which list every institution on every page."""
        quote = connection.ops.quote_name
        columns = ", ".join(
            f"{quote(self.model._meta.db_table)}.{quote(self.model._meta.get_field(f).column)}"
            for f in fields
        )
        sql, params = self._counting_sql(columns, cases)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _counting_sql(self, selected, cases):
        model = self.model
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        if selected == "*":
            selected = f"{table}.*"
        path = "institution" if model is Institution else "themes"
        columns, joins, params, aliases = [], [], [], {}
        for name, queryset in cases.items():
            if queryset.query.is_empty():
                columns.append(f"0 AS {quote(name)}")
                continue
            grouped = (
                queryset.order_by()
                .values(counted_key=F(path))
                .annotate(counted=Count("*"))
                .values("counted_key", "counted")
            )
            sql, sql_params = grouped.query.sql_with_params()
            alias = aliases.get((sql, tuple(sql_params)))
            if alias is None:
                alias = aliases[(sql, tuple(sql_params))] = f"counts_{len(aliases)}"
                joins.append(
                    f"LEFT JOIN ({sql}) {alias} ON {alias}.{quote('counted_key')} = {table}.id"
                )
                params.extend(sql_params)
            columns.append(f"COALESCE({alias}.{quote('counted')}, 0) AS {quote(name)}")
        order = ", ".join(
            f"{table}.{quote(model._meta.get_field(field).column)}"
            for field in model._meta.ordering
        )
        sql = (
            f"SELECT {selected}, {', '.join(columns)} FROM {table} {' '.join(joins)} "
            f"ORDER BY {order}"
        )
        return sql, params


CaseListManager = SlugManager.from_queryset(CaseListQuerySet)


class Theme(models.Model):
    """A success-factor theme: one of the article's five "critical factors of success"."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    objects = CaseListManager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cases:theme", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class Institution(models.Model):
    """A member institution that contributes cases."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200, unique=True)
    acronym = models.CharField(max_length=30, blank=True)
    country = CountryField()
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in the summary table; lower comes first."
    )

    objects = CaseListManager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.short_name

    def save(self, *args, **kwargs):
        # Cases carry their institution's position, so Table 1's order can use an index.
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.innovations.exclude(institution_position=self.position).update(
                institution_position=self.position
            )

    def get_absolute_url(self):
        return reverse("cases:institution", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    @property
    def short_name(self):
        return self.acronym or self.name


class InstitutionFact(models.Model):
    """A key fact about an institution as its source states it, e.g. "Staff: 45,000"."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="facts")
    label = models.CharField(max_length=100)
    value = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.label}: {self.value}"


class Source(models.Model):
    """A publication that a case or fact comes from."""

    slug = models.SlugField(unique=True)
    authors = models.CharField(max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    title = models.CharField(max_length=300)
    published_in = models.CharField(
        max_length=200, blank=True, help_text="Journal, magazine or site, with the date if known."
    )
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField("address", blank=True)
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


class InnovationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Innovation.Status.PUBLISHED)

    def in_table_order(self):
        """Table 1's order: institutions in their order, then each institution's cases.
        Uses the copy of the institution's position on each case, which an index covers."""
        return self.order_by("institution_position", "institution_id", "position", "title")

    def sync_institution_positions(self):
        """Copy each institution's position onto its cases, after writes that skip save()
        (fixtures load raw)."""
        position = Institution.objects.filter(pk=models.OuterRef("institution_id"))
        return self.update(institution_position=models.Subquery(position.values("position")[:1]))

    def for_summary_table(self):
        """Everything the summary table shows, in a fixed number of queries whatever the size:
        the rows with their institution, then one query each for impacts and themes."""
        return (
            self.in_table_order()
            .defer("body", "search_vector")  # not shown in the table, and the largest columns
            .select_related("institution")
            .prefetch_related(
                Prefetch("impacts", queryset=Impact.objects.order_by("position", "pk")),
                Prefetch("themes", queryset=Theme.objects.only("slug", "name", "position")),
            )
        )

    def for_detail(self):
        return (
            self.defer("search_vector")
            .select_related("institution")
            .prefetch_related(
                "themes",
                Prefetch("impacts", queryset=Impact.objects.order_by("position", "pk")),
                "sources",
                "awards",
                Prefetch(
                    "collaborations",
                    queryset=Collaboration.objects.select_related("partner"),
                ),
            )
        )

    def with_any_theme(self, slugs):
        """Cases that have at least one of the themes (OR), without duplicate rows."""
        through = Innovation.themes.through.objects.filter(theme__slug__in=slugs)
        return self.filter(pk__in=through.values("innovation_id"))

    def search(self, text, themes=(), countries=(), ranked=True):
        """Cases matching `text` (and any of the theme slugs and country codes given),
        annotated with `rank` and a highlighted `headline` unless `ranked` is False; see
        search.py for how each database does it."""
        return search.search(self, text, themes, countries, ranked)

    def newest_first(self):
        return self.order_by("-created", "-pk")

    def by_relevance(self):
        """Best match first (after search()); ties keep Table 1's order."""
        return self.order_by("-rank", "institution_position", "institution_id", "position", "title")

    # The review workflow: draft -> in review -> published, and back to draft. Bulk updates
    # send no signals, so each step moves the catalogue version on itself: no visitor may see
    # a cached page from before. Each returns the number of cases it changed.

    def submit_for_review(self):
        """Drafts go to the editors for review."""
        return self.filter(status=Innovation.Status.DRAFT)._move_to(Innovation.Status.REVIEW)

    def publish(self):
        """Make cases public, recording when: save()'s rule for published_at, for many cases
        in one UPDATE."""
        now = timezone.now()
        return self.exclude(status=Innovation.Status.PUBLISHED)._move_to(
            Innovation.Status.PUBLISHED, published_at=now
        )

    def withdraw(self):
        """Take cases in review or published back to draft, out of public view."""
        return self.exclude(status=Innovation.Status.DRAFT)._move_to(Innovation.Status.DRAFT)

    def _move_to(self, status, **fields):
        count = self.update(status=status, updated=timezone.now(), **fields)
        if count:
            CatalogueVersion.bump()
        return count

    def create_suggested(self, *, institution, title, summary, impact, name, email):
        """A case a member suggested: a draft in review with its impact and who sent it,
        under a slug of its own."""
        with transaction.atomic():
            case = self.create(
                institution=institution,
                title=title,
                summary=summary,
                status=Innovation.Status.REVIEW,
                slug=self.free_slug(title),
            )
            case.impacts.create(statement=impact, position=1)
            Suggestion.objects.create(innovation=case, name=name, email=email)
        return case

    def free_slug(self, title):
        """A slug made from the title that no case has yet."""
        base = slugify(title)[:40].strip("-") or "case"
        taken = set(self.filter(slug__startswith=base).values_list("slug", flat=True))
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        return slug

    def recognised(self):
        """Cases that received an award."""
        return self.filter(pk__in=Award.objects.values("innovation_id"))

    def with_partner_kinds(self, kinds):
        """Cases that worked with at least one partner of these kinds (OR)."""
        links = Collaboration.objects.filter(partner__kind__in=kinds)
        return self.filter(pk__in=links.values("innovation_id"))

    def refresh_search_vectors(self):
        search.refresh_search_vectors(self)

    def sharing_themes_with(self, innovation):
        """Other cases with a theme in common: most themes shared first, then the same
        country, then Table 1's order. Sharing a theme is symmetric, so the relation is too."""
        # The page has the case's themes already (prefetched): a list, not another subquery.
        theme_ids = [theme.pk for theme in innovation.themes.all()]
        return (
            self.exclude(pk=innovation.pk)
            .filter(themes__in=theme_ids)
            .annotate(
                shared_themes=Count("themes"),
                same_country=Case(
                    When(institution__country=innovation.institution.country, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                ),
            )
            .select_related("institution")
            .defer("body", "search_vector")
            .order_by(
                "-shared_themes",
                "-same_country",
                "institution_position",
                "institution_id",
                "position",
                "title",
            )
        )


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
    body = models.TextField("narrative", blank=True, help_text="The full story of the case.")
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


class Partner(models.Model):
    """Someone an institution worked with on an innovation: another organisation, or a unit
    of its own staff."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", "Internal unit"
        GOVERNMENT = "government", "Government agency"
        COMPANY = "company", "Private company"
        NONPROFIT = "nonprofit", "Non-profit"
        INTERNATIONAL = "international", "International organisation"
        NETWORK = "network", "Network of organisations"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    country = CountryField(
        blank=True, help_text="Leave empty for a network or an international body."
    )

    objects = SlugManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


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


class Contributor(models.Model):
    """Ties a contributor's account to one institution: they then see and edit only that
    institution's cases in the admin."""

    user = models.OneToOneField("auth.User", on_delete=models.CASCADE, related_name="contributor")
    # PROTECT: removing the institution must not silently widen what the account can edit.
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="contributors"
    )

    class Meta:
        verbose_name = "institution of a contributor"

    def __str__(self):
        return f"{self.user} for {self.institution}"


def institution_of(user):
    """The institution a contributor is tied to, or None (editors, untied contributors).
    Remembered on the user object: the admin asks several times a request, and Django does
    not remember that a user has no Contributor row."""
    if not hasattr(user, "_tied_institution"):
        try:
            user._tied_institution = user.contributor.institution
        except (Contributor.DoesNotExist, AttributeError):  # AttributeError: anonymous
            user._tied_institution = None
    return user._tied_institution


class Suggestion(models.Model):
    """Who suggested a case through /suggest/. Kept beside the case, never shown publicly."""

    innovation = models.OneToOneField(
        Innovation, on_delete=models.CASCADE, related_name="suggestion"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    received = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self):
        return f"Suggested by {self.name} <{self.email}>"


class CatalogueVersion(models.Model):
    """One row whose number moves on with every change to the catalogue's data. Cached pages
    are stored under the number they were made at, so a change makes them unreachable."""

    number = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"Catalogue version {self.number}"

    @classmethod
    def current(cls):
        # Read on every public request, cached page or not: plain SQL costs half of what
        # building the same query through the ORM does.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT number FROM {cls._meta.db_table} WHERE id = 1")
            row = cursor.fetchone()
        return row[0] if row else 0

    @classmethod
    def bump(cls):
        if not cls.objects.filter(pk=1).update(number=models.F("number") + 1):
            cls.objects.get_or_create(pk=1, defaults={"number": 1})


# The public catalogue's tables: what the page cache's version and the history follow
# (signals.py, history.py), what the seed fills and a backup of the catalogue holds. A new
# catalogue table is added here, and nowhere else.
CATALOGUE_MODELS = (
    Theme,
    Institution,
    InstitutionFact,
    Source,
    Partner,
    Innovation,
    Impact,
    Award,
    Collaboration,
)
