"""The best-ranked cases of each common search term, kept on write (models.SearchLeader): the
first SEARCH_LEADERS (querysets.py) published cases that a search for that word alone lists,
nearest first by the RUM index's distance.

Why: to list the first twenty matches of a search for one common word ("service", in 37% of
100,000 cases), PostgreSQL's RUM index works out the distance of every match and sorts them
all: 20 ms at 100,000 cases and 200 at 1,000,000, on every such page. A case's distance from
a word depends on its own document alone, so the order of a term's matches changes only when
one of them is written; the first pages of the search read the term's kept rows instead
(querysets.SearchLeaders), and later pages rank the rest live.

How they stay right: a published case's place among a term's matches, (LEADER, term, its
distance, its id), is part of its contributions (counts.py), beside its counts, so every
write that changing() is around moves it (`move()`): a place it brought joins the term's
leaders if nearer than the last one kept, which then leaves. When a case that was among a
term's leaders moves down or out, the case after the last kept one is not known, so that
term's leaders are chosen anew (one RUM query). `choose()` (from recount(), after
the terms are chosen) chooses every term's leaders anew, and a test compares the kept rows
with every match's distance after every kind of write.

Among cases as near as each other, the index's order decides, as it does for the page:
kept rows are right when no other match of the term is nearer than any of them.

Only where the RUM indexes rank (search.ranks_by_index): the distance is theirs. Elsewhere
none are kept and every search ranks its matches live, as before. (generate_cases drops the
indexes for a bulk load, and recounts after making them again.)

What it costs on write: the distances come with the common terms a case holds, in the query
that reads them (counts.case_terms); one query reads the leaders' rows a case is in. A write
that changes a case's text moves its places: one query reads the last leader of each term
it touches (through the index), and the few places that enter are written. When a case
among a term's leaders moves down or leaves, that term's leaders are chosen anew (19 ms a
term at 100,000 cases). Choosing every term's (recount) took 19 s at 100,000 cases.
Measured in docs/performance.md.
"""

from collections import Counter

from django.db import connection

from . import querysets, search
from .models import Innovation, SearchLeader, SearchTerm
from .querysets import fetch

# A case's place among a common term's matches: (LEADER, term id, distance, case id).
LEADER = "leader"
# A case kept among a term's leaders before a write: (LEADING, term id, case id).
LEADING = "leading"


def kept():
    return search.ranks_by_index()


def term_query_sql(term):
    """SQL: the tsquery of the common term `term` (SQL of a stemmed word, as SearchTerm holds
    it) alone, as a search for that word builds it (querysets.common_term): the word between
    quotes, any quote or backslash in it escaped, for tsquery's own syntax."""
    escaped = rf"replace(replace({term}, '\', '\\'), '''', '\''')"
    return f"('''' || {escaped} || '''')::tsquery"


def distance_sql(document, term):
    """SQL: how far `document` (SQL of a search vector) is from the common term `term` (the
    RUM operator, which its index returns matches in order of)."""
    return f"({document} <=> {term_query_sql(term)})"


def kept_distance_sql(document, term):
    """distance_sql() as the double the kept rows hold (the operator's real, widened
    exactly, so that a distance read back equals one worked out again)."""
    return f"{distance_sql(document, term)}::float8"


def leading(pks):
    """The LEADING keys of the cases `pks`: the terms whose leaders they are among."""
    rows = SearchLeader.objects.filter(innovation__in=pks).values_list("term_id", "innovation_id")
    return [(LEADING, term, pk) for term, pk in rows]


def move(before, after):
    """After a write: each term's leaders moved by the places (LEADER keys) that the write
    took away and brought, from two contributions (counts.apply). A term that loses one of
    its leaders is chosen anew; a place brought joins its term's leaders if it is nearer
    than the last one kept."""
    gone = {key[1:] for key in before if key[0] == LEADER and not after[key]}
    came = {key[1:] for key in after if key[0] == LEADER and not before[key]}
    leaders = {key[1:] for key in before if key[0] == LEADING}
    dented = {term for term, _distance, pk in gone if (term, pk) in leaders}
    enter([place for place in came if place[0] not in dented])
    choose(dented)


def enter(places):
    """Places (term, distance, case) into their terms' leaders, where nearer than the last
    one kept (or while a term keeps fewer than SEARCH_LEADERS): each term's count and last
    leader read through their index, then the few that enter written, and a term that
    then keeps too many trimmed. (Writing every place and trimming every term touched read
    all their rows: 42 ms of an editor's save at 100,000 cases.)"""
    if not places:
        return
    table = connection.ops.quote_name(SearchLeader._meta.db_table)
    last = fetch(
        f"SELECT t.id, (SELECT count(*) FROM {table} c WHERE c.term_id = t.id), "
        f"l.distance, l.innovation_id FROM unnest(%s::bigint[]) t(id) LEFT JOIN LATERAL "
        f"(SELECT distance, innovation_id FROM {table} WHERE term_id = t.id "
        "ORDER BY distance DESC, innovation_id DESC LIMIT 1) l ON true",
        [sorted({term for term, _, _ in places})],
    )
    kept = {term: (count, (distance, pk)) for term, count, distance, pk in last}
    full = querysets.SEARCH_LEADERS
    entering = sorted(
        (term, distance, pk)
        for term, distance, pk in places
        if kept[term][0] < full or (distance, pk) < kept[term][1]
    )
    if not entering:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (term_id, distance, innovation_id) "
            "SELECT * FROM unnest(%s::bigint[], %s::float8[], %s::bigint[]) "
            "ON CONFLICT (term_id, innovation_id) DO UPDATE SET distance = excluded.distance",
            [[place[i] for place in entering] for i in range(3)],
        )
    added = Counter(term for term, _, _ in entering)
    trim({term for term, n in added.items() if kept[term][0] + n > full})


def trim(terms):
    """Each of these terms' first SEARCH_LEADERS kept, the rest deleted."""
    if not terms:
        return
    table = connection.ops.quote_name(SearchLeader._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER "
            "(PARTITION BY term_id ORDER BY distance, innovation_id) AS place "
            f"FROM {table} WHERE term_id = ANY(%s)) ranked WHERE place > %s)",
            [sorted(terms), querysets.SEARCH_LEADERS],
        )


def choose(terms=None):
    """The leaders of these terms (ids; None: of every term) anew, where they are kept: one
    query a language, an index scan of the first matches of each term (19 ms a term at
    100,000 cases)."""
    leaders = SearchLeader.objects.all()
    if terms is not None:
        leaders = leaders.filter(term__in=terms)
    leaders.delete()
    if not kept() or terms is not None and not terms:
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
    kept_distance = kept_distance_sql(document, "t.term")
    where, params = "t.language = %s", [Innovation.Status.PUBLISHED.value, language]
    if terms is not None:
        where, params = where + " AND t.id = ANY(%s)", [*params, sorted(terms)]
    limit_sql = f" LIMIT {int(limit)}" if limit is not None else ""
    sql = (
        f"SELECT t.id, nearest.distance, nearest.id FROM {table} t CROSS JOIN LATERAL ("
        f"SELECT i.id, {kept_distance} AS distance FROM {cases} i WHERE i.status = %s AND "
        f"{document} @@ {term_query_sql('t.term')} ORDER BY {distance}{limit_sql}) nearest "
        f"WHERE {where}"
    )
    return sql, params


def every_match():
    """{term id: {case id: distance}} of every published case that holds each common term:
    what the kept leaders are the nearest of (the tests compare them)."""
    return _by_term(
        row for language in search.VECTOR_FIELDS for row in fetch(*_nearest_sql(language))
    )


def kept_leaders():
    """{term id: {case id: distance}} of the kept leaders."""
    return _by_term(SearchLeader.objects.values_list("term_id", "distance", "innovation_id"))


def _by_term(rows):
    """{term id: {case id: distance}} from rows (term id, distance, case id)."""
    found = {}
    for term, distance, case in rows:
        found.setdefault(term, {})[case] = distance
    return found
