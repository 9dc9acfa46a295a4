"""What the catalogue can be filtered by, and how: the FilterSet behind `/`, with its facets.

Repeated parameters combine as OR within a parameter and AND across parameters:
`?theme=a&theme=b&institution=kela` means (theme a OR theme b) AND institution kela.

Each theme, institution and country option shows how many cases choosing it would give,
given the other active filters. Two grouped queries give all of them: one over themes, one
over institutions (which also gives the countries). The options come from those same queries,
so an unknown value is found there too, and the total number of results is their sum.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import Count
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django_countries import countries
from django_filters.constants import EMPTY_VALUES

from . import search
from .models import Innovation, Institution, Partner, Theme

SEARCH_MAX_LENGTH = 200
SLUG = re.compile(r"^[-\w]{1,50}$", re.ASCII)
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


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


def unknown_value_message(noun, value):
    shown = Truncator(value).chars(40)
    return f"There is no {noun} “{shown}” in the catalogue. Choose from the list instead."


class OptionsField(forms.MultipleChoiceField):
    """Checkbox values of the right shape; whether each exists is checked against the facets,
    or against `known` when the options are fixed."""

    def __init__(self, *args, noun="option", pattern=SLUG, known=None, **kwargs):
        self.noun = noun
        self.pattern = pattern
        self.known = known
        super().__init__(*args, **kwargs)

    def validate(self, value):
        for item in value:
            if not self.pattern.match(item) or (self.known is not None and item not in self.known):
                raise forms.ValidationError(
                    unknown_value_message(self.noun, item), code="invalid_choice"
                )


class OptionsFilter(django_filters.MultipleChoiceFilter):
    field_class = OptionsField


def checkboxes(label, noun, **kwargs):
    # distinct=False: each case has one institution, so these filters never repeat a row.
    return OptionsFilter(
        label=label, widget=forms.CheckboxSelectMultiple, noun=noun, distinct=False, **kwargs
    )


class InnovationFilter(django_filters.FilterSet):
    SORTS = [
        ("table", "Summary table order"),
        ("newest", "Newest first"),
        ("relevance", "Best match (when searching)"),
    ]

    q = django_filters.CharFilter(
        label="Search",
        method="filter_q",
        max_length=SEARCH_MAX_LENGTH,
        strip=True,
        widget=forms.SearchInput,
        error_messages={
            "max_length": f"The search text is too long. Use at most {SEARCH_MAX_LENGTH} "
            "characters.",
            "null_characters_not_allowed": "The search text holds a character that cannot be "
            "searched for (a null character). Remove it and try again.",
        },
    )
    theme = checkboxes("Success-factor theme", "theme", method="filter_theme")
    institution = checkboxes("Institution", "institution", field_name="institution__slug")
    country = checkboxes(
        "Country", "country", field_name="institution__country", pattern=COUNTRY_CODE
    )
    partner_kind = checkboxes(
        "Worked with", "kind of partner", method="filter_partner_kind", known=Partner.Kind.values
    )
    recognised = django_filters.BooleanFilter(
        label="Recognition",
        method="filter_recognised",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=SORTS,
        method="filter_sort",
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of the listed ways to sort."},
    )

    FACETS = ("theme", "institution", "country")  # each option with its count
    CHOICES = FACETS + ("partner_kind", "recognised")  # everything that narrows the rows

    class Meta:
        model = Innovation
        fields = []

    # Filtering --------------------------------------------------------------------------

    def filter_theme(self, queryset, name, value):
        return queryset.with_any_theme(value)

    def filter_partner_kind(self, queryset, name, value):
        return queryset.with_partner_kinds(value)

    def filter_recognised(self, queryset, name, value):
        return queryset.recognised() if value else queryset

    def filter_q(self, queryset, name, value, themes=(), countries=(), ranked=True):
        """Search. Called by filter_queryset with the chosen themes and countries, which
        narrow the search itself (on PostgreSQL, one lookup in the search index)."""
        return queryset.search(value, themes, countries, ranked=ranked)

    def filter_sort(self, queryset, name, value):
        return queryset  # ordering is applied last, in `rows`, once we know if q is searched

    def filter_queryset(self, queryset, leave_out=(), ranked=True):
        """The cases matching every active filter but `leave_out`; `ranked=False` when only
        counting them, which needs no rank or highlighted headline."""
        values = {
            name: value
            for name, value in self.form.cleaned_data.items()
            if name not in leave_out and value not in EMPTY_VALUES
        }
        if "q" in values:
            queryset = self.filter_q(
                queryset,
                "q",
                values.pop("q"),
                values.pop("theme", ()),
                values.pop("country", ()),
                ranked=ranked,
            )
        for name, value in values.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def is_valid(self):
        return self.valid

    @cached_property
    def valid(self):
        """No filters at all, or well-formed values that the catalogue has. A value of the
        right shape that the catalogue does not have becomes a form error here."""
        if not self.is_bound:
            return True
        if not self.form.is_valid():
            return False
        valid = True
        for name in self.FACETS:
            known = {option.value for option in self.facets[name]}
            for value in self.form.cleaned_data.get(name) or []:
                if value not in known:
                    self.form.add_error(name, unknown_value_message(name, value))
                    valid = False
        return valid

    @property
    def search_text(self):
        return self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("q") or ""

    @property
    def search_terms(self):
        return search.search_terms(self.search_text)

    @cached_property
    def unsearchable(self):
        """True when q holds only stop words or punctuation: nothing can match it."""
        return bool(self.search_text) and not self.search_terms

    @cached_property
    def chosen_sort(self):
        chosen = self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("sort")
        if chosen == "relevance" and not self.search_text:
            return "table"
        return chosen or ("relevance" if self.search_text else "table")

    @cached_property
    def rows(self):
        """The filtered cases in the chosen order; none when a value is not valid, so the form
        can explain why."""
        if not self.is_valid() or self.unsearchable:
            return self.queryset.none()
        rows = self.qs
        if self.chosen_sort == "newest":
            return rows.newest_first()
        if self.chosen_sort == "relevance":
            return rows.by_relevance()
        return rows.in_table_order()

    @property
    def is_active(self):
        return any(self.form.data.get(name) for name in self.CHOICES + ("q",))

    # Facets -----------------------------------------------------------------------------

    def _selected(self, name):
        if not self.is_bound or not self.form.is_valid():
            return set(self.form.data.getlist(name) if self.is_bound else [])
        return set(self.form.cleaned_data.get(name) or [])

    def _cases_without(self, *names):
        """Published cases matching every active filter except `names`, for their counts."""
        cases = Innovation.objects.published()
        if self.unsearchable:
            return cases.none()
        if self.is_bound and self.form.is_valid():
            cases = self.filter_queryset(cases, leave_out={*names, "sort"}, ranked=False)
        return cases

    @cached_property
    def facets(self):
        """{facet name: [Option, ...]} for theme, institution and country, in two queries.

        Institutions and countries come from one count: cases matching every filter but
        those two, per institution. An institution's own count is that number when its
        country is chosen (or none is); a country's is the sum over its chosen institutions
        (or all of them). Each case has one institution, so nothing is counted twice."""
        themes = Theme.objects.counted_values(
            ["slug", "name"], case_count=self._cases_without("theme")
        )
        institutions = Institution.objects.counted_values(
            ["slug", "name", "acronym", "country"],
            case_count=self._cases_without("institution", "country"),
        )
        chosen_institutions = self._selected("institution")
        chosen_countries = self._selected("country")

        institution_items, by_country, language = [], {}, translation.get_language()
        for slug, name, acronym, code, case_count in institutions:
            in_countries = not chosen_countries or code in chosen_countries
            # The label is the institution's short name (Institution.short_name).
            institution_items.append((slug, acronym or name, case_count * in_countries))
            label, count = by_country.get(code, (country_name(code, language), 0))
            if not chosen_institutions or slug in chosen_institutions:
                count += case_count
            by_country[code] = (label, count)

        def options(name, items):
            chosen = self._selected(name)
            return [
                Option(name, value, label, count, value in chosen) for value, label, count in items
            ]

        return {
            "theme": options("theme", themes),
            "institution": options("institution", institution_items),
            "country": options(
                "country",
                sorted(
                    ((code, name, count) for code, (name, count) in by_country.items()),
                    key=lambda item: item[1],
                ),
            ),
        }

    @property
    def facet_groups(self):
        """(form field, options) per facet, for the template; partner kinds come last, without
        counts (they would cost a query more on every page)."""
        chosen = self._selected("partner_kind")
        kinds = [
            Option("partner_kind", value, label, None, value in chosen)
            for value, label in Partner.Kind.choices
        ]
        groups = [(self.form[name], self.facets[name]) for name in self.FACETS]
        return groups + [(self.form["partner_kind"], kinds)]

    @property
    def recognised_only(self):
        return bool(self.is_bound and self.form.is_valid() and self.form.cleaned_data["recognised"])

    @property
    def total(self):
        """The number of rows, from the institution facet: every case has one institution."""
        if not self.is_valid() or self.unsearchable:
            return 0
        chosen = self._selected("institution")
        return sum(
            option.count
            for option in self.facets["institution"]
            if not chosen or option.value in chosen
        )

    # The success-factor matrix ------------------------------------------------------------

    def theme_institution_grid(self):
        """Themes (rows) by institutions (columns): how many cases have both, given the other
        active filters (country, search). Chosen themes or institutions narrow the grid."""
        pairs = (
            self._cases_without("theme", "institution")
            .order_by()
            .values_list("themes__slug", "institution__slug")
            .annotate(count=Count("*"))
        )
        counts = {(theme, institution): count for theme, institution, count in pairs}

        def shown(name):
            options = self.facets[name]
            chosen = self._selected(name)
            return [option for option in options if not chosen or option.value in chosen]

        cleaned = self.form.cleaned_data if self.is_bound else {}
        kept = {
            name: cleaned[name] for name in ("country", "partner_kind", "q") if cleaned.get(name)
        }
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
