"""The catalogue's counts, kept on write (models.CaseCount): how many published cases each
theme and each institution has; each stage, branch and year started together; each theme and
institution together; and each theme with a stage, branch and year started.

Why: `/` unfiltered (and paged), `/matrix/`, `/map/` and the lists of themes and institutions
showed counts over every published case, and at 100,000 cases counting them took 40 to 80 ms
a query on every read (docs/performance.md). Read from here they take a millisecond or two.
The facets read them when the filters in use are among those a kind covers (facets.py); other
filtered pages still count live, over the fewer cases that match.

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
from django.db.models import Count, OuterRef, Subquery

from .models import CaseCount, Innovation, Institution, Theme

# Past this many cases in one write, rebuilding every row is cheaper than the differences.
RECOUNT_ABOVE = 2000
NO_YEAR = 0


def row(kind, theme=0, institution=0, stage="", branch="", year=None):
    """A row's identity: the values of CaseCount.COLUMNS."""
    return (kind, theme, institution, stage, branch, NO_YEAR if year is None else year)


def rows_of(theme_ids, institution, stage, branch, year):
    """The rows one published case adds one to: the one rule."""
    rows = [
        row(CaseCount.INSTITUTION, institution=institution),
        row(CaseCount.STAGE_BRANCH_YEAR, stage=stage, branch=branch, year=year),
    ]
    for theme in theme_ids:
        rows += [
            row(CaseCount.THEME, theme),
            row(CaseCount.THEME_INSTITUTION, theme, institution),
            row(CaseCount.THEME_STAGE_BRANCH_YEAR, theme, stage=stage, branch=branch, year=year),
        ]
    return rows


def contributions(pks):
    """Counter of row -> cases, for the published cases among `pks`. Inside a transaction
    the cases' rows are locked (PostgreSQL), whatever their status, in the order of their
    ids: when two editors change or publish the same case at once, the second waits, and
    sees the first one's change as its "before"."""
    cases = Innovation.objects.filter(pk__in=pks)
    if connection.in_atomic_block:
        cases = cases.select_for_update(of=("self",)).order_by("pk")
    fields = ("pk", "status", "institution_id", "stage", "branch", "year_started")
    published = Innovation.Status.PUBLISHED
    rows = [row[:1] + row[2:] for row in cases.values_list(*fields) if row[1] == published]
    themes = {}
    links = Innovation.themes.through.objects.filter(innovation__in=[row[0] for row in rows])
    for case, theme in links.values_list("innovation_id", "theme_id"):
        themes.setdefault(case, []).append(theme)
    counter = Counter()
    for pk, institution, stage, branch, year in rows:
        counter.update(rows_of(themes.get(pk, ()), institution, stage, branch, year))
    return counter


def apply(before, after):
    """Move each row by the difference between two contributions (before and after a
    write): one upsert, nothing when nothing changed."""
    changes = sorted(  # in one order, so that two writers lock rows in the same order
        (*key, after[key] - before[key])
        for key in before.keys() | after.keys()
        if after[key] != before[key]
    )
    if not changes:
        return
    quote = connection.ops.quote_name
    table = quote(CaseCount._meta.db_table)
    columns = ", ".join(quote(column) for column in CaseCount.COLUMNS)
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(changes))
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ({columns}, "count") VALUES {values} '
            f'ON CONFLICT ({columns}) DO UPDATE SET "count" = {table}."count" + excluded."count"',
            [value for change in changes for value in change],
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
            count_model(**dict(zip(CaseCount.COLUMNS, key, strict=True)), count=count)
            for key, count in full_count(case_model).items()
        )


def full_count(case_model=Innovation):
    """The counts as a full recount gives them, grouped by the database."""
    counter = Counter()
    published = case_model.objects.filter(status=Innovation.Status.PUBLISHED).order_by()
    for institution, count in published.values_list("institution_id").annotate(n=Count("*")):
        counter[row(CaseCount.INSTITUTION, institution=institution)] = count
    by_stage = published.values_list("stage", "branch", "year_started").annotate(n=Count("*"))
    for stage, branch, year, count in by_stage:
        counter[row(CaseCount.STAGE_BRANCH_YEAR, stage=stage, branch=branch, year=year)] = count
    links = case_model.themes.through.objects.filter(
        innovation__status=Innovation.Status.PUBLISHED
    ).order_by()
    for theme, institution, count in links.values_list(
        "theme_id", "innovation__institution_id"
    ).annotate(n=Count("*")):
        counter[row(CaseCount.THEME, theme)] += count
        counter[row(CaseCount.THEME_INSTITUTION, theme, institution)] = count
    for theme, stage, branch, year, count in links.values_list(
        "theme_id", "innovation__stage", "innovation__branch", "innovation__year_started"
    ).annotate(n=Count("*")):
        key = row(CaseCount.THEME_STAGE_BRANCH_YEAR, theme, stage=stage, branch=branch, year=year)
        counter[key] = count
    return counter


def kept():
    """The kept rows as a Counter, leaving out rows that came down to zero."""
    rows = CaseCount.objects.exclude(count=0).values_list(*CaseCount.COLUMNS, "count")
    return Counter({tuple(values[:-1]): values[-1] for values in rows})


def stage_branch_year_counts(theme=None):
    """[(stage, branch, year or None, count)] of the published cases, or of those with one
    theme (a subquery of its id): one small query."""
    if theme is None:
        rows = CaseCount.objects.filter(kind=CaseCount.STAGE_BRANCH_YEAR)
    else:
        rows = CaseCount.objects.filter(kind=CaseCount.THEME_STAGE_BRANCH_YEAR, theme__in=theme)
    return [
        (stage, branch, year or None, count)
        for stage, branch, year, count in rows.exclude(count=0).values_list(
            "stage", "branch", "year", "count"
        )
    ]


def theme_institution_counts():
    """[(theme slug, institution slug, count)] of the published cases: one query."""

    def slug(model, field):
        return Subquery(model.objects.filter(pk=OuterRef(field)).values("slug")[:1])

    rows = CaseCount.objects.filter(kind=CaseCount.THEME_INSTITUTION).exclude(count=0)
    return rows.values_list(slug(Theme, "theme"), slug(Institution, "institution"), "count")
