"""Template filters for the catalogue: showing searched words highlighted, safely."""

from django import template
from django.utils.html import escape
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
