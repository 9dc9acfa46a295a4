"""What the catalogue can be filtered by, and how: the FilterSet behind `/`, the API, the
downloads and /matrix/. Its `qs` is the final result, filtered and in the chosen order.

Repeated parameters combine as OR within a parameter and AND across parameters:
`?theme=a&theme=b&institution=kela` means (theme a OR theme b) AND institution kela. Filters
meet search in one method, filter_queryset(), which hands the chosen themes and countries to
the search so that on PostgreSQL they narrow the same index lookup.

A value of the right shape that the catalogue does not have (a theme, institution or
country) becomes a form error in is_valid(). What the choices give (the counts beside each
option, the number of results, the rows a page lists) is facets.py's, which reads this.
"""

import operator
from functools import reduce

import django_filters
from django import forms
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from . import facet_registry, regions, search
from .filter_fields import (
    CatalogueForm,
    encoded,
    encoded_choice,
    facet_filter,
    unknown_value,
    year_filter,
)
from .languages import page_language
from .models import CountedCase, Innovation, Institution, Theme

SEARCH_MAX_LENGTH = 200
# The value of a public institution that each place filter names.
PLACE_VALUE = {
    "institution": lambda place: place.slug,
    "country": lambda place: place.country,
    "region": lambda place: regions.region_of(place.country),
}


# The facets' filters, from the registry; the FilterSet below adds the search, the years,
# recognition and the sort, and the methods the facets name.
FacetFilters = django_filters.filterset.FilterSetMetaclass(
    "FacetFilters",
    (django_filters.FilterSet,),
    {facet.name: facet_filter(facet) for facet in facet_registry.FACETS} | {"__module__": __name__},
)


class InnovationFilter(FacetFilters):
    SORTS = [
        ("table", _("By institution, as in the article's table")),
        ("newest", _("Newest first")),
        ("relevance", _("Best match")),  # short: a select does not wrap
    ]

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        max_length=SEARCH_MAX_LENGTH,
        strip=True,
        widget=forms.SearchInput,
        error_messages={
            "max_length": format_lazy(
                _("The search text is too long. Use at most {max} characters."),
                max=SEARCH_MAX_LENGTH,
            ),
            "null_characters_not_allowed": _(
                "The search text holds a character that cannot be searched for (a null "
                "character). Remove it and try again."
            ),
        },
    )
    started_min = year_filter(_("Started from"), "gte")
    started_max = year_filter(_("Started up to"), "lte")
    recognised = django_filters.BooleanFilter(
        label=_("Recognition"),
        method="filter_recognised",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=SORTS,
        method="filter_sort",
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the listed ways to sort.")},
    )

    FACETS = facet_registry.counted()  # those whose options show counts (facets.py)
    FROM_CATALOGUE = tuple(f.name for f in facet_registry.FACETS if not f.fixed)
    YEARS = facet_registry.YEARS
    CHOICES = facet_registry.narrowing()  # all that narrows the rows

    class Meta:
        model = Innovation
        fields = []
        form = CatalogueForm

    # Filtering --------------------------------------------------------------------------

    def filter_theme(self, queryset, name, value: str):  # the hint: the API schema's type
        return queryset.with_any_theme(value)

    def filter_places(self, queryset, name, value: str):
        """Cases of the public institutions an institution, country or region filter keeps,
        named by id and by position in Table 1, both as values (self.places). Given these,
        PostgreSQL reads each institution's run of Table 1's index; given a join to the
        institutions' countries, it walked that index from its start until it met them."""
        chosen, place_value = set(value), PLACE_VALUE[name]
        places = [place for place in self.places if place_value(place) in chosen]
        if not places:
            return queryset.none()
        positions = [place.position for place in places]
        return queryset.filter(
            # Where in the index to start and stop: an index condition, where the pairs
            # below, being alternatives, can only filter.
            institution_position__range=(min(positions), max(positions))
        ).filter(
            reduce(
                operator.or_,
                (Q(institution_position=p.position, institution_id=p.pk) for p in places),
            )
        )

    @cached_property
    def places(self):
        """The public institutions that any place filter in use names, as (pk, position, slug,
        country): one query, read by filter_places and by valid."""
        countries = {*self.selected("country"), *regions.countries_of(self.selected("region"))}
        return list(Institution.objects.places(self.selected("institution"), countries))

    def filter_case_field(self, queryset, name, value):
        """A facet on a field of the case that the counted copies do not hold: the cases,
        or their copies, by the ids of the cases that have one of the values."""
        field = facet_registry.BY_NAME[name].field
        cases = Innovation.objects.filter(**{f"{field}__in": value})
        return queryset.filter(pk__in=cases.values("pk"))

    def filter_partner_kind(self, queryset, name, value):
        return queryset.with_partner_kinds(value)

    def filter_recognised(self, queryset, name, value):
        return queryset.recognised() if value else queryset

    def filter_q(self, queryset, name, value, themes=(), countries=(), ranked=True):
        """Search. Called by filter_queryset with the chosen themes and countries, which
        narrow the search itself (on PostgreSQL, one lookup in the search index)."""
        return queryset.search(value, themes, countries, ranked=ranked)

    def filter_sort(self, queryset, name, value):
        return queryset  # ordering is applied last, in `qs`, once we know if q is searched

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
        for name in self.FROM_CATALOGUE:
            chosen = self.form.cleaned_data.get(name) or []
            known = self._known(name) if chosen else set()
            for value in chosen:
                if value not in known:
                    self.form.add_error(name, unknown_value(name, value))
                    valid = False
        return valid

    @cached_property
    def themes(self):
        """{slug: id} of the themes chosen that the catalogue has: one query, read by valid
        and by the counts."""
        return dict(Theme.objects.filter(slug__in=self.selected("theme")).values_list("slug", "pk"))

    def _known(self, name):
        """The values of facet `name` that the catalogue has, of those chosen."""
        if name == "theme":
            return set(self.themes)
        return {PLACE_VALUE[name](place) for place in self.places}

    @property
    def search_text(self):
        return self.is_bound and self.is_valid() and self.form.cleaned_data.get("q") or ""

    @property
    def search_terms(self):
        return search.search_terms(self.search_text, page_language())

    @property
    def looked_for(self):
        """The words the search looks for (search.looked_for), which the page highlights."""
        return search.looked_for(self.search_text, page_language())

    @cached_property
    def unsearchable(self):
        """True when q holds only stop words, punctuation or words to leave out: nothing to
        look for."""
        return bool(self.search_text) and not self.looked_for

    @property
    def answerable(self):
        """The filters can be used and the search has a word to look for: there are results
        to count and show (perhaps none)."""
        return self.is_valid() and not self.unsearchable

    @cached_property
    def chosen_sort(self):
        chosen = self.is_bound and self.is_valid() and self.form.cleaned_data.get("sort")
        if chosen == "relevance" and not self.search_text:
            return "table"
        return chosen or ("relevance" if self.search_text else "table")

    @property
    def qs(self):
        """The filtered cases in the chosen order: the final result. None when a value is not
        valid or the search has no word to look for, so the form can explain why."""
        if not hasattr(self, "_ordered_qs"):
            if not self.answerable:
                self._ordered_qs = self.queryset.none()
            elif self.chosen_sort == "newest":
                self._ordered_qs = super().qs.newest_first()
            elif self.chosen_sort == "relevance":
                self._ordered_qs = super().qs.by_relevance()
            else:
                self._ordered_qs = super().qs.in_table_order()
        return self._ordered_qs

    @property
    def is_active(self):
        return any(self.form.data.get(name) for name in self.CHOICES + ("q",))

    @cached_property
    def in_use(self):
        """The names of the filters in use (the sort aside); None when the form's values are
        not valid, and no stored count may answer."""
        if not self.is_bound:
            return set()
        if not self.is_valid() or self.unsearchable:
            return None
        cleaned = self.form.cleaned_data
        empty = (*EMPTY_VALUES, False)
        return {name for name in self.CHOICES + ("q",) if cleaned.get(name) not in empty}

    def query(self, **changes):
        """The query string of these filters with `changes` ({name: [values]}, an empty
        list to drop a filter): the link to another selection, from page 1, every filter not
        named left as asked (the sort too)."""
        parts = [
            encoded_choice(name, tuple(map(str, changes[name]))) if name in changes else asked
            for name, asked in self._asked_encoded.items()
        ]
        query = "&".join(part for part in parts if part)
        return "?" + query if query else ""

    @cached_property
    def _asked_encoded(self):
        """{name: its values as asked, encoded for a query string}: the pages' links (a few
        hundred on /matrix/) change one or two filters each."""
        return {
            name: encoded(name, self.data.getlist(name) if self.is_bound else [])
            for name in self.CHOICES + ("q", "sort")
        }

    # What is chosen -----------------------------------------------------------------------

    def selected(self, name):
        if not self.is_bound or not self.form.is_valid():
            return set(self.form.data.getlist(name) if self.is_bound else [])
        return set(self.form.cleaned_data.get(name) or [])

    def cases_without(self, *names):
        """Published cases matching every active filter except `names`, for their counts:
        their counted copies (models.CountedCase), narrow rows that the counts read, which the
        database keeps in step with the cases itself (migration 0025)."""
        cases = CountedCase.objects.all()
        if self.unsearchable:
            return cases.none()
        if self.is_bound and self.is_valid():
            cases = self.filter_queryset(cases, leave_out={*names, "sort"}, ranked=False)
        return cases

    @property
    def year_range(self):
        """(from, up to) as chosen, each None when not."""
        if not self.is_bound or not self.is_valid():
            return None, None
        return tuple(self.form.cleaned_data.get(name) for name in self.YEARS)

    @property
    def recognised_only(self):
        return bool(self.is_bound and self.is_valid() and self.form.cleaned_data["recognised"])
