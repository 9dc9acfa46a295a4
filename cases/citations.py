"""How to cite a case: plain text and BibTeX. A case is cited by its title, as a case of its
institution (not written by it: the catalogue does not know who wrote it), with the date it
was published in the catalogue, labelled as such, its address, and where the case is told
(its sources, such as the ISSA's article, and what each draws on). All in the
page's language: the address cited is that language's page, and the title and institution
are as that page shows them."""

from django.utils.dateformat import format as format_date
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

CATALOGUE = _("ISSA Collaborative Innovation Hub case catalogue")


def _sources(case):
    return " ".join(source.reference() for source in case.sources.all())


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


def plain(case, url):
    title = case.shown.title.replace("“", "‘").replace("”", "’")  # quotes within quotes
    of = f", {_of(case)}" if _of(case) else ""
    text = f"“{title}”{of}. {CATALOGUE}, {_published(case, None)}. {url}."
    if sources := _sources(case):
        text += " " + gettext("Source: %(sources)s") % {"sources": sources}
    return text


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
