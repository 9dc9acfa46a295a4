"""What each choice would give: the count beside every theme, institution and country option
of the filter form, the total number of results, and the theme-by-institution grid of
/matrix/. Read from a FilterSet (filters.py), which says what is chosen; the counts come from
two grouped queries (CaseListQuerySet.counted_values), and the total is their sum, so no
separate count query runs.

The grouped counts are written in SQL (CaseListQuerySet.counting in querysets.py): each is a
grouped subquery over the matching cases, joined once to the themes or institutions, so the
database counts only the cases that match, through their own indexes. The ORM's form (a
correlated subquery per row) was 2 to 15 times slower at 100,000 cases; the figures are there.
"""

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

from django.db.models import Count
from django.utils import translation
from django_countries import countries

from .models import Institution, Partner, Theme


@dataclass
class Option:
    name: str
    value: str
    label: str
    count: int | None  # None: the option shows no count
    checked: bool

    @property
    def input_id(self):
        return f"id_{self.name}_{self.value}"


@lru_cache(maxsize=1024)
def country_name(code, language):
    """A country's name in a language; looked up once, as django-countries' lookup is slow
    enough to show when a page lists dozens of countries."""
    with translation.override(language):
        return str(countries.name(code))


def options(filterset):
    """{facet name: [Option, ...]} for theme, institution and country, in two queries.

    Institutions and countries come from one count: cases matching every filter but
    those two, per institution. An institution's own count is that number when its
    country is chosen (or none is); a country's is the sum over its chosen institutions
    (or all of them). Each case has one institution, so nothing is counted twice."""
    themes = Theme.objects.counted_values(
        ["slug", "name"], case_count=filterset.cases_without("theme")
    )
    institutions = Institution.objects.counted_values(
        ["slug", "name", "acronym", "country"],
        case_count=filterset.cases_without("institution", "country"),
    )
    chosen_institutions = filterset.selected("institution")
    chosen_countries = filterset.selected("country")

    institution_items, by_country, language = [], {}, translation.get_language()
    for slug, name, acronym, code, case_count in institutions:
        in_countries = not chosen_countries or code in chosen_countries
        # The label is the institution's short name (Institution.short_name).
        institution_items.append((slug, acronym or name, case_count * in_countries))
        label, count = by_country.get(code, (country_name(code, language), 0))
        if not chosen_institutions or slug in chosen_institutions:
            count += case_count
        by_country[code] = (label, count)

    def listed(name, items):
        chosen = filterset.selected(name)
        return [Option(name, value, label, count, value in chosen) for value, label, count in items]

    return {
        "theme": listed("theme", themes),
        "institution": listed("institution", institution_items),
        "country": listed(
            "country",
            sorted(
                ((code, name, count) for code, (name, count) in by_country.items()),
                key=lambda item: item[1],
            ),
        ),
    }


def groups(filterset):
    """(form field, options) per facet, for the template; partner kinds come last, without
    counts (they would cost a query more on every page)."""
    chosen = filterset.selected("partner_kind")
    kinds = [
        Option("partner_kind", value, label, None, value in chosen)
        for value, label in Partner.Kind.choices
    ]
    counted = [(filterset.form[name], filterset.facets[name]) for name in filterset.FACETS]
    return counted + [(filterset.form["partner_kind"], kinds)]


def total(filterset):
    """The number of rows, from the institution facet: every case has one institution."""
    if not filterset.is_valid() or filterset.unsearchable:
        return 0
    chosen = filterset.selected("institution")
    return sum(
        option.count
        for option in filterset.facets["institution"]
        if not chosen or option.value in chosen
    )


def theme_institution_grid(filterset):
    """Themes (rows) by institutions (columns): how many cases have both, given the other
    active filters (country, search). Chosen themes or institutions narrow the grid."""
    pairs = (
        filterset.cases_without("theme", "institution")
        .order_by()
        .values_list("themes__slug", "institution__slug")
        .annotate(count=Count("*"))
    )
    counts = {(theme, institution): count for theme, institution, count in pairs}

    def shown(name):
        options = filterset.facets[name]
        chosen = filterset.selected(name)
        return [option for option in options if not chosen or option.value in chosen]

    cleaned = filterset.form.cleaned_data if filterset.is_bound else {}
    kept = {name: cleaned[name] for name in ("country", "partner_kind", "q") if cleaned.get(name)}
    if cleaned.get("recognised"):
        kept["recognised"] = "1"
    columns = shown("institution")
    rows = []
    for theme in shown("theme"):
        cells = []
        for institution in columns:
            count = counts.get((theme.value, institution.value), 0)
            query = {"theme": theme.value, "institution": institution.value, **kept}
            cells.append((institution, count, "?" + urlencode(query, doseq=True)))
        rows.append((theme, cells))
    return {"columns": columns, "rows": rows}
