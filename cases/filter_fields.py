"""The filter form's fields, checks and messages, which the FilterSet (filters.py) is made
of: checkboxes of a facet's options (each value of the right shape, then known to the
catalogue), the years started, the rule across fields, the sentence for an unknown value;
and the query strings of the pages' links."""

from functools import lru_cache
from urllib.parse import urlencode

import django_filters
from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from . import facet_registry

YEAR_MIN, YEAR_MAX = 1, 9999  # any year a person types; beyond, the database's column ends

# What to say of a value the catalogue does not have, per filter (the registry's sentences,
# and the compare form's): whole sentences, so that each language can say them its own way.
UNKNOWN = {facet.name: facet.unknown for facet in facet_registry.FACETS} | {
    "case": _("There is no case “%(value)s” in the catalogue. Choose from the list instead.")
}


def unknown_value(name, value):
    """The error for a value of filter `name` that the catalogue does not have. What the
    visitor typed goes in as a parameter, never into the message itself: whoever shows the
    message fills it in, and a % in the value cannot break the formatting (django-filter's
    API errors format with %)."""
    return forms.ValidationError(
        UNKNOWN[name],
        code="invalid_choice",
        params={"value": Truncator(value).chars(40)},
    )


class OptionsField(forms.MultipleChoiceField):
    """Checkbox values of the right shape; whether each exists is checked against the facets,
    or against `known` when the options are fixed."""

    def __init__(self, *args, noun, pattern, known=None, **kwargs):
        self.noun = noun  # the filter's name, for its message (unknown_value)
        self.pattern = pattern
        self.known = known
        super().__init__(*args, **kwargs)

    def validate(self, value):
        for item in value:
            if not self.pattern.match(item) or (self.known is not None and item not in self.known):
                raise unknown_value(self.noun, item)


class OptionsFilter(django_filters.MultipleChoiceFilter):
    field_class = OptionsField


def facet_filter(facet):
    """The filter of a facet of the registry: checkboxes, of a fixed list of options or of
    values the facets find in the catalogue (FilterSet.valid). distinct=False: the filters
    select cases by id or by their own fields, so they never repeat a row."""
    how = {"method": facet.method} if facet.method else {"field_name": facet.field}
    known = [value for value, _label in facet.choices] if facet.fixed else None
    return OptionsFilter(
        label=facet.label,
        widget=forms.CheckboxSelectMultiple,
        noun=facet.name,
        pattern=facet.pattern,
        known=known,
        choices=facet.choices,
        distinct=False,
        **how,
    )


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def year_filter(label, lookup_expr):
    message = _("Give the year as a number, for example 2019.")
    return YearFilter(
        label=label,
        field_name=facet_registry.YEAR_FIELD,
        lookup_expr=lookup_expr,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
    )


def encoded(name, values):
    """`name=value&name=other` for a query string, leaving out fields left empty."""
    return urlencode([(name, str(value)) for value in values if str(value) != ""])


@lru_cache(maxsize=4096)
def encoded_choice(name, values):
    """encoded() of a tuple of values, cached: a page makes its links by the hundred (its
    options, map, charts, years) from the catalogue's own values, and the same few hundred
    recur on every page. Only the catalogue's values and a valid form's reach it (query()'s
    changes), so what it holds is small and bounded."""
    return encoded(name, values)


class CatalogueForm(forms.Form):
    """The filter form's rules across fields."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("started_min"), cleaned.get("started_max")
        if start is not None and end is not None and start > end:
            self.add_error(
                "started_max",
                forms.ValidationError(
                    _("The year “to” (%(end)s) is before the year “from” (%(start)s): swap them."),
                    code="invalid_range",
                    params={"start": start, "end": end},
                ),
            )
        return cleaned
