"""The pieces of search that do not depend on the catalogue's tables: which words can be
searched for, how a search and the stored document are built, and how found words are marked.
It imports no model: the queries that use these pieces are the QuerySet's
(`Innovation.objects.search(text)` and `writes.refresh_search_documents()`), so
imports run one way, models -> querysets -> search.

Ranked full-text search on PostgreSQL, a plain word match on SQLite.

On PostgreSQL each innovation stores one weighted document per site language
(VECTOR_FIELDS: `search_vector` for English, `search_vector_fr`, …): the text a page in that
language shows (a translation where there is one, else the original: shown()), stemmed by
that language's rules (CONFIGS), so a search on /fr/ is French on both sides and never mixes in
another language's stemming. Each holds title (A), summary and impacts (B), story (C),
institution and theme names (D), and one "facet word" for each of its themes and its country
(facet_token), so that a search narrowed by theme and country is answered by one GIN index. A
GIN index on each column (migrations 0002 and 0013) finds the matches to count
(`search_vector_fr @@@ websearch_to_tsquery('french', q)`: CountedMatch), and a RUM index
(migration 0019, where installed) ranks them (`@@`, in order of `<=>`). A stored vector,
rather than an expression index, because the document spans four tables and an index
expression can only read one row. The database writes all four in one UPDATE (a function
defined from writes.documents_function()), which its triggers run whenever a case, its
impacts, theme links, institution or a theme changes, whoever writes (migration 0027).

On SQLite, every word searched for must occur in the text the page's language shows.
"""

import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.search import SearchVectorExact, SearchVectorField
from django.db import DatabaseError, connection, transaction
from django.db.models import F, FloatField, Func, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat, Lower, NullIf

from .languages import column

# Each site language's PostgreSQL text-search configuration, and the column of its document.
CONFIGS = {"en": "english", "fr": "french", "es": "spanish", "de": "german"}
VECTOR_FIELDS = {
    code: "search_vector" if code == settings.LANGUAGE_CODE else f"search_vector_{code}"
    for code in CONFIGS
}
FACET_CONFIG = "simple"  # facet words are stored as they are, never stemmed
FACET_PREFIX = "facet"  # then the kind ("theme", "country") and the value's letters and digits
FACET_DROPPED = "[^a-z0-9]"  # what a facet word leaves out of the (lower-cased) value
# Private-use characters: they never occur in typed text, so they can be turned into <mark>
# after the text around them has been escaped.
MARK_START, MARK_END = "\ue000", "\ue001"

# PostgreSQL's stop words for each language (snowball's lists, as PostgreSQL ships them in
# tsearch_data/<language>.stop), so both databases agree on what cannot be searched for alone.
STOP_WORDS_DIR = Path(__file__).resolve().parent / "stopwords"


@cache
def stop_words(language):
    return frozenset((STOP_WORDS_DIR / f"{language}.txt").read_text(encoding="utf-8").split())


WORD = re.compile(r"\w+", re.UNICODE)


def search_terms(text, language):
    """The words of `text` that can be searched for in `language`: no punctuation, none of
    its stop words."""
    stop = stop_words(language)
    return [word for word in WORD.findall(text.lower()) if word not in stop]


# A word or a quoted phrase with a minus before it: the search's syntax for "without".
LEFT_OUT = re.compile(r'(?:^|(?<=\s))-(?:"[^"]*"?|\S*)')


def looked_for(text, language):
    """The search terms of `text` that it looks for: not those it asks to leave out (`-word`,
    `-"a phrase"`). A search with none (`-benefit` alone) would match nearly every case, and
    rank them all, for any word a visitor makes up: it finds nothing, and the page says why."""
    return search_terms(LEFT_OUT.sub(" ", text), language)


def left_out(text, language):
    """The single words `text` asks to leave out (a phrase left out is not a word: SQLite's
    search, which reads words, leaves it be)."""
    words = [part for part in LEFT_OUT.findall(text) if not part.startswith('-"')]
    return search_terms(" ".join(words), language)


def shown(field, language):
    """Field `field` (a name, maybe across relations: "theme__name") as a page in `language`
    shows it: its translation if it has one, else the original (models/translations.py)."""
    text = TextField()
    return Coalesce(
        NullIf(F(column(field, language)), Value(""), output_field=text),
        F(field),
        output_field=text,
    )


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


def text_query(text, language):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(text, search_type="websearch", config=CONFIGS[language])


def narrowed(query, themes=(), countries=()):
    """`query`, and any of the themes (slugs) and any of the countries (codes) given: one
    raw tsquery `a | b | …` of facet words each (plain letters and digits: no quoting)."""
    from django.contrib.postgres.search import SearchQuery

    for kind, values in (("theme", themes), ("country", countries)):
        if values:
            words = dict.fromkeys(facet_token(kind, value) for value in values)
            query = query & SearchQuery(" | ".join(words), search_type="raw", config=FACET_CONFIG)
    return query


def counted_match(text, language, themes=(), countries=()):
    """The condition (a Q) of the documents in `language` that match `text` and any of the
    themes and countries given, found to be counted, not ranked: through the GIN index
    (CountedMatch). On a case or its counted copy (models.CountedCase) alike."""
    narrowed_query = narrowed(text_query(text, language), themes, countries)
    return Q(**{f"{VECTOR_FIELDS[language]}__counted": narrowed_query})


# Ranking by an index (RUM) ---------------------------------------------------------------


def rank_indexes():
    """{index name: column}: the RUM index of each language's document (migration 0019)."""
    return {f"cases_innovation_{field}_rum": field for field in VECTOR_FIELDS.values()}


def ranks_by_index(connection=connection):
    """Whether this PostgreSQL database has the RUM indexes, which give a search's matches
    best first (`distance`): asked once per connection, when it opens (signals.py), and again
    by the migration that makes them."""
    if not hasattr(connection, "innohub_ranks_by_index"):
        check_rank_index(connection)
    return connection.innohub_ranks_by_index


def make_rank_indexes(connection=connection):
    """The RUM index of each language's document, where the extension is installed or can
    be (migration 0019, and generate_cases after adding in bulk). False where it cannot."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        if cursor.fetchone() is None:
            return False
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
        except DatabaseError:  # not allowed to: a superuser can create it (docs/deploying.md)
            return False
        for index, field in rank_indexes().items():
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON cases_innovation "
                f"USING rum ({field} rum_tsvector_ops) WHERE status = 'published'"
            )
    check_rank_index(connection)  # asked again at once, not on the next page
    return True


def drop_rank_indexes(connection=connection):
    """No RUM indexes (a bulk load writes faster without: each case's four cost about 8 ms)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for index in rank_indexes():
                cursor.execute(f"DROP INDEX IF EXISTS {index}")
        check_rank_index(connection)


def check_rank_index(connection):
    found = False
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_indexes WHERE indexname = ANY(%s)", [list(rank_indexes())]
            )
            found = cursor.fetchone()[0] == len(VECTOR_FIELDS)
    connection.innohub_ranks_by_index = found


@SearchVectorField.register_lookup
class CountedMatch(SearchVectorExact):
    """`document @@@ query` (`search_vector__counted=query`): the same match as `@@`, of
    which PostgreSQL keeps it as a synonym, for finding a search's matches to count them.
    Only the GIN indexes' operator class has it (the RUM indexes' has `@@` and `<=>`), so the
    planner counts through GIN, whose bitmap scan is two to three times quicker than RUM's,
    which keeps every word's positions for ranking (with `@@` the two cost alike to the
    planner, which took RUM). Ranked searches keep `@@`, which RUM orders."""

    lookup_name = "counted"

    def as_sql(self, qn, connection):
        lhs, lhs_params = self.process_lhs(qn, connection)
        rhs, rhs_params = self.process_rhs(qn, connection)
        return f"{lhs} @@@ {rhs}", lhs_params + rhs_params


class Distance(Func):
    """`document <=> query`: how far a document is from the query, the inverse of its rank
    (ts_rank): what the RUM index returns its matches in order of, best (nearest) first."""

    arg_joiner = " <=> "
    template = "(%(expressions)s)"
    output_field = FloatField()


def rank_and_headline(query, language):
    """The annotations of a ranked search in `language`: `rank`, `headline` (the summary the
    page shows, with the matched words between MARK_START and MARK_END), and `distance`
    where the RUM indexes rank (ranks_by_index)."""
    from django.contrib.postgres.search import SearchHeadline, SearchRank

    document = F(VECTOR_FIELDS[language])
    annotations = {"distance": Distance(document, query)} if ranks_by_index() else {}
    return annotations | {
        "rank": SearchRank(document, query),
        "headline": SearchHeadline(
            shown("summary", language),
            query,
            config=CONFIGS[language],
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


def document(weighted_parts, facet_words, language):
    """The search vector in `language`: each (expression or subquery of `text`, weight) in its
    configuration, then the facet words (weight D) as they are, never stemmed."""
    from django.contrib.postgres.search import SearchVector

    def vector(expression, weight, config):
        if hasattr(expression, "query"):  # a QuerySet of one `text` column
            expression = Subquery(expression, output_field=TextField())
        return SearchVector(expression, weight=weight, config=config)

    config = CONFIGS[language]
    parts = [vector(expression, weight, config) for expression, weight in weighted_parts]
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
