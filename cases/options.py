"""The options a facet lists, as the filter form, the links and the pictures show them
(Option), each from its value, label and count, and the stages', branches' and years' from
their counts; a public institution where it is, as the place filters read it (Place); and a
country's name in a language."""

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from django.utils import translation
from django_countries import countries

from . import facet_registry


@dataclass
class Option:
    name: str
    value: str
    label: str
    count: int | None  # None: the option shows no count
    checked: bool
    title: str = ""  # the name in full, when the label is an acronym
    language: str = ""  # the language of a record's name: its translation's, or its own

    @property
    def input_id(self):
        return f"id_{self.name}_{self.value}"


@lru_cache(maxsize=1024)
def country_name(code, language):
    """A country's name in a language; looked up once, as django-countries' lookup is slow
    enough to show when a page lists dozens of countries."""
    with translation.override(language):
        return str(countries.name(code))


@dataclass
class Place:
    """A public institution where it is, as the place filters need it (filters.py)."""

    slug: str
    country: str
    region: str
    pk: int
    position: int
    count: int  # its cases that match every filter in use but the place filters


def listed(filterset, name, items):
    """Options from (value, label, count) or (value, label, count, title) items."""
    chosen = filterset.selected(name)
    return [
        Option(name, value, label, count, value in chosen, *more)
        for value, label, count, *more in items
    ]


def stage_options_of_rows(filterset, rows):
    """The stage, branch and year options from [(stage, branch, year started, count)]."""
    start, end = filterset.year_range
    chosen_stages, chosen_branches = filterset.selected("stage"), filterset.selected("branch")
    stages, branches, years = Counter(), Counter(), Counter()
    for stage, branch, year, count in rows:
        stage_fits = not chosen_stages or stage in chosen_stages
        branch_fits = not chosen_branches or branch in chosen_branches
        year_fits = (start is None or (year or 0) >= start) and (
            end is None or (year is not None and year <= end)
        )
        if branch_fits and year_fits:
            stages[stage] += count
        if stage_fits and year_fits:
            branches[branch] += count
        if stage_fits and branch_fits and year is not None:
            years[year] += count
    return stage_options(filterset, stages, branches, years)


def stage_options(filterset, stages, branches, years):
    """The stage, branch and year options from their counts."""
    start, end = filterset.year_range
    counted = {"stage": stages, "branch": branches}
    return {
        name: listed(
            filterset,
            name,
            [(v, label, count[v]) for v, label in facet_registry.BY_NAME[name].choices],
        )
        for name, count in counted.items()
    } | {
        "year": [
            Option("year", year, str(year), count, start == end == year)
            for year, count in sorted(years.items())
        ],
    }
