"""Open data: the rows of any view of `/` as CSV or JSON, streamed, and the codebook.

`/data/cases.csv?<the filters of />` and `/data/cases.json?…` hold exactly the rows the table
shows for those filters, on all its pages, in its order. Both are streamed a chunk of rows at a
time, so 100,000 cases export in constant memory. CODEBOOK describes every column; /data/
shows it with the licence.
"""

import csv
import json

from django.db.models import Prefetch

from .models import Collaboration

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
CHUNK = 1000
LIST_SEPARATOR = " | "

# (column, what it holds, an example). In CSV, lists are joined with " | "; in JSON they are
# lists of objects with the same parts.
CODEBOOK = [
    ("slug", "The case's identifier in the catalogue; stable.", "design-thinking"),
    (
        "url",
        "The case's page in the catalogue.",
        "https://…/innovations/design-thinking/",
    ),
    ("title", "The case's name.", "Design thinking to clear the passport backlog"),
    ("institution", "The member institution's name.", "Employment and Social Development Canada"),
    ("institution_acronym", "Its acronym, where it has one.", "ESDC"),
    ("institution_slug", "Its identifier in the catalogue.", "esdc"),
    ("country", "Its country, as an ISO 3166-1 alpha-2 code.", "CA"),
    ("country_name", "Its country's name in English.", "Canada"),
    (
        "themes",
        "The success-factor themes the case illustrates (JSON: slug and name).",
        "Agile teamwork and staff capabilities",
    ),
    ("summary", "What the institution did, in a sentence or two.", "ESDC examined …"),
    (
        "impacts",
        "What it achieved; each with its figure in brackets where there is one (JSON: "
        "statement, qualifier, figure, out_of, unit, figure_text).",
        "More efficient and rapid handling … [less than 8 weeks]",
    ),
    (
        "partners",
        "Who the institution worked with: name (kind, country): their part (JSON: name, kind, "
        "country, role).",
        "Immigration, Refugees and Citizenship Canada (government agency, CA): …",
    ),
    (
        "awards",
        "Recognition the case received: name, year, level, practice (JSON: the same parts).",
        "ISSA Good Practice Award 2020 (award)",
    ),
    ("sources", "Where the case is told, as a reference.", "Innovation through collaboration …"),
    ("published", "When the case was published in the catalogue (ISO 8601).", "2026-11-27"),
]
COLUMNS = [name for name, _, _ in CODEBOOK]


def for_export(rows):
    """Everything a record holds, loaded a chunk at a time (prefetches work per chunk)."""
    return rows.select_related("institution").prefetch_related(
        Prefetch("collaborations", queryset=Collaboration.objects.select_related("partner")),
        "awards",
        "sources",
    )


def record(case, url):
    """One case as the JSON export and the API give it."""
    institution = case.institution
    return {
        "slug": case.slug,
        "url": url,
        "title": case.title,
        "institution": institution.name,
        "institution_acronym": institution.acronym,
        "institution_slug": institution.slug,
        "country": institution.country.code,
        "country_name": str(institution.country.name),
        "themes": [{"slug": t.slug, "name": t.name} for t in case.themes.all()],
        "summary": case.summary,
        "impacts": [
            {
                "statement": i.statement,
                "qualifier": i.qualifier,
                "figure": i.figure,
                "out_of": i.out_of,
                "unit": i.unit,
                "figure_text": i.figure_text,
            }
            for i in case.impacts.all()
        ],
        "partners": [
            {
                "name": c.partner.name,
                "kind": c.partner.get_kind_display(),
                "country": c.partner.country.code or None,
                "role": c.role,
            }
            for c in case.collaborations.all()
        ],
        "awards": [
            {
                "name": a.name,
                "year": a.year,
                "level": a.get_level_display(),
                "practice": a.practice_title,
            }
            for a in case.awards.all()
        ],
        "sources": [{"citation": s.citation, "url": s.url} for s in case.sources.all()],
        "published": case.published_at.date().isoformat() if case.published_at else None,
    }


def csv_cells(data):
    """A record as the CSV's cells, lists joined."""

    def joined(items):
        return LIST_SEPARATOR.join(item for item in items if item)

    return [
        data["slug"],
        data["url"],
        data["title"],
        data["institution"],
        data["institution_acronym"],
        data["institution_slug"],
        data["country"],
        data["country_name"],
        joined(t["name"] for t in data["themes"]),
        data["summary"],
        joined(
            i["statement"] + (f" [{i['figure_text']}]" if i["figure_text"] else "")
            for i in data["impacts"]
        ),
        joined(
            f"{p['name']} ({p['kind'].lower()}{', ' + p['country'] if p['country'] else ''}): "
            f"{p['role']}"
            for p in data["partners"]
        ),
        joined(
            f"{a['name']} {a['year']} ({a['level'].lower()})"
            + (f": {a['practice']}" if a["practice"] else "")
            for a in data["awards"]
        ),
        joined(s["citation"] for s in data["sources"]),
        data["published"] or "",
    ]


class _Line:
    """A file-like object whose write() returns what it was given, for csv.writer."""

    def write(self, value):
        return value


def csv_stream(rows, absolute_url):
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(COLUMNS)  # the byte-order mark: spreadsheets read UTF-8
    for case in for_export(rows).iterator(chunk_size=CHUNK):
        yield writer.writerow(csv_cells(record(case, absolute_url(case))))


def json_stream(rows, absolute_url, about):
    head = json.dumps({**about, "licence": LICENCE, "licence_url": LICENCE_URL})
    yield head[:-1] + ', "innovations": ['
    separator = ""
    for case in for_export(rows).iterator(chunk_size=CHUNK):
        yield separator + json.dumps(record(case, absolute_url(case)), ensure_ascii=False)
        separator = ","
    yield "]}"
