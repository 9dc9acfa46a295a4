"""How to cite a case: plain text and BibTeX, naming the institution, the title, the
catalogue's address for the case, and where the case is told (its sources)."""

CATALOGUE = "ISSA Innovation Hub case catalogue"


def plain(case, url):
    year = case.published_at.year if case.published_at else case.created.year
    title = case.title.replace("“", "‘").replace("”", "’")  # quotes within quotes
    text = f"{case.institution.name}. {year}. “{title}”. {CATALOGUE}. {url}."
    sources = [source.citation for source in case.sources.all()]
    if sources:
        text += " Source: " + " ".join(sources)
    return text


def _braced(text):
    """Text for a BibTeX field: braces kept balanced, LaTeX's special characters escaped."""
    for char in "\\{}":
        text = text.replace(char, "")
    for char in "&%$#_":
        text = text.replace(char, "\\" + char)
    return text.replace("~", "\\textasciitilde{}").replace("^", "\\textasciicircum{}")


def bibtex(case, url):
    year = case.published_at.year if case.published_at else case.created.year
    fields = [
        ("author", "{" + _braced(case.institution.name) + "}"),  # a body, not a person
        ("title", _braced(case.title)),
        ("howpublished", f"\\url{{{url}}}"),
        ("year", str(year)),
        ("organization", CATALOGUE),
    ]
    sources = [source.citation for source in case.sources.all()]
    if sources:
        fields.append(("note", _braced("Source: " + " ".join(sources))))
    key = "innohub-" + case.slug
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}"
