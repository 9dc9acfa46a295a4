"""Template tags for the catalogue: searched words highlighted, safely; facet options;
institutions' names spelled out."""

import html

from django import template
from django.utils import translation
from django.utils.formats import number_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import npgettext

from cases.search import MARK_END, MARK_START, mark_words

register = template.Library()


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
def lang_of(case):
    """` lang="fr"` when a case's text is in another language than the page's, so that
    screen readers and browsers read it as what it is; nothing when they are the same."""
    language = getattr(case, "original_language", "")
    if language and language != translation.get_language():
        return format_html(' lang="{}"', language)
    return ""


@register.filter
def institution_name(institution):
    """The institution's short name, its full name one hover away (and read out by screen
    readers) when the short name is an acronym: <abbr title="…">ESDC</abbr>."""
    return abbreviated(institution.acronym, institution.name)


def abbreviated(acronym, name):
    if not acronym:
        return escape(name)
    return format_html('<abbr title="{}">{}</abbr>', name, acronym)


OPTION = (
    '<li><input type="checkbox" name="{name}" value="{value}" id="{id}"{checked}>\n'
    '<label for="{id}">{label}{count}</label></li>'
)
COUNT = ' <span class="count">({}<span class="visually-hidden"> {}</span>)</span>'


@register.simple_tag
def checkbox_options(options):
    """One <li> per option (facets.Option): its checkbox, and its label holding the count
    when the option has one. Built here rather than in a template loop, and escaped with the
    standard library's html.escape (what Django's escape calls, without its lazy-string
    wrapper), because `/` lists well over a hundred options at 100,000 cases, and the loop
    took a third of the page's time."""
    items = []
    for option in options:
        count = ""
        if option.count is not None:
            cases = npgettext("after a number", "case", "cases", option.count)
            count = COUNT.format(number_format(option.count, force_grouping=True), cases)
        items.append(
            OPTION.format(
                name=html.escape(option.name),
                value=html.escape(str(option.value)),
                id=html.escape(option.input_id),
                checked=" checked" if option.checked else "",
                label=abbreviated(option.title and option.label, option.title or option.label),
                count=count,
            )
        )
    return mark_safe("\n".join(items))  # every value above is escaped
