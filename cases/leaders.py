"""The best-ranked cases of each common search term (models.SearchLeader): the first
SEARCH_LEADERS (querysets.py) published cases that a search for that word alone lists,
nearest first by the RUM index's distance.

Why: to list the first twenty matches of a common word, the RUM index works out the distance
of every match and sorts them all (docs/performance.md). The first pages of the search read
the term's rows instead (paging.SearchLeaders), and later pages rank the rest live.

Chosen with the common terms by the full recount (counts.recount), as derived data: read only
while they match the catalogue's version. Among cases as near as each other, the index's
order decides, as it does for the page: the rows are right when no other match of the term
is nearer than any of them (a test compares them with every match's distance).

Only where the RUM indexes rank (search.ranks_by_index): the distance is theirs. Elsewhere
none are stored and every search ranks its matches live.
"""

from django.db import connection

from . import querysets, search
from .counting import fetch
from .models import Innovation, SearchLeader, SearchTerm


def stored():
    return search.ranks_by_index()


def term_query_sql(term):
    """SQL: the tsquery of the common term `term` (SQL of a stemmed word, as SearchTerm holds
    it) alone, as a search for that word builds it (paging.common_term): the word between
    quotes, any quote or backslash in it escaped, for tsquery's own syntax."""
    escaped = rf"replace(replace({term}, '\', '\\'), '''', '\''')"
    return f"('''' || {escaped} || '''')::tsquery"


def distance_sql(document, term):
    """SQL: how far `document` (SQL of a search vector) is from the common term `term` (the
    RUM operator, which its index returns matches in order of)."""
    return f"({document} <=> {term_query_sql(term)})"


def stored_distance_sql(document, term):
    """distance_sql() as the double the stored rows hold (the operator's real, widened
    exactly, so that a distance read back equals one worked out again)."""
    return f"{distance_sql(document, term)}::float8"


def choose(terms=None):
    """The leaders of these terms (ids; None: of every term) anew, where they are stored: one
    query a language, an index scan of the first matches of each term."""
    leaders = SearchLeader.objects.all()
    if terms is not None:
        leaders = leaders.filter(term__in=terms)
    leaders.delete()
    if not stored() or terms is not None and not terms:
        return
    table = connection.ops.quote_name(SearchLeader._meta.db_table)
    with connection.cursor() as cursor:
        for language in search.VECTOR_FIELDS:
            sql, params = _nearest_sql(language, terms, querysets.SEARCH_LEADERS)
            cursor.execute(f"INSERT INTO {table} (term_id, distance, innovation_id) {sql}", params)


def _nearest_sql(language, terms=None, limit=None):
    """SQL of (term id, distance, case id): the published cases that hold each common term in
    `language` (of `terms`, ids, if given), nearest first, the first `limit` of each if given,
    and its parameters. Among cases as near, the RUM index's order decides which are first:
    any of them may be, as a search for the word lists them in that order."""
    quote = connection.ops.quote_name
    document = f"i.{quote(search.VECTOR_FIELDS[language])}"
    cases, table = quote(Innovation._meta.db_table), quote(SearchTerm._meta.db_table)
    distance = distance_sql(document, "t.term")
    stored_distance = stored_distance_sql(document, "t.term")
    where, params = "t.language = %s", [Innovation.Status.PUBLISHED.value, language]
    if terms is not None:
        where, params = where + " AND t.id = ANY(%s)", [*params, sorted(terms)]
    limit_sql = f" LIMIT {int(limit)}" if limit is not None else ""
    sql = (
        f"SELECT t.id, nearest.distance, nearest.id FROM {table} t CROSS JOIN LATERAL ("
        f"SELECT i.id, {stored_distance} AS distance FROM {cases} i WHERE i.status = %s AND "
        f"{document} @@ {term_query_sql('t.term')} ORDER BY {distance}{limit_sql}) nearest "
        f"WHERE {where}"
    )
    return sql, params


def every_match():
    """{term id: {case id: distance}} of every published case that holds each common term:
    what the stored leaders are the nearest of (the tests compare them)."""
    return _by_term(
        row for language in search.VECTOR_FIELDS for row in fetch(*_nearest_sql(language))
    )


def stored_leaders():
    """{term id: {case id: distance}} of the stored leaders."""
    return _by_term(SearchLeader.objects.values_list("term_id", "distance", "innovation_id"))


def _by_term(rows):
    """{term id: {case id: distance}} from rows (term id, distance, case id)."""
    found = {}
    for term, distance, case in rows:
        found.setdefault(term, {})[case] = distance
    return found
