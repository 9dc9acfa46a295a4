"""The facets as a page shows them: each facet's options for the filter form, the links
above the results that remove one filter at a time, the theme-by-institution grid of
/matrix/, and an institution's or a theme's own counts, all from the counts of facets.py."""

from django.db.models import Count
from django.utils.translation import gettext

from . import charts, counts, derived, facet_registry, facets
from .models import CaseCount
from .options import Option


def groups(filterset):
    """(form field, options) per facet, in the registry's order, for the template; a facet
    without counts lists its fixed options (facet_registry.Facet.counted)."""
    return [
        (filterset.form[facet.name], _options(filterset, facet)) for facet in facet_registry.FACETS
    ]


def _options(filterset, facet):
    if facet.counted is not None:
        return filterset.facets[facet.name]
    chosen = filterset.selected(facet.name)
    return [
        Option(facet.name, v, label, None, v in chosen, language=v if facet.autonyms else "")
        for v, label in facet.choices
    ]


def theme_institution_grid(filterset):
    """Themes (rows) by institutions (columns): how many cases have both, given the other
    active filters (country, search). Chosen themes or institutions narrow the grid."""
    if filterset.filters_only("theme", *facets.PLACES):  # stored, for the places' institutions
        pairs = counts.theme_institution_counts(facets.place_institutions(filterset))
    else:
        pairs = (
            filterset.cases_without("theme", "institution")
            .order_by()
            .values_list("themes__slug", "institution__slug")
            .annotate(count=Count("*"))
        )
    by_pair = {(theme, institution): count for theme, institution, count in pairs}

    def shown(name):
        options = filterset.facets[name]
        chosen = filterset.selected(name)
        return [option for option in options if not chosen or option.value in chosen]

    columns, themes = shown("institution"), shown("theme")
    most = max((by_pair.get((t.value, i.value), 0) for t in themes for i in columns), default=0)
    rows = []
    for theme in themes:
        cells = []
        for institution in columns:
            count = by_pair.get((theme.value, institution.value), 0)
            # The other filters kept as they are; the sort is the list's, not the cell's.
            link = filterset.query(theme=[theme.value], institution=[institution.value], sort=[])
            cells.append((institution, count, link, charts.shade(count, most)))
        rows.append((theme, cells))
    return {"columns": columns, "rows": rows, "legend": charts.legend(most)}


def active(filterset):
    """The filters in use, each as (what it is, the query without it): the links above the
    results that remove one filter at a time. Options are named as the form names them; only
    the facets that hold a choice are counted for it."""
    if not filterset.is_bound or not filterset.form.is_valid():
        return []
    cleaned, form = filterset.form.cleaned_data, filterset.form
    chosen = []
    if cleaned.get("q"):
        search = gettext("Search: “%(text)s”") % {"text": cleaned["q"]}
        chosen.append((search, filterset.query(q=[])))
    for facet in facet_registry.FACETS:
        if filterset.selected(facet.name):
            chosen += _removals(filterset, facet.name, _options(filterset, facet))
    start, end = filterset.year_range
    years = {"started_min": start, "started_max": end}
    for name, year in years.items():
        if year is not None:
            chosen.append((f"{form[name].label}: {year}", filterset.query(**{name: []})))
    if filterset.recognised_only:
        award = gettext("Only practices that received an award")
        chosen.append((award, filterset.query(recognised=[])))
    return chosen


def _removals(filterset, name, options):
    selected = filterset.selected(name)
    label = filterset.form[name].label
    return [
        (f"{label}: {option.label}", filterset.query(**{name: sorted(selected - {option.value})}))
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
