"""What each choice would give (Selection): the count beside every option of the filter form
(each counted facet of facet_registry.py, and each year started), the total number of
results, and the rows a page lists; facet_links.py and charts.py show them. It reads a
FilterSet (filters.py), which says what is chosen and filters, and never reads this. The
counts come from three grouped queries (the registry's groups: themes, places, stages), or
from one when the three count the same cases live (_together), and the total is a sum of one
of them, so no separate count query runs.

The grouped counts are written in SQL (CaseListQuerySet.counting in counting.py): each is a
grouped subquery over the matching cases, joined once to the themes or institutions, so the
database counts only the cases that match, through their own indexes. The ORM's form (a
correlated subquery per row) was 2 to 15 times slower.
"""

from functools import cached_property

from django.db.models import Count

from . import counting, counts, derived, facet_registry, regions, search
from .languages import column, page_language
from .models import CaseCount, Institution, Theme
from .options import (
    PLACES_READ,
    listed,
    place_allows,
    place_options,
    stage_options,
    stage_options_of_rows,
)
from .paging import InstitutionRuns, SearchLeaders, common_term


class Selection(dict):
    """What a FilterSet's choices give. As a dict, {facet name: [Option, ...]} for every
    counted facet of the form, and "year" (the years started), each group of counts queried
    when one of its facets is first asked for: one query for themes, one for the places
    (institution, country, region), one for how far along and what (stage, branch, year
    started). /matrix/ needs only the first two. The places' query also gives PLACES_READ:
    [Place] of every public institution, with its count."""

    def __init__(self, filterset):
        super().__init__()
        self.filterset = filterset
        # Whether the search's one word is a common term, once the first query that asks
        # (_search_term) has told; None until then.
        self.term_found = None

    @cached_property
    def counted_together(self):
        """Decided once a page (each group's miss would otherwise ask again)."""
        return _counted_together(self)

    def __missing__(self, name):
        if name not in GROUP_OF:  # not a facet: a template asking for an attribute
            raise KeyError(name)
        if self.counted_together:
            self.update(_together(self))
        else:
            self.update(COUNTERS[GROUP_OF[name]](self))
        return self[name]

    @cached_property
    def derived_fresh(self):
        """Whether the derived data (counts.py) match the records now: else nothing is read
        from them, and the cases themselves are counted (CatalogueVersion.fresh)."""
        return derived.fresh()

    def filters_only(self, *names):
        """True when no filter but `names` is in use and the derived data are fresh: then the
        counts that counts.py keeps answer what the facets ask. A form with a value that is
        not valid filters nothing (FilterSet.cases_without): its options count every case,
        as with no filter, from the stored counts too (else any address with a wrong value
        would count the whole catalogue live)."""
        if not self.derived_fresh:
            return False
        filterset = self.filterset
        if filterset.in_use is None:
            return not filterset.unsearchable  # a search with no word to look for finds nothing
        return filterset.in_use <= set(names)

    @property
    def total(self):
        """The number of rows, from the institution facet: every case has one institution."""
        if not self.filterset.answerable:
            return 0
        chosen = self.filterset.selected("institution")
        return sum(o.count for o in self["institution"] if not chosen or o.value in chosen)

    @property
    def rows(self):
        """What the page lists, for its paginator: the FilterSet's `qs`; or, in Table 1's
        order with no filter but places, the same rows read a run of institutions at a time,
        their lengths known from the counts (paging.InstitutionRuns: a deep page reads one
        institution's run, not every row before it); or, for a search of one common word
        alone ranked by an index, its first pages from its stored best matches
        (paging.SearchLeaders)."""
        filterset = self.filterset
        if (
            filterset.chosen_sort == "relevance"
            and filterset.in_use == {"q"}
            and search.ranks_by_index()
            and self.term_stored
        ):
            language = page_language()

            def ranked():  # built only for the pages past the stored ones
                return filterset.qs

            text = filterset.search_text
            return SearchLeaders(filterset.queryset, ranked, text, language, self.total)
        if filterset.chosen_sort == "table" and self.filters_only(*PLACES) and filterset.answerable:
            runs = [(p.position, p.pk, p.count) for p in self.chosen_places()]
            return InstitutionRuns(filterset.queryset, runs)
        return filterset.qs

    @property
    def term_stored(self):
        """Whether the search is one common term alone, whose stored rows answered its counts
        (PostgreSQL): the stage counts, which the page shows anyway, ask (_stages), and
        term_found keeps the answer."""
        self["stage"]
        return self.term_found is True

    def chosen_places(self):
        """[Place] of the institutions every place filter in use keeps."""
        allows = place_allows(self.filterset)
        return [
            place
            for place in self[PLACES_READ]
            if allows("institution", place.slug)
            and allows("country", place.country)
            and allows("region", place.region)
        ]


PLACES = facet_registry.counted(facet_registry.PLACE_COUNTS)
STAGES = (*facet_registry.counted(facet_registry.STAGE_COUNTS), *facet_registry.YEARS)
# The group of counts each name a page asks for comes from: the registry's counted facets',
# and the years' and the places read, made with the stages and the places.
GROUP_OF = {f.name: f.counted for f in facet_registry.FACETS if f.counted is not None} | {
    "year": facet_registry.STAGE_COUNTS,
    PLACES_READ: facet_registry.PLACE_COUNTS,
}


def _themes(selection):
    """Theme counts: stored ones when the other filters in use are all places, or all stages,
    branches and years (summed from the stored rows they select); else counted live."""
    filterset = selection.filterset
    if selection.filters_only("theme"):
        rows = theme_counts(kind=CaseCount.THEME)
    elif selection.filters_only("theme", *PLACES):
        places = {"institution__in": place_institutions(filterset)}
        rows = theme_counts(kind=CaseCount.THEME_INSTITUTION, conditions=places)
    elif selection.filters_only("theme", *STAGES):
        stages = _stage_conditions(filterset)
        rows = theme_counts(kind=CaseCount.THEME_STAGE_BRANCH_YEAR, conditions=stages)
    elif term := _search_term(selection):
        conditions, found = term
        if filterset.in_use & set(PLACES):
            conditions["institution__in"] = place_institutions(filterset)
        language, cases = page_language(), filterset.cases_without("theme")
        counted = Theme.objects.stored_values_if(
            found, _theme_fields(language), CaseCount.TERM_THEME_INSTITUTION, cases, **conditions
        )
        rows = _named_themes(_told(selection, counted), language)
    else:
        rows = theme_counts(filterset.cases_without("theme"))
    return _theme_options(filterset, rows)


def _theme_options(filterset, rows):
    items = [(slug, name, count, "", language) for slug, name, count, language in rows]
    return {"theme": listed(filterset, "theme", items)}


def _counted_together(selection):
    """Whether the three groups can be counted live in one query: filters are in use
    besides themes, none of them a place, stage, branch or year (so that the places and
    stages count the cases that match them all, and the themes the same but for the
    themes chosen), and no stored count answers (a search of several words, or any search
    on SQLite, which keeps no terms; partners; recognition)."""
    filterset = selection.filterset
    in_use = filterset.in_use
    return bool(
        in_use
        and in_use - {"theme"}
        and not in_use & ({*filterset.FACETS, *filterset.YEARS} - {"theme"})
        and _search_term(selection) is None
    )


def _together(selection):
    """Every group's options from one query (counting.counted_together), which
    reads the matching cases once instead of three times."""
    filterset = selection.filterset
    language = page_language()
    cases = filterset.cases_without(*filterset.FACETS, *filterset.YEARS)
    themes, institutions, stages = counting.counted_together(
        cases,
        _theme_fields(language),
        _institution_fields(language),
        themes=sorted(filterset.themes.values()),
    )
    return {
        **_theme_options(filterset, _named_themes(themes, language)),
        **place_options(filterset, institutions),
        **stage_options_of_rows(filterset, stages),
    }


def _one_theme(filterset):
    """The chosen theme as a subquery of its id, when exactly one is chosen: stored counts
    per theme cannot be summed over several (a case can have both)."""
    chosen = filterset.selected("theme")
    if len(chosen) == 1:
        return Theme.objects.filter(slug__in=chosen).values("pk")
    return None


def _search_term(selection):
    """When the search is one word and every other filter in use is a theme or a place, on
    PostgreSQL: (the lookups of the stored rows of that word's common term, whether there is
    one). Whether the word is a common term, the first query of the counts asks: if not,
    the same query counts live (QuerySet.stored_values_if); its answer is remembered
    (Selection.term_found) and the later ones are given it: True or False, instead of the
    query that finds it."""
    filterset = selection.filterset
    if not (
        search.using_postgres()
        and selection.derived_fresh
        and "q" in (filterset.in_use or ())
        and selection.filters_only("q", "theme", *PLACES)
        and len(filterset.search_terms) == 1
    ):
        return None
    language = page_language()
    term = common_term(filterset.search_text, language)
    known = selection.term_found
    return {"language": language, "term__in": term.values("term")}, term if known is None else known


def _told(selection, answer):
    """Keep what a query said about the search's word (counting.fetch_either), so that the
    page's next queries build only the part they need; give its rows."""
    rows, found = answer
    if found is not None:
        selection.term_found = found
    return rows


def place_institutions(filterset):
    """The ids of the institutions the place filters keep, as a subquery."""
    institutions = Institution.objects.all()
    if chosen := filterset.selected("institution"):
        institutions = institutions.filter(slug__in=chosen)
    if chosen := filterset.selected("country"):
        institutions = institutions.filter(country__in=chosen)
    if chosen := filterset.selected("region"):
        institutions = institutions.filter(country__in=regions.countries_of(chosen))
    return institutions.values("pk")


def _stage_conditions(filterset):
    """Lookups on stored rows for the chosen stages, branches and years started."""
    conditions = {}
    if chosen := filterset.selected("stage"):
        conditions["stage__in"] = chosen
    if chosen := filterset.selected("branch"):
        conditions["branch__in"] = chosen
    start, end = filterset.year_range
    if start is not None:
        conditions["year__gte"] = start
    if end is not None:
        conditions["year__lte"] = end
        conditions.setdefault("year__gte", 1)  # 0: no year given, which a range leaves out
    return conditions


def theme_counts(cases=None, kind=CaseCount.THEME, conditions=None):
    """[(slug, name, count, the name's language)] of every theme: how many of `cases` have
    it (None: from the stored rows of `kind` that `conditions` select), named in the page's
    language where translated (Translatable.text)."""
    language = page_language()
    fields = _theme_fields(language)
    if cases is None:
        rows = Theme.objects.stored_values(fields, kind, **(conditions or {}))
    else:
        rows = Theme.objects.counted_values(fields, case_count=cases)
    return _named_themes(rows, language)


def _theme_fields(language):
    return ["slug", "name", column("name", language)]


def _named_themes(rows, language):
    return [
        (slug, translated or name, count, language if translated else Theme.TEXT_LANGUAGE)
        for slug, name, translated, count in rows
    ]


def _places(selection):
    """Institutions, countries and regions come from one count: cases matching every filter
    but those three, per public institution. An institution's own count is that number when
    its country and region are chosen (or none is); a country's or a region's is the sum over
    its institutions that the other two place filters keep. Each case has one institution, so
    nothing is counted twice."""
    filterset = selection.filterset
    fields = _institution_fields(page_language())
    one_theme = _one_theme(filterset)
    if selection.filters_only(*PLACES):
        institutions = Institution.objects.stored_values(fields, CaseCount.INSTITUTION, True)
    elif selection.filters_only("theme", *PLACES) and one_theme is not None:
        institutions = Institution.objects.stored_values(
            fields, CaseCount.THEME_INSTITUTION, True, theme__in=one_theme
        )
    elif (term := _search_term(selection)) and (
        one_theme is not None or not filterset.selected("theme")
    ):
        conditions, found = term
        kind = CaseCount.TERM_INSTITUTION
        if one_theme is not None:
            kind, conditions["theme__in"] = CaseCount.TERM_THEME_INSTITUTION, one_theme
        cases = filterset.cases_without(*PLACES)
        institutions = _told(
            selection,
            Institution.objects.stored_values_if(found, fields, kind, cases, True, **conditions),
        )
    else:
        institutions = Institution.objects.counted_values(
            fields,
            public_only=True,
            case_count=filterset.cases_without("institution", "country", "region"),
        )
    return place_options(filterset, institutions)


def _institution_fields(language):
    names = [column("name", language), column("acronym", language)]
    return ["id", "position", "slug", "name", "acronym", *names, "country", "original_language"]


def _stages(selection):
    """Stages, branches and years started from one count: cases matching every filter but
    those, per stage, branch and year. A stage's count is the sum over the branches and years
    the other two keep, and so on; a year's count is what `started_min` and `started_max` at
    that year would give (its option is checked when both are that year)."""
    filterset = selection.filterset
    one_theme = _one_theme(filterset)
    # None of stage, branch and year chosen: their counts one at a time are enough. (A form
    # that is not valid filters nothing, but the stages and branches asked narrow each
    # other's counts: below.)
    one_at_a_time = not (filterset.selected("stage") or filterset.selected("branch"))
    if one_at_a_time and selection.filters_only():
        return stage_options(filterset, *counts.one_at_a_time_counts())
    if one_at_a_time and selection.filters_only(*PLACES):
        institutions = place_institutions(filterset)
        return stage_options(filterset, *counts.one_at_a_time_counts(institutions=institutions))
    if one_at_a_time and selection.filters_only("theme") and one_theme is not None:
        return stage_options(filterset, *counts.one_at_a_time_counts(theme=one_theme))
    term = selection.filters_only("q") and _search_term(selection)
    if term:  # one word alone: its stored rows, if a common term
        conditions, found = term
        cases = filterset.cases_without("stage", "branch", *filterset.YEARS)
        rows = _told(selection, counts.term_stage_rows_if(found, cases, **conditions))
        if selection.term_found:
            kinds = CaseCount.TERM_ONE_AT_A_TIME
            return stage_options(filterset, *counts.by_one_at_a_time(rows, kinds))
        rows = [row[1:] for row in rows]  # counted live
    elif selection.filters_only(*STAGES):
        rows = counts.stage_branch_year_counts()
    elif selection.filters_only("theme", *STAGES) and one_theme is not None:
        rows = counts.stage_branch_year_counts(one_theme)
    else:
        rows = (
            filterset.cases_without("stage", "branch", *filterset.YEARS)
            .order_by()
            .values_list("stage", "branch", "year_started")
            .annotate(count=Count("*"))
        )
    return stage_options_of_rows(filterset, rows)


# Each group of counts of the registry, and what makes it.
COUNTERS = {
    facet_registry.THEME_COUNTS: _themes,
    facet_registry.PLACE_COUNTS: _places,
    facet_registry.STAGE_COUNTS: _stages,
}
