from django.contrib.postgres.search import SearchVectorField
from django.db import models

from ..querysets import CountedCaseQuerySet


class CaseCount(models.Model):
    """How many published cases have a theme, an institution, a stage, branch and year
    started, or some of these together: the catalogue's counts, derived for speed, so that `/`,
    `/matrix/`, `/map/` and `/` with one theme need not count every case on every read.
    One row per `kind` and combination of values; what is not part of the kind is 0 or "".
    Rebuilt from the cases by cases/counts.py, which says when."""

    THEME = "theme"
    INSTITUTION = "institution"
    STAGE_BRANCH_YEAR = "stage-branch-year"
    THEME_INSTITUTION = "theme-institution"
    THEME_STAGE_BRANCH_YEAR = "theme-stage-branch-year"
    # The cases by stage, by branch and by year started, one at a time: what those facets
    # show when none of them is chosen. Each for every case (theme and institution 0), for
    # each theme (institution 0) and for each institution (theme 0).
    STAGE = "stage"
    BRANCH = "branch"
    YEAR = "year"
    ONE_AT_A_TIME = {STAGE: "stage", BRANCH: "branch", YEAR: "year"}  # kind: its column
    # The same for the published cases whose search document in `language` holds `term`, one
    # of the common search terms (SearchTerm): what a search for that one word shows beside
    # its options. By institution; by theme and institution (summed for a theme's count);
    # by stage, by branch and by year started, one at a time.
    TERM_INSTITUTION = "term-institution"
    TERM_THEME_INSTITUTION = "term-theme-institution"
    TERM_STAGE = "term-stage"
    TERM_BRANCH = "term-branch"
    TERM_YEAR = "term-year"
    TERM_ONE_AT_A_TIME = {TERM_STAGE: "stage", TERM_BRANCH: "branch", TERM_YEAR: "year"}
    COLUMNS = ("kind", "language", "term", "theme", "institution", "stage", "branch", "year")

    kind = models.CharField(max_length=30)
    language = models.CharField(max_length=5, blank=True)  # a term's: "en", "fr", …
    term = models.CharField(max_length=100, blank=True)  # a SearchTerm's, as stemmed
    theme = models.IntegerField(default=0)  # a Theme's id
    institution = models.IntegerField(default=0)  # an Institution's id
    stage = models.CharField(max_length=20, blank=True)
    branch = models.CharField(max_length=30, blank=True)
    year = models.IntegerField(default=0)  # the year started; 0 when not given
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    *("kind", "language", "term"),
                    *("theme", "institution", "stage", "branch", "year"),
                ],
                name="casecount_unique_with_terms",
            ),
        ]

    def __str__(self):
        return " ".join(str(getattr(self, column)) for column in self.COLUMNS)


class SearchTerm(models.Model):
    """The common search terms: words (stemmed, as a language's search document holds them)
    that at least counts.COMMON_TERM_CASES published cases contain when counts.recount() last
    chose them. A search for one of them alone, or narrowed by a theme and places, reads its
    options' counts from the stored CaseCount rows of its term (the TERM_ kinds) instead of
    counting tens of thousands of matches. Chosen anew by every recount, so that the rows stored
    for each case stay few; a word that grew common since is counted live until the next."""

    language = models.CharField(max_length=5)
    term = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["language", "term"], name="searchterm_unique"),
        ]

    def __str__(self):
        return f"{self.language} {self.term}"


class SearchLeader(models.Model):
    """The best-ranked published cases of each common search term: the first
    querysets.SEARCH_LEADERS of its matches in the order a search for that word alone lists
    them (nearest first by the RUM index's `distance`; among equals, in its order): the
    first pages of a search for that word read them (paging.SearchLeaders). Stored only
    where the RUM indexes rank (search.ranks_by_index), by cases/leaders.py."""

    # No index of its own: the order index (and the unique one) lead with it.
    term = models.ForeignKey(
        SearchTerm, on_delete=models.CASCADE, related_name="leaders", db_index=False
    )
    distance = models.FloatField()  # the case's document <=> the term: lower is better
    # No constraint: a case deleted while a rebuild writes these rows (editors never wait
    # for one) leaves its rows behind with the version, until the next rebuild.
    innovation = models.ForeignKey(
        "Innovation", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["term", "innovation"], name="searchleader_unique"),
        ]
        indexes = [
            models.Index(fields=["term", "distance", "innovation"], name="searchleader_order"),
        ]

    def __str__(self):
        return f"{self.term_id} {self.distance} {self.innovation_id}"


class SimilarCandidate(models.Model):
    """The first published cases, in Table 1's order, of each group of published cases with
    the same set of themes, country, branch and stage: the only cases that can be among any
    case's similar cases (querysets.sharing_themes_with). Within a group every case ranks
    alike against any other case (themes shared; country, branch, stage the same or not), so
    only Table 1's order
    tells them apart, and a group's first few beat the rest for every case. Each row carries
    its group and its case's place in Table 1's order, so that a case's page ranks this small
    table alone. Rebuilt from the cases by cases/counts.py, with the counts."""

    innovation = models.OneToOneField(  # no constraint, as SearchLeader's
        "Innovation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="similar_candidate",
    )
    themes = models.TextField()  # the group's theme ids in order, between commas: ",2,5,"
    country = models.CharField(max_length=2)
    branch = models.CharField(max_length=20, default="")  # the case's, copied
    stage = models.CharField(max_length=20, default="")
    # The case's place in Table 1's order (querysets.TABLE_ORDER), copied.
    institution_position = models.PositiveIntegerField()
    institution_id = models.IntegerField()  # the institution's id
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)

    class Meta:
        indexes = [models.Index(fields=["themes", "country"], name="similar_group")]

    def __str__(self):
        return f"{self.themes} {self.country} {self.innovation_id}"


class CountedCase(models.Model):
    """A published case as the live counts read it: its institution, its place in Table 1,
    its stage, branch and year started, and its search documents, copied from the case by
    the database itself whenever one of them changes, whoever writes (migration 0025).
    Why: a count that the stored CaseCount rows cannot answer reads the row of every case
    that matches, and a case's own row is wide (its texts in every language); these rows
    are narrow, so the same matches lie on fewer pages (docs/performance.md). On write, a
    changed case's copy is written anew, its documents into this table's indexes too."""

    innovation = models.OneToOneField(
        "Innovation", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    institution = models.ForeignKey(
        "Institution", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    institution_position = models.PositiveIntegerField()
    stage = models.CharField(max_length=20, blank=True)
    branch = models.CharField(max_length=20, blank=True)
    year_started = models.PositiveSmallIntegerField(null=True)
    search_vector = SearchVectorField(null=True)
    search_vector_fr = SearchVectorField(null=True)
    search_vector_es = SearchVectorField(null=True)
    search_vector_de = SearchVectorField(null=True)
    # The case's themes, through the cases' own links (a case's id is its row's here).
    themes = models.ManyToManyField("Theme", through="CountedTheme", related_name="+")
    # The same themes as bits, 1 << theme id, also written by the database (migration 0028):
    # counting the themes of many matches reads them here, not a link lookup per match.
    # NULL when one of its themes' ids does not fit (THEME_BITS or more): counted by its links.
    theme_bits = models.BigIntegerField(null=True)
    THEME_BITS = 63

    objects = CountedCaseQuerySet.as_manager()

    class Meta:
        # Each with the columns counted after it, so that a count reads the index alone.
        indexes = [
            # The place filters (filters.filter_places): each institution's run, as on cases.
            models.Index(
                fields=["institution_position", "institution", "stage", "branch", "year_started"],
                name="counted_place",
            ),
            # The stage, branch and year filters.
            models.Index(
                fields=["stage", "branch", "year_started", "institution"], name="counted_stage"
            ),
        ]

    def __str__(self):
        return str(self.pk)


class CountedTheme(models.Model):
    """The cases' theme links (Innovation.themes' table) as CountedCase's: not a table of
    its own, so nothing to keep in step."""

    innovation = models.ForeignKey(
        CountedCase, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    theme = models.ForeignKey(
        "Theme", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    class Meta:
        managed = False
        db_table = "cases_innovation_themes"

    def __str__(self):
        return f"{self.innovation_id} {self.theme_id}"
