"""Template tags for the catalogue: searched words highlighted, safely; facet options."""

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from cases.search import MARK_END, MARK_START, mark_words

register = template.Library()


@register.filter
def highlighted(text, terms=None):
    """Escape `text`, then show the searched words in <mark>. The marks are placed by the
    database's headline or, without one, by matching `terms`; nothing typed is trusted."""
    marked = mark_words(str(text), terms or [])
    html = escape(marked).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)


OPTION = (
    '<li><input type="checkbox" name="{}" value="{}" id="{}"{}>\n<label for="{}">{}{}</label></li>'
)
COUNT = ' <span class="count">({}<span class="visually-hidden"> {}</span>)</span>'


@register.simple_tag
def checkbox_options(options):
    """One <li> per option (filters.Option): its checkbox, and its label holding the count
    when the option has one. Built here rather than in a template loop because `/` lists
    well over a hundred options at 100,000 cases, and the loop took a third of the page's
    time."""
    checked = mark_safe(" checked")

    def count(option):
        if option.count is None:
            return ""
        return format_html(COUNT, option.count, "case" if option.count == 1 else "cases")

    return format_html_join(
        "\n",
        OPTION,
        (
            (
                option.name,
                option.value,
                option.input_id,
                checked if option.checked else "",
                option.input_id,
                option.label,
                count(option),
            )
            for option in options
        ),
    )
