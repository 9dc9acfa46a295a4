"""The catalogue's counts in SQL, for the facets (facets.py) and the derived data
(counts.py): the lists of themes and institutions with how many of some cases point to each
(CaseListQuerySet), the three groups of facet counts in one query (counted_together), and
the SQL helpers they share (fetch, fetch_either). Written in SQL because the ORM cannot join
a grouped subquery, nor write a WITH; the measurements are in docs/performance.md.
"""

from functools import cache

from django.db import connection, models
from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from .querysets import SlugManager, model


class CaseListQuerySet(models.QuerySet):
    """For tables that innovations point to: institutions and themes."""

    def public(self):
        """Those with at least one published case: an institution that has none (a new one,
        or one whose cases were all withdrawn) has no public page and no place in the
        filters."""
        cases = model("Innovation").objects.published()
        if self.model._meta.model_name == "institution":
            cases = cases.filter(institution=OuterRef("pk"))
        else:
            cases = cases.filter(themes=OuterRef("pk"))
        return self.filter(models.Exists(cases))

    def places(self, slugs=(), countries=()):
        """(pk, position, slug, country) of each public institution with one of the slugs
        or in one of the countries: where a place filter's cases lie in Table 1's order."""
        named = models.Q(slug__in=slugs) | models.Q(country__in=countries)
        return (
            self.public().filter(named).values_list("pk", "position", "slug", "country", named=True)
        )

    def with_case_counts(self):
        """Each row with `case_count`, its number of published innovations."""
        return self.counting(case_count=model("Innovation").objects.published())

    def counting(self, **cases):
        """Every row, in the model's order, with one count per keyword: how many of those
        cases (an Innovation queryset) point to it. Each count is a grouped subquery over the
        cases, joined once, so the database counts only the cases that match, through their
        own indexes, instead of testing every case against every row. Identical subqueries
        are joined once. Returns a RawQuerySet; filters on `self` are not applied.

        Written in SQL because the ORM cannot join a grouped subquery: its form, a
        correlated Subquery per row, was 2 to 15 times slower."""
        sql, params = self._counting_sql("*", cases)
        return self.model.objects.raw(sql, params)

    def counted_values(self, fields, public_only=False, **cases):
        """As counting(), but only `fields` and the counts, as tuples: no model objects, for
        the facets, which list every institution on every page. `public_only`: only the rows
        public() gives."""
        return fetch(*self._counted_values_sql(fields, cases, public_only))

    def _counted_values_sql(self, fields, cases, public_only):
        quote = connection.ops.quote_name
        columns = ", ".join(
            f"{quote(self.model._meta.db_table)}.{quote(self.model._meta.get_field(f).column)}"
            for f in fields
        )
        return self._counting_sql(columns, cases, public_only)

    def _counting_sql(self, selected, cases, public_only=False):
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        if selected == "*":
            selected = f"{table}.*"
        path = "institution" if self.model._meta.model_name == "institution" else "themes"
        columns, joins, params, aliases = [], [], [], {}
        for name, queryset in cases.items():
            if queryset.query.is_empty():
                columns.append(f"0 AS {quote(name)}")
                continue
            if path == "themes" and queryset.model is model("CountedCase"):
                sql, sql_params = _themes_of_copies(queryset)
            else:
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
        where = ""
        if public_only:
            where, public_params = self._public_where()
            params.extend(public_params)
        sql = (
            f"SELECT {selected}, {', '.join(columns)} FROM {table} {' '.join(joins)} "
            f"{where} ORDER BY {self._order_sql()}"
        )
        return sql, params

    def _public_where(self):
        """(WHERE clause, params) keeping only the rows public() gives, for SQL written here."""
        return _public_condition(self.model)

    def _order_sql(self):
        table = connection.ops.quote_name(self.model._meta.db_table)
        return ", ".join(
            f"{table}.{connection.ops.quote_name(self.model._meta.get_field(field).column)}"
            for field in self.model._meta.ordering
        )

    def stored_values(self, fields, kind, public_only=False, **conditions):
        """As counted_values(), with counts summed from the rows counts.py keeps instead of
        counted from the cases: CaseCount rows of `kind` for each row here, narrowed by
        `conditions` (lookups on CaseCount: institution__in=…, stage__in=…). One query, a
        few dozen index lookups. `public_only`: only the rows with a published case."""
        return list(self._stored_rows(fields, kind, public_only, **conditions))

    def stored_values_if(self, found, fields, kind, cases, public_only=False, **conditions):
        """stored_values() if the search's word is a common term, else counted_values() of
        `cases` (the search facets), and which it was (fetch_either)."""
        stored = self._stored_rows(fields, kind, public_only, **conditions)
        return fetch_either(
            found,
            lambda: stored.query.sql_with_params(),
            lambda: self._counted_values_sql(fields, {"case_count": cases}, public_only),
        )

    def _stored_rows(self, fields, kind, public_only=False, **conditions):
        column = self.model._meta.model_name  # "theme" or "institution"
        stored = (
            model("CaseCount")
            .objects.filter(kind=kind, **{column: OuterRef("pk")}, **conditions)
            .order_by()
            .values(column)
            .annotate(total=Sum("count"))
            .values("total")
        )
        rows = self.annotate(stored_count=Coalesce(Subquery(stored), 0))
        if public_only:  # a published case at all, whatever the count asked for
            published = model("CaseCount").objects.filter(
                kind=column, **{column: OuterRef("pk")}, count__gt=0
            )
            rows = rows.filter(models.Exists(published))
        return rows.order_by(*self.model._meta.ordering).values_list(*fields, "stored_count")


def _themes_of_copies(copies):
    """SQL (counted_key, counted) of how many of these counted copies have each theme, and
    its parameters."""
    rows = copies.order_by().values(copy_id=F("pk"), copy_bits=F("theme_bits"))
    sql, params = rows.query.sql_with_params()
    return _theme_counts(f"({sql}) copied", "copy_id", "copy_bits"), params


def _theme_counts(copies, case_id, bits):
    """SQL (counted_key, counted) of how many of the counted copies `copies` (an SQL source,
    with columns `case_id` and `bits`) have each theme: the copies grouped by their theme
    bits first (a few dozen groups), not a lookup of links per copy (_has_themes)."""
    theme = connection.ops.quote_name(model("Theme")._meta.db_table)
    fits = model("CountedCase").THEME_BITS
    alone = f"CASE WHEN {bits} IS NULL THEN {case_id} END"  # a NULL's case, for its links
    bit = f"CASE WHEN theme.id < {fits} THEN CAST(1 AS bigint) << CAST(theme.id AS integer) END"
    has_theme = _has_themes("grouped.case_id", "grouped.bits", bit, "theme.id")
    return (
        "SELECT theme.id AS counted_key, CAST(SUM(grouped.n) AS bigint) AS counted FROM "
        f"(SELECT {bits} AS bits, {alone} AS case_id, COUNT(*) AS n FROM {copies} "
        f"GROUP BY {bits}, {alone}) grouped JOIN {theme} theme ON {has_theme} GROUP BY theme.id"
    )


def _with_theme(copies, themes):
    """SQL of the rows of `copies` (a CTE of counted copies: id, theme_bits) whose case has
    one of `themes` (ids), and its parameters."""
    fits = model("CountedCase").THEME_BITS
    listed = ", ".join(["%s"] * len(themes))
    has_themes = _has_themes(f"{copies}.id", f"{copies}.theme_bits", "%s", listed)
    return (
        f"SELECT * FROM {copies} WHERE {has_themes}",
        [sum(1 << theme for theme in themes if theme < fits), *themes],
    )


def _has_themes(case_id, bits, mask, themes):
    """SQL: the case whose id and theme bits (CountedCase.theme_bits) are `case_id` and
    `bits` has one of the themes whose bits are `mask` and ids `themes` (SQL): by its bits,
    or where they are NULL (a theme's id did not fit) by its links."""
    links = connection.ops.quote_name(model("Innovation").themes.through._meta.db_table)
    return (
        f"(({bits} & {mask}) <> 0 OR ({bits} IS NULL AND EXISTS (SELECT 1 FROM {links} link "
        f"WHERE link.innovation_id = {case_id} AND link.theme_id IN ({themes}))))"
    )


@cache
def _public_condition(counted_model):
    """CaseListQuerySet._public_where() of a model, compiled once a process: the same SQL
    for every page that lists institutions, and compiling it was a tenth of their counts'
    Python. Unordered: an IN needs no order."""
    table = connection.ops.quote_name(counted_model._meta.db_table)
    public = counted_model.objects.public().order_by().values("pk")
    sql, params = public.query.sql_with_params()
    return f"WHERE {table}.id IN ({sql})", params


def fetch(sql, params):
    """The rows of a query written in SQL."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def fetch_either(found, first, second):
    """(rows, which): the rows of `first` if `found` finds a row, else those of `second`
    (each a function giving (SQL, params), of the same columns), and which it was: True for
    `first`, False for `second`, None when there was no row to tell. `found`: a QuerySet,
    asked in the same query (the database runs it once and the other part not at all); or
    already known, True or False, when an earlier query of the page told, so that only the
    part needed is built: building the other one was a sixteenth of a search page's own
    time (the search facets: stored rows if the word is a common term, else counted live).
    Each part keeps its own order."""
    if isinstance(found, bool):
        return fetch(*(first() if found else second())), found
    (first_sql, first_params), (second_sql, second_params) = first(), second()
    found_sql, found_params = found.values("pk").query.sql_with_params()
    sql = (
        f"SELECT *, TRUE FROM ({first_sql}) first_rows WHERE EXISTS ({found_sql}) UNION ALL "
        f"SELECT *, FALSE FROM ({second_sql}) second_rows WHERE NOT EXISTS ({found_sql})"
    )
    rows = fetch(sql, [*first_params, *found_params, *second_params, *found_params])
    return [row[:-1] for row in rows], (rows[0][-1] if rows else None)


def counted_together(cases, theme_fields, institution_fields, themes=()):
    """The three groups of facet counts of these cases in one query, which reads the
    matching cases once: ([theme_fields + (count,)] of every theme, [institution_fields
    + (count,)] of every public institution, each in its model's order, and [(stage,
    branch, year started, count)]). `themes`: the ids of the themes chosen, if any: the
    places and stages count only the cases with one of them, the themes every case (as a
    facet's options count the cases without its own filter). For when no stored count
    answers (facets.py): three queries read the matches of a search three times.

    In SQL for the reason counting() is, and because the ORM has no WITH. The three
    parts share one row: each part's columns have their own slots, NULL in the others'
    rows (typed, so that the database can match the parts' columns); each part in its
    model's order (`place`)."""
    quote = connection.ops.quote_name
    matched, params = (
        cases.order_by()
        .values("pk", "institution_id", "stage", "branch", "year_started", "theme_bits")
        .query.sql_with_params()
    )
    columns = "id, institution_id, stage, branch, year_started, theme_bits"
    common = f"matched ({columns}) AS ({matched})"
    narrowed = "matched"
    if themes:
        narrowed, (themes_sql, themes_params) = "narrowed", _with_theme("matched", themes)
        common, params = f"{common}, narrowed AS ({themes_sql})", (*params, *themes_params)
    sources = [  # (the model counted, its fields, SQL of (counted_key, counted))
        (model("Theme"), theme_fields, _theme_counts("matched", "id", "theme_bits")),
        (
            model("Institution"),
            institution_fields,
            f"SELECT institution_id AS counted_key, COUNT(*) AS counted FROM {narrowed} "
            "GROUP BY institution_id",
        ),
    ]
    slots = [  # per part: [(column SQL, its type)]
        *(_typed_columns(counted_model, fields) for counted_model, fields, *_ in sources),
        _typed_columns(cases.model, ("stage", "branch", "year_started"), qualified=False),
    ]
    parts = []
    for part, (counted_model, _fields, counted) in enumerate(sources):
        rows = counted_model.objects.all()
        table = quote(counted_model._meta.db_table)
        where = ""
        if counted_model is model("Institution"):  # as the facets list them: public ones
            where, public_params = rows._public_where()
            params = (*params, *public_params)
        parts.append(
            f"SELECT {part} AS part, ROW_NUMBER() OVER (ORDER BY {rows._order_sql()}) "
            f"AS place, {_slot_row(slots, part)}, COALESCE(counted.counted, 0) AS n "
            f"FROM {table} LEFT JOIN ({counted}) counted ON counted.counted_key = {table}.id "
            f"{where}"
        )
    parts.append(
        f"SELECT 2 AS part, 0 AS place, {_slot_row(slots, 2)}, COUNT(*) AS n FROM {narrowed} "
        "GROUP BY stage, branch, year_started"
    )
    sql = f"WITH {common} {' UNION ALL '.join(parts)} ORDER BY part, place"
    return _split_parts(fetch(sql, params), slots)


def _typed_columns(counted_model, fields, qualified=True):
    """[(column SQL, its type)] of a model's fields, for a slot of a query of parts."""
    quote = connection.ops.quote_name
    table = f"{quote(counted_model._meta.db_table)}." if qualified else ""
    return [
        (f"{table}{quote(field.column)}", field.cast_db_type(connection))
        for field in map(counted_model._meta.get_field, fields)
    ]


def _slot_row(slots, part):
    """The columns of one part of a query whose parts share one row: its own in its slots,
    typed NULLs in the others' (so that the database can match the parts' columns)."""
    return ", ".join(
        column if index == part else f"CAST(NULL AS {kind})"
        for index, columns in enumerate(slots)
        for column, kind in columns
    )


def _split_parts(rows, slots):
    """Each part's rows, (its own columns..., count), from the shared rows (part, place,
    every slot's columns..., count)."""
    groups = tuple([] for _ in slots)
    starts = [0]
    for columns in slots:
        starts.append(starts[-1] + len(columns))
    for part, _place, *values in rows:
        groups[part].append((*values[starts[part] : starts[part + 1]], values[-1]))
    return groups


CaseListManager = SlugManager.from_queryset(CaseListQuerySet)
