"""Pictures of the catalogue drawn on the server as SVG: the world map of cases by country, and
bar charts of cases by theme, region and year started. No JavaScript, nothing fetched from
elsewhere, no inline style (the Content Security Policy forbids it): colours are classes of
site.css (`shade-0` … `shade-5`), so the map and the charts print and follow the stylesheet.

Every number is a facet count (facets.py): what `/` would give with that one choice instead
of the chosen ones, the other filters kept. So each country, bar or matrix cell links to the
selection it counts, and the numbers cannot disagree with the filter form or the results.
"""

import html
from dataclasses import dataclass
from functools import cached_property, lru_cache
from math import ceil

from django.db.models import Count
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from . import counts, facets, worldmap
from .languages import grouped, page_language
from .regions import REGIONS, region_of

SHADES = 5  # steps of colour for counts above zero; shade-0 is "none"
# Small countries' clickable dot, in map units (the map is 2,700 wide), per size of map.
MARKER_RADIUS = {"full": 14, "small": 24}


def shade(count, most):
    """The colour step of a count, 1 to SHADES in proportion to the largest; 0 for none."""
    return ceil(count * SHADES / most) if count and most else 0


def legend(most):
    """[(shade, lowest, highest)] for the steps that some count from 1 to `most` can take."""
    steps = []
    for step in range(1, SHADES + 1):
        low, high = (step - 1) * most // SHADES + 1, step * most // SHADES
        if low <= high:
            steps.append((step, low, high))
    return steps


def cases_label(name, count):
    """'Finland: 3 cases', the accessible name of a country, a bar or a cell."""
    sentence, number = _cases_wording(page_language(), count)
    return sentence % {"name": name, "count": number}


@lru_cache(maxsize=4096)
def _cases_wording(language, count):
    """The sentence and the grouped number for `count` cases in `language` (the active
    one): the same counts recur on every page (its map and three charts name some eighty),
    and translating and grouping each anew took a millisecond of `/`."""
    sentence = ngettext("%(name)s: %(count)s case", "%(name)s: %(count)s cases", count)
    return sentence, grouped(count)


@dataclass
class Bar:
    label: str
    count: int
    url: str
    language: str = ""
    chosen: bool = False
    # Geometry in the chart's units, set by BarChart.
    y: float = 0
    length: float = 0

    @cached_property
    def name(self):
        return cases_label(self.label, self.count)


@dataclass
class BarChart:
    """Horizontal bars, one per option with cases, each a link to its cases. A long label
    (a theme's name) stands above its bar; a short one (a year) beside it."""

    id: str
    title: str
    bars: list
    short_labels: bool = False
    width: int = 360

    ROW, SHORT_ROW, LABEL, BAR = 42, 24, 48, 14

    def __post_init__(self):
        self.bars = [bar for bar in self.bars if bar.count]
        most = max((bar.count for bar in self.bars), default=0)
        room = self.width - self.bar_x - 48  # the count's digits after the bar
        for index, bar in enumerate(self.bars):
            bar.y = index * self.row_height + (4 if self.short_labels else 22)
            bar.length = max(2, round(room * bar.count / most)) if most else 0

    @property
    def bar_x(self):
        return self.LABEL if self.short_labels else 0

    @property
    def row_height(self):
        return self.SHORT_ROW if self.short_labels else self.ROW

    @property
    def height(self):
        return len(self.bars) * self.row_height + 4

    @property
    def description(self):
        most = max(self.bars, key=lambda bar: bar.count, default=None)
        if most is None:
            return ""
        return gettext("The most: %(name)s. Each bar links to the cases it counts.") % {
            "name": most.name
        }

    def svg(self):
        """The chart as inline SVG, each bar a link named with its count. Built here rather
        than in a template, as the map is: a template loop over the bars (26 for the years)
        took longer than the page's queries."""
        page = page_language()
        label_dy = 14 if self.short_labels else -6
        bars = []
        for bar in self.bars:
            name = html.escape(bar.name)
            language = f' lang="{bar.language}"' if bar.language and bar.language != page else ""
            chosen = ' class="chosen"' if bar.chosen else ""
            bars.append(
                f'<a href="{html.escape(bar.url)}" aria-label="{name}"{chosen}>'
                f"<title>{name}</title>"
                f'<text class="label" x="0" y="{bar.y + label_dy}"{language}>'
                f"{html.escape(bar.label)}</text>"
                f'<rect class="bar" x="{self.bar_x}" y="{bar.y}" width="{bar.length}"'
                f' height="{self.BAR}"/>'
                f'<text class="value" x="{self.bar_x + bar.length + 6}" y="{bar.y + 12}">'
                f"{html.escape(grouped(bar.count))}</text></a>"
            )
        return mark_safe(  # every text above is escaped; the rest are numbers
            f'<svg class="bar-chart" viewBox="0 0 {self.width} {self.height}"'
            f' width="{self.width}" height="{self.height}" role="group"'
            f' aria-labelledby="{self.id}-title" aria-describedby="{self.id}-desc"'
            f' xmlns="http://www.w3.org/2000/svg">'
            f'<desc id="{self.id}-desc">{html.escape(self.description)}</desc>'
            f"{''.join(bars)}</svg>"
        )


def theme_institution_grid(selection):
    """Themes (rows) by institutions (columns): how many cases have both, given the other
    active filters (country, search). Chosen themes or institutions narrow the grid."""
    filterset = selection.filterset
    if selection.filters_only("theme", *facets.PLACES):  # stored, for the places' institutions
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
        options = selection[name]
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
            cells.append((institution, count, link, shade(count, most)))
        rows.append((theme, cells))
    return {"columns": columns, "rows": rows, "legend": legend(most)}


def by_theme(selection):
    return BarChart(
        "chart-themes",
        gettext("Cases by success-factor theme"),
        _bars(selection, "theme", lambda option: {"theme": [option.value]}),
    )


def by_region(selection):
    return BarChart(
        "chart-regions",
        gettext("Cases by region"),
        _bars(selection, "region", lambda option: {"region": [option.value]}),
    )


def by_year(selection):
    bars = _bars(
        selection,
        "year",
        lambda option: {"started_min": [option.value], "started_max": [option.value]},
    )
    return BarChart("chart-years", gettext("Cases by year started"), bars, short_labels=True)


def by_choice(selection, name, chart_id, title):
    """A bar per fixed option of the facet `name` (a stage, a branch) that has cases."""
    return BarChart(chart_id, title, _bars(selection, name, lambda option: {name: [option.value]}))


def every_chart(selection):
    """The charts of /charts/: every counted facet but places' own (the map and /matrix/
    draw those), in the order of the filter form."""
    return [
        by_theme(selection),
        by_region(selection),
        by_choice(selection, "stage", "chart-stages", gettext("Cases by stage")),
        by_choice(selection, "branch", "chart-branches", gettext("Cases by branch")),
        by_year(selection),
    ]


def of_institution(institution, themes):
    """An institution's published cases by theme: `themes` from Theme.counted_values."""
    catalogue = reverse("cases:catalogue")
    bars = [
        Bar(name, count, f"{catalogue}?institution={institution.slug}&theme={slug}", language)
        for slug, name, count, language in themes
    ]
    title = gettext("Cases of %(name)s by theme") % {"name": institution.short_name}
    return BarChart("chart-institution-themes", title, bars)


def _bars(selection, name, chosen):
    """A bar per option of the facet `name`, each linking to `/` with the filters `chosen`
    (option) gives instead of that facet's."""
    catalogue, language = reverse("cases:catalogue"), page_language()
    return [
        Bar(
            option.label,
            option.count,
            catalogue + selection.filterset.query(**chosen(option)),
            option.language or language,  # a record's name may be untranslated
            option.checked,
        )
        for option in selection[name]
    ]


# The map ------------------------------------------------------------------------------------


@dataclass
class Country:
    code: str
    name: str
    count: int
    url: str
    chosen: bool

    @property
    def label(self):
        return cases_label(self.name, self.count)


@dataclass
class Region:
    slug: str
    name: str
    count: int
    url: str
    countries: list


class WorldMap:
    """The countries of the catalogue's institutions with their counts, by region, for the
    map and the table beside it."""

    def __init__(self, selection):
        catalogue = reverse("cases:catalogue")
        self.countries = [
            Country(
                option.value,
                option.label,
                option.count,
                catalogue + selection.filterset.query(country=[option.value]),
                option.checked,
            )
            for option in selection["country"]
        ]
        self.most = max((country.count for country in self.countries), default=0)
        regions = {option.value: option for option in selection["region"]}
        self.regions = [
            Region(
                slug,
                regions[slug].label,
                regions[slug].count,
                catalogue + selection.filterset.query(region=[slug]),
                [c for c in self.countries if c.count and region_of(c.code) == slug],
            )
            for slug, _ in REGIONS
        ]

    @property
    def legend(self):
        return legend(self.most)

    @property
    def linked(self):
        """The countries with cases, in the table's order (by region, then name): the order
        a keyboard moves through them on the map."""
        return [country for region in self.regions for country in region.countries]

    def svg(self, size="full", title_id="map-title"):
        """The map as inline SVG. Built here rather than in a template: it is 250 shapes, and
        a template loop over them took longer than the page's queries."""
        data = worldmap.shapes()
        shapes = data["countries"]
        linked = {country.code for country in self.linked}
        blank = "".join(
            f'<path d="{shape[size]}"/>'
            for code, shape in shapes.items()
            if code not in linked and shape[size]
        )
        links = []
        for country in self.linked:
            shape = shapes.get(country.code)
            if shape is None:  # a code the map has no shape for: the table still lists it
                continue
            marker = ""
            if shape["marker"]:
                x, y = shape["marker"]
                marker = f'<circle class="marker" cx="{x}" cy="{y}" r="{MARKER_RADIUS[size]}"/>'
            label = html.escape(country.label)
            outline = f'<path d="{shape[size]}"/>' if shape[size] else ""  # else a dot only
            links.append(
                f'<a href="{html.escape(country.url)}" aria-label="{label}"'
                f' class="shade-{shade(country.count, self.most)}'
                f'{" chosen" if country.chosen else ""}">'
                f"<title>{label}</title>{outline}{marker}</a>"
            )
        title = html.escape(gettext("Map of the cases by country"))
        return mark_safe(  # every text above is escaped; the shapes are the build's numbers
            f'<svg class="world-map {size}" viewBox="{data["viewBox"]}" role="group"'
            f' aria-labelledby="{title_id}" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="{title_id}">{title}</title>'
            f'<g class="shade-0" aria-hidden="true">{blank}</g>{"".join(links)}</svg>'
        )
