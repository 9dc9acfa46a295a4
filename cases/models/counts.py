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
