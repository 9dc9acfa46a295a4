"""Forms that are not filters: choosing the cases to compare; suggesting a case."""

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries

from . import writes
from .facet_registry import SLUG
from .filter_fields import unknown_value
from .models import Innovation, Institution, Theme

COMPARE_MAX = 4


class SlugList(forms.MultipleChoiceField):
    """Repeated slugs, each of the right shape; whether each exists is for the view to say.
    Empty values (`?i=`) are left out."""

    def to_python(self, value):
        return [slug for slug in super().to_python(value) if slug]

    def validate(self, value):
        for slug in value:
            if not SLUG.match(slug):
                raise unknown_value("case", slug)


class CompareForm(forms.Form):
    """`?i=<slug>&i=<slug>`: up to four cases, in the order given, each once. One case is
    shown with a word on choosing another (the template), not refused."""

    i = SlugList(required=False)

    def clean_i(self):
        slugs = list(dict.fromkeys(self.cleaned_data["i"]))  # drop repeats, keep order
        if not slugs:
            raise forms.ValidationError(
                _(
                    "Choose two to four cases to compare: tick them in the table of cases, "
                    "then press “Compare ticked cases”."
                )
            )
        if len(slugs) > COMPARE_MAX:
            raise forms.ValidationError(too_many(len(slugs)))
        return slugs


def too_many(count):
    return ngettext(
        "You chose %(count)d case. You can compare at most %(most)d at once.",
        "You chose %(count)d cases. You can compare at most %(most)d at once.",
        count,
    ) % {"count": count, "most": COMPARE_MAX}


class CompareChoice(forms.Form):
    """What the compare buttons send (POST /compare/choose/): published cases to add (`i`:
    the table's ticks, a case page's button), or one to `remove`, or `clear` them all."""

    i = SlugList(required=False)
    remove = forms.CharField(required=False, max_length=50)
    clear = forms.BooleanField(required=False)

    def applied_to(self, chosen):
        """The list of slugs `chosen` after this choice, and what to tell the reader."""
        data = self.cleaned_data
        if data["clear"]:
            return [], _("The comparison is cleared.")
        if data["remove"]:
            return [slug for slug in chosen if slug != data["remove"]], ""
        asked = [slug for slug in dict.fromkeys(data["i"]) if slug not in chosen]
        published = Innovation.objects.published().filter(slug__in=asked)
        found = set(published.values_list("slug", flat=True))
        added = [slug for slug in asked if slug in found]
        if not data["i"] and not chosen:
            return [], _(
                "Tick a case in the table of cases first, or press “Add to compare” on a "
                "case’s page."
            )
        if len(chosen) + len(added) > COMPARE_MAX:
            return chosen, too_many(len(chosen) + len(added)) + " " + str(
                _("Remove a case from the comparison to add another.")
            )
        return chosen + added, ""


class InstitutionChoice(forms.ModelChoiceField):
    """Institutions named in full, with the acronym, in the page's language: “Social Insurance
    Institution (Kela)”."""

    def label_from_instance(self, institution):
        name, acronym = institution.shown.name, institution.shown.acronym
        return f"{name} ({acronym})" if acronym else name


class ThemeChoices(forms.ModelMultipleChoiceField):
    """The success-factor themes, named as the page's language names them."""

    def label_from_instance(self, theme):
        return theme.shown.name


class SuggestionForm(forms.Form):
    """A member's proposal of a case, from /suggest/. `website` is a honeypot: hidden from
    people, filled in by robots that fill in every field."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    institution = InstitutionChoice(
        label=_("Your institution"),
        queryset=Institution.objects.public(),
        required=False,
        empty_label=_("Choose your institution"),
        error_messages={"invalid_choice": _("Choose your institution from the list.")},
    )
    institution_name = forms.CharField(
        label=_("Its name"),
        max_length=200,
        required=False,
        help_text=_("In full, for example “Social Insurance Institution”."),
    )
    institution_country = forms.ChoiceField(
        label=_("Its country"),
        choices=lambda: [("", _("Choose its country")), *countries],
        required=False,
        error_messages={"invalid_choice": _("Choose the country from the list.")},
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("Only the editors see it, to reply to you."),
        max_length=254,
    )
    title = forms.CharField(label=_("Name of the case"), max_length=200)
    language = forms.ChoiceField(
        label=_("Language of your text"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
        required=False,  # the list always sends one; a post without it is in the default
        help_text=_("Write in whichever of the four you prefer; the editors see to translations."),
    )
    summary = forms.CharField(
        label=_("What the institution did"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=3000,
        help_text=_("Two or three sentences are enough."),
    )
    impact = forms.CharField(
        label=_("What it achieved"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_(
            "With a figure if you have one, for example “waiting time cut from 8 to 2 weeks”."
        ),
    )
    themes = ThemeChoices(
        label=_("Its success-factor themes, if you know them"),
        queryset=Theme.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Choose the themes from the list.")},
    )
    stage = forms.ChoiceField(
        label=_("How far along it is"),
        choices=[("", _("Not sure")), *Innovation.Stage.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose the stage from the list.")},
    )
    contact_public = forms.BooleanField(
        label=_("Peers may write to me about it: show my e-mail address on the case's page"),
        help_text=_("Only once the editors publish the case. Leave it unticked to stay private."),
        required=False,
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())  # a name is one line

    def clean_institution_name(self):
        return " ".join(self.cleaned_data["institution_name"].split())

    def clean(self):
        """One institution: chosen from the list, or typed with its country when it is not
        there. A typed name the catalogue already has (its name or acronym) is that one."""
        data = super().clean()
        chosen, name = data.get("institution"), data.get("institution_name")
        country = data.get("institution_country")
        if "institution" in self.errors:
            return data
        if chosen and (name or country):
            self.add_error(
                "institution_name",
                _("You chose an institution from the list and typed another: keep only one."),
            )
        elif not chosen and not (name or country):
            self.add_error(
                "institution",
                _(
                    "Choose your institution, or give its name and country below if it is "
                    "not in the list."
                ),
            )
        elif not chosen and not name:
            self.add_error("institution_name", _("Give the name of your institution too."))
        elif not chosen and not country and "institution_country" not in self.errors:
            self.add_error("institution_country", _("Give the country of your institution too."))
        elif not chosen:
            same = Institution.objects.filter(Q(name__iexact=name) | Q(acronym__iexact=name))
            data["institution"] = same.filter(country=country).first()
        return data

    @property
    def new_institution(self):
        """(name, country code) of an institution not in the catalogue, or ("", "")."""
        if self.cleaned_data.get("institution"):
            return ("", "")
        return (self.cleaned_data["institution_name"], self.cleaned_data["institution_country"])

    @property
    def is_robot(self):
        return bool(self.cleaned_data.get("website"))

    def save(self):
        """The case as a draft in review, with its one impact and who sent it."""
        data = self.cleaned_data
        return writes.create_suggested(
            institution=data["institution"],
            new_institution=self.new_institution,
            language=data["language"] or settings.LANGUAGE_CODE,
            title=data["title"],
            summary=data["summary"],
            impact=data["impact"],
            name=data["name"],
            email=data["email"],
            themes=data["themes"],
            stage=data["stage"],
            contact_public=data["contact_public"],
        )
