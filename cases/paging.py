"""Pages of a listing read without counting or ranking every match: the runs of whole
institutions in Table 1's order (InstitutionRuns) and the best-ranked matches of one common
search term (SearchLeaders), which the FilterSet hands to Django's Paginator in place of its
QuerySet (filters.py); and the common term a search looks for (common_term)."""

import operator
from functools import reduce

from django.db import connection, models
from django.db.models import Q, Subquery
from django.db.models.expressions import RawSQL

from . import querysets, search
from .querysets import TABLE_ORDER, model


def common_term(text, language):
    """The common search term (models.SearchTerm) a search for `text` in `language` looks for
    alone, as a QuerySet: none when the search is not that one word (several words, a phrase,
    a word left out, or a word not common). Asked in the query that reads the term's stored
    counts, so it costs no query of its own (PostgreSQL)."""
    config = search.CONFIGS[language]
    # The document of the text alone holds one word, and the search matches it: the search
    # looks for that word and nothing else.
    parsed = RawSQL(
        "SELECT (tsvector_to_array(text_alone))[1] FROM to_tsvector(%s::regconfig, %s) "
        "text_alone WHERE length(text_alone) = 1 "
        "AND numnode(websearch_to_tsquery(%s::regconfig, %s)) = 1 "
        "AND text_alone @@ websearch_to_tsquery(%s::regconfig, %s)",
        (config, text) * 3,
        output_field=models.CharField(),
    )
    return model("SearchTerm").objects.filter(language=language, term=parsed)


class InstitutionRuns:
    """The published cases of whole institutions, in Table 1's order, when how many each has
    is known (the stored counts): what `/` lists with no filter but places. Each
    institution's cases are one run of Table 1's index (innovation_table_order), so a page's
    rows are read from the runs it covers, each an index range from the run's first row to
    the page's last: filtering the whole table walks the index through every row before the
    page. Django's Paginator slices it like the QuerySet it stands for; `count()` is the
    runs' total, so nothing is counted."""

    def __init__(self, cases, runs):
        self.cases = cases  # as the page shows them: Innovation.objects.published()…
        self.runs = sorted(runs)  # [(institution position, institution id, its cases)]

    def count(self):
        return sum(length for _position, _pk, length in self.runs)

    def __getitem__(self, window):
        start, stop = window.start or 0, window.stop
        published = self.cases.model.objects.published()
        parts, first = [], 0
        for position, pk, length in self.runs:
            last = first + length
            if first < stop and last > start:
                run = published.filter(institution_position=position, institution_id=pk)
                rows = run.order_by(*TABLE_ORDER).values("pk")
                parts.append(rows[max(start - first, 0) : min(stop, last) - first])
            first = last
        if not parts:
            return self.cases.none()
        if connection.features.supports_slicing_ordering_in_compound:
            # PostgreSQL: one list of ids (UNION ALL); alternatives (OR) made it scan the table.
            chosen = Q(pk__in=parts[0].union(*parts[1:], all=True))
        else:  # SQLite cannot limit the parts of a UNION
            chosen = reduce(operator.or_, (Q(pk__in=part) for part in parts))
        return self.cases.filter(chosen).in_table_order()


class SearchLeaders:
    """The matches of a search for one common search term alone, best first, where the RUM
    indexes rank (search.ranks_by_index): what `/` lists for it. Its first SEARCH_LEADERS
    matches are read from the term's stored rows (models.SearchLeader, chosen by leaders.py)
    rather than ranking every match. Later pages rank the other matches after them (`ranked`:
    a function giving the search's matches as the page ranks them, the FilterSet's `qs`,
    built only for those pages). Django's Paginator slices it like the QuerySet it stands
    for; `count()` is the total the facets counted, so nothing is counted. A page is read
    when sliced, so that a term whose leaders are not stored yet (the next recount chooses
    them) ranks its matches instead of showing none."""

    def __init__(self, cases, ranked, text, language, count):
        self.cases = cases  # as the page shows them: Innovation.objects.published()…
        self.ranked, self.text, self.language, self.total = ranked, text, language, count

    def count(self):
        return self.total

    def __getitem__(self, window):
        start, stop = window.start or 0, window.stop
        # The term asked once (an index lookup), so its leaders are read through their index.
        term = common_term(self.text, self.language).values("pk")[:1]
        leaders = model("SearchLeader").objects.filter(term=Subquery(term))
        rows, most = [], querysets.SEARCH_LEADERS  # read now: the tests make it smaller
        if start < min(stop, most):
            stored = leaders.order_by("distance", "innovation_id").values("innovation_id")
            query = search.text_query(self.text, self.language)
            rows = list(
                self.cases.filter(pk__in=stored[start : min(stop, most)])
                .annotate(**search.rank_and_headline(query, self.language))
                .order_by("distance", "pk")
            )
            if not rows:  # none stored for this term yet
                return list(self.ranked()[start:stop])
        if stop > most:  # after the leaders, the other matches, ranked
            rest = self.ranked().exclude(pk__in=leaders.values("innovation_id"))
            rows += rest[max(start - most, 0) : stop - most]
        return rows
