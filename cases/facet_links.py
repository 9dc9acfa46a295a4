"""The facets as a page shows them: each facet's options for the filter form, the links
above the results that remove one filter at a time, and an institution's or a theme's own
counts, all from the counts of facets.py (a Selection)."""

from django.utils.translation import gettext

from . import counts, derived, facet_registry, facets
from .languages import labelled
from .models import CaseCount
from .options import Option


def groups(selection):
    """(form field, options) per facet, in the registry's order, for the template; a facet
    without counts lists its fixed options (facet_registry.Facet.counted)."""
    form = selection.filterset.form
    return [(form[facet.name], _options(selection, facet)) for facet in facet_registry.FACETS]


def _options(selection, facet):
    if facet.counted is not None:
        return selection[facet.name]
    chosen = selection.filterset.selected(facet.name)
    return [
        Option(facet.name, v, label, None, v in chosen, language=v if facet.autonyms else "")
        for v, label in facet.choices
    ]


def active(selection):
    """The filters in use, each as (what it is, the query without it): the links above the
    results that remove one filter at a time. Options are named as the form names them; only
    the facets that hold a choice are counted for it."""
    filterset = selection.filterset
    if not filterset.is_bound or not filterset.is_valid():
        return []
    cleaned, form = filterset.form.cleaned_data, filterset.form
    chosen = []
    if cleaned.get("q"):
        search = gettext("Search: “%(text)s”") % {"text": cleaned["q"]}
        chosen.append((search, filterset.query(q=[])))
    for facet in facet_registry.FACETS:
        if filterset.selected(facet.name):
            chosen += _removals(filterset, facet.name, _options(selection, facet))
    start, end = filterset.year_range
    years = {"started_min": start, "started_max": end}
    for name, year in years.items():
        if year is not None:
            chosen.append((labelled(form[name].label, year), filterset.query(**{name: []})))
    if filterset.recognised_only:
        award = gettext("Only practices that received an award")
        chosen.append((award, filterset.query(recognised=[])))
    return chosen


def _removals(filterset, name, options):
    selected = filterset.selected(name)
    label = filterset.form[name].label
    return [
        (
            labelled(label, option.label),
            filterset.query(**{name: sorted(selected - {option.value})}),
        )
        for option in options
        if option.value in selected
    ]


def institution_counts(institution, cases):
    """(how many published cases it has, or None to count them; its themes' counts) for an
    institution's page: from the derived counts while they are fresh, else from `cases`,
    its published cases, counted live."""
    if not derived.fresh():
        return None, facets.theme_counts(cases)
    count = counts.stored_count(CaseCount.INSTITUTION, institution=institution.pk)
    stored = {"institution": institution.pk}
    return count, facets.theme_counts(kind=CaseCount.THEME_INSTITUTION, conditions=stored)


def theme_total(theme):
    """How many published cases have the theme; None, to count them, while the derived
    counts are behind."""
    return counts.stored_count(CaseCount.THEME, theme=theme.pk) if derived.fresh() else None
