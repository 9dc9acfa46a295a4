"""What the catalogue can be filtered by, and how: the FilterSet behind `/` and its form.

Repeated parameters combine as OR within a parameter and AND across parameters:
`?theme=a&theme=b&institution=kela` means (theme a OR theme b) AND institution kela.
"""

import django_filters
from django import forms
from django.utils.text import Truncator

from .models import Innovation, Institution, Theme

SEARCH_MAX_LENGTH = 200


class OptionsField(forms.MultipleChoiceField):
    """Checkbox options whose error names the unknown value, shortened, in plain words."""

    def __init__(self, *args, noun="option", **kwargs):
        self.noun = noun
        super().__init__(*args, **kwargs)

    def validate(self, value):
        for item in value:
            if not self.valid_value(item):
                shown = Truncator(item).chars(40)
                raise forms.ValidationError(
                    f"There is no {self.noun} “{shown}” in the catalogue. "
                    f"Choose from the list instead.",
                    code="invalid_choice",
                )


class OptionsFilter(django_filters.MultipleChoiceFilter):
    field_class = OptionsField


def checkboxes(label, noun, **kwargs):
    return OptionsFilter(
        label=label,
        widget=forms.CheckboxSelectMultiple,
        noun=noun,
        **kwargs,
    )


class InnovationFilter(django_filters.FilterSet):
    theme = checkboxes("Success-factor theme", "theme", method="filter_theme")
    institution = checkboxes("Institution", "institution", field_name="institution__slug")
    country = checkboxes("Country", "country", field_name="institution__country")
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

    class Meta:
        model = Innovation
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        institutions = list(Institution.objects.only("slug", "name", "acronym", "country"))
        themes = Theme.objects.only("slug", "name")
        self.filters["theme"].extra["choices"] = [(t.slug, t.name) for t in themes]
        self.filters["institution"].extra["choices"] = [
            (i.slug, i.short_name) for i in institutions
        ]
        countries = {i.country.code: i.country.name for i in institutions}
        self.filters["country"].extra["choices"] = sorted(
            countries.items(), key=lambda item: item[1]
        )

    def filter_theme(self, queryset, name, value):
        return queryset.with_any_theme(value)

    def filter_q(self, queryset, name, value):
        return queryset.matching(value)

    @property
    def rows(self):
        """The filtered cases; none when a value is not valid, so the form can explain why."""
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return self.qs

    @property
    def is_active(self):
        return any(self.form.data.get(name) for name in self.filters)
