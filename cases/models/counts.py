from django.db import models


class CaseCount(models.Model):
    """How many published cases have a theme, an institution, a stage, branch and year, or a
    theme and an institution together: the counts of the unfiltered catalogue, kept on write
    so that `/`, `/matrix/` and `/map/` need not count 100,000 cases on every read. One row
    per `kind` and `key`; kept in step by cases/counts.py, which says what it costs."""

    THEME, INSTITUTION, STAGE_BRANCH_YEAR, THEME_INSTITUTION = (
        "theme",
        "institution",
        "stage-branch-year",
        "theme-institution",
    )

    kind = models.CharField(max_length=20)
    # The theme's or the institution's id (a pair: the theme's, then the institution's), so
    # that the counts join their rows; 0 where the kind has none.
    first = models.IntegerField(default=0)
    second = models.IntegerField(default=0)
    key = models.CharField(max_length=60, blank=True)  # stage|branch|year
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "first", "second", "key"], name="casecount_unique"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.first} {self.second} {self.key}: {self.count}"
