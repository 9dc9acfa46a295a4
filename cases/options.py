"""The options a facet lists, as the filter form, the links and the pictures show them
(Option), each from its value, label and count: the stages', branches' and years' from their
counts, and the institutions', countries' and regions' from each public institution's
(place_options, which also gives each as a Place); and a country's name in a language."""

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from django.utils import translation
from django_countries import countries

from . import facet_registry
from .languages import page_language
from .regions import REGION_NAMES, region_of

PLACES_READ = "places"  # the [Place] that place_options gives beside the options


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
    """A public institution where it is, with its count: the runs of Table 1 a page of a
    place filter reads (facets.Selection.rows)."""

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


def place_options(filterset, institutions):
    """The place options from [(id, position, slug, name, acronym, translated name,
    translated acronym, country, original language, count)] of every public institution."""
    language = page_language()
    allows = place_allows(filterset)
    items, by_country, by_region = [], {}, dict.fromkeys(REGION_NAMES, 0)
    places = []
    for (
        pk,
        position,
        slug,
        name,
        acronym,
        name_in,
        acronym_in,
        code,
        own,
        case_count,
    ) in institutions:
        region = region_of(code)
        places.append(Place(slug, code, region, pk, position, case_count))
        in_place = allows("country", code) and allows("region", region)
        # The label is the institution's short name (Institution.short_name), the title its
        # name in full; each its translation where it has one (Translatable.text).
        if name_in and language != own:
            own, name, acronym = language, name_in, acronym_in or acronym
        items.append((slug, acronym or name, case_count * in_place, name if acronym else "", own))
        label, count = by_country.get(code, (country_name(code, language), 0))
        if allows("institution", slug) and allows("region", region):
            count += case_count
        by_country[code] = (label, count)
        if allows("institution", slug) and allows("country", code):
            by_region[region] += case_count

    countries_by_name = sorted(
        ((code, name, count) for code, (name, count) in by_country.items()),
        key=lambda item: item[1],
    )
    regions = [(slug, REGION_NAMES[slug], count) for slug, count in by_region.items()]
    return {
        "region": listed(filterset, "region", regions),
        "country": listed(filterset, "country", countries_by_name),
        "institution": listed(filterset, "institution", items),
        PLACES_READ: places,
    }


def place_allows(filterset):
    """allows(name, value): whether place filter `name` (institution, country, region) keeps
    `value`; every value when it is not in use."""
    chosen = {name: filterset.selected(name) for name in ("institution", "country", "region")}
    return lambda name, value: not chosen[name] or value in chosen[name]
