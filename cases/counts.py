"""The unfiltered catalogue's counts, kept on write (models.CaseCount): how many published
cases each theme and each institution has, how many each stage, branch and year started
together, and how many each theme and institution together.

Why: `/` unfiltered (and paged), `/matrix/`, `/map/` and the lists of themes and institutions
showed counts over every published case, and at 100,000 cases counting them took 40 to 80 ms
a query on every read (docs/performance.md). Read from here they take well under a
millisecond. Filtered pages still count live (facets.py asks `answers()`), over the fewer
cases that match.

How they stay right: one rule, `contributions()`, says which rows a published case adds one
to. Every write that can change it is wrapped, in the same transaction, by `changing(pks)`:
it notes the cases' contributions before the write and moves the rows by the difference
after, in the same transaction, so a case
that is edited, published, withdrawn, re-themed, moved or deleted is counted as it is after
the write, and nothing else moves. signals.py wraps saves, deletes and theme changes;
the QuerySet methods that write in bulk (the workflow steps) and the bulk loaders (the
generator, the seed, the tests' factory) call it themselves. `recount()` rebuilds every row
from the cases, and a test compares the kept rows with it after every kind of write.

What it costs on write: before and after, two small queries read the cases' states; then one
upsert moves the rows that changed (a case touches 4 to 10). Measured in docs/performance.md.
"""

from collections import Counter
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Count

from .models import CaseCount, Innovation

# Past this many cases in one write, rebuilding every row is cheaper than the differences.
RECOUNT_ABOVE = 2000


def contributions(pks):
    """Counter of (kind, first, second, key) -> cases, for the published cases among `pks`:
    the rows each adds one to."""
    counter = Counter()
    cases = Innovation.objects.published().filter(pk__in=pks)
    rows = cases.values_list("pk", "institution_id", "stage", "branch", "year_started")
    themes = {}
    for case, theme in Innovation.themes.through.objects.filter(innovation__in=cases).values_list(
        "innovation_id", "theme_id"
    ):
        themes.setdefault(case, []).append(theme)
    for pk, institution, stage, branch, year in rows:
        counter[(CaseCount.INSTITUTION, institution, 0, "")] += 1
        counter[(CaseCount.STAGE_BRANCH_YEAR, 0, 0, stage_branch_year(stage, branch, year))] += 1
        for theme in themes.get(pk, ()):
            counter[(CaseCount.THEME, theme, 0, "")] += 1
            counter[(CaseCount.THEME_INSTITUTION, theme, institution, "")] += 1
    return counter


def stage_branch_year(stage, branch, year):
    return f"{stage}|{branch}|{'' if year is None else year}"


def apply(before, after):
    """Move each row by the difference between two contributions (before and after a
    write): one upsert, nothing when nothing changed."""
    changes = sorted(  # in one order, so that two writers lock rows in the same order
        (*row, after[row] - before[row])
        for row in before.keys() | after.keys()
        if after[row] != before[row]
    )
    if not changes:
        return
    table = connection.ops.quote_name(CaseCount._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(changes))
    params = [value for change in changes for value in change]
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("kind", "first", "second", "key", "count") VALUES {values} '
            f'ON CONFLICT ("kind", "first", "second", "key") DO UPDATE SET '
            f'"count" = {table}."count" + excluded."count"',
            params,
        )


@contextmanager
def changing(pks):
    """Around a write to the cases `pks` (their fields, status, themes or existence): the
    rows move by the difference between their contributions before and after it, in the
    same transaction; a write that fails moves nothing."""
    pks = list(pks)
    with transaction.atomic():
        if len(pks) > RECOUNT_ABOVE:
            yield
            recount()
        else:
            before = contributions(pks)
            yield
            apply(before, contributions(pks))


def added(pks):
    """After cases were written in bulk without signals (bulk_create): count them in."""
    pks = list(pks)
    if len(pks) > RECOUNT_ABOVE:
        recount()
    else:
        apply(Counter(), contributions(pks))


def recount(case_model=Innovation, count_model=CaseCount):
    """Every row anew, from the published cases: what the kept rows must always equal. The
    models can be given (the migration that made the table passes its own)."""
    with transaction.atomic():
        count_model.objects.all().delete()
        count_model.objects.bulk_create(
            count_model(kind=kind, first=first, second=second, key=key, count=count)
            for (kind, first, second, key), count in full_count(case_model).items()
        )


def full_count(case_model=Innovation):
    """The counts as a full recount gives them, computed by the database."""
    counter = Counter()
    published = case_model.objects.filter(status=Innovation.Status.PUBLISHED).order_by()
    for institution, count in published.values_list("institution_id").annotate(n=Count("*")):
        counter[(CaseCount.INSTITUTION, institution, 0, "")] = count
    for stage, branch, year, count in published.values_list(
        "stage", "branch", "year_started"
    ).annotate(n=Count("*")):
        key = stage_branch_year(stage, branch, year)
        counter[(CaseCount.STAGE_BRANCH_YEAR, 0, 0, key)] = count
    links = case_model.themes.through.objects.filter(
        innovation__status=Innovation.Status.PUBLISHED
    ).order_by()
    for theme, institution, count in links.values_list(
        "theme_id", "innovation__institution_id"
    ).annotate(n=Count("*")):
        counter[(CaseCount.THEME, theme, 0, "")] += count
        counter[(CaseCount.THEME_INSTITUTION, theme, institution, "")] = count
    return counter


def kept():
    """The kept rows as a Counter, leaving out rows that came down to zero."""
    rows = CaseCount.objects.exclude(count=0).values_list("kind", "first", "second", "key", "count")
    return Counter({tuple(row[:4]): row[4] for row in rows})


def stage_branch_year_counts():
    """[(stage, branch, year, count)] of the published cases: one small query."""
    rows = CaseCount.objects.filter(kind=CaseCount.STAGE_BRANCH_YEAR).exclude(count=0)
    result = []
    for key, count in rows.values_list("key", "count"):
        stage, branch, year = key.split("|")
        result.append((stage, branch, int(year) if year else None, count))
    return result


def theme_institution_counts():
    """[(theme slug, institution slug, count)] of the published cases: one query."""
    from django.db.models import OuterRef, Subquery

    from .models import Institution, Theme

    def slug(model, field):
        return Subquery(model.objects.filter(pk=OuterRef(field)).values("slug")[:1])

    rows = CaseCount.objects.filter(kind=CaseCount.THEME_INSTITUTION).exclude(count=0)
    return rows.values_list(slug(Theme, "first"), slug(Institution, "second"), "count")
