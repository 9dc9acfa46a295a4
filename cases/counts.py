"""The catalogue's derived data, computed from the records by one rule (recount()):

- the counts (models.CaseCount): how many published cases each theme and each institution
  has; each stage, branch and year started together; each theme and institution together;
  each theme with a stage, branch and year started; and each stage, branch and year on its
  own, for every case, each theme and each institution. The same for the cases whose search
  document holds each common search term (models.SearchTerm), by institution, by theme and
  institution, and by stage, branch and year one at a time;
- the similar-case candidates (models.SimilarCandidate) and each common term's best-ranked
  cases (models.SearchLeader, leaders.py).

Why: counting every published case on every read of `/`, `/matrix/`, `/map/` and the lists
is too slow at 100,000 cases (docs/performance.md). The facets read these counts when the
filters in use are among those a kind covers (facets.py); other pages count live, over the
counted copies of the cases that match (which the database keeps: migration 0025).

How they stay right: no write adjusts them. Every write moves the catalogue version on (the
database's triggers), which leaves them behind (CatalogueVersion.derived); a page that finds
them behind counts live and asks for a rebuild (derived.py), which computes them anew and
says which version they match.

The common search terms' rows take minutes to count, so only the full recount (nightly:
manage.py recount) chooses them; until then such a word is counted live. The candidates:
cases with the same themes and country rank alike against any case, so only the first few of
each such group can ever be a case's similar cases.
"""

from collections import Counter

from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery, Sum

from . import leaders, search
from .counting import fetch, fetch_either
from .models import (
    CaseCount,
    CatalogueVersion,
    CountedCase,
    Innovation,
    Institution,
    SearchTerm,
    SimilarCandidate,
    Theme,
)
from .querysets import SIMILAR_SHOWN, TABLE_ORDER

NO_YEAR = 0
# A group's candidates: enough for the page of a case in the group itself, which is left out.
CANDIDATES = SIMILAR_SHOWN + 1
# A word is a common search term when at least this many published cases hold it (in one
# language's documents) at a recount: below it, counting a search's matches live costs a few
# milliseconds; above, each word's counts are stored (a dozen rows per case and common word).
COMMON_TERM_CASES = 1000
TERM_KINDS = (
    CaseCount.TERM_INSTITUTION,
    CaseCount.TERM_THEME_INSTITUTION,
    *CaseCount.TERM_ONE_AT_A_TIME,
)
# Facet words (search.facet_token) are in the documents but never typed: never common terms.
NOT_TERMS = [search.facet_token(kind, "") for kind in ("theme", "country")]


def choose_all_candidates():
    """Every group's candidates anew: the first CANDIDATES published cases in Table 1's order
    of each group (cases with the same themes, country, branch and stage), ranked in one
    query."""
    SimilarCandidate.objects.all().delete()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(SimilarCandidate._meta.get_field(f).column) for f in CANDIDATES_OF)
    with connection.cursor() as cursor:
        sql, params = _candidates_sql()
        cursor.execute(
            f"INSERT INTO {quote(SimilarCandidate._meta.db_table)} ({columns}) {sql}", params
        )


# SimilarCandidate's fields, in the order _candidates_sql() gives them.
CANDIDATES_OF = ("innovation", "themes", "country", "branch", "stage", *TABLE_ORDER)


def _candidates_sql():
    """SQL of the candidates' rows (CANDIDATES_OF), and its parameters. A group's themes are
    its theme ids in order between commas (",2,5,"), so that a theme is found with
    `contains`. SQLite's group_concat takes the ids in the order its subquery reads them."""
    quote = connection.ops.quote_name
    cases = quote(Innovation._meta.db_table)
    institutions = quote(Institution._meta.db_table)
    links = quote(Innovation.themes.through._meta.db_table)
    if connection.vendor == "postgresql":
        themes = f"string_agg(theme_id::text, ',' ORDER BY theme_id) AS themes FROM {links}"
    else:
        themes = (
            f"group_concat(theme_id, ',') AS themes FROM (SELECT * FROM {links} ORDER BY theme_id)"
        )
    order = ", ".join(f"c.{quote(column)}" for column in (*TABLE_ORDER, "id"))
    sql = (
        f"SELECT {', '.join(CANDIDATES_OF)} FROM ("
        f"SELECT c.id AS innovation, ',' || k.themes || ',' AS themes, i.country, c.branch, "
        "c.stage, "
        f"{', '.join('c.' + quote(column) for column in TABLE_ORDER)}, "
        "row_number() OVER (PARTITION BY k.themes, i.country, c.branch, c.stage "
        f"ORDER BY {order}) AS place "
        f"FROM {cases} c JOIN {institutions} i ON i.id = c.institution_id "
        f"JOIN (SELECT innovation_id, {themes} GROUP BY innovation_id) k "
        "ON k.innovation_id = c.id WHERE c.status = %s) ranked WHERE place <= %s"
    )
    return sql, [Innovation.Status.PUBLISHED.value, CANDIDATES]


def recount(terms=True):
    """The one rule: every row, every group's candidates and every common term's leaders
    anew from the records, the common search terms chosen anew first (without `terms`,
    none: counting their rows takes minutes). Editors do not wait for it: it says the
    derived data match the version it started from, which a write committed meanwhile has
    already left behind (CatalogueVersion.rebuilt_from)."""
    with transaction.atomic():
        started_from = CatalogueVersion.rebuild_turn()
        choose_terms(chosen=terms)
        count_all()
        count_terms()
        choose_all_candidates()
        leaders.choose()
        CatalogueVersion.rebuilt_from(started_from)


def count_all():
    """Every row anew but the search terms': one INSERT of every kind's groups (_rows_sql)."""
    CaseCount.objects.all().delete()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in (*CaseCount.COLUMNS, "count"))
    sql, params = _rows_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(CaseCount._meta.db_table)} ({columns}) {sql}", params)


# Each kind of row but the terms': the columns it groups the published cases by, the others
# 0 or "". The one-at-a-time kinds for every case, each institution and each theme.
KINDS = [
    (CaseCount.INSTITUTION, ["institution"]),
    (CaseCount.STAGE_BRANCH_YEAR, ["stage", "branch", "year"]),
    (CaseCount.THEME, ["theme"]),
    (CaseCount.THEME_INSTITUTION, ["theme", "institution"]),
    (CaseCount.THEME_STAGE_BRANCH_YEAR, ["theme", "stage", "branch", "year"]),
    *[
        (kind, [column, *scope])
        for kind, column in CaseCount.ONE_AT_A_TIME.items()
        for scope in ([], ["institution"], ["theme"])
    ],
]


def _rows_sql():
    """SQL of every row but the terms' (CaseCount.COLUMNS, then the count), grouped by the
    database from the published cases' counted copies and their theme links; its parameters."""
    quote = connection.ops.quote_name
    copies = quote(CountedCase._meta.db_table)
    links = quote(Innovation.themes.through._meta.db_table)
    value = {
        "theme": "l.theme_id",
        "institution": "c.institution_id",
        "stage": "c.stage",
        "branch": "c.branch",
        "year": f"COALESCE(c.year_started, {NO_YEAR})",
    }
    nothing = {"theme": "0", "institution": "0", "stage": "''", "branch": "''", "year": "0"}
    selects = []
    for _, grouped in KINDS:
        source = f"{copies} c"
        if "theme" in grouped:
            source += f" JOIN {links} l ON l.innovation_id = c.innovation_id"
        row_values = ", ".join(
            value[c] if c in grouped else nothing[c] for c in CaseCount.COLUMNS[3:]
        )
        selects.append(
            f"SELECT %s, '', '', {row_values}, COUNT(*) FROM {source} "
            f"GROUP BY {', '.join(value[column] for column in grouped)}"
        )
    return " UNION ALL ".join(selects), [kind for kind, _ in KINDS]


# The common search terms (PostgreSQL: SQLite searches the text itself, and keeps none) ------


def choose_terms(chosen=True):
    """The common search terms anew (none unless `chosen`): in each language, the words of the
    published cases' documents that COMMON_TERM_CASES of them or more hold (PostgreSQL's
    ts_stat counts them). Their rows are counted by count_terms(), after."""
    SearchTerm.objects.all().delete()
    if not (chosen and search.using_postgres()):
        return
    quote = connection.ops.quote_name
    cases, terms = quote(Innovation._meta.db_table), quote(SearchTerm._meta.db_table)
    published = Innovation.Status.PUBLISHED.value  # a constant of ours, never typed text
    with connection.cursor() as cursor:
        for language, field in search.VECTOR_FIELDS.items():
            documents = f"SELECT {quote(field)} FROM {cases} WHERE status = '{published}'"
            cursor.execute(
                f"INSERT INTO {terms} (language, term) SELECT %s, word FROM ts_stat(%s) "
                "WHERE ndoc >= %s AND length(word) <= 100 AND NOT word LIKE ANY(%s)",
                [language, documents, COMMON_TERM_CASES, [prefix + "%" for prefix in NOT_TERMS]],
            )


def _terms_sql(where, columns=""):
    """SQL giving (case id, language, term[, columns]) for each common search term that each
    case's document in each language holds, for the cases `where` selects (SQL on alias i),
    and its parameters."""
    quote = connection.ops.quote_name
    cases, terms = quote(Innovation._meta.db_table), quote(SearchTerm._meta.db_table)
    fields = search.VECTOR_FIELDS.values()
    documents = ", ".join(f"(%s::text, i.{quote(field)})" for field in fields)
    sql = (
        f"SELECT i.id, d.language, t.term{columns} FROM {cases} i "
        f"CROSS JOIN LATERAL (VALUES {documents}) d(language, document) "
        "CROSS JOIN LATERAL unnest(tsvector_to_array(d.document)) w(lexeme) "
        f"JOIN {terms} t ON t.language = d.language AND t.term = w.lexeme WHERE {where}"
    )
    return sql, list(search.VECTOR_FIELDS)


def _term_rows_sql():
    """SQL of every search term's rows (CaseCount.COLUMNS, then the count) as the one rule
    gives them, grouped by the database; and its parameters."""
    quote = connection.ops.quote_name
    found, params = _terms_sql(
        "i.status = %s",
        ", i.institution_id AS institution, i.stage, i.branch, "
        f"COALESCE(i.year_started, {NO_YEAR}) AS year",
    )
    params.append(Innovation.Status.PUBLISHED.value)
    links = quote(Innovation.themes.through._meta.db_table)
    parts = [
        (CaseCount.TERM_INSTITUTION, "0, institution, '', '', 0", "institution", ""),
        (
            CaseCount.TERM_THEME_INSTITUTION,
            "l.theme_id, institution, '', '', 0",
            "l.theme_id, institution",
            f"JOIN {links} l ON l.innovation_id = found.id",
        ),
        (CaseCount.TERM_STAGE, "0, 0, stage, '', 0", "stage", ""),
        (CaseCount.TERM_BRANCH, "0, 0, '', branch, 0", "branch", ""),
        (CaseCount.TERM_YEAR, "0, 0, '', '', year", "year", ""),
    ]
    selects = []
    for kind, values, grouped, join in parts:
        selects.append(
            f"SELECT %s, language, term, {values}, COUNT(*) FROM found {join} "
            f"GROUP BY language, term, {grouped}"
        )
        params.append(kind)
    return f"WITH found AS MATERIALIZED ({found}) " + " UNION ALL ".join(selects), params


def count_terms():
    """Every search term's rows anew, from the published cases' documents: one INSERT."""
    if not search.using_postgres() or not SearchTerm.objects.exists():
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in (*CaseCount.COLUMNS, "count"))
    sql, params = _term_rows_sql()
    table = quote(CaseCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)
        # Tens of times more rows: without fresh statistics the planner reads it whole.
        cursor.execute(f"ANALYZE {table}")


def full_term_count():
    """The search terms' rows as a full recount gives them (count_terms()), as a Counter."""
    if not search.using_postgres():
        return Counter()
    return Counter({tuple(values[:-1]): values[-1] for values in fetch(*_term_rows_sql())})


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


def stored_count(kind, **columns):
    """How many published cases the stored rows of `kind` with these columns count:
    `stored_count(CaseCount.THEME, theme=3)`, one index lookup."""
    return CaseCount.objects.filter(kind=kind, **columns).aggregate(n=Sum("count"))["n"] or 0


def one_at_a_time_counts(theme=None, institutions=None):
    """(by stage, by branch, by year started): Counters of the published cases, of those
    with one theme, or of some institutions' (each a subquery of ids), each on its own. One
    small query."""
    where = {"theme__in": theme} if theme is not None else {"theme": 0}
    where |= {"institution__in": institutions} if institutions is not None else {"institution": 0}
    return by_one_at_a_time(_one_at_a_time_rows(CaseCount.ONE_AT_A_TIME, **where))


def _one_at_a_time_rows(kinds, **where):
    return (
        CaseCount.objects.filter(kind__in=kinds, **where)
        .exclude(count=0)
        .values_list("kind", "stage", "branch", "year")
        .annotate(total=Sum("count"))
        .order_by()
    )


def by_one_at_a_time(rows, kinds=CaseCount.ONE_AT_A_TIME):
    """(by stage, by branch, by year started) from stored rows (kind, stage, branch, year,
    count) of the one-at-a-time `kinds`."""
    found = {column: Counter() for column in kinds.values()}
    for kind, stage, branch, year, count in rows:
        column = kinds[kind]
        value = {"stage": stage, "branch": branch, "year": year or None}[column]
        found[column][value] += count
    found["year"].pop(None, None)  # not given: no year to show
    return found["stage"], found["branch"], found["year"]


def term_stage_rows_if(found, cases, **term):
    """The stage, branch and year counts of the published cases whose documents hold a
    common search term (`term`: its lookups on CaseCount), if the word is that term
    (`found`, as counting.fetch_either takes it): its stored rows (kind, stage, branch, year,
    count) of each one-at-a-time kind. Else, counted live, the rows ("", stage, branch,
    year, count) of `cases`. One query; returns (rows, which), as fetch_either."""

    def live():
        rows = cases.order_by().values_list("stage", "branch", "year_started")
        sql, params = rows.annotate(n=Count("*")).query.sql_with_params()
        return f"SELECT '' AS kind, live_rows.* FROM ({sql}) live_rows", params

    stored = _one_at_a_time_rows(CaseCount.TERM_ONE_AT_A_TIME, **term)
    return fetch_either(found, lambda: stored.query.sql_with_params(), live)


def theme_institution_counts(institutions=None):
    """[(theme slug, institution slug, count)] of the published cases, of `institutions` (a
    subquery of their ids) when given: one query."""

    def slug(model, field):
        return Subquery(model.objects.filter(pk=OuterRef(field)).values("slug")[:1])

    rows = CaseCount.objects.filter(kind=CaseCount.THEME_INSTITUTION).exclude(count=0)
    if institutions is not None:
        rows = rows.filter(institution__in=institutions)
    return rows.values_list(slug(Theme, "theme"), slug(Institution, "institution"), "count")
