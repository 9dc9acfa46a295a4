"""How to cite a case: plain text and BibTeX, naming the institution, the title, the
catalogue's address for the case, and where the case is told (its sources)."""

CATALOGUE = "ISSA Innovation Hub case catalogue"


def _year(case):
    return (case.published_at or case.created).year


def _sources(case):
    return " ".join(source.citation for source in case.sources.all())


def plain(case, url):
    title = case.title.replace("“", "‘").replace("”", "’")  # quotes within quotes
    text = f"{case.institution.name}. {_year(case)}. “{title}”. {CATALOGUE}. {url}."
    if sources := _sources(case):
        text += " Source: " + sources
    return text


def _braced(text):
    """Text for a BibTeX field: braces kept balanced, LaTeX's special characters escaped."""
    for char in "\\{}":
        text = text.replace(char, "")
    for char in "&%$#_":
        text = text.replace(char, "\\" + char)
    return text.replace("~", "\\textasciitilde{}").replace("^", "\\textasciicircum{}")


def bibtex(case, url):
    fields = [
        ("author", "{" + _braced(case.institution.name) + "}"),  # a body, not a person
        ("title", _braced(case.title)),
        ("howpublished", f"\\url{{{url}}}"),
        ("year", str(_year(case))),
        ("organization", CATALOGUE),
    ]
    if sources := _sources(case):
        fields.append(("note", _braced("Source: " + sources)))
    key = "innohub-" + case.slug
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}"
