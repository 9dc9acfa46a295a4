"""The pieces of search that do not depend on the catalogue's tables: which words can be
searched for, how a search and the stored document are built, and how found words are marked.
It imports no model: the queries that use these pieces are the QuerySet's
(`Innovation.objects.search(text)` and `.refresh_search_vectors()` in querysets.py), so
imports run one way, models -> querysets -> search.

Ranked full-text search on PostgreSQL, a plain word match on SQLite.

On PostgreSQL each innovation stores its weighted document in `search_vector`: title (A),
summary and impacts (B), story (C), institution and theme names (D), and one "facet word"
for each of its themes and its country (facet_token), so that a search narrowed by theme and
country is answered by the one GIN index. A GIN index on that
column (migration 0002) serves `search_vector @@ websearch_to_tsquery('english', q)`. A stored
vector, rather than an expression index, because the document spans four tables and an index
expression can only read one row. `refresh_search_vectors()` rebuilds it in one UPDATE, and
the receivers in signals.py call it whenever a case, its impacts, themes, institution or a theme
changes, whatever saved them (admin, shell, loaddata).
"""

import re

from django.db import connection
from django.db.models import F, Func, Subquery, TextField, Value
from django.db.models.functions import Concat, Lower

SEARCH_CONFIG = "english"
FACET_CONFIG = "simple"  # facet words are stored as they are, never stemmed
FACET_PREFIX = "facet"  # then the kind ("theme", "country") and the value's letters and digits
FACET_DROPPED = "[^a-z0-9]"  # what a facet word leaves out of the (lower-cased) value
# Private-use characters: they never occur in typed text, so they can be turned into <mark>
# after the text around them has been escaped.
MARK_START, MARK_END = "\ue000", "\ue001"

# PostgreSQL's English stop words (snowball), so both databases agree on what cannot be
# searched for on its own.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can did do does doing don down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own s same she should so some such t than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with you your yours yourself yourselves""".split()
)
WORD = re.compile(r"\w+", re.UNICODE)


def search_terms(text):
    """The words of `text` that can be searched for: no punctuation, no stop words."""
    return [word for word in WORD.findall(text.lower()) if word not in STOP_WORDS]


def using_postgres():
    return connection.vendor == "postgresql"


def facet_token(kind, value):
    """The word that marks a case's theme or country inside its search vector, so that on
    PostgreSQL a search narrowed by theme and country is one lookup in one GIN index.
    facet_word() spells the same word in SQL, from the same two pieces."""
    return FACET_PREFIX + kind + re.sub(FACET_DROPPED, "", str(value).lower())


def facet_word(kind, field):
    """facet_token(kind, <the field's value>), as an SQL expression, for the stored vector."""
    return Concat(
        Value(FACET_PREFIX + kind),
        Func(Lower(field), Value(FACET_DROPPED), Value(""), Value("g"), function="REGEXP_REPLACE"),
        output_field=TextField(),
    )


# Building a search (PostgreSQL) --------------------------------------------------------------


def text_query(text):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


def narrowed(query, themes=(), countries=()):
    """`query`, and any of the themes (slugs) and any of the countries (codes) given: one
    raw tsquery `a | b | …` of facet words each (plain letters and digits: no quoting)."""
    from django.contrib.postgres.search import SearchQuery

    for kind, values in (("theme", themes), ("country", countries)):
        if values:
            words = dict.fromkeys(facet_token(kind, value) for value in values)
            query = query & SearchQuery(" | ".join(words), search_type="raw", config=FACET_CONFIG)
    return query


def rank_and_headline(query):
    """The annotations of a ranked search: `rank`, and `headline` (the summary with the
    matched words between MARK_START and MARK_END)."""
    from django.contrib.postgres.search import SearchHeadline, SearchRank

    return {
        "rank": SearchRank(F("search_vector"), query),
        "headline": SearchHeadline(
            "summary",
            query,
            config=SEARCH_CONFIG,
            start_sel=MARK_START,
            stop_sel=MARK_END,
            highlight_all=True,
        ),
    }


# Building the stored document (PostgreSQL) ---------------------------------------------------


def joined(expression):
    """Several rows' text as one, for a part of the document that spans rows (impacts)."""
    from django.contrib.postgres.aggregates import StringAgg

    return StringAgg(expression, delimiter=" ")


def words(*fields):
    """Several fields' text as one."""
    parts = []
    for field in fields:
        parts += [field, Value(" ")]
    return Concat(*parts[:-1], output_field=TextField())


def document(weighted_parts, facet_words):
    """The search vector: each (field name or subquery of `text`, weight) in the search
    configuration, then the facet words (weight D) as they are, never stemmed."""
    from django.contrib.postgres.search import SearchVector

    def vector(expression, weight, config):
        if not isinstance(expression, str):
            expression = Subquery(expression, output_field=TextField())
        return SearchVector(expression, weight=weight, config=config)

    parts = [vector(expression, weight, SEARCH_CONFIG) for expression, weight in weighted_parts]
    parts += [vector(expression, "D", FACET_CONFIG) for expression in facet_words]
    result = parts[0]
    for part in parts[1:]:
        result = result + part
    return result


def mark_words(text, terms):
    """Wrap the searched words in marks, for databases that give no headline of their own."""
    if not terms or MARK_START in text:
        return text
    pattern = re.compile(r"\b(" + "|".join(re.escape(t) for t in terms) + r")\w*", re.I)
    return pattern.sub(lambda m: MARK_START + m.group(0) + MARK_END, text)
