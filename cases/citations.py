"""How to cite a case: plain text and BibTeX. A case is cited by its title, as a case of its
institution (not written by it: the catalogue does not know who wrote it), with the date it
was published in the catalogue, labelled as such, its address, and where the case is told
(its sources, such as the ISSA's article, and what each draws on). All in the
page's language: the address cited is that language's page, the title and institution are as
that page shows them, and the title is quoted as that language quotes. A source's own
reference keeps the words (and quotes) it was published in: on the page, it is marked with
its language."""

import html

from django.utils.dateformat import format as format_date
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .languages import page_language

CATALOGUE = _("ISSA Collaborative Innovation Hub case catalogue")
# Each language's quotation marks: outer, then inner (a quote within the title).
QUOTES = {
    "en": ("“", "”", "‘", "’"),
    "fr": ("«\u00a0", "\u00a0»", "“", "”"),
    "es": ("«", "»", "“", "”"),
    "de": ("„", "“", "‚", "‘"),
}


def quoted(text, language):
    """`text` in `language`'s quotation marks, its own quotes made inner ones."""
    opening, closing, inner_opening, inner_closing = QUOTES.get(language, QUOTES["en"])
    for mark in ("“", "«\u00a0", "«", "„"):
        text = text.replace(mark, inner_opening)
    for mark in ("”", "\u00a0»", "»"):
        text = text.replace(mark, inner_closing)
    return f"{opening}{text}{closing}"


def _sources(case):
    return " ".join(source.reference() for source in case.sources.all())


def marked_sources(case):
    """The sources as HTML: each reference marked with its own language where it is not the
    page's, what it draws on in the page's."""
    page = page_language()

    def marked_language(source):
        return (
            format_html(' lang="{}"', source.text_language) if source.text_language != page else ""
        )

    return format_html_join(
        " ",
        "<span{}>{}</span>{}",
        (
            (marked_language(source), source.citation, f" {source.text('context')}".rstrip())
            for source in case.sources.all()
        ),
    )


def _of(case):
    institution = case.institution
    if institution is None:
        return ""
    name, acronym = institution.shown.name, institution.shown.acronym
    name = f"{name} ({acronym})" if acronym else name
    return gettext("a case of %(institution)s") % {"institution": name}


def _published(case, style):
    """`style`: None for the language's own date format, or a format string."""
    if case.published_at is None:
        return gettext("not yet published in the catalogue")
    date = format_date(case.published_at, style) if style else date_format(case.published_at)
    return gettext("published in the catalogue on %(date)s") % {"date": date}


def marked(case, url):
    """The reference as the case's page shows it (HTML)."""
    of = f", {_of(case)}" if _of(case) else ""
    title = quoted(case.shown.title, page_language())
    text = escape(f"{title}{of}. {CATALOGUE}, {_published(case, None)}. {url}.")
    if sources := marked_sources(case):
        text += " " + escape(gettext("Source: %(sources)s")) % {"sources": sources}
    return mark_safe(text)  # every part escaped above


def as_text(reference):
    """A reference from marked(), as text to copy."""
    return html.unescape(strip_tags(reference))


def _braced(text):
    """Text for a BibTeX field: braces kept balanced, LaTeX's special characters escaped."""
    for char in "\\{}":
        text = text.replace(char, "")
    for char in "&%$#_":
        text = text.replace(char, "\\" + char)
    return text.replace("~", "\\textasciitilde{}").replace("^", "\\textasciicircum{}")


def bibtex(case, url):
    """A @misc entry without author or year: neither is known. The note says whose case it is
    and when the catalogue published it."""
    note = " ".join(
        part
        for part in [
            capfirst(_of(case)) + "." if _of(case) else "",
            capfirst(_published(case, "Y-m-d")) + ".",
            gettext("Source: %(sources)s") % {"sources": _sources(case)} if _sources(case) else "",
        ]
        if part
    )
    fields = [
        ("title", _braced(case.shown.title)),
        ("howpublished", f"\\url{{{url}}}"),
        ("organization", str(CATALOGUE)),
        ("note", _braced(note)),
    ]
    key = "innohub-" + case.slug
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}"
