"""Search for `q`: ranked full-text search on PostgreSQL, a plain word match on SQLite.

Both sit behind one interface, `Innovation.objects.search(text)`, which keeps the cases that
match, annotates `rank` (higher is better) and `headline` (the summary with matched words
between MARK_START and MARK_END), and leaves ordering to the caller.

On PostgreSQL each innovation stores its weighted document in `search_vector`: title (A),
summary and impacts (B), narrative (C), institution and theme names (D), and one "facet word"
for each of its themes and its country (facet_token), so that a search narrowed by theme and
country is answered by the one GIN index. A GIN index on that
column (migration 0002) serves `search_vector @@ websearch_to_tsquery('english', q)`. A stored
vector, rather than an expression index, because the document spans four tables and an index
expression can only read one row. `refresh_search_vectors` rebuilds it in one UPDATE, and the
receivers in signals.py call it whenever a case, its impacts, themes, institution or a theme
changes, whatever saved them (admin, shell, loaddata).
"""

import re

from django.db import connection
from django.db.models import F, FloatField, Func, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Concat, Lower

SEARCH_CONFIG = "english"
FACET_CONFIG = "simple"  # facet words are stored as they are, never stemmed
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
    PostgreSQL a search narrowed by theme and country is one lookup in one GIN index."""
    return f"facet{kind}" + re.sub(r"[^a-z0-9]", "", str(value).lower())


def search(queryset, text, themes=(), countries=(), ranked=True):
    """Cases matching `text`, and any of `themes` (slugs) and of `countries` when given;
    with `rank` and `headline` when `ranked` (counting needs neither)."""
    if using_postgres():
        return _postgres_search(queryset, text, themes, countries, ranked)
    if themes:
        queryset = queryset.with_any_theme(themes)
    if countries:
        queryset = queryset.filter(institution__country__in=countries)
    return _plain_search(queryset, text, ranked)


def _any_of(kind, values):
    """One raw tsquery `a | b | …` (the facet words are plain letters and digits, so they
    need no quoting), however many values are asked for."""
    from django.contrib.postgres.search import SearchQuery

    words = dict.fromkeys(facet_token(kind, value) for value in values)
    return SearchQuery(" | ".join(words), search_type="raw", config=FACET_CONFIG)


def _postgres_search(queryset, text, themes, countries, ranked):
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank

    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    narrowed = query
    for kind, values in (("theme", themes), ("country", countries)):
        if values:
            narrowed = narrowed & _any_of(kind, values)
    found = queryset.filter(search_vector=narrowed)
    if not ranked:
        return found
    # Rank and highlight by the words searched for only; the facet words only narrow.
    return found.annotate(
        rank=SearchRank(F("search_vector"), query),
        headline=SearchHeadline(
            "summary",
            query,
            config=SEARCH_CONFIG,
            start_sel=MARK_START,
            stop_sel=MARK_END,
            highlight_all=True,
        ),
    )


def _plain_search(queryset, text, ranked=True):
    """Every searchable word must occur, in any of the fields, in any case."""
    from .models import Impact, Innovation, Institution, Theme

    for word in search_terms(text):
        impacts = Impact.objects.filter(statement__icontains=word).values("innovation_id")
        themes = Innovation.themes.through.objects.filter(
            theme__in=Theme.objects.filter(name__icontains=word)
        ).values("innovation_id")
        institutions = Institution.objects.filter(
            Q(name__icontains=word) | Q(acronym__icontains=word)
        )
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(body__icontains=word)
            | Q(pk__in=impacts)
            | Q(pk__in=themes)
            | Q(institution__in=institutions)
        )
    if not ranked:
        return queryset
    return queryset.annotate(rank=Value(1.0, output_field=FloatField()), headline=F("summary"))


def mark_words(text, terms):
    """Wrap the searched words in marks, for databases that give no headline of their own."""
    if not terms or MARK_START in text:
        return text
    pattern = re.compile(r"\b(" + "|".join(re.escape(t) for t in terms) + r")\w*", re.I)
    return pattern.sub(lambda m: MARK_START + m.group(0) + MARK_END, text)


# Keeping the stored vectors in step -------------------------------------------------------


def _document_vector():
    from django.contrib.postgres.aggregates import StringAgg
    from django.contrib.postgres.search import SearchVector

    from .models import Impact, Innovation, Institution

    impacts = (
        Impact.objects.filter(innovation=OuterRef("pk"))
        .values("innovation")
        .annotate(text=StringAgg("statement", delimiter=" "))
        .values("text")
    )
    themes = (
        Innovation.themes.through.objects.filter(innovation=OuterRef("pk"))
        .values("innovation")
        .annotate(text=StringAgg("theme__name", delimiter=" "))
        .values("text")
    )
    institution = (
        Institution.objects.filter(pk=OuterRef("institution_id"))
        .annotate(text=Concat("name", Value(" "), "acronym", output_field=TextField()))
        .values("text")
    )
    # The facet words, as facet_token() spells them.
    theme_words = (
        Innovation.themes.through.objects.filter(innovation=OuterRef("pk"))
        .values("innovation")
        .annotate(
            text=StringAgg(
                Concat(
                    Value("facettheme"),
                    Func(
                        Lower("theme__slug"),
                        Value("[^a-z0-9]"),
                        Value(""),
                        Value("g"),
                        function="REGEXP_REPLACE",
                    ),
                    output_field=TextField(),
                ),
                delimiter=" ",
            )
        )
        .values("text")
    )
    country_word = (
        Institution.objects.filter(pk=OuterRef("institution_id"))
        .annotate(text=Concat(Value("facetcountry"), Lower("country"), output_field=TextField()))
        .values("text")
    )

    def weighted(expression, weight, config=SEARCH_CONFIG):
        if not isinstance(expression, str):
            expression = Subquery(expression, output_field=TextField())
        return SearchVector(expression, weight=weight, config=config)

    return (
        weighted("title", "A")
        + weighted("summary", "B")
        + weighted(impacts, "B")
        + weighted("body", "C")
        + weighted(institution, "D")
        + weighted(themes, "D")
        + weighted(theme_words, "D", FACET_CONFIG)
        + weighted(country_word, "D", FACET_CONFIG)
    )


def refresh_search_vectors(queryset):
    """Rebuild the stored search document of these cases (PostgreSQL only)."""
    if using_postgres():
        queryset.update(search_vector=_document_vector())
