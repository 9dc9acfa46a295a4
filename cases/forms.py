"""Forms that are not filters: choosing the cases to compare."""

from django import forms

from .filters import SLUG, unknown_value_message

COMPARE_MIN, COMPARE_MAX = 2, 4


class SlugList(forms.MultipleChoiceField):
    """Repeated slugs, each of the right shape; whether each exists is for the view to say."""

    def validate(self, value):
        for slug in value:
            if not SLUG.match(slug):
                raise forms.ValidationError(unknown_value_message("case", slug))


class CompareForm(forms.Form):
    """`?i=<slug>&i=<slug>`: two to four cases, in the order given, each once."""

    i = SlugList(required=False)

    def clean_i(self):
        slugs = list(dict.fromkeys(self.cleaned_data["i"]))  # drop repeats, keep order
        if not slugs:
            raise forms.ValidationError(
                "Choose two to four cases to compare: tick them in the table of cases, "
                "then press “Compare ticked cases”."
            )
        if len(slugs) < COMPARE_MIN:
            raise forms.ValidationError(
                "Choose at least one more case: comparing needs two to four."
            )
        if len(slugs) > COMPARE_MAX:
            raise forms.ValidationError(
                f"You chose {len(slugs)} cases. You can compare at most {COMPARE_MAX} at once."
            )
        return slugs
