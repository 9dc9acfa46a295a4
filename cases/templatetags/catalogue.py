"""Template tags for the catalogue: searched words highlighted, safely; facet options;
institutions' names spelled out."""

import html
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy, ngettext, npgettext

from cases import languages
from cases.exports import Links
from cases.languages import page_language
from cases.options import country_name
from cases.search import MARK_END, MARK_START, mark_words

register = template.Library()


@register.filter
def english(text):
    """Text that exists only in English (an award's official name, the codebook's examples),
    marked as English on another language's page."""
    return format_html('<span lang="en">{}</span>', text) if page_language() != "en" else text


@register.filter
def names_kept(text):
    """A record's text, escaped; in a translation, the names it keeps as its original writes
    them (languages.kept_from_original) marked with the original's language:
    `<span lang="en">Reject appeals management protocol</span>` on a French page."""
    original = getattr(text, "original", "")
    spans = languages.kept_from_original(str(text), original) if original else []
    if not spans:
        return mark_safe(html.escape(str(text)))
    parts, end = [], 0
    for start, stop in spans:
        parts.append(html.escape(text[end:start]))
        parts.append(f'<span lang="{html.escape(text.own)}">{html.escape(text[start:stop])}</span>')
        end = stop
    return mark_safe("".join(parts) + html.escape(text[end:]))  # every text above is escaped


@register.simple_tag
def colon():
    """ ": " as the page's language sets it (languages.COLON)."""
    return languages.COLON


@register.filter
def highlighted(text, terms=None):
    """Escape `text`, then show the searched words in <mark>. The marks are placed by the
    database's headline or, without one, by matching `terms`; nothing typed is trusted."""
    marked = mark_words(str(text), terms or [])
    html = escape(marked).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)


@register.filter
def field(form, name):
    """A form's field by a name held in a variable."""
    return form[name]


@register.filter
def lang_of(value):
    """` lang="fr"` when a text (a record's field as shown, `case.shown.title`, or a facet
    option) or a record is in another language than the page's, so that screen readers and
    browsers read it as what it is; nothing when they are the same."""
    return mark_safe(lang_attribute(value, page_language()))


def lang_attribute(value, page):
    """lang_of() on a page in `page`, for tags that write many texts and so read the page's
    language once."""
    language = language_of(value)
    return f' lang="{html.escape(language)}"' if language != page else ""


def language_of(value):
    """A shown text's or option's language, else a record's own (Translatable.text_language)."""
    return getattr(value, "language", "") or getattr(value, "text_language", settings.LANGUAGE_CODE)


TRANSLATED_FROM = {  # whole sentences: each language says "from French" its own way
    "en": gettext_lazy("Translated from English."),
    "fr": gettext_lazy("Translated from French."),
    "es": gettext_lazy("Translated from Spanish."),
    "de": gettext_lazy("Translated from German."),
}


@register.simple_tag
def untranslated_note(record=None):
    """On a page in another language than a record's (or, without one, than the catalogue's):
    that some of its text is not yet translated and shown in its original language, or that
    it is a translation, and from which language."""
    if record is None:
        if page_language() == settings.LANGUAGE_CODE:
            return ""
        text = gettext("Texts not yet translated are shown in their original language.")
    else:
        parts = [record, *record.translated_parts()]  # already loaded by the page
        if any(part.shown.untranslated for part in parts):
            text = gettext("Not yet translated: shown in its original language.")
        elif any(part.shown.translated for part in parts):
            text = TRANSLATED_FROM[record.text_language]
        else:
            return ""
    return format_html('<p class="translation-note">{}</p>', text)


@register.simple_tag(takes_context=True)
def language_alternates(context):
    """This page in each of the site's languages (languages.alternates)."""
    return languages.alternates(context["request"])


@register.filter
def institution_name(institution):
    """The institution's short name, its full name one hover away (and read out by screen
    readers) when the short name is an acronym: <abbr title="…">ESDC</abbr>, as this page's
    language shows them."""
    return abbreviated(institution.shown.acronym, institution.shown.name)


# abbreviated() and in_language() escape with the standard library's html.escape, as
# Django's escape() does but without its lazy-string wrapper: the filter form calls them for
# each of its 150 options (a tenth of its time went to format_html). Neither is given text
# already marked safe, but in_language's `html_text`, which is HTML.


def abbreviated(acronym, name):
    if not acronym:
        return mark_safe(html.escape(str(name)))
    return mark_safe(f'<abbr title="{html.escape(str(name))}">{html.escape(str(acronym))}</abbr>')


def in_language(html_text, language):
    if not language:
        return html_text
    return mark_safe(f'<span lang="{html.escape(language)}">{html_text}</span>')


OPTION = (
    '<li><input type="checkbox" name="{name}" value="{value}" id="{id}"{checked}>\n'
    '<label for="{id}">{label}{count}</label></li>'
)
COUNT = ' <span class="count">({}<span class="visually-hidden"> {}</span>)</span>'


@lru_cache(maxsize=4096)
def count_text(language, count):
    """An option's count as its label ends, in `language` (the active one): the same few
    hundred counts recur on every page, and translating and grouping each anew was a tenth of
    the filter form's time."""
    cases = npgettext("after a number", "case", "cases", count)
    return COUNT.format(languages.grouped(count), cases)


@register.simple_tag
def checkbox_options(options):
    """The options' list: one <li> per option (options.Option), its checkbox and its label
    holding the count when the option has one. Options that would add no case fold away
    below the others, in a <details> that opens without JavaScript. Built here rather than in
    a template loop, and escaped with the standard library's html.escape (what Django's
    escape calls, without its lazy-string wrapper), because `/` lists well over a hundred
    options at 100,000 cases, and the loop took a third of the page's time."""
    shown, folded = [], []
    page = page_language()
    for option in options:
        count = "" if option.count is None else count_text(page, option.count)
        nothing = option.count == 0 and not option.checked
        (folded if nothing else shown).append(
            OPTION.format(
                name=html.escape(option.name),
                value=html.escape(str(option.value)),
                id=html.escape(option.input_id),
                checked=" checked" if option.checked else "",
                label=in_language(
                    abbreviated(option.title and option.label, option.title or option.label),
                    option.language if option.language not in ("", page) else "",
                ),
                count=count,
            )
        )
    lists = f"<ul>{''.join(shown)}</ul>" if shown else ""
    if folded:
        more = ngettext(
            "Show %(count)s more, with no cases here",
            "Show %(count)s more, with no cases here",
            len(folded),
        ) % {"count": languages.grouped(len(folded))}
        lists += (
            f'<details class="more-options"><summary>{html.escape(more)}</summary>'
            f"<ul>{''.join(folded)}</ul></details>"
        )
    return mark_safe(lists)  # every value above is escaped


@register.simple_tag
def summary_rows(rows, terms=None, compare=False, sort=None):
    """The summary table's body, as Table 1 has it: a <tbody> per run of cases from one
    institution, its name heading the run, then a row per case (title and summary, themes,
    the compare box when asked, the date it was published when sorted newest first,
    impacts), from cases read by querysets.summarised(). Built here, as the options are: the
    template's loop took ten times as long."""
    # Read once for the page, not per text: the page's language (each read goes through
    # Django's context-local translation state); country names are kept per language.
    page = page_language()
    cell = CaseCell(page, terms, gettext("Compare") if compare else "", sort == "newest")
    parts, links = [], Links()
    for institution, cases in groupby(rows, key=lambda case: case.institution):
        cases = list(cases)
        parts.append("<tbody>")
        for index, case in enumerate(cases):
            parts.append("<tr>")
            if index == 0:
                name = institution.text("name", page)
                acronym = institution.text("acronym", page)
                parts.append(
                    f'<th scope="rowgroup" rowspan="{len(cases)}">'
                    f'<a href="{_text(links.institution(institution.slug))}"'
                    f"{lang_attribute(name, page)}>{abbreviated(acronym, name)}</a>, "
                    f"{_text(country_name(institution.country.code, page))}</th>"
                )
            parts.append(cell.html(case, links))
        parts.append("</tbody>")
    return mark_safe("\n".join(parts))  # every text above is escaped


def _text(value):
    return html.escape(str(value))


@dataclass
class CaseCell:
    """A case's cells in the summary table, for a page in `page`: its title and summary
    (the searched `terms` marked), themes, compare box, date and impacts."""

    page: str
    terms: object
    compare_word: str
    dated: bool

    def html(self, case, links):
        page, lang = self.page, self.lang
        title, summary = case.text("title", page), case.text("summary", page)
        shown_title = highlighted(title, self.terms) if self.terms else names_kept(title)
        shown_summary = (
            highlighted(case.headline, self.terms) if case.headline else names_kept(summary)
        )
        parts = [
            f'<td><a class="case-link" href="{_text(links.case(case.slug))}"{lang(title)}>'
            f"{shown_title}</a><p{lang(summary)}>{shown_summary}</p>"
        ]
        if self.dated and case.published_at:
            published = _text(
                gettext("Published on %(date)s") % {"date": date_format(case.published_at)}
            )
            parts.append(f'<p class="published">{published}</p>')
        if themes := case.summary_themes:
            names = str(languages.SEMICOLON).join(
                f"<span{lang(name)}>{_text(name)}</span>" for name in themes
            )
            label = ngettext("Theme:", "Themes:", len(themes))
            parts.append(f'<p class="themes">{_text(label)} {names}</p>')
        if self.compare_word:
            slug = _text(case.slug)
            parts.append(
                f'<p class="compare-pick"><input type="checkbox" name="i" value="{slug}"'
                f' id="compare-{slug}" form="compare-form"> <label for="compare-{slug}">'
                f'{_text(self.compare_word)}<span class="visually-hidden"> {_text(title)}'
                "</span></label></p>"
            )
        impacts = "".join(
            f"<li{lang(statement)}>{names_kept(statement)}</li>"
            for statement in case.summary_impacts
        )
        parts.append(f'</td><td><ul class="impacts">{impacts}</ul></td></tr>')
        return "".join(parts)

    def lang(self, value):
        return lang_attribute(value, self.page)


@register.simple_tag
def year_links(selection):
    """One <li> per year started (the "year" facet): a link to that year's cases, the other
    filters kept, and its count. Built here, as the options are: a template loop over the
    years (26 at 100,000 cases) took a millisecond of every page."""
    page = page_language()
    items = []
    query = selection.filterset.query
    for year in selection["year"]:
        href = html.escape(query(started_min=[year.value], started_max=[year.value]))
        current = ' aria-current="true"' if year.checked else ""
        items.append(
            f'<li><a href="{href}"{current}>{html.escape(year.label)}</a>'
            f"{count_text(page, year.count)}</li>"
        )
    return mark_safe("".join(items))  # every text above is escaped


@register.simple_tag
def matrix_cells(theme, cells):
    """The cells of one theme's row of /matrix/ (charts.theme_institution_grid): each count a
    link to its cases, named for screen readers. Built here, as the options are: the matrix
    has a cell for every theme and institution, over 300 at 100,000 cases."""
    catalogue = reverse("cases:catalogue")
    items = []
    for institution, count, query, shade in cells:
        if not count:
            items.append(f'<td class="shade-{shade}">0</td>')
            continue
        label = ngettext(
            "%(counter)s case of %(institution)s on %(theme)s",
            "%(counter)s cases of %(institution)s on %(theme)s",
            count,
        ) % {"counter": count, "institution": institution.label, "theme": theme.label}
        items.append(
            f'<td class="shade-{shade}"><a href="{html.escape(catalogue + query)}"'
            f' aria-label="{html.escape(label)}">{count}</a></td>'
        )
    return mark_safe("".join(items))  # every text above is escaped; the rest are numbers


@register.simple_tag
def world_map_svg(world_map, size="full"):
    """The map of cases by country as inline SVG (charts.WorldMap.svg)."""
    return world_map.svg(size, title_id=f"map-title-{size}")
