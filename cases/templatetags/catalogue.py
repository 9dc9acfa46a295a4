"""Template tags for the catalogue: searched words highlighted, safely; facet options;
institutions' names spelled out."""

import html

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, npgettext

from cases import languages
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
def lang_of(record):
    """` lang="en"` when a record's text is in another language than the page's, so that
    screen readers and browsers read it as what it is; nothing when they are the same. A case
    says its language (original_language); the other records are in the catalogue's own."""
    language = language_of(record)
    if language != translation.get_language():
        return format_html(' lang="{}"', language)
    return ""


def language_of(record):
    """A case's own language; the catalogue's for every other record."""
    return getattr(record, "original_language", settings.LANGUAGE_CODE)


@register.simple_tag
def untranslated_note(record=None):
    """On a page in another language than a record's (or, without one, than the catalogue's),
    a short note that its text is shown in its original language until it is translated."""
    page = translation.get_language()
    if record is not None:
        if language_of(record) == page:
            return ""
        text = gettext("Not yet translated: shown in its original language.")
    elif page != settings.LANGUAGE_CODE:
        text = gettext("Texts not yet translated are shown in their original language.")
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
    readers) when the short name is an acronym: <abbr title="…">ESDC</abbr>."""
    return abbreviated(institution.acronym, institution.name)


def abbreviated(acronym, name):
    if not acronym:
        return escape(name)
    return format_html('<abbr title="{}">{}</abbr>', name, acronym)


RECORD_NAMES = {"theme", "institution"}  # options named by the catalogue's records


def in_language(html_text, language):
    return format_html('<span lang="{}">{}</span>', language, html_text) if language else html_text


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
    own = "" if translation.get_language() == settings.LANGUAGE_CODE else settings.LANGUAGE_CODE
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
                label=in_language(
                    abbreviated(option.title and option.label, option.title or option.label),
                    own if option.name in RECORD_NAMES else "",
                ),
                count=count,
            )
        )
    return mark_safe("\n".join(items))  # every value above is escaped
