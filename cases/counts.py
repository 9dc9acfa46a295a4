"""The catalogue's counts, kept on write (models.CaseCount): how many published cases each
theme and each institution has; each stage, branch and year started together; each theme and
institution together; each theme with a stage, branch and year started; and each stage, each
branch and each year on its own, for every case, each theme and each institution. The same
for the cases whose search document holds each common search term (models.SearchTerm): by
institution, by theme and institution, and by stage, branch and year one at a time. And the
similar-case candidates (models.SimilarCandidate), each common term's best-ranked cases
(models.SearchLeader, leaders.py) and each published case's counted copy (models.CountedCase),
kept beside them by the same writes.

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

The common search terms: a search for one common word ("service", in 37% of 100,000 cases)
counted its 37,000 matches three times for its options (17-20 ms each at least: PostgreSQL
visits every matching row). A case's documents say which terms it is counted under, so
rebuilding them (writes.refresh_search_documents) is a write that changing() is around too;
a save is counted with the documents it had, then rebuilding them moves the terms' rows
(signals.py connects them in that order). The terms are chosen only by recount() (nightly:
manage.py recount), so that what a case adds to is known from its documents alone; rows are
counted in SQL there (count_terms), as Python would take minutes over millions of words.

The candidates: a case's page lists the cases sharing most of its themes, then from its
country, then in Table 1's order; ranking every case that shares a theme took 136 ms at
100,000 cases. Cases with the same themes and country rank alike against any case, so only
the first few of each such group can ever be listed (models.SimilarCandidate), and the page
ranks those few. A case's place (`place_of`: group and place in Table 1's order) is part of
its contributions; when it changes, the groups it left and joined are chosen anew.

The counted copies: what no kept row answers (a search of several words, a search with a
theme and a country, a place with a stage) is counted live, over the cases that match, and
each read a case's wide row for three small columns. A copy holds those columns and the
search documents (out of its row), and is part of a case's contributions (its columns and a
digest of its documents, as counted_copies() gives them), so a write that changes it writes
it anew.

What it costs on write: before and after, three small queries read the cases' states and
common terms; then one upsert moves the rows that changed (a case touches 8 to 26, and about
8 for each common term it holds in each language: at 100,000 generated cases, with 1,142
terms, about a thousand), and when a case's group or place changed, its group's candidates
are chosen anew (a query per institution of its country, each reading a few dozen rows of
Table 1's index). Writers take turns (CatalogueVersion.take_turn). Measured in
docs/performance.md.
"""

from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Subquery, Sum, TextField, Value
from django.db.models.functions import MD5, Cast, Coalesce, Concat

from . import leaders, search
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
from .querysets import SEARCH_DOCUMENTS, SIMILAR_SHOWN, TABLE_ORDER, fetch, fetch_either

# Past this many cases in one write, rebuilding every row is cheaper than the differences.
RECOUNT_ABOVE = 2000
NO_YEAR = 0
# A case's place among the similar-case candidates (place_of), beside the rows it counts in.
SIMILAR = "similar"
# A case's counted copy (models.CountedCase, counted_copies), beside them too.
COUNTED = "counted"
# The columns of a case that its counted copy holds (the same names on both), beside its id
# and its documents.
COPIED_COLUMNS = ("institution_id", "institution_position", "stage", "branch", "year_started")
COPIED = ("pk", *COPIED_COLUMNS, *SEARCH_DOCUMENTS)
# Copies written at once, at most: each a parameter of their query.
COPIED_AT_ONCE = 1000
# A group's candidates: enough for the page of a case in the group itself, which is left out.
CANDIDATES = SIMILAR_SHOWN + 1
# Past this many groups to choose anew, choosing every group at once is quicker.
CHOOSE_ALL_ABOVE = 50
# A candidate's row: its group, its case's place in Table 1's order, the case.
CANDIDATE_FIELDS = ("themes", "country", *TABLE_ORDER, "innovation_id")
# A word is a common search term when at least this many published cases hold it (in one
# language's documents) at a recount: below it, counting a search's matches live costs a few
# milliseconds; above, each word's counts are kept (a dozen rows per case and common word).
COMMON_TERM_CASES = 1000
TERM_KINDS = (
    CaseCount.TERM_INSTITUTION,
    CaseCount.TERM_THEME_INSTITUTION,
    *CaseCount.TERM_ONE_AT_A_TIME,
)
# Facet words (search.facet_token) are in the documents but never typed: never common terms.
NOT_TERMS = [search.facet_token(kind, "") for kind in ("theme", "country")]


def row(kind, theme=0, institution=0, stage="", branch="", year=None, language="", term=""):
    """A row's identity: the values of CaseCount.COLUMNS."""
    year = NO_YEAR if year is None else year
    return (kind, language, term, theme, institution, stage, branch, year)


def rows_of(theme_ids, institution, stage, branch, year, terms=()):
    """The rows one published case adds one to: the one rule. `terms`: the (language, term,
    …) of each common search term its documents hold (case_terms)."""
    rows = [
        row(CaseCount.INSTITUTION, institution=institution),
        row(CaseCount.STAGE_BRANCH_YEAR, stage=stage, branch=branch, year=year),
    ]
    for kind, value in one_at_a_time(stage, branch, year):
        rows += [row(kind, **value), row(kind, institution=institution, **value)]
        rows += [row(kind, theme, **value) for theme in theme_ids]
    for theme in theme_ids:
        rows += [
            row(CaseCount.THEME, theme),
            row(CaseCount.THEME_INSTITUTION, theme, institution),
            row(CaseCount.THEME_STAGE_BRANCH_YEAR, theme, stage=stage, branch=branch, year=year),
        ]
    for language, term, *_ in terms:
        about = {"language": language, "term": term}
        rows.append(row(CaseCount.TERM_INSTITUTION, institution=institution, **about))
        rows += [
            row(CaseCount.TERM_THEME_INSTITUTION, theme, institution, **about)
            for theme in theme_ids
        ]
        for kind, value in one_at_a_time(stage, branch, year, CaseCount.TERM_ONE_AT_A_TIME):
            rows.append(row(kind, **value, **about))
    return rows


def one_at_a_time(stage, branch, year, kinds=CaseCount.ONE_AT_A_TIME):
    """[(kind, {its column: value})] of the stage, the branch and the year kinds."""
    values = {"stage": stage, "branch": branch, "year": year}
    return [(kind, {column: values[column]}) for kind, column in kinds.items()]


def themes_key(theme_ids):
    """A group of similar-case candidates' themes, as SimilarCandidate.themes holds them:
    ",2,5,", each id between commas, so that a theme is found with `contains`."""
    return "".join(f",{theme}" for theme in sorted(theme_ids)) + ","


def place_of(pk, theme_ids, country, order):
    """Where a published case stands among the similar-case candidates: its group (themes and
    country) and its place in Table 1's order. When it changes, its group is chosen anew."""
    return (SIMILAR, themes_key(theme_ids), country, *order, pk)


def contributions(pks):
    """Counter of what the published cases among `pks` add to the kept data: their rows and
    their places (place_of). Inside a transaction the cases' rows are locked (PostgreSQL),
    whatever their status, in the order of their ids: when two editors change or publish the
    same case at once, the second waits, and sees the first one's change as its "before"."""
    cases = Innovation.objects.filter(pk__in=pks)
    if connection.in_atomic_block:
        CatalogueVersion.take_turn()
        cases = cases.select_for_update(of=("self",)).order_by("pk")
    fields = ("pk", "status", *COPIED_COLUMNS)
    published = Innovation.Status.PUBLISHED
    states = [
        values
        for values in cases.values_list(
            *fields, documents_digest(), "institution__country", *TABLE_ORDER
        )
        if values[1] == published
    ]
    themes = {}
    links = Innovation.themes.through.objects.filter(innovation__in=[state[0] for state in states])
    for case, theme in links.values_list("innovation_id", "theme_id"):
        themes.setdefault(case, []).append(theme)
    terms = case_terms([state[0] for state in states])
    counter = Counter(leaders.leading(pks) if leaders.kept() else ())
    for pk, _, institution, position, stage, branch, year, documents, country, *order in states:
        # Its counted copy, as counted_copies() gives it (COPIED_COLUMNS, then the digest).
        counter[(COUNTED, pk, institution, position, stage, branch, year, documents)] += 1
        found = terms.get(pk, ())
        counter.update(rows_of(themes.get(pk, ()), institution, stage, branch, year, found))
        counter.update(
            (leaders.LEADER, term, distance, pk)
            for _, _, term, distance in found
            if distance is not None
        )
        if pk in themes:  # a case without themes shares none: similar to no case
            counter[place_of(pk, themes[pk], country, order)] += 1
    return counter


class Noted(NamedTuple):
    """What a write to some cases starts from (noted()): their contributions, and whether the
    derived data matched the records then (CatalogueVersion.fresh)."""

    contributions: Counter
    fresh: bool


def noted(pks):
    """Before a write to the cases `pks`: their contributions, and whether the derived data
    are fresh. Outside a transaction another writer could come between the two, so the
    write never says they are (a rebuild does)."""
    before = contributions(pks)
    return Noted(before, connection.in_atomic_block and CatalogueVersion.fresh())


def moved(before, after):
    """After the write: the rows moved from `before` (Noted) to `after` (contributions), and
    the derived data said to match the records if they did before it."""
    apply(before.contributions, after)
    if before.fresh:
        CatalogueVersion.caught_up()


NOTHING = Noted(Counter(), False)


def documents_digest():
    """An expression of a case's search documents' digest: what tells, in its contributions,
    that its counted copy's documents changed. Each document as text ("-" when it has none,
    which no document's text is), followed by a bar (which is quoted within a document)."""
    text = TextField()
    parts = []
    for field in SEARCH_DOCUMENTS:
        parts += [Coalesce(Cast(field, text), Value("-"), output_field=text), Value("|", text)]
    return MD5(Concat(*parts, output_field=text))


def apply(before, after):
    """Move each row by the difference between two contributions (before and after a
    write): one upsert, nothing when nothing changed; choose anew the candidates of each
    group a case left, joined or moved within; and move the common terms' leaders."""
    changed = [key for key in before.keys() | after.keys() if after[key] != before[key]]
    if changed:
        CatalogueVersion.take_turn()
    choose_candidates({key[1:3] for key in changed if key[0] == SIMILAR})
    leaders.move(before, after)
    copy_counted({key[1] for key in changed if key[0] == COUNTED})
    places = (SIMILAR, COUNTED, leaders.LEADER, leaders.LEADING)
    changes = sorted(  # in one order, so that two writers lock rows in the same order
        (*key, after[key] - before[key]) for key in changed if key[0] not in places
    )
    if not changes:
        return
    quote = connection.ops.quote_name
    table = quote(CaseCount._meta.db_table)
    columns = ", ".join(quote(column) for column in CaseCount.COLUMNS)
    one = "(" + ", ".join(["%s"] * (len(CaseCount.COLUMNS) + 1)) + ")"  # and the count
    values = ", ".join([one] * len(changes))
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ({columns}, "count") VALUES {values} '
            f'ON CONFLICT ({columns}) DO UPDATE SET "count" = {table}."count" + excluded."count"',
            [value for change in changes for value in change],
        )


def choose_candidates(groups):
    """The similar-case candidates of these groups ((themes key, country) pairs) anew: the
    places of the first CANDIDATES published cases of each in Table 1's order. One query a
    group; past CHOOSE_ALL_ABOVE groups, all of them at once."""
    if len(groups) > CHOOSE_ALL_ABOVE:
        choose_all_candidates()
        return
    chosen = []
    for key, country in sorted(groups):
        theme_ids = [int(theme) for theme in key.strip(",").split(",")]
        chosen += [(key, country, *member) for member in first_of_group(theme_ids, country)]
    if groups:
        replace_candidates(kept_places(groups), chosen)


def kept_places(groups):
    """The places of the kept candidates of these groups ((themes key, country) pairs)."""
    kept = SimilarCandidate.objects.filter(
        themes__in={key for key, _ in groups}, country__in={country for _, country in groups}
    )
    return {place for place in kept.values_list(*CANDIDATE_FIELDS) if place[:2] in groups}


def first_of_group(theme_ids, country):
    """[(Table 1's order..., id)] of the first CANDIDATES published cases with exactly these
    themes from this country. Table 1 orders by institution first, so each of the country's
    institutions' run of its index is read in turn, and the walk stops at the last case
    needed: a query per institution, a few dozen rows each. (Grouping all of the country's
    cases by their themes instead took 10 ms a group at 100,000 cases, 95 at 1,000,000.)"""
    links = Innovation.themes.through.objects.filter(innovation=OuterRef("pk"))
    cases = Innovation.objects.published().exclude(Exists(links.exclude(theme__in=theme_ids)))
    for theme in theme_ids:
        cases = cases.filter(Exists(links.filter(theme=theme)))
    found = []
    institutions = Institution.objects.filter(country=country).order_by("position", "pk")
    for position, pk in institutions.values_list("position", "pk"):
        run = cases.filter(institution_position=position, institution_id=pk)
        found += run.order_by(*TABLE_ORDER, "pk").values_list(*TABLE_ORDER, "pk")[
            : CANDIDATES - len(found)
        ]
        if len(found) == CANDIDATES:
            break
    return found


def replace_candidates(old, new):
    """From the places `old` to the places `new`: only the rows that differ are deleted and
    written (a group's candidates mostly stay; rewriting them all on every write left the
    table mostly dead rows, read by every case's page). All deletions go first: a case that
    moved from one group or place to another is in both."""
    new = set(new)
    gone, came = old - new, new - old
    if gone:
        SimilarCandidate.objects.filter(innovation__in=[place[-1] for place in gone]).delete()
    SimilarCandidate.objects.bulk_create(candidate(place) for place in came)


def candidate(place, candidate_model=SimilarCandidate):
    """The SimilarCandidate row of a place (place_of, without its first item)."""
    return candidate_model(**dict(zip(CANDIDATE_FIELDS, place, strict=True)))


def choose_all_candidates(case_model=Innovation, candidate_model=SimilarCandidate):
    """Every group's candidates anew (the models can be given, as for count_all())."""
    candidate_model.objects.all().delete()
    candidate_model.objects.bulk_create(
        candidate(place, candidate_model) for place in all_candidates(case_model)
    )


def all_candidates(case_model=Innovation):
    """The places of every group's candidates, as choosing them all anew gives them: the
    cases read once in Table 1's order, grouped as they come."""
    published = case_model.objects.filter(status=Innovation.Status.PUBLISHED)
    themes = {}
    links = case_model.themes.through.objects.filter(innovation__status=Innovation.Status.PUBLISHED)
    for case, theme in links.values_list("innovation_id", "theme_id"):
        themes.setdefault(case, []).append(theme)
    taken = Counter()
    chosen = set()
    cases = published.order_by(*TABLE_ORDER, "pk").values_list(
        "pk", "institution__country", *TABLE_ORDER
    )
    for pk, country, *order in cases:
        if pk in themes:
            place = place_of(pk, themes[pk], country, order)[1:]
            if taken[place[:2]] < CANDIDATES:
                taken[place[:2]] += 1
                chosen.add(place)
    return chosen


def kept_candidates():
    """The kept candidates' places, as all_candidates() gives them."""
    return set(SimilarCandidate.objects.values_list(*CANDIDATE_FIELDS))


# The cases whose write an enclosing changing() is around: a write within it (the search
# documents rebuilt when an institution moves) is counted by that one, not twice.
_changing = ContextVar("counts_changing", default=frozenset())


@contextmanager
def changing(pks):
    """Around a write to the cases `pks` (their fields, status, themes, search documents or
    existence): the rows move by the difference between their contributions before and after
    it, in the same transaction; a write that fails moves nothing. Within another changing(),
    only the cases it is not around already. The writers' turn is taken before `pks` (often
    a query) is read, so that no case another writer is adding is missed."""
    enclosing = _changing.get()
    token = None
    try:
        with transaction.atomic():
            CatalogueVersion.take_turn()
            pks = [pk for pk in pks if pk not in enclosing]
            token = _changing.set(enclosing | set(pks))
            if len(pks) > RECOUNT_ABOVE:
                yield
                recount()
            else:
                before = noted(pks)
                yield
                moved(before, contributions(pks))
    finally:
        if token is not None:
            _changing.reset(token)


def forget_theme(pk):
    """A deleted theme's rows, which its cases' moves have left at 0."""
    CaseCount.objects.filter(theme=pk).delete()


def added(pks, before=NOTHING):
    """After cases were written in bulk without signals (bulk_create): count them in, and
    let each join its group's similar-case candidates. `before`: noted([]) before the
    write, when the derived data may then be said to match the records."""
    pks = list(pks)
    if len(pks) > RECOUNT_ABOVE:
        recount()
        return
    after = contributions(pks)
    moved(before, Counter({key: n for key, n in after.items() if key[0] != SIMILAR}))
    join_candidates([key[1:] for key in after if key[0] == SIMILAR])


def join_candidates(places):
    """Cases only added (their places) can only push a group's last candidates out: each
    group's candidates are then the first CANDIDATES of its old ones and the new ones
    together, put in Table 1's order by the database. No group is read whole, so adding
    a batch costs the same at any size (choosing every group anew, as for other writes of
    many groups, read the whole catalogue: at 1,000,000 cases, for every batch)."""
    groups = {place[:2] for place in places}
    if not groups:
        return
    CatalogueVersion.take_turn()
    old = kept_places(groups)
    by_case = {place[-1]: place for place in old}
    by_case.update({place[-1]: place for place in places})
    in_order = Innovation.objects.filter(pk__in=by_case).order_by(*TABLE_ORDER, "pk")
    taken, chosen = Counter(), []
    for pk in in_order.values_list("pk", flat=True):
        group = by_case[pk][:2]
        if taken[group] < CANDIDATES:
            taken[group] += 1
            chosen.append(by_case[pk])
    replace_candidates(old, chosen)


def copy_counted(pks):
    """The counted copies of these cases anew (models.CountedCase): deleted, then copied
    again from those that are published. Two queries a thousand cases."""
    pks = sorted(pks)
    for start in range(0, len(pks), COPIED_AT_ONCE):
        some = pks[start : start + COPIED_AT_ONCE]
        CountedCase.objects.filter(pk__in=some).delete()
        _copy(Innovation.objects.filter(pk__in=some))


def copy_all_counted():
    """Every published case's counted copy as copying it gives it: the copies that differ
    (counted_copies) are written anew, and only those, as writing a copy writes its
    documents into the copies' search indexes too (every copy anew: minutes at 100,000
    cases; compared, a few seconds, and a recount usually finds none to write)."""
    kept, wanted = counted_copies(), counted_copies(Innovation)
    copy_counted(pk for pk in kept.keys() | wanted.keys() if kept.get(pk) != wanted.get(pk))


def _copy(cases):
    """Copy the published ones of `cases` to their counted copies: one INSERT … SELECT, so
    that on PostgreSQL the documents go from table to table without being read here (and,
    being stored out of the case's row, stay out of the copy's: migration 0021)."""
    quote = connection.ops.quote_name
    meta = CountedCase._meta
    fields = ("innovation", *COPIED[1:])
    columns = ", ".join(quote(meta.get_field(field).column) for field in fields)
    rows = cases.filter(status=Innovation.Status.PUBLISHED).order_by().values_list(*COPIED)
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(meta.db_table)} ({columns}) {sql}", params)


def counted_copies(model=CountedCase):
    """{case id: (its counted copy's columns, its documents' digest)}, as contributions()
    holds them: of the copies kept, or (`model` Innovation) of what copying the published cases
    gives."""
    rows = Innovation.objects.published() if model is Innovation else model.objects.all()
    copied = rows.values_list("pk", *COPIED_COLUMNS, documents_digest())
    return {pk: tuple(values) for pk, *values in copied}


def recount(terms=True):
    """Every row and every group's candidates anew, the common search terms chosen anew
    first (without `terms`, none: counting their rows is most of the time writers wait for a
    recount, docs/performance.md): what the kept data must always equal."""
    with transaction.atomic():
        CatalogueVersion.take_turn()
        choose_terms(chosen=terms)
        count_all()
        count_terms()
        choose_all_candidates()
        leaders.choose()
        copy_all_counted()
        CatalogueVersion.bump()  # pages made from the derived data before are not sent again
        CatalogueVersion.caught_up()


def count_all(case_model=Innovation, count_model=CaseCount):
    """Every row anew but the search terms' (the models can be given: the migration that
    made the table passes its own, which had no term columns yet)."""
    count_model.objects.all().delete()
    has = {field.name for field in count_model._meta.fields}

    def columns(key):
        pairs = zip(CaseCount.COLUMNS, key, strict=True)
        return {name: value for name, value in pairs if name in has}

    count_model.objects.bulk_create(
        count_model(**columns(key), count=count) for key, count in full_count(case_model).items()
    )


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


def forget_terms():
    """No common search terms, and none of their rows: searches are counted live until the
    next recount (a bulk load does this first, not to keep rows it will count anew)."""
    with transaction.atomic():
        CatalogueVersion.take_turn()
        SearchTerm.objects.all().delete()
        CaseCount.objects.filter(kind__in=TERM_KINDS).delete()


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


def case_terms(pks):
    """{case id: [(language, term, term id, distance)]}: the common search terms each case's
    documents hold, and how far each document is from its term where the leaders are kept
    (leaders.py; else None)."""
    if not pks or not search.using_postgres():
        return {}
    distance = leaders.kept_distance_sql("d.document", "t.term") if leaders.kept() else "NULL"
    sql, params = _terms_sql("i.id = ANY(%s)", f", t.id, {distance}")
    found = {}
    for pk, *term in fetch(sql, [*params, list(pks)]):
        found.setdefault(pk, []).append(tuple(term))
    return found


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
        # Tens of times more rows than before: without fresh statistics the planner reads
        # the table whole for the other counts (50 ms, not 2, on `/` at 100,000 cases).
        cursor.execute(f"ANALYZE {table}")


def full_term_count():
    """The search terms' rows as a full recount gives them (count_terms()), as a Counter."""
    if not search.using_postgres():
        return Counter()
    return Counter({tuple(values[:-1]): values[-1] for values in fetch(*_term_rows_sql())})


def full_count(case_model=Innovation):
    """The counts as a full recount gives them, grouped by the database."""
    counter = Counter()
    published = case_model.objects.filter(status=Innovation.Status.PUBLISHED).order_by()
    for institution, count in published.values_list("institution_id").annotate(n=Count("*")):
        counter[row(CaseCount.INSTITUTION, institution=institution)] = count
    by_stage = published.values_list("institution_id", "stage", "branch", "year_started").annotate(
        n=Count("*")
    )
    for institution, stage, branch, year, count in by_stage:
        counter[row(CaseCount.STAGE_BRANCH_YEAR, stage=stage, branch=branch, year=year)] += count
        for kind, value in one_at_a_time(stage, branch, year):
            counter[row(kind, **value)] += count
            counter[row(kind, institution=institution, **value)] += count
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
        for kind, value in one_at_a_time(stage, branch, year):
            counter[row(kind, theme, **value)] += count
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


def kept_count(kind, **columns):
    """How many published cases the kept rows of `kind` with these columns count:
    `kept_count(CaseCount.THEME, theme=3)`, one index lookup."""
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
    """(by stage, by branch, by year started) from kept rows (kind, stage, branch, year,
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
    (`found`, as querysets.fetch_either takes it): its kept rows (kind, stage, branch, year,
    count) of each one-at-a-time kind. Else, counted live, the rows ("", stage, branch,
    year, count) of `cases`. One query; returns (rows, which), as fetch_either."""

    def live():
        rows = cases.order_by().values_list("stage", "branch", "year_started")
        sql, params = rows.annotate(n=Count("*")).query.sql_with_params()
        return f"SELECT '' AS kind, live_rows.* FROM ({sql}) live_rows", params

    kept = _one_at_a_time_rows(CaseCount.TERM_ONE_AT_A_TIME, **term)
    return fetch_either(found, lambda: kept.query.sql_with_params(), live)


def theme_institution_counts(institutions=None):
    """[(theme slug, institution slug, count)] of the published cases, of `institutions` (a
    subquery of their ids) when given: one query."""

    def slug(model, field):
        return Subquery(model.objects.filter(pk=OuterRef(field)).values("slug")[:1])

    rows = CaseCount.objects.filter(kind=CaseCount.THEME_INSTITUTION).exclude(count=0)
    if institutions is not None:
        rows = rows.filter(institution__in=institutions)
    return rows.values_list(slug(Theme, "theme"), slug(Institution, "institution"), "count")
