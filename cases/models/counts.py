from django.db import models


class CaseCount(models.Model):
    """How many published cases have a theme, an institution, a stage, branch and year
    started, or some of these together: the catalogue's counts kept on write, so that `/`,
    `/matrix/`, `/map/` and `/` with one theme need not count 100,000 cases on every read.
    One row per `kind` and combination of values; what is not part of the kind is 0 or "".
    Kept in step by cases/counts.py, which says what it costs."""

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
    COLUMNS = ("kind", "theme", "institution", "stage", "branch", "year")

    kind = models.CharField(max_length=30)
    theme = models.IntegerField(default=0)  # a Theme's id
    institution = models.IntegerField(default=0)  # an Institution's id
    stage = models.CharField(max_length=20, blank=True)
    branch = models.CharField(max_length=30, blank=True)
    year = models.IntegerField(default=0)  # the year started; 0 when not given
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "theme", "institution", "stage", "branch", "year"],
                name="casecount_unique",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.theme} {self.institution} {self.stage} {self.branch} {self.year}"


class SimilarCandidate(models.Model):
    """The first published cases, in Table 1's order, of each group of published cases with
    the same set of themes and the same country: the only cases that can be among any case's
    similar cases (querysets.sharing_themes_with). Within a group every case ranks alike
    against any other case (themes shared, same country or not), so only Table 1's order
    tells them apart, and a group's first few beat the rest for every case. Each row carries
    its group and its case's place in Table 1's order, so that a case's page ranks this small
    table alone. Kept in step by cases/counts.py with the counts, which says what it costs."""

    innovation = models.OneToOneField(
        "Innovation",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="similar_candidate",
    )
    themes = models.TextField()  # the group's theme ids in order, between commas: ",2,5,"
    country = models.CharField(max_length=2)
    # The case's place in Table 1's order (querysets.TABLE_ORDER), copied.
    institution_position = models.PositiveIntegerField()
    institution_id = models.IntegerField()  # the institution's id
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)

    class Meta:
        indexes = [models.Index(fields=["themes", "country"], name="similar_group")]

    def __str__(self):
        return f"{self.themes} {self.country} {self.innovation_id}"
